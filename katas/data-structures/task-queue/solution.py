import heapq
import itertools

_REMOVED = object()   # marks a heap entry whose task was removed or re-pushed


class TaskQueue:
    """A min-priority queue of hashable tasks, FIFO among equal priorities,
    with O(log n) push (also re-prioritises), pop and remove."""

    def __init__(self):
        self._heap = []                    # [priority, sequence, task] lists
        self._entries = {}                 # task -> its live heap entry
        self._sequence = itertools.count()

    def push(self, task, priority):
        if task in self._entries:
            self.remove(task)
        entry = [priority, next(self._sequence), task]
        self._entries[task] = entry
        heapq.heappush(self._heap, entry)

    def pop(self):
        while self._heap:
            _, _, task = heapq.heappop(self._heap)
            if task is not _REMOVED:
                del self._entries[task]
                return task
        raise KeyError("pop from an empty TaskQueue")

    def remove(self, task):
        entry = self._entries.pop(task)    # KeyError when not queued
        entry[2] = _REMOVED                # lazy deletion: pop skips it later

    def __len__(self):
        return len(self._entries)

    def __contains__(self, task):
        return task in self._entries
