import functools
import time


def retry(times, *, exceptions=(Exception,), base_delay=0.1, factor=2.0,
          max_delay=None, sleep=time.sleep):
    """Decorator factory: call the function up to `times` times, retrying on
    `exceptions` after sleep(base_delay * factor ** k) (capped at max_delay);
    re-raise the last exception when every attempt failed."""
    if times < 1:
        raise ValueError(f"times must be at least 1, not {times}")
    if base_delay < 0:
        raise ValueError(f"base_delay must not be negative, not {base_delay}")
    if factor < 1:
        raise ValueError(f"factor must be at least 1, not {factor}")

    def delay(k):
        d = base_delay * factor ** k
        return d if max_delay is None else min(d, max_delay)

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(times):
                try:
                    return func(*args, **kwargs)
                except exceptions:
                    if attempt == times - 1:
                        raise
                sleep(delay(attempt))
        return wrapper
    return decorator
