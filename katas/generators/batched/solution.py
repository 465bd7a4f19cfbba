from itertools import islice


def batched(iterable, n, *, drop_last=False):
    """Yield tuples of n consecutive items of iterable, lazily.

    The last batch may be shorter, unless drop_last is true. Raise
    ValueError at call time when n < 1.
    """
    if n < 1:
        raise ValueError(f"batch size must be at least 1, not {n}")
    return _batches(iter(iterable), n, drop_last)


def _batches(iterator, n, drop_last):
    while batch := tuple(islice(iterator, n)):
        if drop_last and len(batch) < n:
            return
        yield batch
