def deep_flatten(iterable):
    """Yield the leaves of nested lists and tuples, in order, lazily."""
    for item in iterable:
        if isinstance(item, (list, tuple)):
            yield from deep_flatten(item)
        else:
            yield item
