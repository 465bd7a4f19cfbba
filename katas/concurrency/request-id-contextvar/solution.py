import asyncio
import contextlib
import contextvars

request_id = contextvars.ContextVar("request_id", default="-")


def log_line(message):
    """Return "[<current request id>] <message>"."""
    return f"[{request_id.get()}] {message}"


@contextlib.contextmanager
def request_scope(rid):
    """A context manager: the request id is `rid` inside the block, and the
    previous value is restored afterwards (errors and nesting included)."""
    token = request_id.set(rid)
    try:
        yield
    finally:
        request_id.reset(token)


async def handle_all(requests, handler):
    """Run `await handler(payload)` for every (rid, payload) concurrently, each
    in its own request scope; return the results in input order."""

    async def one(rid, payload):
        with request_scope(rid):
            return await handler(payload)

    # gather wraps each coroutine in a task: each runs in its own copy of the context
    return list(await asyncio.gather(*(one(rid, payload) for rid, payload in requests)))


async def run_in_thread(fn, *args):
    """Run fn(*args) in a worker thread that sees the caller's request id."""
    return await asyncio.to_thread(fn, *args)
