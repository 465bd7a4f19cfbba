import kata
from solution import LRUCache


def test_example_from_the_readme():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.keys() == ["a", "c"]
    assert cache.get("b", -1) == -1


def test_get_marks_a_key_as_recently_used():
    cache = LRUCache(3)
    for k in "xyz":
        cache.put(k, k)
    cache.get("x")
    assert cache.keys() == ["y", "z", "x"]


def test_put_on_an_existing_key_updates_without_evicting():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 10)
    assert len(cache) == 2 and cache.evictions == 0
    assert cache.keys() == ["b", "a"] and cache.get("a") == 10


def test_membership_does_not_change_the_order():
    """`key in cache` only peeks: it must not count as a use."""
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert "a" in cache
    cache.put("c", 3)
    assert "a" not in cache and cache.keys() == ["b", "c"]


def test_hits_misses_and_none_values():
    """A stored None is a hit: tell 'absent' from 'None' with a sentinel."""
    cache = LRUCache(2)
    cache.put("n", None)
    assert cache.get("n", "default") is None
    assert cache.get("absent") is None
    assert (cache.hits, cache.misses) == (1, 1)


def test_capacity_must_be_positive():
    with kata.raises(ValueError):
        LRUCache(0)
