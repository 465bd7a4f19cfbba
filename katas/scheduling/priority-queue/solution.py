import heapq
import itertools

_REMOVED = object()   # marks an entry that was removed or superseded


class PriorityQueue:
    """Lowest priority first, FIFO among equals, with O(log n) update and remove."""

    def __init__(self):
        self._heap = []          # entries [priority, sequence, item]
        self._entries = {}       # item -> its live entry
        self._seq = itertools.count()

    def push(self, item, priority):
        if item in self._entries:
            self.remove(item)
        entry = [priority, next(self._seq), item]
        self._entries[item] = entry
        heapq.heappush(self._heap, entry)

    def _discard_removed(self):
        while self._heap and self._heap[0][2] is _REMOVED:
            heapq.heappop(self._heap)

    def pop(self):
        self._discard_removed()
        if not self._heap:
            raise KeyError("pop from an empty priority queue")
        item = heapq.heappop(self._heap)[2]
        del self._entries[item]
        return item

    def peek(self):
        self._discard_removed()
        if not self._heap:
            raise KeyError("peek at an empty priority queue")
        return self._heap[0][2]

    def update(self, item, priority):
        if item not in self._entries:
            raise KeyError(item)
        self.push(item, priority)

    def remove(self, item):
        entry = self._entries.pop(item)   # KeyError if not queued
        entry[2] = _REMOVED

    def __len__(self):
        return len(self._entries)

    def __contains__(self, item):
        return item in self._entries
