class Scheduler:
    """Runs coroutine jobs when due, lowest priority value first, with at most
    `max_concurrent` at once. `clock()` and `await sleep(s)` are injected."""

    def __init__(self, *, clock, sleep, max_concurrent=1):
        self.started = []
        raise NotImplementedError("set up the queues")

    def schedule(self, name, job, *, delay=0.0, priority=0):
        raise NotImplementedError("write schedule")

    def cancel(self, name):
        raise NotImplementedError("write cancel")

    async def run(self):
        raise NotImplementedError("write run")
