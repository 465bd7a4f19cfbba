class LRUCache:
    """A mapping of at most `capacity` entries that evicts the least
    recently used one. All operations O(1)."""

    def __init__(self, capacity):
        raise NotImplementedError("write LRUCache")

    def get(self, key, default=None):
        raise NotImplementedError

    def put(self, key, value):
        raise NotImplementedError

    def keys(self):
        """Keys, least recently used first."""
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def __contains__(self, key):
        raise NotImplementedError
