import asyncio


async def fetch_all(client, prompts):
    """Call `await client.complete(p)` for every prompt concurrently and
    return the answers in the order of `prompts`."""
    return list(await asyncio.gather(*(client.complete(p) for p in prompts)))
