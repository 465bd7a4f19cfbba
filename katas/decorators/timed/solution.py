import functools
import time


def timed(store, clock=time.perf_counter):
    """Return a decorator that appends each call's duration (clock() after
    minus clock() before) to store[func.__qualname__]. Keeps the wrapped
    function's metadata, times calls that raise too."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            start = clock()
            try:
                return func(*args, **kwargs)
            finally:
                store.setdefault(func.__qualname__, []).append(clock() - start)
        return wrapper
    return decorator
