import contextlib


class Transaction:
    """Acquire resources and register undos; unwind LIFO, undos only on failure."""

    def __init__(self):
        raise NotImplementedError

    def __enter__(self):
        raise NotImplementedError

    def enter(self, cm):
        """Enter the context manager `cm` for the rest of the transaction."""
        raise NotImplementedError

    def on_rollback(self, fn, *args, **kwargs):
        """Call fn(*args, **kwargs) if the block fails."""
        raise NotImplementedError

    def __exit__(self, exc_type, exc, tb):
        raise NotImplementedError
