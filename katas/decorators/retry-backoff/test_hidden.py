import random

import kata
from solution import retry


def test_random_schedules():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(200):
        times = rng.randrange(1, 7)
        failures = rng.randrange(0, 9)
        base = rng.choice([0, 0.05, 1, 2.5])
        factor = rng.choice([1, 1.5, 2, 3])
        cap = rng.choice([None, 0.5, 4])
        sleeps, calls = [], [0]

        def func():
            calls[0] += 1
            if calls[0] <= failures:
                raise ConnectionError(calls[0])
            return calls[0]

        wrapped = retry(times, exceptions=(ConnectionError,), base_delay=base,
                        factor=factor, max_delay=cap, sleep=sleeps.append)(func)
        expected_sleeps = [base * factor ** k if cap is None else min(base * factor ** k, cap)
                           for k in range(min(failures, times - 1))]
        if failures < times:
            assert wrapped() == failures + 1
        else:
            with kata.raises(ConnectionError):
                wrapped()
            assert calls[0] == times
        assert sleeps == [kata.approx(s) for s in expected_sleeps]


def test_subclasses_of_listed_exceptions_are_retried():
    sleeps = []
    state = {"n": 0}

    def func():
        state["n"] += 1
        if state["n"] == 1:
            raise ConnectionResetError()
        return "up"

    assert retry(2, exceptions=(ConnectionError,), sleep=sleeps.append)(func)() == "up"
    assert sleeps == [0.1]


def test_each_call_gets_a_fresh_budget():
    """The attempt counter belongs to one call: a later call gets all `times` attempts again."""
    outcomes = iter([1, 0, 1, 0])   # 1 = fail

    def func():
        if next(outcomes):
            raise TimeoutError()
        return "ok"

    wrapped = retry(2, sleep=lambda s: None)(func)
    assert wrapped() == "ok"
    assert wrapped() == "ok"


def test_works_on_methods():
    class Client:
        def __init__(self):
            self.calls = 0

        @retry(3, sleep=lambda s: None)
        def get(self, path):
            self.calls += 1
            if self.calls < 3:
                raise TimeoutError()
            return f"GET {path}"

    c = Client()
    assert c.get("/health") == "GET /health"
    assert c.calls == 3


def test_times_one_means_no_retry():
    sleeps = []

    def func():
        raise TimeoutError("once")

    with kata.raises(TimeoutError, match="once"):
        retry(1, sleep=sleeps.append)(func)()
    assert sleeps == []


def test_the_same_exception_object_is_reraised():
    err = TimeoutError("same")

    def func():
        raise err

    with kata.raises(TimeoutError) as caught:
        retry(2, sleep=lambda s: None)(func)()
    assert caught.value is err


def test_all_bad_arguments():
    for kwargs in ({"times": -1}, {"times": 2, "base_delay": -0.1}, {"times": 2, "factor": 0.5}):
        with kata.raises(ValueError):
            retry(**kwargs)


def test_default_sleep_is_time_sleep():
    import inspect
    import time
    assert inspect.signature(retry).parameters["sleep"].default is time.sleep
