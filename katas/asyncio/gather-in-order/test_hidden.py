import asyncio
import random

from solution import fetch_all


class BarrierClient:
    """A fake LLM client: a call finishes only after `expected` calls have
    started, so sequential code never gets past the first call."""

    def __init__(self, expected, finish_order=None):
        self.expected = expected
        self.started = []
        self.finished = []
        self.all_started = asyncio.Event()
        self.finish_order = finish_order

    async def complete(self, prompt):
        self.started.append(prompt)
        if len(self.started) == self.expected:
            self.all_started.set()
        try:
            await asyncio.wait_for(self.all_started.wait(), timeout=1)
        except TimeoutError:
            raise AssertionError(
                f"only {len(self.started)} of {self.expected} calls were in flight: "
                "the calls are not concurrent") from None
        if self.finish_order is not None:
            # finish in the chosen order: wait until it is this prompt's turn
            while self.finish_order[len(self.finished)] != prompt:
                await asyncio.sleep(0)
        self.finished.append(prompt)
        return f"answer:{prompt}"


async def test_random_sizes_and_finish_orders():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(20):
        n = rng.randint(1, 30)
        prompts = [f"p{i}" for i in range(n)]
        order = prompts[:]
        rng.shuffle(order)
        client = BarrierClient(n, finish_order=order)
        assert await fetch_all(client, prompts) == [f"answer:{p}" for p in prompts]
        assert client.finished == order


async def test_duplicate_prompts_are_each_sent():
    client = BarrierClient(4)
    assert await fetch_all(client, ["x", "x", "y", "x"]) == ["answer:x", "answer:x", "answer:y", "answer:x"]
    assert len(client.started) == 4


async def test_returns_a_list():
    result = await fetch_all(BarrierClient(2), ("a", "b"))
    assert type(result) is list and result == ["answer:a", "answer:b"]


async def test_many_calls():
    n = 500
    client = BarrierClient(n)
    result = await fetch_all(client, [str(i) for i in range(n)])
    assert result == [f"answer:{i}" for i in range(n)]
