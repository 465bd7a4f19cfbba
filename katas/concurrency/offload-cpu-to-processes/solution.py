import asyncio

VOWELS = frozenset("aeiou")


def score_text(text):
    """Sum over the words of `text` of len(word) * (vowels in the lower-cased word)."""
    return sum(len(word) * sum(ch in VOWELS for ch in word.lower()) for word in text.split())


class InferenceService:
    """Runs score_text in `executor`, with at most `max_pending` jobs in it."""

    def __init__(self, executor, max_pending=4):
        if max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        self._executor = executor
        self._slots = asyncio.Semaphore(max_pending)

    async def predict(self, text):
        """score_text(text), computed in the executor."""
        async with self._slots:   # backpressure: excess requests wait here, not in the pool
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, score_text, text)

    async def predict_many(self, texts):
        """predict for every text concurrently; results in input order."""
        return list(await asyncio.gather(*(self.predict(t) for t in texts)))
