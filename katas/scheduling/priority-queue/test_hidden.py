import random

import kata
from solution import PriorityQueue


class Model:
    """The obvious O(n) queue, as the reference."""

    def __init__(self):
        self.items = {}
        self.seq = 0

    def push(self, item, p):
        self.items[item] = (p, self.seq)
        self.seq += 1

    def pop(self):
        item = min(self.items, key=self.items.get)
        del self.items[item]
        return item


def test_random_operations_match_a_reference():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    q, model = PriorityQueue(), Model()
    for _ in range(3000):
        op = rng.random()
        item = rng.randrange(60)
        if op < 0.4:
            p = rng.randint(0, 9)
            q.push(item, p)
            model.push(item, p)
        elif op < 0.6:
            if item in model.items:
                p = rng.randint(0, 9)
                q.update(item, p)
                model.push(item, p)
            else:
                with kata.raises(KeyError):
                    q.update(item, 0)
        elif op < 0.7:
            if item in model.items:
                q.remove(item)
                del model.items[item]
            else:
                with kata.raises(KeyError):
                    q.remove(item)
        else:
            if model.items:
                assert q.peek() == min(model.items, key=model.items.get)
                assert q.pop() == model.pop()
            else:
                with kata.raises(KeyError):
                    q.pop()
        assert len(q) == len(model.items)


def test_many_updates_are_fast():
    """20,000 items and 40,000 updates: searching the heap on each update is too slow."""
    q = PriorityQueue()
    n = 20_000
    for i in range(n):
        q.push(i, i)
    for i in range(n):
        q.update(i, n - i)
        q.update(i, n - i)
    assert [q.pop() for _ in range(5)] == [n - 1, n - 2, n - 3, n - 4, n - 5]
    assert len(q) == n - 5


def test_float_and_negative_priorities():
    q = PriorityQueue()
    q.push("a", 0.5)
    q.push("b", -1)
    q.push("c", 0.25)
    assert [q.pop(), q.pop(), q.pop()] == ["b", "c", "a"]


def test_pushing_a_queued_item_reprioritises_it():
    q = PriorityQueue()
    q.push("a", 1)
    q.push("b", 2)
    q.push("a", 3)
    assert len(q) == 2
    assert [q.pop(), q.pop()] == ["b", "a"]
    with kata.raises(KeyError):
        q.pop()


def test_removed_top_is_skipped_by_peek():
    q = PriorityQueue()
    q.push("a", 0)
    q.push("b", 1)
    q.remove("a")
    assert q.peek() == "b" and len(q) == 1
