import asyncio
import random

import kata
from solution import RateLimitError, RateLimitedClient


class FakeAPI:
    """A scripted fake LLM API. `plan[prompt]` lists the outcome of each
    attempt: "ok", "429", ("429", seconds), "hang", or an exception.
    Attempts beyond the plan succeed."""

    def __init__(self, plan=None):
        self.plan = plan or {}
        self.attempts = {}
        self.cancelled = []
        self.probe = kata.ConcurrencyProbe()

    async def complete(self, prompt):
        n = self.attempts.get(prompt, 0)
        self.attempts[prompt] = n + 1
        steps = self.plan.get(prompt, [])
        outcome = steps[n] if n < len(steps) else "ok"
        async with self.probe:
            for _ in range(3):
                await asyncio.sleep(0)
            if outcome == "hang":
                try:
                    await asyncio.Event().wait()
                except asyncio.CancelledError:
                    self.cancelled.append(prompt)
                    raise
            if outcome == "429":
                raise RateLimitError()
            if isinstance(outcome, tuple):
                raise RateLimitError(retry_after=outcome[1])
            if isinstance(outcome, BaseException):
                raise outcome
            return f"ok:{prompt}"


class FakeSleep:
    """Records backoff delays; returns at once unless a gate is set."""

    def __init__(self, gate=None):
        self.delays = []
        self.gate = gate

    async def __call__(self, seconds):
        self.delays.append(seconds)
        if self.gate is not None:
            await self.gate.wait()
        await asyncio.sleep(0)


async def settle():
    for _ in range(10):
        await asyncio.sleep(0)


async def test_random_failure_plans():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(10):
        limit = rng.randint(1, 4)
        retries = rng.randint(0, 3)
        prompts = [f"p{i}" for i in range(rng.randint(1, 15))]
        plan = {p: ["429"] * rng.randint(0, retries + 1) for p in prompts}
        api = FakeAPI(plan)
        sleep = FakeSleep()
        client = RateLimitedClient(api, max_concurrency=limit, max_retries=retries,
                                   backoff=0.25, sleep=sleep)
        results = await client.complete_many(prompts)
        expected_delays = []
        for p, r in zip(prompts, results):
            failures = len(plan[p])
            if failures > retries:
                assert isinstance(r, RateLimitError)
                assert api.attempts[p] == retries + 1
                expected_delays += [0.25 * 2 ** k for k in range(retries)]
            else:
                assert r == f"ok:{p}"
                assert api.attempts[p] == failures + 1
                expected_delays += [0.25 * 2 ** k for k in range(failures)]
        assert sorted(sleep.delays) == sorted(expected_delays)
        assert api.probe.max_active <= limit


async def test_retry_after_overrides_backoff():
    api = FakeAPI({"q": [("429", 7.5), "429", "ok"]})
    sleep = FakeSleep()
    client = RateLimitedClient(api, backoff=0.1, sleep=sleep)
    assert await client.complete("q") == "ok:q"
    assert sleep.delays == [7.5, 0.2]


async def test_zero_retries_means_one_attempt():
    api = FakeAPI({"q": ["429", "ok"]})
    sleep = FakeSleep()
    client = RateLimitedClient(api, max_retries=0, sleep=sleep)
    with kata.raises(RateLimitError):
        await client.complete("q")
    assert api.attempts["q"] == 1 and sleep.delays == []


async def test_timeouts_exhaust_retries_with_timeout_error():
    api = FakeAPI({"q": ["hang", "hang"]})
    client = RateLimitedClient(api, max_retries=1, timeout=0.01, sleep=FakeSleep())
    with kata.raises(TimeoutError):
        await client.complete("q")
    assert api.cancelled == ["q", "q"]


async def test_the_limit_is_shared_by_concurrent_callers():
    api = FakeAPI()
    client = RateLimitedClient(api, max_concurrency=2, sleep=FakeSleep())
    await asyncio.gather(*(client.complete(f"x{i}") for i in range(8)),
                         client.complete_many([f"y{i}" for i in range(8)]))
    assert api.probe.max_active == 2 and api.probe.entered == 16


async def test_base_exceptions_are_not_swallowed():
    api = FakeAPI({"q": [KeyError("boom")]})
    client = RateLimitedClient(api, sleep=FakeSleep())
    with kata.raises(KeyError):
        await client.complete("q")
