import time


def timed(store, clock=time.perf_counter):
    """Return a decorator that appends each call's duration (clock() after
    minus clock() before) to store[func.__qualname__]. Keeps the wrapped
    function's metadata, times calls that raise too."""
    raise NotImplementedError("write timed")
