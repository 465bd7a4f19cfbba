import asyncio


async def stream_answers(client, prompts, timeout):
    """Async generator: yield (index, answer) for each prompt as its call to
    `client.complete` finishes; (index, None) for a call that takes longer
    than `timeout` seconds (it is cancelled). Closing the generator early
    cancels the calls still running."""

    async def one(index, prompt):
        try:
            return index, await asyncio.wait_for(client.complete(prompt), timeout)
        except TimeoutError:
            return index, None

    tasks = [asyncio.create_task(one(i, p)) for i, p in enumerate(prompts)]
    try:
        for next_done in asyncio.as_completed(tasks):
            yield await next_done
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
