import asyncio
import heapq
import itertools


class Scheduler:
    """Runs coroutine jobs when due, lowest priority value first, with at most
    `max_concurrent` at once. `clock()` and `await sleep(s)` are injected."""

    def __init__(self, *, clock, sleep, max_concurrent=1):
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self._clock = clock
        self._sleep = sleep
        self._max = max_concurrent
        self._timers = []      # (due, seq, name): not due yet
        self._ready = []       # (priority, due, seq, name): due, waiting for a slot
        self._pending = {}     # name -> (job, priority): scheduled, not started
        self._names = set()
        self._seq = itertools.count()
        self.started = []

    def schedule(self, name, job, *, delay=0.0, priority=0):
        if name in self._names:
            raise ValueError(f"a job named {name!r} was already scheduled")
        self._names.add(name)
        self._pending[name] = (job, priority)
        heapq.heappush(self._timers, (self._clock() + delay, next(self._seq), name))

    def cancel(self, name):
        return self._pending.pop(name, None) is not None

    def _promote_due(self):
        now = self._clock()
        while self._timers and self._timers[0][0] <= now:
            due, seq, name = heapq.heappop(self._timers)
            if name in self._pending:
                heapq.heappush(self._ready, (self._pending[name][1], due, seq, name))

    def _next_timer(self):
        while self._timers and self._timers[0][2] not in self._pending:
            heapq.heappop(self._timers)        # cancelled: drop lazily
        return self._timers[0][0] if self._timers else None

    async def run(self):
        results = {}
        running = {}                           # task -> name
        while True:
            self._promote_due()
            while self._ready and len(running) < self._max:
                name = heapq.heappop(self._ready)[3]
                if name not in self._pending:
                    continue                   # cancelled after it became due
                job, _ = self._pending.pop(name)
                self.started.append(name)
                running[asyncio.ensure_future(job())] = name
            next_due = self._next_timer()
            if not running and next_due is None:
                return results
            waiters = set(running)
            sleeper = None
            if next_due is not None and len(running) < self._max:
                sleeper = asyncio.ensure_future(self._sleep(next_due - self._clock()))
                waiters.add(sleeper)
            done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            if sleeper is not None and sleeper not in done:
                sleeper.cancel()
                await asyncio.gather(sleeper, return_exceptions=True)
            for task in done:
                if task is sleeper:
                    continue
                name = running.pop(task)
                error = task.exception()
                results[name] = error if error is not None else task.result()
