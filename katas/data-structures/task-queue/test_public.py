import kata
from solution import TaskQueue


class Job:
    """Hashable (by identity) but not orderable."""

    def __init__(self, name):
        self.name = name


def test_lowest_priority_first():
    q = TaskQueue()
    for task, priority in [("c", 3), ("a", 1), ("b", 2)]:
        q.push(task, priority)
    assert [q.pop() for _ in range(3)] == ["a", "b", "c"]


def test_equal_priorities_are_fifo():
    q = TaskQueue()
    for task in ["first", "second", "third"]:
        q.push(task, 5)
    assert [q.pop() for _ in range(3)] == ["first", "second", "third"]


def test_example_from_the_readme():
    q = TaskQueue()
    q.push("eval", 2); q.push("train", 1); q.push("export", 2)
    q.push("eval", 3)
    q.remove("export")
    assert len(q) == 2
    assert [q.pop() for _ in range(len(q))] == ["train", "eval"]


def test_tasks_are_never_compared():
    """Equal priorities must be ordered by a push counter, never by comparing the tasks."""
    q = TaskQueue()
    jobs = [Job(i) for i in range(4)]
    for job in jobs:
        q.push(job, 0)
    assert [q.pop().name for _ in range(4)] == [0, 1, 2, 3]


def test_pop_and_remove_on_missing_raise_key_error():
    q = TaskQueue()
    with kata.raises(KeyError):
        q.pop()
    with kata.raises(KeyError):
        q.remove("ghost")


def test_repush_counts_once_and_moves_behind_equals():
    """Re-pushing a queued task changes its priority; it counts as pushed now among equal priorities."""
    q = TaskQueue()
    q.push("a", 1); q.push("b", 1)
    q.push("a", 1)
    assert len(q) == 2 and "a" in q
    assert [q.pop(), q.pop()] == ["b", "a"]
    assert "a" not in q
