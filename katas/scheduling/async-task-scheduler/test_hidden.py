import asyncio
import random

import kata
from solution import Scheduler


class FakeClock:
    """Time moves only when the scheduler sleeps."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    async def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def recorder(clock, log, name, value=None):
    async def job():
        log.append((name, clock()))
        await asyncio.sleep(0)
        return value if value is not None else name.upper()
    return job


async def settle():
    for _ in range(10):
        await asyncio.sleep(0)


async def test_random_schedules_match_a_reference_order():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(20):
        clock, log = FakeClock(), []
        s = Scheduler(clock=clock, sleep=clock.sleep)
        jobs = []
        for i in range(rng.randint(0, 25)):
            delay = rng.choice([0, 0, 1, 2, 5, 5, 8])
            priority = rng.randint(0, 3)
            jobs.append((float(delay), priority, i))
            s.schedule(f"j{i}", recorder(clock, log, f"j{i}"), delay=delay, priority=priority)
        cancelled = {i for _, _, i in jobs if rng.random() < 0.15}
        for i in cancelled:
            assert s.cancel(f"j{i}") is True
        results = await s.run()
        # instant jobs, one at a time: due time, then priority, then scheduling order
        expected = [f"j{i}" for _, _, i in sorted(j for j in jobs if j[2] not in cancelled)]
        assert s.started == expected
        assert sorted(results) == sorted(expected)
        assert all(t == float(dict((f"j{i}", d) for d, _, i in jobs)[n]) for n, t in log)
        assert all(x > 0 for x in clock.sleeps)


async def test_a_slot_frees_up_for_the_next_job():
    clock = FakeClock()
    s = Scheduler(clock=clock, sleep=clock.sleep, max_concurrent=2)
    gates = {name: asyncio.Event() for name in ["a", "b"]}

    def gated(name):
        async def job():
            await gates[name].wait()
            return name
        return job

    async def third():
        return "c"

    s.schedule("a", gated("a"))
    s.schedule("b", gated("b"))
    s.schedule("c", third)
    runner = asyncio.create_task(s.run())
    await settle()
    assert s.started == ["a", "b"]
    gates["b"].set()
    await settle()
    assert s.started == ["a", "b", "c"]
    gates["a"].set()
    assert await asyncio.wait_for(runner, 1) == {"a": "a", "b": "b", "c": "c"}


async def test_duplicate_names_are_refused():
    clock = FakeClock()
    s = Scheduler(clock=clock, sleep=clock.sleep)
    s.schedule("x", recorder(clock, [], "x"))
    with kata.raises(ValueError):
        s.schedule("x", recorder(clock, [], "x"))


async def test_a_job_can_cancel_a_later_one():
    clock, log = FakeClock(), []
    s = Scheduler(clock=clock, sleep=clock.sleep)

    async def canceller():
        return s.cancel("later")

    s.schedule("canceller", canceller)
    s.schedule("later", recorder(clock, log, "later"), delay=4)
    assert await s.run() == {"canceller": True}
    assert log == [] and clock.sleeps == []


async def test_cancel_of_a_started_job_returns_false():
    clock = FakeClock()
    s = Scheduler(clock=clock, sleep=clock.sleep)
    s.schedule("a", recorder(clock, [], "a"))
    await s.run()
    assert s.cancel("a") is False


async def test_delay_is_measured_from_the_clock_at_schedule_time():
    clock, log = FakeClock(), []
    clock.now = 100.0
    s = Scheduler(clock=clock, sleep=clock.sleep)
    s.schedule("x", recorder(clock, log, "x"), delay=2.5)
    await s.run()
    assert log == [("x", 102.5)] and clock.sleeps == [2.5]
