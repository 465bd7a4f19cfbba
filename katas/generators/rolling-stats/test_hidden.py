import random

import kata
from solution import Stats, rolling_stats


def test_random_streams_match_a_brute_force_reference():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(200):
        data = [rng.randint(-50, 50) for _ in range(rng.randrange(0, 60))]
        window = rng.randrange(1, 12)
        expected = [
            (sum(data[i - window + 1:i + 1]) / window,
             min(data[i - window + 1:i + 1]),
             max(data[i - window + 1:i + 1]))
            for i in range(window - 1, len(data))
        ]
        got = list(rolling_stats(data, window))
        assert len(got) == len(expected)
        for g, (mean, low, high) in zip(got, expected):
            assert g.mean == kata.approx(mean)
            assert (g.minimum, g.maximum) == (low, high)


def test_repeated_values_at_the_extremes():
    got = list(rolling_stats([3, 3, 3, 1, 1, 3, 3, 3], 3))
    assert [s.minimum for s in got] == [3, 1, 1, 1, 1, 3]
    assert [s.maximum for s in got] == [3, 3, 3, 3, 3, 3]


def test_floats():
    got = list(rolling_stats([0.5, 1.5, -2.0], 2))
    assert got == [Stats(1.0, 0.5, 1.5), Stats(kata.approx(-0.25), -2.0, 1.5)]


def test_big_window_is_fast():
    """O(1) amortised per value: recomputing min/max/sum over a 20 000-value window for 60 000 values is far too slow."""
    rng = random.Random(7)
    data = [rng.randrange(10**6) for _ in range(60_000)]
    last = None
    count = 0
    for last in rolling_stats(data, 20_000):
        count += 1
    assert count == 40_001
    tail = data[-20_000:]
    assert last == Stats(kata.approx(sum(tail) / 20_000), min(tail), max(tail))


def test_memory_stays_bounded_on_a_long_stream():
    def run():
        n = 0
        for _ in rolling_stats((i % 1000 for i in range(50_000)), 10):
            n += 1
        return n

    count, peak = kata.peak_memory(run)
    assert count == 49_991
    assert peak < 200_000


def test_negative_window():
    with kata.raises(ValueError):
        rolling_stats([1], -1)
