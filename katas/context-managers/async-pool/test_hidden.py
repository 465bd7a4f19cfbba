import asyncio
import random

import kata
from solution import AsyncPool


async def test_waiters_are_served_in_order():
    pool = AsyncPool(["only"])
    gate = asyncio.Event()
    order = []

    async def worker(i):
        async with pool.acquire():
            order.append(i)
            await gate.wait()

    tasks = [asyncio.create_task(worker(i)) for i in range(6)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert order == [0]
    gate.set()
    await asyncio.gather(*tasks)
    assert order == list(range(6))
    assert pool.available == 1


async def test_cancelled_waiter_does_not_leak_a_resource():
    """A task cancelled while still waiting never got a resource: nothing to take or return."""
    pool = AsyncPool(["only"])
    release = asyncio.Event()

    async def holder():
        async with pool.acquire():
            await release.wait()

    async def waiter():
        async with pool.acquire():
            pass

    h = asyncio.create_task(holder())
    await asyncio.sleep(0)
    w = asyncio.create_task(waiter())
    for _ in range(3):
        await asyncio.sleep(0)
    w.cancel()
    with kata.raises(asyncio.CancelledError):
        await w
    release.set()
    await h
    assert pool.available == 1
    async with pool.acquire() as r:
        assert r == "only"


async def test_cancelled_holder_returns_its_resource():
    pool = AsyncPool(["a", "b"])
    started = asyncio.Event()

    async def holder():
        async with pool.acquire():
            started.set()
            await asyncio.Event().wait()

    t = asyncio.create_task(holder())
    await started.wait()
    assert pool.available == 1
    t.cancel()
    with kata.raises(asyncio.CancelledError):
        await t
    assert pool.available == 2


async def test_random_sizes_and_loads():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(20):
        size = rng.randint(1, 5)
        n = rng.randint(0, 25)
        pool = AsyncPool(range(size))
        probe = kata.ConcurrencyProbe()
        hops = [rng.randint(0, 3) for _ in range(n)]

        async def job(resource, i):
            async with probe:
                for _ in range(hops[i]):
                    await asyncio.sleep(0)
                return i * i

        assert await pool.map(job, range(n)) == [i * i for i in range(n)]
        assert probe.entered == n
        assert probe.max_active == min(size, n)
        assert pool.available == size


async def test_map_propagates_errors_and_releases():
    pool = AsyncPool(range(2))

    async def job(resource, i):
        await asyncio.sleep(0)
        if i == 3:
            raise KeyError(i)
        return i

    with kata.raises(KeyError):
        await pool.map(job, range(4))
    for _ in range(5):
        await asyncio.sleep(0)
    assert pool.available == 2


async def test_map_accepts_any_iterable():
    pool = AsyncPool(["r"])

    async def job(resource, item):
        return (resource, item)

    assert await pool.map(job, (c for c in "ab")) == [("r", "a"), ("r", "b")]
