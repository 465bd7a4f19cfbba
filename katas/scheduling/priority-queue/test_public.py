import kata
from solution import PriorityQueue


def test_lowest_priority_first():
    q = PriorityQueue()
    for item, p in [("c", 3), ("a", 1), ("b", 2)]:
        q.push(item, p)
    assert [q.pop(), q.pop(), q.pop()] == ["a", "b", "c"]


def test_equal_priorities_pop_in_insertion_order():
    """Ties go to the item pushed first: add a sequence number to each heap entry."""
    q = PriorityQueue()
    for item in ["x", "y", "z"]:
        q.push(item, 5)
    assert [q.pop(), q.pop(), q.pop()] == ["x", "y", "z"]


def test_items_need_not_be_comparable():
    """Items are never compared to each other, only priorities and sequence numbers are."""
    q = PriorityQueue()
    a, b = object(), object()
    q.push(a, 1)
    q.push(b, 1)
    assert q.pop() is a and q.pop() is b


def test_update_changes_the_order():
    q = PriorityQueue()
    q.push("train", 2)
    q.push("eval", 1)
    q.update("train", 0)
    assert q.peek() == "train"
    assert [q.pop(), q.pop()] == ["train", "eval"]
    assert len(q) == 0


def test_an_updated_item_ranks_as_newly_pushed():
    """After update, an item goes behind the items already waiting at its new priority."""
    q = PriorityQueue()
    q.push("a", 1)
    q.push("b", 1)
    q.update("a", 1)
    assert [q.pop(), q.pop()] == ["b", "a"]


def test_remove_len_and_contains():
    q = PriorityQueue()
    q.push("a", 1)
    q.push("b", 2)
    q.remove("a")
    assert len(q) == 1 and "a" not in q and "b" in q
    assert q.pop() == "b"


def test_errors_are_key_errors():
    q = PriorityQueue()
    with kata.raises(KeyError):
        q.pop()
    with kata.raises(KeyError):
        q.peek()
    with kata.raises(KeyError):
        q.update("ghost", 1)
    with kata.raises(KeyError):
        q.remove("ghost")
