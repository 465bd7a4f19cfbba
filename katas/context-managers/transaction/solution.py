import contextlib


class Transaction:
    """Acquire resources and register undos; unwind LIFO, undos only on failure."""

    def __init__(self):
        self._stack = contextlib.ExitStack()
        self.state = "new"

    def __enter__(self):
        self._stack.__enter__()
        self.state = "active"
        return self

    def enter(self, cm):
        """Enter the context manager `cm` for the rest of the transaction."""
        return self._stack.enter_context(cm)

    def on_rollback(self, fn, *args, **kwargs):
        """Call fn(*args, **kwargs) if the block fails."""
        def undo(exc_type, exc, tb):
            if exc_type is not None:
                fn(*args, **kwargs)
            return False
        self._stack.push(undo)

    def __exit__(self, exc_type, exc, tb):
        self.state = "committed" if exc_type is None else "rolled back"
        self._stack.__exit__(exc_type, exc, tb)
        return False
