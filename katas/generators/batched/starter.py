def batched(iterable, n, *, drop_last=False):
    """Yield tuples of n consecutive items of iterable, lazily.

    The last batch may be shorter, unless drop_last is true. Raise
    ValueError at call time when n < 1.
    """
    raise NotImplementedError("write batched")
