import asyncio

import kata
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


async def test_yields_in_finishing_order_with_indexes():
    client = GatedClient()
    stream = stream_answers(client, ["a", "b", "c"], timeout=5)
    client.release("b")
    assert await anext(stream) == (1, "B")
    client.release("c")
    assert await anext(stream) == (2, "C")
    client.release("a")
    assert await anext(stream) == (0, "A")
    with kata.raises(StopAsyncIteration):
        await anext(stream)


async def test_all_calls_start_together():
    """Start every call before waiting for any: the first answer can only arrive if all calls are in flight."""
    client = GatedClient()
    stream = stream_answers(client, ["a", "b", "c"], timeout=5)
    client.release("c")
    assert await anext(stream) == (2, "C")
    assert sorted(client.started) == ["a", "b", "c"]
    await stream.aclose()


async def test_a_hanging_call_times_out_as_none():
    """A call still running after `timeout` seconds yields (index, None)."""
    client = GatedClient()
    client.release("a")
    client.release("c")
    results = [pair async for pair in stream_answers(client, ["a", "hangs", "c"], timeout=0.02)]
    assert sorted(results[:2]) == [(0, "A"), (2, "C")]
    assert results[2] == (1, None)


async def test_a_timed_out_call_is_cancelled():
    """Cancel the call that timed out (asyncio.wait_for does), so the client can clean up."""
    client = GatedClient()
    results = [pair async for pair in stream_answers(client, ["hangs"], timeout=0.01)]
    assert results == [(0, None)]
    await settle()
    assert client.cancelled == ["hangs"]


async def test_stopping_early_cancels_the_rest():
    """When the consumer breaks out of the loop, the calls still running must be cancelled, not left behind."""
    client = GatedClient()
    stream = stream_answers(client, ["a", "b", "c"], timeout=5)
    client.release("a")
    assert await anext(stream) == (0, "A")
    await stream.aclose()
    await settle()
    assert sorted(client.cancelled) == ["b", "c"]


async def test_other_errors_propagate():
    client = GatedClient()
    client.failures["bad"] = ValueError("content filter")
    client.release("bad")
    with kata.raises(ValueError, match="content filter"):
        async for _ in stream_answers(client, ["bad", "slow"], timeout=5):
            pass
