import itertools

import kata
from solution import timed


def short(store):
    """The store with keys cut to their last dotted part (these tests define functions locally)."""
    return {key.rsplit(".", 1)[-1]: value for key, value in store.items()}


def fake_clock(step=1.0):
    ticks = itertools.count(0.0, step)
    return lambda: next(ticks)


def test_returns_the_result():
    store = {}

    @timed(store)
    def add(a, b):
        return a + b

    assert add(2, 3) == 5


def test_records_one_duration_per_call():
    store = {}

    @timed(store, clock=fake_clock(0.5))
    def work():
        return None

    work(); work(); work()
    assert short(store) == {"work": [0.5, 0.5, 0.5]}


def test_passes_keyword_arguments():
    store = {}

    @timed(store)
    def scale(x, *, factor=1):
        return x * factor

    assert scale(3, factor=4) == 12


def test_keeps_metadata():
    """Use functools.wraps: name, docstring and __wrapped__ must be those of the original."""
    store = {}

    def loss(pred, target):
        """Squared error."""
        return (pred - target) ** 2

    wrapped = timed(store)(loss)
    assert kata.preserves_metadata(wrapped, loss)
    assert wrapped.__name__ == "loss"


def test_a_call_that_raises_is_timed_and_still_raises():
    """Record the duration in a finally block, and let the exception through."""
    store = {}

    @timed(store, clock=fake_clock())
    def broken():
        raise KeyError("missing")

    with kata.raises(KeyError):
        broken()
    assert short(store) == {"broken": [1.0]}
