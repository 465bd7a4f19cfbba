import random

import kata
from solution import TaskQueue


class Job:
    def __init__(self, name):
        self.name = name


def test_random_operations_match_a_reference():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(30):
        q = TaskQueue()
        ref = {}            # task -> (priority, sequence)
        seq = 0
        for _ in range(300):
            op = rng.random()
            task = rng.randrange(15)
            if op < 0.5:
                priority = rng.randrange(5)
                q.push(task, priority)
                ref[task] = (priority, seq)
                seq += 1
            elif op < 0.75:
                if ref:
                    best = min(ref, key=lambda t: ref[t])
                    assert q.pop() == best
                    del ref[best]
                else:
                    with kata.raises(KeyError):
                        q.pop()
            else:
                if task in ref:
                    q.remove(task)
                    del ref[task]
                else:
                    with kata.raises(KeyError):
                        q.remove(task)
            assert len(q) == len(ref)
            assert all((t in q) == (t in ref) for t in range(15))


def test_removed_task_can_be_pushed_again():
    q = TaskQueue()
    q.push("x", 1)
    q.remove("x")
    q.push("x", 2)
    assert len(q) == 1 and q.pop() == "x" and len(q) == 0


def test_lowering_a_priority():
    q = TaskQueue()
    q.push("a", 5); q.push("b", 3)
    q.push("a", 1)
    assert [q.pop(), q.pop()] == ["a", "b"]


def test_many_operations_are_fast():
    """O(log n) per operation: 100 000 pushes, re-pushes, removes and pops must finish in time."""
    rng = random.Random(11)
    q = TaskQueue()
    jobs = [Job(i) for i in range(30_000)]
    for job in jobs:
        q.push(job, rng.randrange(1000))
    for job in jobs[:20_000]:
        q.push(job, rng.randrange(1000))
    for job in jobs[20_000:30_000]:
        q.remove(job)
    popped = 0
    while len(q):
        q.pop()
        popped += 1
    assert popped == 20_000


def test_float_and_negative_priorities():
    q = TaskQueue()
    q.push("a", 0.5); q.push("b", -1); q.push("c", 0.25)
    assert [q.pop() for _ in range(3)] == ["b", "c", "a"]
