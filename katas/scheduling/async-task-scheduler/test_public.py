import asyncio

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


async def test_due_jobs_start_by_priority_then_in_order():
    """Lower priority value first; equal priorities in the order they were scheduled."""
    clock, log = FakeClock(), []
    s = Scheduler(clock=clock, sleep=clock.sleep)
    for name, priority in [("c", 2), ("a", 0), ("b", 1), ("a2", 0)]:
        s.schedule(name, recorder(clock, log, name), priority=priority)
    results = await s.run()
    assert s.started == ["a", "a2", "b", "c"]
    assert results == {"a": "A", "a2": "A2", "b": "B", "c": "C"}


async def test_waits_for_due_times_with_the_injected_sleep():
    """Sleep exactly until the next due time, through the injected sleep; never with zero."""
    clock, log = FakeClock(), []
    s = Scheduler(clock=clock, sleep=clock.sleep)
    s.schedule("late", recorder(clock, log, "late"), delay=10)
    s.schedule("mid", recorder(clock, log, "mid"), delay=5)
    s.schedule("now", recorder(clock, log, "now"))
    await s.run()
    assert log == [("now", 0.0), ("mid", 5.0), ("late", 10.0)]
    assert clock.sleeps == [5.0, 5.0]


async def test_a_job_is_not_started_before_it_is_due():
    clock, log = FakeClock(), []
    s = Scheduler(clock=clock, sleep=clock.sleep)
    s.schedule("urgent-later", recorder(clock, log, "urgent-later"), delay=5, priority=0)
    s.schedule("low-now", recorder(clock, log, "low-now"), priority=9)
    await s.run()
    assert s.started == ["low-now", "urgent-later"]


async def test_at_most_max_concurrent_jobs_run_at_once():
    clock = FakeClock()
    probe = kata.ConcurrencyProbe()
    s = Scheduler(clock=clock, sleep=clock.sleep, max_concurrent=2)

    def job_for(i):
        async def job():
            async with probe:
                for _ in range(3):
                    await asyncio.sleep(0)
            return i
        return job

    for i in range(6):
        s.schedule(f"j{i}", job_for(i))
    assert await s.run() == {f"j{i}": i for i in range(6)}
    assert probe.max_active == 2


async def test_a_failing_job_does_not_stop_the_others():
    """A job that raises gets its exception object as its result; the others still run."""
    clock, log = FakeClock(), []
    s = Scheduler(clock=clock, sleep=clock.sleep)

    async def broken():
        raise ValueError("bad batch")

    s.schedule("broken", broken)
    s.schedule("fine", recorder(clock, log, "fine"), delay=1)
    results = await s.run()
    assert isinstance(results["broken"], ValueError)
    assert results["fine"] == "FINE"


async def test_cancel_drops_a_pending_job():
    clock, log = FakeClock(), []
    s = Scheduler(clock=clock, sleep=clock.sleep)
    s.schedule("keep", recorder(clock, log, "keep"))
    s.schedule("drop", recorder(clock, log, "drop"), delay=3)
    assert s.cancel("drop") is True
    assert s.cancel("ghost") is False
    assert await s.run() == {"keep": "KEEP"}
    assert clock.sleeps == []


async def test_a_running_job_can_schedule_a_follow_up():
    """Keep running while jobs are running: a job may schedule more work."""
    clock, log = FakeClock(), []
    s = Scheduler(clock=clock, sleep=clock.sleep)

    async def first():
        log.append(("first", clock()))
        await asyncio.sleep(0)
        s.schedule("second", recorder(clock, log, "second"), delay=3)
        return "done"

    s.schedule("first", first, delay=2)
    assert await s.run() == {"first": "done", "second": "SECOND"}
    assert log == [("first", 2.0), ("second", 5.0)]


async def test_nothing_to_do():
    clock = FakeClock()
    assert await Scheduler(clock=clock, sleep=clock.sleep).run() == {}
