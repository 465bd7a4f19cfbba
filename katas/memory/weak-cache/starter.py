class WeakCache:
    """A cache whose values live only as long as someone else uses them."""

    def __init__(self, on_evict=None):
        self.hits = 0
        self.misses = 0
        raise NotImplementedError("set up the weak storage")

    def get_or_create(self, key, factory):
        """The live cached value for `key`, or factory() (cached weakly)."""
        raise NotImplementedError("write get_or_create")

    def __len__(self):
        raise NotImplementedError("write __len__")

    def __contains__(self, key):
        raise NotImplementedError("write __contains__")
