def shuffle_buffer(iterable, buffer_size, rng):
    """Yield the items of iterable in a random order, holding at most
    buffer_size items at a time; random choices come from rng only.
    ValueError at call time when buffer_size < 1."""
    if buffer_size < 1:
        raise ValueError(f"buffer_size must be at least 1, not {buffer_size}")
    return _shuffled(iter(iterable), buffer_size, rng)


def _shuffled(items, buffer_size, rng):
    buffer = []
    for item in items:
        if len(buffer) < buffer_size:
            buffer.append(item)
            continue
        slot = rng.randrange(buffer_size)
        yield buffer[slot]
        buffer[slot] = item
    rng.shuffle(buffer)
    yield from buffer
