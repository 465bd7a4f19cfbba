"""Helpers for kata tests: what plain ``assert`` does badly.

Import it in a test module with ``import kata`` or ``from kata import raises``.
Everything here is deterministic: nothing depends on timing luck.
"""

import asyncio as _asyncio
import contextlib as _contextlib
import functools as _functools
import inspect as _inspect
import io as _io
import math as _math
import sys as _sys
import tracemalloc as _tracemalloc

__all__ = [
    "raises", "captured_output", "approx", "peak_memory", "is_generator",
    "is_generator_function", "is_coroutine_function", "preserves_metadata",
    "ConcurrencyProbe",
]


class _Raised:
    """What ``raises`` caught: ``.type``, ``.value``, ``.message``."""

    type = None
    value = None

    @property
    def message(self):
        return str(self.value)


class HelperFailure(AssertionError):
    """A helper's check failed. Carries, like a rewritten ``assert``, what
    kata's report shows: the message and the test's line (so the report
    points at the test, not at this module's internals)."""

    def __init__(self, message, line=None):
        AssertionError.__init__(self, message)
        self.kata_details = {"message": message}
        if line is not None:
            self.kata_details["line"] = line


def _caller_line(depth):
    try:
        return _sys._getframe(depth + 1).f_lineno
    except (AttributeError, ValueError):
        return None


class raises:
    """Asserts that the block raises ``expected`` (an exception class or a
    tuple of them), optionally with ``match`` appearing in its message (a
    plain substring). Any other exception passes through unchanged.

        with raises(ValueError, match="negative") as caught:
            sqrt(-1)
        assert caught.type is ValueError
    """

    def __init__(self, expected, match=None):
        self.expected, self.match = expected, match
        self.caught = _Raised()

    def __enter__(self):
        return self.caught

    def __exit__(self, etype, exc, tb):
        if etype is None:
            expected = self.expected
            names = (expected.__name__ if isinstance(expected, type)
                     else " or ".join(e.__name__ for e in expected))
            raise HelperFailure(
                "expected %s to be raised, but nothing was raised" % names,
                _caller_line(1))
        if not issubclass(etype, self.expected):
            return False
        self.caught.type, self.caught.value = etype, exc
        if self.match is not None and self.match not in str(exc):
            raise HelperFailure(
                "%s was raised, but its message %r does not contain %r"
                % (etype.__name__, str(exc), self.match), _caller_line(1)) from None
        return True


class _Captured:
    stdout = ""
    stderr = ""


@_contextlib.contextmanager
def captured_output():
    """Captures what the block prints: ``.stdout`` and ``.stderr`` afterwards.

        with captured_output() as out:
            greet("Ada")
        assert out.stdout == "Hello, Ada!\\n"
    """
    result = _Captured()
    out, err = _io.StringIO(), _io.StringIO()
    try:
        with _contextlib.redirect_stdout(out), _contextlib.redirect_stderr(err):
            yield result
    finally:
        result.stdout, result.stderr = out.getvalue(), err.getvalue()


class approx:
    """A number (or a list/tuple of numbers) that compares equal within a
    tolerance: ``assert mean(xs) == approx(2.5)``."""

    def __init__(self, expected, rel=1e-6, abs=1e-12):
        self.expected, self.rel, self.abs = expected, rel, abs

    def _close(self, a, b):
        return _math.isclose(a, b, rel_tol=self.rel, abs_tol=self.abs)

    def __eq__(self, actual):
        if isinstance(self.expected, (list, tuple)):
            return (isinstance(actual, (list, tuple)) and len(actual) == len(self.expected)
                    and all(self._close(a, b) for a, b in zip(actual, self.expected)))
        try:
            return self._close(actual, self.expected)
        except TypeError:
            return False

    def __repr__(self):
        return "approx(%r)" % (self.expected,)


def _remote(value):
    """True for a proxy of an object in a sealed submission's process."""
    sealed = _sys.modules.get("kata_sealed")
    return sealed is not None and sealed.is_remote(value)


def _probe(value, name):
    return _sys.modules["kata_sealed"].probe(value, name) is True


def peak_memory(function, *args, **kwargs):
    """Calls ``function`` and returns ``(result, peak_bytes)``: the peak of
    memory allocated by Python while it ran, measured with tracemalloc."""
    if _remote(function):
        # Measured where the submission runs, in its own process.
        result = _sys.modules["kata_sealed"].peak_memory(function, args, kwargs)
        if type(result) is not tuple or len(result) != 2 or type(result[1]) is not int:
            raise TypeError("the submission's process sent a malformed measurement")
        return result
    return _measure_peak(function, args, kwargs)


def _measure_peak(function, args, kwargs):
    """``peak_memory`` in this process (also what a sealed submission's
    process runs when the tests ask it)."""
    was_tracing = _tracemalloc.is_tracing()
    if not was_tracing:
        _tracemalloc.start()
    _tracemalloc.reset_peak()
    before = _tracemalloc.get_traced_memory()[0]
    try:
        result = function(*args, **kwargs)
        peak = _tracemalloc.get_traced_memory()[1] - before
    finally:
        if not was_tracing:
            _tracemalloc.stop()
    return result, max(peak, 0)


def is_generator(value):
    """True for a generator object (what calling a generator function gives)."""
    if _remote(value):
        return _probe(value, "isgenerator")
    return _inspect.isgenerator(value)


def is_generator_function(function):
    """True for a function defined with ``yield``."""
    if _remote(function):
        return _probe(function, "isgeneratorfunction")
    return _inspect.isgeneratorfunction(function)


def is_coroutine_function(function):
    """True for an ``async def`` function (also through functools.wraps)."""
    if _remote(function):
        wrapped = getattr(function, "__wrapped__", None)
        return _probe(function, "iscoroutinefunction") or (
            _remote(wrapped) and _probe(wrapped, "iscoroutinefunction")) or (
            _inspect.iscoroutinefunction(wrapped))
    return _inspect.iscoroutinefunction(function) or _inspect.iscoroutinefunction(
        getattr(function, "__wrapped__", None))


def preserves_metadata(wrapper, original):
    """True when a decorator kept ``original``'s name, qualified name, module
    and docstring, and set ``__wrapped__``, as ``functools.wraps`` does."""
    return all(getattr(wrapper, attr, None) == getattr(original, attr, None)
               for attr in _functools.WRAPPER_ASSIGNMENTS if hasattr(original, attr)) \
        and getattr(wrapper, "__wrapped__", None) is original


class ConcurrencyProbe:
    """Counts how many tasks are inside it at once, without timing.

        probe = ConcurrencyProbe()
        async def job():
            async with probe:
                await asyncio.sleep(0)
        ...
        assert probe.max_active <= 3
    """

    def __init__(self):
        self.active = 0
        self.max_active = 0
        self.entered = 0

    async def __aenter__(self):
        self.active += 1
        self.entered += 1
        self.max_active = max(self.max_active, self.active)
        await _asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc):
        self.active -= 1
        return False
