import contextvars

request_id = contextvars.ContextVar("request_id", default="-")


def log_line(message):
    """Return "[<current request id>] <message>"."""
    raise NotImplementedError("write log_line")


def request_scope(rid):
    """A context manager: the request id is `rid` inside the block, and the
    previous value is restored afterwards (errors and nesting included)."""
    raise NotImplementedError("write request_scope")


async def handle_all(requests, handler):
    """Run `await handler(payload)` for every (rid, payload) concurrently, each
    in its own request scope; return the results in input order."""
    raise NotImplementedError("write handle_all")


async def run_in_thread(fn, *args):
    """Run fn(*args) in a worker thread that sees the caller's request id."""
    raise NotImplementedError("write run_in_thread")
