import asyncio

import kata
from solution import AsyncPool


async def test_acquire_lends_and_returns():
    pool = AsyncPool(["replica-0", "replica-1"])
    assert (pool.size, pool.available) == (2, 2)
    async with pool.acquire() as replica:
        assert replica == "replica-0"
        assert pool.available == 1
    assert pool.available == 2


async def test_map_limits_concurrency_and_keeps_order():
    """At most `size` tasks may be inside fn at once; results come back in input order."""
    pool = AsyncPool(["a", "b", "c"])
    probe = kata.ConcurrencyProbe()

    async def infer(resource, prompt):
        async with probe:
            await asyncio.sleep(0)
            return prompt.upper()

    results = await pool.map(infer, [f"q{i}" for i in range(10)])
    assert results == [f"Q{i}" for i in range(10)]
    assert probe.entered == 10
    assert probe.max_active == 3


async def test_a_resource_is_never_shared():
    pool = AsyncPool(range(2))
    held = set()

    async def use(resource, item):
        assert resource not in held
        held.add(resource)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        held.discard(resource)
        return resource

    results = await pool.map(use, range(12))
    assert set(results) == {0, 1}


async def test_resource_comes_back_after_an_error():
    pool = AsyncPool(["x"])
    with kata.raises(RuntimeError):
        async with pool.acquire():
            raise RuntimeError("OOM")
    assert pool.available == 1


async def test_an_empty_pool_is_an_error():
    with kata.raises(ValueError):
        AsyncPool([])
