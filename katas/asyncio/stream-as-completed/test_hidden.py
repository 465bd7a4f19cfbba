import asyncio
import random

from solution import stream_answers


class GatedClient:
    """A fake LLM client whose calls finish only when the test releases
    them, so the finishing order is chosen by the test, not by timing."""

    def __init__(self):
        self.gates = {}
        self.started = []
        self.cancelled = []
        self.failures = {}

    def _gate(self, prompt):
        if prompt not in self.gates:
            self.gates[prompt] = asyncio.Event()
        return self.gates[prompt]

    def release(self, prompt):
        self._gate(prompt).set()

    async def complete(self, prompt):
        self.started.append(prompt)
        try:
            await self._gate(prompt).wait()
        except asyncio.CancelledError:
            self.cancelled.append(prompt)
            raise
        if prompt in self.failures:
            raise self.failures[prompt]
        return prompt.upper()


async def settle():
    for _ in range(5):
        await asyncio.sleep(0)


async def test_random_release_orders():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(15):
        n = rng.randint(1, 12)
        prompts = [f"p{i}" for i in range(n)]
        order = list(range(n))
        rng.shuffle(order)
        client = GatedClient()
        stream = stream_answers(client, prompts, timeout=5)
        for i in order:
            client.release(prompts[i])
            assert await anext(stream) == (i, prompts[i].upper())
        await stream.aclose()


async def test_duplicate_prompts_keep_their_own_indexes():
    client = GatedClient()
    client.release("x")
    got = sorted([pair async for pair in stream_answers(client, ["x", "x"], timeout=5)])
    assert got == [(0, "X"), (1, "X")]


async def test_no_prompts():
    assert [pair async for pair in stream_answers(GatedClient(), [], timeout=1)] == []


async def test_timeouts_do_not_block_fast_answers():
    """A fast answer is yielded right away, before the slow call's timeout."""
    client = GatedClient()
    stream = stream_answers(client, ["hangs", "fast"], timeout=0.5)
    client.release("fast")
    assert await asyncio.wait_for(anext(stream), 0.4) == (1, "FAST")
    assert await anext(stream) == (0, None)


async def test_break_in_async_for_cancels_the_rest():
    client = GatedClient()
    client.release("p0")
    stream = stream_answers(client, ["p0", "p1", "p2", "p3"], timeout=5)
    async for pair in stream:
        assert pair == (0, "P0")
        break
    await stream.aclose()
    await settle()
    assert sorted(client.cancelled) == ["p1", "p2", "p3"]
