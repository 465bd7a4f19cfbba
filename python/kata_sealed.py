"""Sealed grading: the tests and their verdicts in one process, the
submission in another.

``kata grade`` runs a kata's tests in the session's child (the *tests'
process*, which holds the result channel) and the submission in a process
of its own (the *submission's process*), forked before the tests are read,
so it never has them in memory, with the result channel closed, in a PID
namespace of its own (it cannot signal kata or other sessions) and a user
namespace of its own (no capabilities: kata's non-dumpable processes are
out of its reach through /proc, and so are files it does not own). The tests reach the
submission through proxies: every call, attribute, iteration, context
manager or operator on a proxy is a request over a socket, answered with
plain data (copied: numbers, strings, bytes, lists, tuples, dicts, sets) or
with a reference to an object that stays in the submission's process.
Functions and objects the tests hand to the submission travel the other way
as references to the tests' objects (callbacks).

What this buys: a test's ``==`` against its expected value is computed in
the tests' process on plain data the submission sent, so an object whose
``__eq__`` always returns True arrives as a proxy and equals nothing; the
submission cannot patch the tests, the harness or their builtins, cannot
write result records, and cannot see hidden expected values. What it costs:
operations are sequential across the two processes (a submission's
threads or tasks calling back into the tests take turns), ``type(x) is C``
and object identity across the boundary do not hold (use ``isinstance``),
and mutable containers are copies. A kata whose tests need one shared
process declares ``grading = "in-process"`` in kata.toml.

The protocol: frames of a 4-byte big-endian length and a JSON object.
Requests ``{"q": seq, "op": name, ...}``, replies ``{"a": seq, "v": value}``
or ``{"a": seq, "x": exception}``. While waiting for its reply, either side
serves the other's requests (a callback may call back). The tests' side
decodes everything defensively and grants the submission only a narrow set
of operations on the tests' objects.
"""

import asyncio as _asyncio
import builtins as _builtins
import inspect as _inspect
import io as _io
import json as _json
import operator as _operator
import os as _os
import socket as _socket
import struct as _struct
import sys as _sys
import threading as _threading
import traceback as _traceback
import types as _types

_type = type
_len = len
_str = str
_int = int
_isinstance = isinstance
_BaseException = BaseException

#: Largest frame either side accepts.
MAX_FRAME = 64 << 20
#: Characters of captured output, reprs and tracebacks sent per reply.
TEXT_CAP = 64 * 1024
#: Nesting beyond which containers travel as references.
MAX_DEPTH = 400


# BaseExceptions, so that a test's ``except Exception`` (or ``raises(Exception)``)
# cannot mistake a dead or misbehaving submission for an expected error.
class ProtocolError(BaseException):
    """The other process sent something the protocol does not allow."""


class SubmissionGone(BaseException):
    """The submission's process ended while the tests needed it."""


_OPERATORS = {
    name: getattr(_operator, name)
    for name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow",
                 "matmul", "and_", "or_", "xor", "lshift", "rshift", "neg",
                 "pos", "abs", "invert", "lt", "le", "gt", "ge", "eq", "ne",
                 "contains", "getitem", "setitem", "delitem", "index",
                 "iadd", "isub", "imul", "ior", "iand")
}
_OPERATORS.update(len=_len, iter=iter, next=next, bool=bool, repr=repr,
                  str=_str, hash=hash, int=_int, float=float,
                  isinstance=_isinstance, issubclass=issubclass,
                  dir=lambda obj: sorted(_str(n) for n in dir(obj)))

#: What the submission may do to the tests' objects (callbacks, fakes).
_CALLBACK_OPERATORS = frozenset((
    "eq", "ne", "lt", "le", "gt", "ge", "contains", "getitem", "len", "iter",
    "next", "bool", "repr", "str", "hash", "int", "float", "index", "add",
    "sub", "mul", "truediv", "floordiv", "mod", "neg"))

#: Attributes of the tests' objects the submission may read besides public
#: ones: what ``functools.wraps`` and ``inspect`` look at.
_CALLBACK_DUNDERS = frozenset((
    "__name__", "__qualname__", "__doc__", "__module__", "__wrapped__",
    "__annotations__", "__type_params__", "__call__", "__enter__", "__exit__",
    "__aenter__", "__aexit__", "__iter__", "__next__", "__aiter__",
    "__anext__", "__await__", "__len__", "__getitem__", "__contains__"))
_INTERNAL_PREFIXES = ("gi_", "cr_", "ag_", "f_", "tb_", "co_", "func_")
_INTERNAL_TYPES = (_types.ModuleType, _types.FrameType, _types.CodeType,
                   _types.TracebackType)

#: Inspect predicates a test may ask about a submission's object.
_PROBES = {
    "isgenerator": _inspect.isgenerator,
    "isgeneratorfunction": _inspect.isgeneratorfunction,
    "iscoroutinefunction": _inspect.iscoroutinefunction,
    "iscoroutine": _inspect.iscoroutine,
    "isasyncgen": _inspect.isasyncgen,
    "isasyncgenfunction": _inspect.isasyncgenfunction,
    "isclass": _inspect.isclass,
    "isfunction": _inspect.isfunction,
    "ismethod": _inspect.ismethod,
    "has_dict": lambda obj: hasattr(obj, "__dict__"),
    "type_name": lambda obj: _type(obj).__name__,
}


def _cap(text):
    if _type(text) is not _str:
        return ""
    if _len(text) > TEXT_CAP:
        return text[:TEXT_CAP] + "... [%d more characters]" % (_len(text) - TEXT_CAP)
    return text


class _CapWriter(_io.TextIOBase):
    """Collects up to TEXT_CAP characters and counts the rest."""

    def __init__(self):
        self.parts, self.size, self.dropped = [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = _str(text)
        room = TEXT_CAP - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, _len(text))
        self.dropped += max(0, _len(text) - max(room, 0))
        return _len(text)

    def value(self):
        text = "".join(self.parts)
        if self.dropped:
            text += "\n[... %d more characters of output dropped]\n" % self.dropped
        return text


class Remote:
    """A proxy for an object of the other process."""

    __slots__ = ("_kata_channel", "_kata_id", "__weakref__")

    def __init__(self, channel, handle):
        object.__setattr__(self, "_kata_channel", channel)
        object.__setattr__(self, "_kata_id", handle)

    def _kata_op(self, op, *args):
        return self._kata_channel.request("op", name=op, args=list(args))

    def __getattr__(self, name):
        if name.startswith("_kata_"):
            raise AttributeError(name)
        return self._kata_channel.request("getattr", obj=self, name=name)

    def __setattr__(self, name, value):
        self._kata_channel.request("setattr", obj=self, name=name, value=value)

    def __delattr__(self, name):
        self._kata_channel.request("delattr", obj=self, name=name)

    def __call__(self, *args, **kwargs):
        return self._kata_channel.request("call", obj=self, args=list(args),
                                          kwargs=kwargs)

    def __repr__(self):
        text = self._kata_op("repr", self)
        return _cap(text) if _type(text) is _str else "<remote object>"

    def __str__(self):
        text = self._kata_op("str", self)
        return _cap(text) if _type(text) is _str else "<remote object>"

    def __bool__(self):
        return self._kata_op("bool", self) is True

    def __len__(self):
        n = self._kata_op("len", self)
        if _type(n) is not _int or n < 0:
            raise TypeError("len() of the submission's object is not a count")
        return n

    def __hash__(self):
        n = self._kata_op("hash", self)
        return n if _type(n) is _int else 0

    def __iter__(self):
        return self._kata_op("iter", self)

    def __next__(self):
        return self._kata_op("next", self)

    def __index__(self):
        n = self._kata_op("index", self)
        if _type(n) is not _int:
            raise TypeError("__index__ of the submission's object is not an int")
        return n

    def __int__(self):
        n = self._kata_op("int", self)
        if _type(n) is not _int:
            raise TypeError("int() of the submission's object is not an int")
        return n

    def __float__(self):
        n = self._kata_op("float", self)
        if _type(n) is not float:
            raise TypeError("float() of the submission's object is not a float")
        return n

    def __contains__(self, item):
        return self._kata_op("contains", self, item) is True

    def __getitem__(self, key):
        return self._kata_op("getitem", self, key)

    def __setitem__(self, key, value):
        self._kata_op("setitem", self, key, value)

    def __delitem__(self, key):
        self._kata_op("delitem", self, key)

    # Equality and order only between two objects of the same process: a
    # proxy never equals plain data, whatever the other side's __eq__ says.
    def __eq__(self, other):
        if _type(other) in _REMOTE_TYPES and other._kata_channel is self._kata_channel:
            return self._kata_op("eq", self, other)
        return NotImplemented

    def __ne__(self, other):
        if _type(other) in _REMOTE_TYPES and other._kata_channel is self._kata_channel:
            return self._kata_op("ne", self, other)
        return NotImplemented

    def __enter__(self):
        return self._kata_channel.request("enter", obj=self)

    def __exit__(self, etype, exc, tb):
        return self._kata_channel.request("exit", obj=self, exc=exc) is True

    def __await__(self):
        return self._kata_channel.request("await", obj=self)
        yield  # pragma: no cover  (makes this a generator)

    async def __aenter__(self):
        return self._kata_channel.request("aenter", obj=self)

    async def __aexit__(self, etype, exc, tb):
        return self._kata_channel.request("aexit", obj=self, exc=exc) is True

    def __aiter__(self):
        return self._kata_channel.request("aiter", obj=self)

    async def __anext__(self):
        return self._kata_channel.request("anext", obj=self)

    def __instancecheck__(self, instance):
        return self._kata_op("isinstance", instance, self) is True

    def __subclasscheck__(self, subclass):
        return self._kata_op("issubclass", subclass, self) is True


def _binary(name, reflected):
    def forward(self, other):
        if _type(other) in _REMOTE_TYPES and other._kata_channel is not self._kata_channel:
            return NotImplemented
        return self._kata_op(name, self, other)

    def backward(self, other):
        return self._kata_op(name, other, self)

    return backward if reflected else forward


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow",
              "matmul", "and", "or", "xor", "lshift", "rshift"):
    _op = _name + "_" if _name in ("and", "or") else _name
    setattr(Remote, "__%s__" % _name, _binary(_op, False))
    setattr(Remote, "__r%s__" % _name, _binary(_op, True))
for _name in ("lt", "le", "gt", "ge"):
    def _ordered(self, other, _op=_name):
        if _type(other) in _REMOTE_TYPES and other._kata_channel is self._kata_channel:
            return self._kata_op(_op, self, other)
        return NotImplemented
    setattr(Remote, "__%s__" % _name, _ordered)
for _name in ("neg", "pos", "abs", "invert"):
    setattr(Remote, "__%s__" % _name, lambda self, _op=_name: self._kata_op(_op, self))
del _name, _op


def _remote_attribute(name):
    return property(lambda self: self._kata_channel.request("getattr", obj=self, name=name))


# Instances would otherwise show the proxy class's own module and docstring.
Remote.__doc__ = _remote_attribute("__doc__")
Remote.__module__ = _remote_attribute("__module__")


class RemoteFunction(Remote):
    """A proxy for a function (or another descriptor) of the other process:
    a method when a class holds it."""

    __slots__ = ()

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return self._kata_channel.request("bind", obj=self, instance=instance, owner=owner)


def _builtin_function_name(function):
    """``[module, name]`` of a builtin function found under that name in an
    imported module (``time.sleep``), else None."""
    module, name = getattr(function, "__module__", None), getattr(function, "__name__", None)
    if _type(module) is not _str or _type(name) is not _str:
        return None
    found = _sys.modules.get(module)
    if found is None or getattr(found, name, None) is not function:
        return None
    return [module, name]


def _local_builtin_function(where):
    """This process's builtin function named ``[module, name]``, if its
    module is imported here (nothing is imported on the other side's word)."""
    if _type(where) is not list or _len(where) != 2 or not all(_type(w) is _str for w in where):
        return None
    found = _sys.modules.get(where[0])
    function = getattr(found, where[1], None) if found is not None else None
    return function if _isinstance(function, _types.BuiltinFunctionType) else None


#: The proxy classes (checked by exact type: nothing else passes for one).
_REMOTE_TYPES = (Remote, RemoteFunction)


async def _awaiting(proxy):
    return proxy._kata_channel.request("await", obj=proxy)


def is_remote(value):
    """True for a proxy of the submission's object."""
    return _type(value) in _REMOTE_TYPES


def probe(value, name):
    """Asks the submission's process one of ``_PROBES`` about ``value``."""
    return value._kata_channel.request("probe", obj=value, name=name)


def peak_memory(function, args, kwargs):
    """``kata.peak_memory`` for a function of the submission's process."""
    return function._kata_channel.request("peak", obj=function, args=list(args),
                                          kwargs=kwargs)


def _value_type(module, name):
    """A value type of an already imported stdlib module (Decimal,
    Fraction), copied across like numbers."""
    found = _sys.modules.get(module)
    return getattr(found, name, None) if found is not None else None


#: What a named tuple class made by collections.namedtuple or
#: typing.NamedTuple holds besides its fields' accessors.
_NAMEDTUPLE_KEYS = frozenset((
    "__module__", "__doc__", "__slots__", "_fields", "_field_defaults", "__new__",
    "_make", "_replace", "__repr__", "_asdict", "__getnewargs__", "__match_args__",
    "__annotations__", "__orig_bases__", "__qualname__"))


def _plain_namedtuple(cls):
    """True for a named tuple class with nothing of its own but fields: it
    can be copied across like a tuple."""
    if cls.__bases__ != (tuple,):
        return False
    fields = cls.__dict__.get("_fields")
    if _type(fields) is not tuple or not all(_type(f) is _str for f in fields):
        return False
    return all(key in _NAMEDTUPLE_KEYS or key in fields for key in cls.__dict__)


def _builtin_name(cls):
    """The name of ``cls`` in builtins, if it is a builtin type."""
    name = getattr(cls, "__name__", None)
    if _type(name) is _str and getattr(_builtins, name, None) is cls:
        return name
    return None


def _is_identifier(text):
    return _type(text) is _str and 0 < _len(text) <= 200 and text.isidentifier()


class Channel:
    """One end of the socket between the two processes."""

    def __init__(self, sock, trusted):
        self.sock = sock
        #: The tests' side: decodes defensively, narrows what it serves.
        self.trusted = trusted
        self.objects = {}   # handle -> local object
        self.handles = {}   # id(local object) -> handle
        self.proxies = {}   # remote handle -> Remote or shadow class
        self.namedtuples = {}  # (name, fields) -> local named tuple class
        # id(exception rebuilt here) -> (the other process's handle, exception)
        self.exception_origins = {}
        self.next_handle = 1
        self.seq = 0
        self.lock = _threading.RLock()
        self.loop = None
        #: Says how the other process ended (set by the tests' side).
        self.describe_end = None
        #: The error that ended the conversation, and who to tell.
        self.broken = None
        self.on_broken = None

    def gone_message(self):
        how = "ended"
        if self.describe_end is not None:
            try:
                how = self.describe_end()
            except _BaseException:
                pass
        return "the submission's process %s" % how

    # -- frames ------------------------------------------------------------
    def _send(self, message):
        data = _json.dumps(message, separators=(",", ":")).encode("utf-8", "surrogatepass")
        # One writer at a time: a submission's threads may call back while
        # another thread replies.
        with self.lock:
            self.sock.sendall(_struct.pack(">I", _len(data)) + data)

    def _read_exactly(self, n):
        chunks, got = [], 0
        while got < n:
            chunk = self.sock.recv(min(n - got, 1 << 20))
            if not chunk:
                raise SubmissionGone(self.gone_message())
            chunks.append(chunk)
            got += _len(chunk)
        return b"".join(chunks)

    def _receive(self):
        (size,) = _struct.unpack(">I", self._read_exactly(4))
        if size > MAX_FRAME:
            raise ProtocolError("a message of %d bytes is over the limit" % size)
        try:
            message = _json.loads(self._read_exactly(size).decode("utf-8", "surrogatepass"))
        except (ValueError, RecursionError) as exc:
            raise ProtocolError("a malformed message: %s" % exc) from None
        if _type(message) is not dict:
            raise ProtocolError("a message that is not an object")
        return message

    # -- requests ----------------------------------------------------------
    def request(self, op, **fields):
        if self.broken is not None:
            raise _type(self.broken)(*self.broken.args)
        try:
            return self._request(op, fields)
        except (SubmissionGone, ProtocolError) as exc:
            self.broken = exc
            if self.on_broken is not None:
                self.on_broken(exc)
            raise

    def _request(self, op, fields):
        with self.lock:
            self.seq += 1
            seq = self.seq
            message = {"q": seq, "op": op}
            for key, value in fields.items():
                message[key] = self.encode(value)
            self._send(message)
            return self.wait(seq)

    def wait(self, seq):
        """Serves the other side's requests until the reply to ``seq``."""
        while True:
            message = self._receive()
            if "q" in message:
                self.serve(message)
                continue
            if message.get("a") != seq:
                raise ProtocolError("a reply to a request that was not made")
            if "x" in message:
                raise self.decode_exception(message["x"])
            if "v" not in message:
                raise ProtocolError("a reply without a value")
            value = self.decode(message["v"])
            output = message.get("out")
            if output:
                self._replay_output(output)
            return value

    def _replay_output(self, output):
        if _type(output) is not list or _len(output) != 2:
            return
        for text, stream in zip(output, (_sys.stdout, _sys.stderr)):
            if _type(text) is _str and text:
                try:
                    stream.write(_cap(text))
                except _BaseException:
                    pass

    def serve(self, message):
        seq = message.get("q")
        captured = None if self.trusted else (_CapWriter(), _CapWriter())
        saved = _sys.stdout, _sys.stderr
        try:
            if captured is not None:
                _sys.stdout, _sys.stderr = captured
            value = self.perform(message)
            reply = {"a": seq, "v": self.encode(value)}
        except (SubmissionGone, ProtocolError):
            raise
        except _BaseException as exc:
            reply = {"a": seq, "x": self.encode_exception(exc)}
        finally:
            if captured is not None:
                _sys.stdout, _sys.stderr = saved
        if captured is not None:
            out, err = captured[0].value(), captured[1].value()
            if out or err:
                reply["out"] = [out, err]
        self._send(reply)

    def _field(self, message, key):
        if key not in message:
            raise ProtocolError("a request without %r" % key)
        return self.decode(message[key])

    def _target(self, message):
        obj = self._field(message, "obj")
        if self.trusted and not self._grantable(obj):
            raise ProtocolError("a request on an object that was not handed over")
        return obj

    def _grantable(self, obj):
        """The tests' side serves only objects it handed over itself."""
        return _isinstance(obj, _BaseException) or self.handles.get(id(obj)) is not None

    def perform(self, message):
        op = message.get("op")
        if op == "getattr":
            obj, name = self._target(message), message.get("name")
            if _type(name) is not _str:
                raise ProtocolError("an attribute name that is not a string")
            if self.trusted and not self._readable(name):
                raise AttributeError(name)
            value = getattr(obj, name)
            if self.trusted and _isinstance(value, _INTERNAL_TYPES):
                raise AttributeError(name)
            return value
        if op == "call":
            obj = self._target(message)
            args = self._field(message, "args")
            kwargs = self._field(message, "kwargs")
            if _type(args) is not list or _type(kwargs) is not dict or not all(
                    _type(k) is _str for k in kwargs):
                raise ProtocolError("malformed call arguments")
            return obj(*args, **kwargs)
        if op == "op":
            name, args = message.get("name"), self._field(message, "args")
            function = _OPERATORS.get(name) if _type(name) is _str else None
            if function is None or _type(args) is not list:
                raise ProtocolError("an unknown operation")
            if self.trusted:
                if name not in _CALLBACK_OPERATORS:
                    raise TypeError("the tests' objects do not support %s" % name)
            return function(*args)
        if self.trusted:
            if op in ("enter", "exit", "await", "aenter", "aexit", "anext", "aiter"):
                self._target(message)
            else:
                raise ProtocolError("the request %r is not served here" % (op,))
        if op == "setattr":
            obj, name = self._target(message), message.get("name")
            if _type(name) is not _str:
                raise ProtocolError("an attribute name that is not a string")
            setattr(obj, name, self._field(message, "value"))
            return None
        if op == "delattr":
            obj, name = self._target(message), message.get("name")
            if _type(name) is not _str:
                raise ProtocolError("an attribute name that is not a string")
            delattr(obj, name)
            return None
        if op == "enter":
            obj = self._target(message)
            return _type(obj).__enter__(obj)
        if op == "exit":
            obj, exc = self._target(message), self._field(message, "exc")
            if exc is None:
                return _type(obj).__exit__(obj, None, None, None)
            return _type(obj).__exit__(obj, _type(exc), exc, exc.__traceback__)
        if op == "await":
            return self.run_awaitable(self._target(message))
        if op == "aenter":
            obj = self._target(message)
            return self.run_awaitable(_type(obj).__aenter__(obj))
        if op == "aexit":
            obj, exc = self._target(message), self._field(message, "exc")
            etype = None if exc is None else _type(exc)
            tb = None if exc is None else exc.__traceback__
            return self.run_awaitable(_type(obj).__aexit__(obj, etype, exc, tb))
        if op == "aiter":
            obj = self._target(message)
            return _type(obj).__aiter__(obj)
        if op == "anext":
            obj = self._target(message)
            return self.run_awaitable(_type(obj).__anext__(obj))
        if op == "bind":
            obj = self._target(message)
            instance, owner = self._field(message, "instance"), self._field(message, "owner")
            return _type(obj).__get__(obj, instance, owner)
        if op == "probe":
            function = _PROBES.get(message.get("name"))
            if function is None:
                raise ProtocolError("an unknown probe")
            return function(self._target(message))
        if op == "peak":
            return self._peak(message)
        raise ProtocolError("an unknown request %r" % (op,))

    @staticmethod
    def _readable(name):
        if name.startswith("_"):
            return name in _CALLBACK_DUNDERS
        return not name.startswith(_INTERNAL_PREFIXES)

    def _peak(self, message):
        import kata
        function = self._target(message)
        args, kwargs = self._field(message, "args"), self._field(message, "kwargs")
        if _type(args) is not list or _type(kwargs) is not dict:
            raise ProtocolError("malformed call arguments")
        return kata._measure_peak(function, args, kwargs)

    def run_awaitable(self, awaitable):
        """Runs ``awaitable`` to its end on this process's own loop, even
        when a loop is already running in this thread (a callback made
        from inside a task): the two processes take turns."""
        if self.loop is None or self.loop.is_closed():
            self.loop = _asyncio.new_event_loop()
        running = _asyncio.events._get_running_loop()
        _asyncio.events._set_running_loop(None)
        try:
            async def drive():
                return await awaitable
            return self.loop.run_until_complete(drive())
        finally:
            _asyncio.events._set_running_loop(running)

    # -- values ------------------------------------------------------------
    def encode(self, value, depth=0):
        kind = _type(value)
        if value is None or kind is bool or kind is _str or kind is float:
            return value
        if kind is _int:
            return value if -(1 << 62) < value < (1 << 62) else {"t": "int", "v": hex(value)}
        if kind in _REMOTE_TYPES and value._kata_channel is self:
            return {"t": "yours", "id": value._kata_id}
        if depth < MAX_DEPTH:
            if kind is list:
                return [self.encode(item, depth + 1) for item in value]
            if kind is tuple or kind is set or kind is frozenset:
                return {"t": kind.__name__, "v": [self.encode(item, depth + 1) for item in value]}
            if kind is dict:
                return {"t": "dict", "v": [[self.encode(k, depth + 1), self.encode(v, depth + 1)]
                                           for k, v in value.items()]}
        if kind is bytes:
            return {"t": "bytes", "v": value.decode("latin-1")}
        if depth < MAX_DEPTH and _isinstance(value, tuple) and _plain_namedtuple(kind):
            return {"t": "namedtuple", "name": kind.__name__, "fields": list(kind._fields),
                    "v": [self.encode(item, depth + 1) for item in value]}
        if _isinstance(value, _BaseException):
            return {"t": "exc", "v": self.encode_exception(value)}
        if kind is complex:
            return {"t": "complex", "v": [value.real, value.imag]}
        if kind is slice or kind is range:
            return {"t": kind.__name__, "v": [self.encode(value.start), self.encode(value.stop),
                                              self.encode(value.step)]}
        if kind is _value_type("decimal", "Decimal") or kind is _value_type("fractions", "Fraction"):
            return {"t": kind.__name__, "v": _str(value)}
        if _isinstance(value, _type):
            remote = value.__dict__.get("_kata_remote")
            if remote is not None and value.__dict__.get("_kata_channel") is self:
                return {"t": "yours", "id": remote}
            name = _builtin_name(value)
            if name is not None:
                return {"t": "builtin", "v": name}
        return self._reference(value)

    def _reference(self, value):
        if self.trusted and _isinstance(value, _INTERNAL_TYPES):
            raise TypeError("kata does not hand a %s to the submission" % _type(value).__name__)
        handle = self.handles.get(id(value))
        if handle is None:
            handle = self.next_handle
            self.next_handle += 1
            self.objects[handle] = value
            self.handles[id(value)] = handle
        info = {"t": "ref", "id": handle}
        if _isinstance(value, _type) and issubclass(value, _BaseException):
            bases = [_builtin_name(c) for c in value.__mro__]
            info["exc"] = [b for b in bases if b is not None]
            info["name"] = value.__name__
        elif _inspect.iscoroutine(value):
            info["coro"] = 1
        elif _isinstance(value, _types.BuiltinFunctionType):
            where = _builtin_function_name(value)
            if where is not None:
                info["fn"] = where
        elif not _isinstance(value, _type) and hasattr(_type(value), "__get__"):
            # A function (or other descriptor): bound when a test's class
            # holds it, as a method.
            info["bind"] = 1
        return info

    def decode(self, data, depth=0):
        kind = _type(data)
        if data is None or kind is bool or kind is _int or kind is float or kind is _str:
            return data
        if depth > 2 * MAX_DEPTH:
            raise ProtocolError("values nested too deeply")
        if kind is list:
            return [self.decode(item, depth + 1) for item in data]
        if kind is not dict:
            raise ProtocolError("a malformed value")
        tag, value = data.get("t"), data.get("v")
        if tag in ("tuple", "set", "frozenset"):
            if _type(value) is not list:
                raise ProtocolError("a malformed %s" % tag)
            items = [self.decode(item, depth + 1) for item in value]
            return {"tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
        if tag == "dict":
            if _type(value) is not list:
                raise ProtocolError("a malformed dict")
            result = {}
            for pair in value:
                if _type(pair) is not list or _len(pair) != 2:
                    raise ProtocolError("a malformed dict item")
                result[self.decode(pair[0], depth + 1)] = self.decode(pair[1], depth + 1)
            return result
        if tag == "int":
            if _type(value) is not _str or _len(value) > 1 << 20:
                raise ProtocolError("a malformed int")
            return _int(value, 16)
        if tag == "bytes":
            if _type(value) is not _str:
                raise ProtocolError("malformed bytes")
            return value.encode("latin-1")
        if tag == "complex":
            if _type(value) is not list or _len(value) != 2 or not all(
                    _type(v) in (float, _int) for v in value):
                raise ProtocolError("a malformed complex")
            return complex(value[0], value[1])
        if tag == "namedtuple":
            return self._namedtuple(data, value, depth)
        if tag in ("slice", "range"):
            if _type(value) is not list or _len(value) != 3:
                raise ProtocolError("a malformed %s" % tag)
            parts = [self.decode(item, depth + 1) for item in value]
            if tag == "range":
                if not all(_type(p) is _int for p in parts):
                    raise ProtocolError("a malformed range")
                return range(*parts)
            return slice(*parts)
        if tag in ("Decimal", "Fraction"):
            kind = _value_type("decimal" if tag == "Decimal" else "fractions", tag)
            if kind is None or _type(value) is not _str or _len(value) > 10000:
                raise ProtocolError("a malformed %s" % tag)
            return kind(value)
        if tag == "builtin":
            found = getattr(_builtins, value, None) if _type(value) is _str else None
            if not _isinstance(found, _type):
                raise ProtocolError("an unknown builtin type")
            return found
        if tag == "yours":
            handle = data.get("id")
            if _type(handle) is not _int or handle not in self.objects:
                raise ProtocolError("a reference to an object that was never sent")
            return self.objects[handle]
        if tag == "ref":
            return self._proxy(data)
        if tag == "exc":
            return self.decode_exception(value)
        raise ProtocolError("a value of unknown kind")

    def _namedtuple(self, data, value, depth):
        """A named tuple rebuilt as one of this process's own classes with
        the same name and fields (it has no methods of its own)."""
        name, fields = data.get("name"), data.get("fields")
        if (not _is_identifier(name) or _type(fields) is not list or _len(fields) > 255
                or not all(_is_identifier(f) and not f.startswith("_") for f in fields)
                or _type(value) is not list or _len(value) != _len(fields)):
            raise ProtocolError("a malformed named tuple")
        key = (name, tuple(fields))
        cls = self.namedtuples.get(key)
        if cls is None:
            import collections
            import keyword
            if keyword.iskeyword(name) or any(keyword.iskeyword(f) for f in fields) \
                    or _len(set(fields)) != _len(fields):
                raise ProtocolError("a malformed named tuple")
            cls = self.namedtuples[key] = collections.namedtuple(name, fields, module="solution")
        return cls(*[self.decode(item, depth + 1) for item in value])

    def _proxy(self, data):
        handle = data.get("id")
        if _type(handle) is not _int:
            raise ProtocolError("a malformed reference")
        known = self.proxies.get(handle)
        if known is not None:
            return known
        if "exc" in data:
            proxy = self._shadow_exception(handle, data)
        elif "fn" in data and _local_builtin_function(data["fn"]) is not None:
            # `time.sleep` there is `time.sleep` here.
            proxy = _local_builtin_function(data["fn"])
        elif data.get("bind") == 1:
            proxy = RemoteFunction(self, handle)
        else:
            proxy = Remote(self, handle)
        self.proxies[handle] = proxy
        if data.get("coro") == 1:
            # A real coroutine, so asyncio.run() and create_task() take it.
            return _awaiting(proxy)
        return proxy

    def _shadow_exception(self, handle, data):
        """A local class standing for the other process's exception class,
        derived from its nearest builtin base, so ``except`` and
        ``raises()`` work on both sides."""
        names, name = data.get("exc"), data.get("name")
        base = Exception
        if _type(names) is list:
            for candidate in names:
                found = getattr(_builtins, candidate, None) if _type(candidate) is _str else None
                if _isinstance(found, _type) and issubclass(found, _BaseException):
                    base = found
                    break
        if not _is_identifier(name):
            name = "RemoteError"

        def text(self):
            remote = self.__dict__.get("_kata_text")
            return remote if _type(remote) is _str else base.__str__(self)

        return _type(name, (base,), {"__module__": "solution", "__str__": text,
                                     "_kata_remote": handle, "_kata_channel": self})

    def encode_exception(self, exc):
        origin = self.exception_origins.get(id(exc))
        if origin is not None and origin[1] is exc:
            # The other process's own exception, passed back: it gets the
            # very object again (`raise` re-raises what it was given).
            return {"origin": origin[0]}
        try:
            args = self.encode(tuple(exc.args))
        except _BaseException:
            args = {"t": "tuple", "v": []}
        try:
            text = _cap(_str(exc))
        except _BaseException:
            text = "<str() failed>"
        tb = ""
        if not self.trusted:
            try:
                tb = _cap("".join(_traceback.format_exception(_type(exc), exc,
                                                              exc.__traceback__)))
            except _BaseException:
                pass
        # Remembered, so that the same object comes back when the other
        # process hands it back.
        handle = self._reference(exc)["id"]
        return {"cls": self.encode(_type(exc)), "args": args, "text": text, "tb": tb,
                "id": handle}

    def decode_exception(self, data):
        if _type(data) is not dict:
            return ProtocolError("a malformed exception")
        if "origin" in data:
            found = self.objects.get(data["origin"]) if _type(data["origin"]) is _int else None
            if not _isinstance(found, _BaseException):
                return ProtocolError("a reference to an exception that was never sent")
            return found
        cls = self.decode(data.get("cls"))
        if not (_isinstance(cls, _type) and issubclass(cls, _BaseException)):
            return ProtocolError("an exception that is not an exception class")
        args = self.decode(data.get("args"))
        if _type(args) is not tuple:
            args = ()
        try:
            exc = cls(*args)
        except _BaseException:
            exc = cls.__new__(cls)
            exc.args = args
        text, tb = data.get("text"), data.get("tb")
        if "_kata_remote" in cls.__dict__ and _type(text) is _str:
            exc._kata_text = text
        if self.trusted and _type(tb) is _str and tb:
            try:
                exc.add_note("In the submission's process:\n" + _cap(tb).rstrip())
            except _BaseException:
                pass
        handle = data.get("id")
        if _type(handle) is _int:
            self.exception_origins[id(exc)] = (handle, exc)
        return exc


# ---------------------------------------------------------------------------
# The two processes
# ---------------------------------------------------------------------------

def _wait_status(pid):
    """How process ``pid`` (a child of this one) ended: ``(signal, code)``,
    or None if it is still running after a short wait (it closed the
    socket and went on)."""
    import time
    for _ in range(200):
        try:
            done, status = _os.waitpid(pid, _os.WNOHANG)
        except ChildProcessError:
            return (0, 0)
        if done:
            if _os.WIFSIGNALED(status):
                return (_os.WTERMSIG(status), 0)
            return (0, _os.WEXITSTATUS(status))
        time.sleep(0.001)
    return None


def _unshare(flags):
    """``unshare(flags)`` through kata's own module (absent when this file
    is imported by plain Python, in kata's own tests): True if it worked."""
    kata_sys = _sys.modules.get("kata_sys")
    if kata_sys is None:
        return False
    try:
        kata_sys.unshare(flags)
    except OSError:
        return False
    return True


def isolate_children():
    """In the tests' process, before forking the submission's: the next
    child starts a PID namespace of its own, so it cannot signal kata, the
    zygotes or other sessions (they are not in it). Returns a descriptor of
    this process's own PID namespace, for ``restore_children``, or None."""
    kata_sys = _sys.modules.get("kata_sys")
    if kata_sys is None:
        return None
    try:
        own = _os.open("/proc/self/ns/pid", _os.O_RDONLY | _os.O_CLOEXEC)
    except OSError:
        return None
    flags = kata_sys.CLONE_NEWPID
    if _os.geteuid() != 0:
        # Without root, a user namespace of our own first grants the right.
        flags |= kata_sys.CLONE_NEWUSER
    if not _unshare(flags):
        _os.close(own)
        return None
    return own


def restore_children(own):
    """After the fork: the tests' own later children (a test may start
    processes) stay in this process's namespace, not the submission's."""
    if own is None:
        return
    try:
        _sys.modules["kata_sys"].setns(own, _sys.modules["kata_sys"].CLONE_NEWPID)
    except OSError:
        pass
    finally:
        _os.close(own)


def drop_capabilities():
    """Moves this process into a user namespace of its own: it keeps its
    user id for files (so the Python installation stays readable, even
    under /root) but loses every capability outside, so as root it can no
    longer read files it does not own (the tests, written for ``nobody``),
    nor open the descriptors or memory of kata's non-dumpable processes
    through /proc."""
    kata_sys = _sys.modules.get("kata_sys")
    return kata_sys is not None and _unshare(kata_sys.CLONE_NEWUSER)


def _submission_main(sock, spec):
    """The submission's process: import the submission as ``solution``
    and serve the tests' requests until they hang up."""
    status = 0
    try:
        _os.closerange(3, sock.fileno())
        _os.closerange(sock.fileno() + 1, 1 << 16)
        channel = Channel(sock, trusted=False)
        try:
            if spec.get("unprivileged"):
                drop_capabilities()
            module = _type(_sys)(spec.get("module") or "solution")
            module.__file__ = spec["path"]
            _sys.modules[module.__name__] = module
            _sys.path.insert(0, _os.getcwd())
            code = compile(spec["source"], spec["display"], "exec", dont_inherit=True)
            captured = _CapWriter(), _CapWriter()
            saved = _sys.stdout, _sys.stderr
            _sys.stdout, _sys.stderr = captured
            try:
                exec(code, module.__dict__)
            finally:
                _sys.stdout, _sys.stderr = saved
            reply = {"a": 0, "v": channel.encode(module)}
            out, err = captured[0].value(), captured[1].value()
            if out or err:
                reply["out"] = [out, err]
        except _BaseException as exc:
            reply = {"a": 0, "x": channel.encode_exception(exc)}
        channel._send(reply)
        while True:
            # One reader at a time: the submission's own threads may be
            # waiting for replies to their callbacks.
            with channel.lock:
                message = channel._receive()
            channel.serve(message)
    except SubmissionGone:
        pass
    except _BaseException as exc:
        # Most likely the submission broke this process (patched builtins,
        # closed descriptors): say what stopped it on its stderr.
        status = 70
        try:
            text = "".join(_traceback.format_exception(_type(exc), exc, exc.__traceback__))
        except _BaseException:
            text = repr(exc)
        try:
            _os.write(2, ("kata: the submission's process stopped serving the tests:\n%s"
                          % _cap(text)).encode("utf-8", "replace"))
        except _BaseException:
            pass
    _os._exit(status)


class Sealed:
    """The tests' side: the submission's process and the proxy of its module."""

    def __init__(self, spec):
        # Fork before anything of the tests is read: the submission's
        # process starts as a copy of this one.
        ours, theirs = _socket.socketpair()
        namespace = isolate_children() if spec.get("unprivileged") else None
        pid = _os.fork()
        if pid == 0:
            ours.close()
            _submission_main(theirs, spec)
        restore_children(namespace)
        theirs.close()
        self.pid = pid
        self.channel = Channel(ours, trusted=True)
        self.channel.describe_end = self.describe_end
        self.channel.on_broken = self._broken
        self.ended = False
        self.end = None

    def load(self):
        """Waits for the submission's import: its module's proxy, or what
        importing it raised."""
        return self.channel.wait(0)

    def _broken(self, exc):
        if _type(exc) is ProtocolError:
            try:
                _os.kill(self.pid, 9)
            except OSError:
                pass

    def status(self):
        if not self.ended:
            self.end = _wait_status(self.pid)
            self.ended = self.end is not None
        return self.end

    def describe_end(self):
        end = self.status()
        if end is None:
            return "closed its connection to the tests"
        if end[0]:
            return "was killed by signal %d" % end[0]
        return "exited with status %d" % end[1]

    def mirror_end(self):
        """Ends this process the way the submission's ended, so kata
        reports the test as a crash with that signal or status (and goes
        on with a fresh pair of processes)."""
        end = self.status() or (0, 1)
        if end[0]:
            import signal
            try:
                signal.signal(end[0], signal.SIG_DFL)
                _os.kill(_os.getpid(), end[0])
            except _BaseException:
                pass
        _os._exit(end[1] if not end[0] else 128 + end[0])
