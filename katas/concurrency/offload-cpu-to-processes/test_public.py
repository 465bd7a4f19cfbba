import asyncio
import concurrent.futures
import os
import pickle

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


def test_score_text():
    assert score_text("attention is all") == 41
    assert score_text("") == 0
    assert score_text("AEIOU xyz") == 25


def test_score_text_is_picklable():
    """A process pool sends the function by name: define score_text at module level."""
    assert pickle.loads(pickle.dumps(score_text)) is score_text


async def test_predict_runs_in_the_executor():
    """predict must hand the work to the executor (run_in_executor), not compute it on the event loop."""
    executor = ManualExecutor()
    service = InferenceService(executor)
    job = asyncio.create_task(service.predict("hello world"))
    await settle()
    assert len(executor.jobs) == 1 and not job.done()
    executor.finish(0)
    assert await job == score_text("hello world")


async def test_at_most_max_pending_jobs_in_the_executor():
    """Backpressure: never more than max_pending unfinished jobs submitted to the executor."""
    executor = ManualExecutor()
    service = InferenceService(executor, max_pending=3)
    batch = asyncio.create_task(service.predict_many([f"text {i}" for i in range(8)]))
    await settle()
    assert len(executor.pending()) == 3
    for i in range(8):
        executor.finish(i)
        await settle()
        assert len(executor.pending()) <= 3
    assert await batch == [score_text(f"text {i}") for i in range(8)]


async def test_errors_propagate():
    executor = ManualExecutor()
    service = InferenceService(executor)
    job = asyncio.create_task(service.predict(None))   # None.split() fails in the worker
    await settle()
    executor.finish(0)
    with kata.raises(AttributeError):
        await job


async def test_with_a_real_process_pool():
    texts = ["attention is all you need", "", "a e i o u", "gradient descent"]
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        service = InferenceService(pool, max_pending=2)
        assert await service.predict_many(texts) == [score_text(t) for t in texts]
