import asyncio


class RateLimitError(Exception):
    """The API refused the request (HTTP 429). `retry_after` is None or the
    number of seconds the API asked the client to wait."""

    def __init__(self, message="rate limited", retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


RETRYABLE = (RateLimitError, TimeoutError)


class RateLimitedClient:
    """An async client for an LLM API: bounded concurrency, per-attempt
    timeouts, retries with exponential backoff."""

    def __init__(self, api, *, max_concurrency=4, max_retries=3, timeout=30.0,
                 backoff=0.5, sleep=asyncio.sleep):
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._api = api
        self._limit = asyncio.Semaphore(max_concurrency)
        self._max_retries = max_retries
        self._timeout = timeout
        self._backoff = backoff
        self._sleep = sleep

    async def _attempt(self, prompt):
        async with self._limit:    # a slot for one attempt only
            return await asyncio.wait_for(self._api.complete(prompt), self._timeout)

    async def complete(self, prompt):
        """One prompt, with retries; returns the answer or raises."""
        for attempt in range(self._max_retries + 1):
            try:
                return await self._attempt(prompt)
            except RETRYABLE as exc:
                if attempt == self._max_retries:
                    raise
                retry_after = getattr(exc, "retry_after", None)
                delay = retry_after if retry_after is not None else self._backoff * 2 ** attempt
            await self._sleep(delay)   # outside the semaphore: the slot is free
        raise AssertionError("unreachable")

    async def complete_many(self, prompts):
        """All prompts concurrently; results in order, exceptions in place."""
        results = await asyncio.gather(*(self.complete(p) for p in prompts),
                                       return_exceptions=True)
        return list(results)
