import asyncio


class RateLimitError(Exception):
    """The API refused the request (HTTP 429). `retry_after` is None or the
    number of seconds the API asked the client to wait."""

    def __init__(self, message="rate limited", retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


class RateLimitedClient:
    """An async client for an LLM API: bounded concurrency, per-attempt
    timeouts, retries with exponential backoff."""

    def __init__(self, api, *, max_concurrency=4, max_retries=3, timeout=30.0,
                 backoff=0.5, sleep=asyncio.sleep):
        raise NotImplementedError("store the settings and create the semaphore")

    async def complete(self, prompt):
        """One prompt, with retries; returns the answer or raises."""
        raise NotImplementedError("write complete")

    async def complete_many(self, prompts):
        """All prompts concurrently; results in order, exceptions in place."""
        raise NotImplementedError("write complete_many")
