import asyncio
import threading

import kata
from solution import handle_all, log_line, request_id, request_scope, run_in_thread


def test_default_is_a_dash():
    assert log_line("boot") == "[-] boot"


def test_scope_sets_and_restores():
    with request_scope("req-1"):
        assert log_line("start") == "[req-1] start"
    assert log_line("after") == "[-] after"


def test_nested_scopes_restore_the_outer_id():
    """Restore the previous value with reset(token), not the default: scopes nest."""
    with request_scope("outer"):
        with request_scope("inner"):
            assert request_id.get() == "inner"
        assert request_id.get() == "outer"
    assert request_id.get() == "-"


def test_scope_is_restored_after_an_error():
    with kata.raises(RuntimeError):
        with request_scope("req-err"):
            raise RuntimeError("handler crashed")
    assert request_id.get() == "-"


async def test_interleaved_handlers_each_see_their_own_id():
    """Handlers run concurrently and interleave at every await; each must still log its own request id."""
    started = []
    all_started = asyncio.Event()

    async def handler(payload):
        lines = [log_line(f"got {payload}")]
        started.append(payload)
        if len(started) == 3:
            all_started.set()
        await asyncio.wait_for(all_started.wait(), 1)   # every handler is now in flight
        lines.append(log_line(f"done {payload}"))
        return lines

    results = await handle_all([("r1", "a"), ("r2", "b"), ("r3", "c")], handler)
    assert results == [["[r1] got a", "[r1] done a"], ["[r2] got b", "[r2] done b"],
                       ["[r3] got c", "[r3] done c"]]
    assert request_id.get() == "-"


async def test_subtasks_inherit_the_request_id():
    async def handler(payload):
        async def audit():
            await asyncio.sleep(0)
            return log_line(f"audit {payload}")
        return await asyncio.create_task(audit())

    assert await handle_all([("r1", "x"), ("r2", "y")], handler) == ["[r1] audit x", "[r2] audit y"]


async def test_run_in_thread_carries_the_id():
    """A plain executor does not copy the context into its thread; asyncio.to_thread does."""
    def blocking(message):
        return threading.current_thread() is not threading.main_thread(), log_line(message)

    with request_scope("req-9"):
        assert await run_in_thread(blocking, "db query") == (True, "[req-9] db query")
