class TaskQueue:
    """A min-priority queue of hashable tasks, FIFO among equal priorities,
    with O(log n) push (also re-prioritises), pop and remove."""

    def __init__(self):
        raise NotImplementedError("write TaskQueue")

    def push(self, task, priority):
        raise NotImplementedError

    def pop(self):
        raise NotImplementedError

    def remove(self, task):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def __contains__(self, task):
        raise NotImplementedError
