def shuffle_buffer(iterable, buffer_size, rng):
    """Yield the items of iterable in a random order, holding at most
    buffer_size items at a time; random choices come from rng only.
    ValueError at call time when buffer_size < 1."""
    raise NotImplementedError("write shuffle_buffer")
