from contextlib import contextmanager


@contextmanager
def temporary_settings(settings, **overrides):
    """Apply overrides to the dict `settings` for one block, then restore it."""
    raise NotImplementedError("save, apply, yield, restore in finally")
    yield settings
