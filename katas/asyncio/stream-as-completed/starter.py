async def stream_answers(client, prompts, timeout):
    """Async generator: yield (index, answer) for each prompt as its call to
    `client.complete` finishes; (index, None) for a call that takes longer
    than `timeout` seconds (it is cancelled). Closing the generator early
    cancels the calls still running."""
    raise NotImplementedError("write stream_answers")
    yield  # makes this an async generator
