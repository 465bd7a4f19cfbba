import itertools
import random

import kata
from solution import shuffle_buffer


def test_result_is_a_permutation():
    out = list(shuffle_buffer(range(50), 8, random.Random(0)))
    assert sorted(out) == list(range(50))


def test_it_actually_shuffles():
    out = list(shuffle_buffer(range(50), 8, random.Random(0)))
    assert out != list(range(50))


def test_duplicates_are_kept():
    out = list(shuffle_buffer("aabbb", 3, random.Random(5)))
    assert sorted(out) == ["a", "a", "b", "b", "b"]


def test_same_seed_same_order():
    """All randomness must come from the rng argument, so a seed reproduces the order."""
    first = list(shuffle_buffer(range(30), 5, random.Random(123)))
    second = list(shuffle_buffer(range(30), 5, random.Random(123)))
    assert first == second


def test_buffer_of_one_keeps_the_order():
    assert list(shuffle_buffer(range(5), 1, random.Random(0))) == [0, 1, 2, 3, 4]


def test_bad_buffer_size_fails_at_call_time():
    with kata.raises(ValueError):
        shuffle_buffer([1, 2], 0, random.Random(0))


def test_endless_input():
    out = list(itertools.islice(shuffle_buffer(itertools.count(), 4, random.Random(0)), 10))
    assert len(set(out)) == 10
    assert all(x < 14 for x in out)
