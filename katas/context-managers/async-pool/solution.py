import asyncio
import contextlib


class AsyncPool:
    """Lends one resource per task; at most len(resources) tasks at once."""

    def __init__(self, resources):
        resources = list(resources)
        if not resources:
            raise ValueError("a pool needs at least one resource")
        self._size = len(resources)
        self._free = asyncio.Queue()
        for resource in resources:
            self._free.put_nowait(resource)

    @property
    def size(self):
        return self._size

    @property
    def available(self):
        return self._free.qsize()

    @contextlib.asynccontextmanager
    async def acquire(self):
        """Wait for a free resource, yield it, give it back afterwards."""
        resource = await self._free.get()      # cancelled here: nothing taken
        try:
            yield resource
        finally:
            self._free.put_nowait(resource)

    async def map(self, fn, items):
        """await fn(resource, item) for each item through the pool; results in order."""
        async def one(item):
            async with self.acquire() as resource:
                return await fn(resource, item)

        return list(await asyncio.gather(*(one(item) for item in items)))
