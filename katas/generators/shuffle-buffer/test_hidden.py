import random
from collections import Counter

import kata
from solution import shuffle_buffer


class Probe:
    """A stream that records how many items were read from it."""

    def __init__(self, n):
        self.read, self.n = 0, n

    def __iter__(self):
        return self

    def __next__(self):
        if self.read >= self.n:
            raise StopIteration
        self.read += 1
        return self.read - 1


def test_never_reads_more_than_the_buffer_ahead():
    """Bounded memory: at any moment, items read - items yielded <= buffer_size."""
    for size in (1, 3, 10):
        probe = Probe(200)
        yielded = 0
        for _ in shuffle_buffer(probe, size, random.Random(size)):
            yielded += 1
            assert probe.read - yielded <= size
        assert yielded == 200


def test_random_inputs_are_permutations():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(100):
        data = [rng.randrange(20) for _ in range(rng.randrange(0, 80))]
        size = rng.randrange(1, 30)
        out = list(shuffle_buffer(data, size, random.Random(rng.random())))
        assert Counter(out) == Counter(data)


def test_different_seeds_differ():
    orders = {tuple(shuffle_buffer(range(40), 10, random.Random(s))) for s in range(5)}
    assert len(orders) == 5


def test_global_random_is_not_used():
    """Only the rng argument may be used: reseeding the global random module must not matter."""
    random.seed(1)
    a = list(shuffle_buffer(range(30), 6, random.Random(9)))
    random.seed(2)
    b = list(shuffle_buffer(range(30), 6, random.Random(9)))
    assert a == b


def test_full_buffer_is_uniform():
    """With buffer_size >= len(input), every item must be equally likely in every position."""
    rng = random.Random(2024)
    first = Counter()
    last = Counter()
    trials = 4000
    for _ in range(trials):
        out = list(shuffle_buffer(range(5), 5, rng))
        first[out[0]] += 1
        last[out[-1]] += 1
    for item in range(5):
        assert 0.15 < first[item] / trials < 0.25
        assert 0.15 < last[item] / trials < 0.25


def test_empty_input_and_short_input():
    assert list(shuffle_buffer([], 4, random.Random(0))) == []
    assert sorted(shuffle_buffer([3, 1], 10, random.Random(0))) == [1, 3]


def test_negative_size():
    with kata.raises(ValueError):
        shuffle_buffer([1], -5, random.Random(0))
