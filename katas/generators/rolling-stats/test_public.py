import itertools

import kata
from solution import Stats, rolling_stats


def test_example_from_the_readme():
    assert list(rolling_stats([1, 3, 2, 8, 4], 3)) == [
        Stats(2.0, 1, 3),
        Stats(kata.approx(13 / 3), 2, 8),
        Stats(kata.approx(14 / 3), 2, 8),
    ]


def test_nothing_until_the_window_is_full():
    assert list(rolling_stats([5, 6], 3)) == []


def test_window_of_one_echoes_the_stream():
    assert list(rolling_stats([4, -1], 1)) == [Stats(4.0, 4, 4), Stats(-1.0, -1, -1)]


def test_the_minimum_leaves_the_window():
    """The minimum must be forgotten once it is older than `window` values."""
    assert [s.minimum for s in rolling_stats([0, 5, 6, 7], 2)] == [0, 5, 6]


def test_results_are_stats_named_tuples():
    first = next(rolling_stats([2, 4], 2))
    assert isinstance(first, Stats)
    assert first.mean == 3.0 and first.minimum == 2 and first.maximum == 4


def test_bad_window_fails_at_call_time():
    """rolling_stats(data, 0) must raise ValueError when called, not at the first next()."""
    with kata.raises(ValueError):
        rolling_stats([1, 2], 0)


def test_endless_stream():
    """Laziness: the stream never ends; take the first three results."""
    got = list(itertools.islice(rolling_stats(itertools.count(), 4), 3))
    assert got == [Stats(1.5, 0, 3), Stats(2.5, 1, 4), Stats(3.5, 2, 5)]
