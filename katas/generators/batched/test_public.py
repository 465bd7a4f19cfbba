import itertools

import kata
from solution import batched


def test_even_split():
    assert list(batched(range(6), 3)) == [(0, 1, 2), (3, 4, 5)]


def test_short_last_batch_is_kept():
    assert list(batched(range(7), 3)) == [(0, 1, 2), (3, 4, 5), (6,)]


def test_drop_last_leaves_out_the_short_batch():
    assert list(batched(range(7), 3, drop_last=True)) == [(0, 1, 2), (3, 4, 5)]


def test_batches_are_tuples():
    assert list(batched("abc", 2)) == [("a", "b"), ("c",)]


def test_empty_input_gives_no_batches():
    assert list(batched([], 4)) == []


def test_bad_size_fails_at_call_time():
    """batched(data, 0) must raise ValueError immediately, before any iteration (a generator function's body runs only at the first next())."""
    with kata.raises(ValueError):
        batched([1, 2, 3], 0)


def test_works_on_an_endless_stream():
    """Laziness: take two batches from itertools.count() without reading it all."""
    assert list(itertools.islice(batched(itertools.count(), 2), 2)) == [(0, 1), (2, 3)]
