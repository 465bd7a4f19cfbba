def deep_flatten(iterable):
    """Yield the leaves of nested lists and tuples, in order, lazily."""
    raise NotImplementedError("write deep_flatten")
