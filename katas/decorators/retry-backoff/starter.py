import time


def retry(times, *, exceptions=(Exception,), base_delay=0.1, factor=2.0,
          max_delay=None, sleep=time.sleep):
    """Decorator factory: call the function up to `times` times, retrying on
    `exceptions` after sleep(base_delay * factor ** k) (capped at max_delay);
    re-raise the last exception when every attempt failed."""
    raise NotImplementedError("write retry")
