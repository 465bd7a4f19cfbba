import time


class Timer:
    """Records the elapsed time of each `with` block in `laps`."""

    def __init__(self, clock=time.perf_counter):
        raise NotImplementedError

    def __enter__(self):
        raise NotImplementedError

    def __exit__(self, exc_type, exc, tb):
        raise NotImplementedError

    @property
    def last(self):
        raise NotImplementedError

    @property
    def total(self):
        raise NotImplementedError
