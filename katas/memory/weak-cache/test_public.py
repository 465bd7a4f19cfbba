import gc

import kata
from solution import WeakCache


class Model:
    loads = 0

    def __init__(self, name):
        Model.loads += 1
        self.name = name


def test_a_second_request_shares_the_value():
    cache = WeakCache()
    m1 = cache.get_or_create("bert", lambda: Model("bert"))
    m2 = cache.get_or_create("bert", lambda: Model("other"))
    assert m1 is m2 and m1.name == "bert"
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_cache_does_not_keep_values_alive():
    """Store values only weakly (WeakValueDictionary): the cache alone must not keep a model alive."""
    cache = WeakCache()
    m = cache.get_or_create("bert", lambda: Model("bert"))
    assert len(cache) == 1 and "bert" in cache
    del m
    assert len(cache) == 0 and "bert" not in cache


def test_a_freed_value_is_created_again():
    cache = WeakCache()
    before = Model.loads
    m = cache.get_or_create("gpt", lambda: Model("gpt"))
    del m
    m = cache.get_or_create("gpt", lambda: Model("gpt"))
    assert Model.loads - before == 2
    assert (cache.hits, cache.misses) == (0, 2)


def test_on_evict_is_called_when_a_value_is_freed():
    evicted = []
    cache = WeakCache(on_evict=evicted.append)
    a = cache.get_or_create("a", lambda: Model("a"))
    b = cache.get_or_create("b", lambda: Model("b"))
    del a
    assert evicted == ["a"]
    del b
    assert evicted == ["a", "b"]


def test_values_that_cannot_be_weakly_referenced_are_refused():
    cache = WeakCache()
    with kata.raises(TypeError):
        cache.get_or_create("ids", lambda: [1, 2, 3])
