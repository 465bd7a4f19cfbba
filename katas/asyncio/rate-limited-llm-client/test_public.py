import asyncio

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


async def test_answers_a_prompt():
    client = RateLimitedClient(FakeAPI(), sleep=FakeSleep())
    assert await client.complete("hi") == "ok:hi"


async def test_complete_many_keeps_order_and_bounds_concurrency():
    """No more than max_concurrency calls may be inside the API at once (an asyncio.Semaphore)."""
    api = FakeAPI()
    client = RateLimitedClient(api, max_concurrency=3, sleep=FakeSleep())
    prompts = [f"p{i}" for i in range(10)]
    assert await client.complete_many(prompts) == [f"ok:{p}" for p in prompts]
    assert api.probe.max_active == 3
    assert api.probe.entered == 10


async def test_rate_limits_are_retried_with_exponential_backoff():
    """Before retry k, wait backoff * 2 ** k, through the injected sleep function."""
    api = FakeAPI({"q": ["429", "429", "ok"]})
    sleep = FakeSleep()
    client = RateLimitedClient(api, max_retries=3, backoff=0.1, sleep=sleep)
    assert await client.complete("q") == "ok:q"
    assert api.attempts["q"] == 3
    assert sleep.delays == [0.1, 0.2]


async def test_gives_up_after_max_retries():
    """max_retries retries means max_retries + 1 attempts; then the last error is raised."""
    api = FakeAPI({"q": ["429"] * 10})
    sleep = FakeSleep()
    client = RateLimitedClient(api, max_retries=2, backoff=1.0, sleep=sleep)
    with kata.raises(RateLimitError):
        await client.complete("q")
    assert api.attempts["q"] == 3
    assert sleep.delays == [1.0, 2.0]


async def test_a_hanging_attempt_times_out_is_cancelled_and_retried():
    api = FakeAPI({"q": ["hang", "ok"]})
    client = RateLimitedClient(api, timeout=0.02, backoff=0.5, sleep=FakeSleep())
    assert await client.complete("q") == "ok:q"
    assert api.cancelled == ["q"]


async def test_other_errors_are_not_retried():
    api = FakeAPI({"q": [ValueError("bad request")]})
    client = RateLimitedClient(api, sleep=FakeSleep())
    with kata.raises(ValueError, match="bad request"):
        await client.complete("q")
    assert api.attempts["q"] == 1


async def test_backoff_does_not_hold_a_slot():
    """While a call waits to retry it must release its concurrency slot: hold the semaphore around one attempt only."""
    api = FakeAPI({"a": ["429", "ok"]})
    gate = asyncio.Event()
    client = RateLimitedClient(api, max_concurrency=1, sleep=FakeSleep(gate))
    waiting = asyncio.create_task(client.complete("a"))
    await settle()                     # "a" is now waiting in its backoff sleep
    try:
        answer = await asyncio.wait_for(client.complete("b"), 1)
    except TimeoutError:
        raise AssertionError("'b' could not get the only slot while 'a' was sleeping") from None
    finally:
        gate.set()
    assert answer == "ok:b"
    assert await waiting == "ok:a"


async def test_complete_many_puts_failures_in_place():
    api = FakeAPI({"b": ["429"] * 5})
    client = RateLimitedClient(api, max_retries=1, sleep=FakeSleep())
    results = await client.complete_many(["a", "b", "c"])
    assert results[0] == "ok:a" and results[2] == "ok:c"
    assert isinstance(results[1], RateLimitError)
