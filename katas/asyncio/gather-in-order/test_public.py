import asyncio

import kata
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


async def test_answers_come_back_in_input_order():
    client = BarrierClient(3)
    assert await fetch_all(client, ["q1", "q2", "q3"]) == ["answer:q1", "answer:q2", "answer:q3"]


async def test_calls_run_concurrently():
    """All calls must be in flight at once: start them all before awaiting any (asyncio.gather)."""
    client = BarrierClient(5)
    await fetch_all(client, [f"p{i}" for i in range(5)])
    assert sorted(client.started) == [f"p{i}" for i in range(5)]


async def test_input_order_even_when_calls_finish_in_reverse():
    """The result order follows the prompts, not the order in which calls finish."""
    client = BarrierClient(3, finish_order=["c", "b", "a"])
    assert await fetch_all(client, ["a", "b", "c"]) == ["answer:a", "answer:b", "answer:c"]
    assert client.finished == ["c", "b", "a"]


async def test_no_prompts_give_an_empty_list():
    assert await fetch_all(BarrierClient(0), []) == []


async def test_it_is_a_coroutine_function():
    assert kata.is_coroutine_function(fetch_all)


async def test_an_error_in_one_call_propagates():
    class Failing:
        async def complete(self, prompt):
            await asyncio.sleep(0)
            if prompt == "bad":
                raise ValueError("content filter")
            return prompt

    with kata.raises(ValueError, match="content filter"):
        await fetch_all(Failing(), ["ok", "bad"])
