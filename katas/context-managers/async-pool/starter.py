import asyncio
import contextlib


class AsyncPool:
    """Lends one resource per task; at most len(resources) tasks at once."""

    def __init__(self, resources):
        raise NotImplementedError

    @property
    def size(self):
        raise NotImplementedError

    @property
    def available(self):
        raise NotImplementedError

    @contextlib.asynccontextmanager
    async def acquire(self):
        """Wait for a free resource, yield it, give it back afterwards."""
        raise NotImplementedError
        yield

    async def map(self, fn, items):
        """await fn(resource, item) for each item through the pool; results in order."""
        raise NotImplementedError
