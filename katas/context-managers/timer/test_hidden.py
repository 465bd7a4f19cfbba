import random

from solution import Timer


def test_random_laps_and_two_calls_per_block():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    readings, expected, now = [], [], 0.0
    for _ in range(50):
        start = now + rng.randint(0, 100)
        end = start + rng.randint(0, 100)
        readings += [float(start), float(end)]
        expected.append(float(end - start))
        now = end
    calls = []

    def clock():
        calls.append(1)
        return readings[len(calls) - 1]

    t = Timer(clock=clock)
    for i in range(50):
        try:
            with t:
                if i % 3 == 0:
                    raise KeyError(i)
        except KeyError:
            pass
    assert t.laps == expected
    assert len(calls) == 100
    assert t.total == sum(expected)


def test_timer_is_reusable_after_a_failed_nest():
    values = iter([0.0, 1.0, 5.0, 6.0])
    t = Timer(clock=lambda: next(values))
    try:
        with t:
            with t:
                pass
    except RuntimeError:
        pass
    with t:
        pass
    assert t.laps == [1.0, 1.0]


def test_separate_timers_do_not_share_laps():
    a, b = Timer(clock=lambda: 0.0), Timer(clock=lambda: 0.0)
    with a:
        pass
    assert a.laps == [0.0] and b.laps == []
