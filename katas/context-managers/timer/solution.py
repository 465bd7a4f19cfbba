import time


class Timer:
    """Records the elapsed time of each `with` block in `laps`."""

    def __init__(self, clock=time.perf_counter):
        self.clock = clock
        self.laps = []
        self._start = None

    def __enter__(self):
        if self._start is not None:
            raise RuntimeError("this timer is already running")
        self._start = self.clock()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.laps.append(self.clock() - self._start)
        self._start = None
        return False

    @property
    def last(self):
        return self.laps[-1] if self.laps else None

    @property
    def total(self):
        return sum(self.laps)
