import gc
import random

import kata
from solution import WeakCache


class Model:
    def __init__(self, key):
        self.key = key


def test_random_holds_and_releases():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    evicted = []
    cache = WeakCache(on_evict=evicted.append)
    held = {}           # key -> list of strong references held by "requests"
    hits = misses = 0
    for _ in range(2000):
        key = rng.randrange(10)
        if rng.random() < 0.6:
            alive = bool(held.get(key))
            created = []
            value = cache.get_or_create(key, lambda: created.append(1) or Model(key))
            assert value.key == key
            if alive:
                hits += 1
                assert not created and value is held[key][0]
            else:
                misses += 1
                assert created == [1]
            held.setdefault(key, []).append(value)
            del value
        elif held.get(key):
            held[key].pop()
        live = {k for k, refs in held.items() if refs}
        assert len(cache) == len(live)
        assert all((k in cache) == (k in live) for k in range(10))
    assert (cache.hits, cache.misses) == (hits, misses)
    assert len(evicted) == misses - len([k for k, refs in held.items() if refs])


def test_keys_of_any_hashable_type():
    cache = WeakCache()
    key = ("resnet", 50)
    m = cache.get_or_create(key, lambda: Model(key))
    assert cache.get_or_create(("resnet", 50), lambda: Model("x")) is m


def test_factory_not_called_on_hit():
    cache = WeakCache()
    m = cache.get_or_create("k", lambda: Model("k"))

    def must_not_run():
        raise AssertionError("factory called on a hit")

    assert cache.get_or_create("k", must_not_run) is m


def test_a_failing_factory_caches_nothing():
    cache = WeakCache()

    def broken():
        raise RuntimeError("download failed")

    with kata.raises(RuntimeError):
        cache.get_or_create("k", broken)
    assert len(cache) == 0 and "k" not in cache
    m = cache.get_or_create("k", lambda: Model("k"))
    assert m.key == "k"


def test_missing_key_is_not_contained():
    assert "nothing" not in WeakCache()
    assert len(WeakCache()) == 0
