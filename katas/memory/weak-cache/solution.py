import weakref


class WeakCache:
    """A cache whose values live only as long as someone else uses them."""

    def __init__(self, on_evict=None):
        self.hits = 0
        self.misses = 0
        self._entries = weakref.WeakValueDictionary()
        self._on_evict = on_evict

    def get_or_create(self, key, factory):
        """The live cached value for `key`, or factory() (cached weakly)."""
        value = self._entries.get(key)     # a strong reference from here on
        if value is not None:
            self.hits += 1
            return value
        self.misses += 1
        value = factory()
        self._entries[key] = value         # TypeError if not weakly referenceable
        if self._on_evict is not None:
            weakref.finalize(value, self._on_evict, key)
        return value

    def __len__(self):
        return len(self._entries)

    def __contains__(self, key):
        return self._entries.get(key) is not None
