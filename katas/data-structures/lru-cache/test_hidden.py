import random

from solution import LRUCache


class ReferenceLRU:
    def __init__(self, capacity):
        self.capacity, self.items = capacity, []   # list of [key, value], LRU first
        self.hits = self.misses = self.evictions = 0

    def _find(self, key):
        for i, (k, _) in enumerate(self.items):
            if k == key:
                return i
        return -1

    def get(self, key, default=None):
        i = self._find(key)
        if i < 0:
            self.misses += 1
            return default
        self.hits += 1
        self.items.append(self.items.pop(i))
        return self.items[-1][1]

    def put(self, key, value):
        i = self._find(key)
        if i >= 0:
            self.items.pop(i)
        elif len(self.items) >= self.capacity:
            self.items.pop(0)
            self.evictions += 1
        self.items.append([key, value])


def test_random_operations_match_a_reference():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(50):
        capacity = rng.randrange(1, 8)
        cache, ref = LRUCache(capacity), ReferenceLRU(capacity)
        for _ in range(200):
            key = rng.randrange(12)
            op = rng.random()
            if op < 0.45:
                assert cache.get(key, "d") == ref.get(key, "d")
            elif op < 0.9:
                value = rng.randrange(1000)
                cache.put(key, value)
                ref.put(key, value)
            else:
                assert (key in cache) == (ref._find(key) >= 0)
            assert cache.keys() == [k for k, _ in ref.items]
            assert len(cache) == len(ref.items)
        assert (cache.hits, cache.misses, cache.evictions) == (ref.hits, ref.misses, ref.evictions)


def test_capacity_one():
    cache = LRUCache(1)
    cache.put(1, "a")
    cache.put(2, "b")
    assert cache.keys() == [2] and cache.get(1) is None and cache.evictions == 1


def test_operations_are_constant_time():
    """200 000 operations on a 50 000-entry cache: a list scan per operation is far too slow."""
    cache = LRUCache(50_000)
    for i in range(60_000):
        cache.put(i, i)
    rng = random.Random(1)
    total = 0
    for _ in range(140_000):
        k = rng.randrange(10_000, 60_000)
        total += cache.get(k, 0)
    assert len(cache) == 50_000 and cache.evictions == 10_000
    assert cache.hits == 140_000 and total > 0


def test_negative_capacity():
    try:
        LRUCache(-3)
    except ValueError:
        return
    raise AssertionError("LRUCache(-3) must raise ValueError")


def test_instances_are_independent():
    a, b = LRUCache(2), LRUCache(2)
    a.put("x", 1)
    assert b.keys() == [] and b.hits == 0
