import kata
from solution import Timer


class FakeClock:
    def __init__(self, *readings):
        self.readings = list(readings)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.readings.pop(0)


def test_records_each_block():
    t = Timer(clock=FakeClock(10.0, 10.5, 20.0, 22.0))
    with t:
        pass
    with t:
        pass
    assert t.laps == [0.5, 2.0]
    assert t.last == 2.0 and t.total == 2.5


def test_enter_returns_the_timer():
    t = Timer(clock=FakeClock(0.0, 1.0))
    with t as same:
        assert same is t


def test_records_even_when_the_block_raises():
    """__exit__ runs on errors too: record the lap there, and return False to let the error through."""
    t = Timer(clock=FakeClock(1.0, 4.0))
    with kata.raises(ValueError):
        with t:
            raise ValueError("NaN loss")
    assert t.laps == [3.0]


def test_fresh_timer_and_default_clock():
    t = Timer()
    assert t.laps == [] and t.last is None and t.total == 0
    with t:
        pass
    assert len(t.laps) == 1 and t.laps[0] >= 0


def test_cannot_nest_the_same_timer():
    t = Timer(clock=FakeClock(0.0, 1.0, 2.0))
    with kata.raises(RuntimeError):
        with t:
            with t:
                pass
