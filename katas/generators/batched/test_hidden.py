import random

import kata
from solution import batched


class CountingSource:
    """An iterator that records how many items were taken from it."""

    def __init__(self, n):
        self.taken, self.n = 0, n

    def __iter__(self):
        return self

    def __next__(self):
        if self.taken >= self.n:
            raise StopIteration
        self.taken += 1
        return self.taken - 1


def test_random_sizes_match_a_reference():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(300):
        data = [rng.randrange(100) for _ in range(rng.randrange(0, 40))]
        n = rng.randrange(1, 9)
        drop = rng.random() < 0.5
        expected = [tuple(data[i:i + n]) for i in range(0, len(data), n)]
        if drop and expected and len(expected[-1]) < n:
            expected.pop()
        assert list(batched(data, n, drop_last=drop)) == expected


def test_reads_only_what_it_yields():
    source = CountingSource(100)
    gen = batched(source, 4)
    assert source.taken == 0
    assert next(gen) == (0, 1, 2, 3)
    assert source.taken == 4
    next(gen)
    assert source.taken == 8


def test_negative_size_and_size_one():
    with kata.raises(ValueError):
        batched("abc", -2)
    assert list(batched("abc", 1)) == [("a",), ("b",), ("c",)]


def test_drop_last_on_exact_multiple_keeps_everything():
    assert list(batched(range(4), 2, drop_last=True)) == [(0, 1), (2, 3)]
    assert list(batched(range(1), 2, drop_last=True)) == []


def test_input_is_read_once_as_an_iterator():
    gen = (x for x in range(5))
    assert list(batched(gen, 2)) == [(0, 1), (2, 3), (4,)]


def test_returns_an_iterator():
    result = batched([1, 2, 3], 2)
    assert iter(result) is result
    assert not isinstance(result, list)
