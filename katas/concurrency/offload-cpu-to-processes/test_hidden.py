import asyncio
import concurrent.futures
import random

import kata
from solution import InferenceService, score_text


class ManualExecutor(concurrent.futures.Executor):
    """An executor that runs nothing until the test says so: submit() returns
    a pending future, and finish(i) runs the i-th submitted job."""

    def __init__(self):
        self.jobs = []

    def submit(self, fn, /, *args, **kwargs):
        future = concurrent.futures.Future()
        self.jobs.append((fn, args, kwargs, future))
        return future

    def pending(self):
        return [job for job in self.jobs if not job[3].done()]

    def finish(self, index):
        fn, args, kwargs, future = self.jobs[index]
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)


async def settle():
    for _ in range(10):
        await asyncio.sleep(0)


def reference(text):
    total = 0
    for word in text.split():
        total += len(word) * sum(1 for ch in word.lower() if ch in "aeiou")
    return total


def test_random_texts():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    alphabet = "aeiouAEIOUbcdxyzBZ  \t\n.,"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert score_text(text) == reference(text)


async def test_random_completion_orders_keep_results_in_order():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(5):
        limit = rng.randint(1, 4)
        texts = [f"sample {i} " + "ab" * rng.randint(0, 5) for i in range(rng.randint(1, 12))]
        executor = ManualExecutor()
        service = InferenceService(executor, max_pending=limit)
        batch = asyncio.create_task(service.predict_many(texts))
        await settle()
        while not batch.done():
            pending = [i for i, job in enumerate(executor.jobs) if not job[3].done()]
            assert 1 <= len(pending) <= limit
            executor.finish(rng.choice(pending))
            await settle()
        assert await batch == [score_text(t) for t in texts]


async def test_default_max_pending_is_four():
    executor = ManualExecutor()
    service = InferenceService(executor)
    batch = asyncio.create_task(service.predict_many(["x"] * 6))
    await settle()
    assert len(executor.pending()) == 4
    for i in range(6):
        executor.finish(i)
        await settle()
    assert await batch == [0] * 6


async def test_a_failed_job_frees_its_slot():
    executor = ManualExecutor()
    service = InferenceService(executor, max_pending=1)
    bad = asyncio.create_task(service.predict(None))
    good = asyncio.create_task(service.predict("aa"))
    await settle()
    assert len(executor.jobs) == 1
    executor.finish(0)
    await settle()
    with kata.raises(AttributeError):
        await bad
    executor.finish(1)
    assert await good == 4


async def test_the_loop_stays_free_while_jobs_run():
    executor = ManualExecutor()
    service = InferenceService(executor)
    job = asyncio.create_task(service.predict("abc"))
    ticks = 0
    for _ in range(20):
        await asyncio.sleep(0)
        ticks += 1
    assert ticks == 20 and not job.done()
    executor.finish(0)
    assert await job == 3
