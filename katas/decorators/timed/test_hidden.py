import random

import kata
from solution import timed


def short(store):
    """The store with keys cut to their last dotted part (these tests define functions locally)."""
    return {key.rsplit(".", 1)[-1]: value for key, value in store.items()}


class ScriptedClock:
    def __init__(self, times):
        self.times = list(times)
        self.reads = 0

    def __call__(self):
        self.reads += 1
        return self.times.pop(0)


def test_random_durations_are_differences_of_clock_reads():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    starts = [rng.randrange(1000) for _ in range(20)]
    durations = [rng.randrange(1, 50) for _ in range(20)]
    reads = [x for s, d in zip(starts, durations) for x in (s, s + d)]
    clock = ScriptedClock(reads)
    store = {}

    @timed(store, clock=clock)
    def step(i):
        return i * 2

    assert [step(i) for i in range(20)] == [i * 2 for i in range(20)]
    assert short(store) == {"step": durations}
    assert clock.reads == 40


def test_methods_are_keyed_by_qualname():
    store = {}

    class Model:
        @timed(store, clock=ScriptedClock([0, 2]))
        def forward(self, x):
            return x + 1

    assert Model().forward(1) == 2
    assert list(store) == ["test_methods_are_keyed_by_qualname.<locals>.Model.forward"]


def test_separate_functions_separate_lists():
    store = {}
    clock = ScriptedClock([0, 1, 10, 13, 20, 21])

    @timed(store, clock=clock)
    def a():
        pass

    @timed(store, clock=clock)
    def b():
        pass

    a(); b(); a()
    assert short(store) == {"a": [1, 1], "b": [3]}


def test_store_keeps_existing_entries():
    store = {"other": [9]}
    timed(store, clock=ScriptedClock([0, 4]))(lambda: None)()
    assert short(store) == {"other": [9], "<lambda>": [4]}


def test_default_clock_gives_non_negative_floats():
    store = {}

    @timed(store)
    def f():
        return sum(range(100))

    f()
    assert len(short(store)["f"]) == 1 and short(store)["f"][0] >= 0


def test_exception_type_and_object_are_unchanged():
    store = {}
    err = ValueError("exact")

    @timed(store, clock=ScriptedClock([0, 1]))
    def g():
        raise err

    with kata.raises(ValueError) as caught:
        g()
    assert caught.value is err
