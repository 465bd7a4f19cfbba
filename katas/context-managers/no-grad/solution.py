from contextlib import contextmanager
from contextvars import ContextVar

_grad_enabled = ContextVar("grad_enabled", default=True)


def is_grad_enabled():
    """The current mode: True unless switched off."""
    return _grad_enabled.get()


@contextmanager
def set_grad_enabled(mode):
    """Set the mode for one block; restore the previous mode afterwards."""
    token = _grad_enabled.set(bool(mode))
    try:
        yield
    finally:
        _grad_enabled.reset(token)


def no_grad():
    return set_grad_enabled(False)


def enable_grad():
    return set_grad_enabled(True)
