import asyncio
import random

from solution import handle_all, log_line, request_id, request_scope, run_in_thread


async def test_random_interleavings():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(10):
        n = rng.randint(1, 20)
        requests = [(f"req-{i}-{rng.randrange(1000)}", i) for i in range(n)]

        async def handler(payload):
            lines = []
            for step in range(rng.randint(1, 4)):
                for _ in range(rng.randint(0, 3)):
                    await asyncio.sleep(0)
                lines.append(log_line(f"{payload}.{step}"))
            return lines

        results = await handle_all(requests, handler)
        assert len(results) == n
        for (rid, payload), lines in zip(requests, results):
            assert lines and all(line.startswith(f"[{rid}] {payload}.") for line in lines)
        assert request_id.get() == "-"


async def test_handlers_run_concurrently():
    gate = asyncio.Event()
    started = []

    async def handler(payload):
        started.append(payload)
        if len(started) == 4:
            gate.set()
        await asyncio.wait_for(gate.wait(), 1)
        return payload

    assert await handle_all([(str(i), i) for i in range(4)], handler) == [0, 1, 2, 3]


async def test_a_handler_setting_the_var_does_not_leak():
    async def handler(payload):
        request_id.set("hijacked")
        await asyncio.sleep(0)
        return log_line(payload)

    with request_scope("outer"):
        assert await handle_all([("a", "x"), ("b", "y")], handler) == ["[hijacked] x", "[hijacked] y"]
        assert request_id.get() == "outer"


async def test_empty():
    async def handler(payload):
        return payload
    assert await handle_all([], handler) == []


async def test_run_in_thread_passes_arguments_and_errors():
    def add(a, b):
        return a + b

    def boom():
        raise ValueError("x")

    assert await run_in_thread(add, 2, 3) == 5
    try:
        await run_in_thread(boom)
    except ValueError:
        pass
    else:
        raise AssertionError("the thread's exception was not raised")
    with request_scope("t"):
        assert await run_in_thread(log_line, "m") == "[t] m"
