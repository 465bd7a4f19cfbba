class PriorityQueue:
    """Lowest priority first, FIFO among equals, with O(log n) update and remove."""

    def __init__(self):
        raise NotImplementedError("set up the heap")

    def push(self, item, priority):
        raise NotImplementedError("write push")

    def pop(self):
        raise NotImplementedError("write pop")

    def peek(self):
        raise NotImplementedError("write peek")

    def update(self, item, priority):
        raise NotImplementedError("write update")

    def remove(self, item):
        raise NotImplementedError("write remove")

    def __len__(self):
        raise NotImplementedError("write __len__")

    def __contains__(self, item):
        raise NotImplementedError("write __contains__")
