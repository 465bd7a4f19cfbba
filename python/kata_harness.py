"""Python half of kata: runs the Python blocks of one Markdown guide.

The Rust zygote imports this module once as ``kata_harness``, calls
``warm_up()`` and ``gc.freeze()``, then forks one child per job.  In the
child, fd 0 is /dev/null, fd 1 and fd 2 are the stdout/stderr capture pipes,
fd 3 is the private result pipe, and the cwd is a fresh temporary directory.
The child calls ``run_session(job_json, 3)`` and ``_exit``s when it returns.

Protocol (one JSON object per line on the result fd, every record carries the
job's nonce):

* ``{"type": "end", "index": i, "nonce": ..., "status": ..., "duration_ms": ...}``
  after each block, with ``status`` one of ``ok``, ``exception`` (plus an
  ``exception`` object), ``skip`` (plus ``reason``) or ``doctest`` (plus a
  ``doctest`` object);
* ``{"type": "internal_error", "nonce": ..., "traceback": ...}`` if the
  harness itself breaks (the session then stops).

Everything a block prints goes straight to fds 1 and 2 (unbuffered), and all
of it is written before the block's ``end`` record; after that record the
child waits for one byte on the ack fd, so when the zygote sees ``end`` it
can drain the pipes and charge exactly that output to the block. There is
no ``start`` record: the zygote starts the next block's clock when it acks.

A block with a ``setup_file`` is the configuration's ``setup`` code (always
the first block): it is compiled under that file's name, and if it does not
end ``ok`` every later block of the session gets a ``skip`` record without
running (kata reports them as errors with the setup's traceback).

The harness never enforces time limits: the zygote kills the child.

This file must stay importable and correct on CPython 3.11, 3.12 and 3.13,
and it must not start threads or touch fds at import or in ``warm_up()``.
"""

import ast as _ast
import builtins as _builtins
import errno as _errno
import importlib as _importlib
import importlib.machinery as _importlib_machinery
import importlib.util as _importlib_util
import inspect as _inspect
import io as _io
import json as _json
import json.encoder as _json_encoder
import linecache as _linecache
import os as _os
import sys as _sys
import time as _time
import traceback as _traceback

__all__ = ["warm_up", "run_session"]

# ---------------------------------------------------------------------------
# References taken at import time, so that user code patching builtins or
# stdlib modules (builtins.isinstance, json.dumps, os.write, traceback...)
# cannot break the harness.  Names are looked up in this module's globals,
# which user code never sees.
# ---------------------------------------------------------------------------

_os_write = _os.write
_CodeType = type(compile('', '', 'exec'))
_os_read = _os.read
_os_getpid = _os.getpid
_os_exit = _os._exit
_os_getcwd = _os.getcwd
_os_dup = _os.dup
_os_dup2 = _os.dup2
_os_fstat = _os.fstat
_perf_counter = _time.perf_counter
_compile = compile
_exec = exec
_eval = eval
_type = type
_str = str
_repr = repr
_len = len
_int = int
_float = float
_dict = dict
_list = list
_tuple = tuple
_range = range
_memoryview = memoryview
_BaseException = BaseException
_SystemExit = SystemExit
_SyntaxError = SyntaxError
_KeyboardInterrupt = KeyboardInterrupt
_OSError = OSError
_ValueError = ValueError
_sys_exc_info = _sys.exc_info
_sys_modules = _sys.modules

_str_join = str.join
_str_encode = str.encode
_str_isascii = str.isascii
_str_split = str.split
_str_startswith = str.startswith
_str_count = str.count
_bytes_decode = bytes.decode
_dict_items = dict.items
_dict_get = dict.get
_list_append = list.append
_int_repr = int.__repr__
_float_repr = float.__repr__
_str_str = str.__str__   # exact-str copy of a str subclass instance

_type_name = type.__dict__["__name__"].__get__
_type_qualname = type.__dict__["__qualname__"].__get__
_type_module = type.__dict__["__module__"].__get__
_type_mro = type.__dict__["__mro__"].__get__

_format_exception = _traceback.format_exception
_format_exception_only = _traceback.format_exception_only
_json_loads = _json.loads
_encode_str_ascii = (getattr(_json_encoder, "c_encode_basestring_ascii", None)
                     or _json_encoder.py_encode_basestring_ascii)
_find_spec = _importlib_util.find_spec
_PathFinder_find_spec = _importlib_machinery.PathFinder.find_spec
_import_module = _importlib.import_module
_FileIO = _io.FileIO
_TextIOWrapper = _io.TextIOWrapper

_CO_COROUTINE = _inspect.CO_COROUTINE
_PyCF_ALLOW_TOP_LEVEL_AWAIT = _ast.PyCF_ALLOW_TOP_LEVEL_AWAIT

_PY_VERSION = tuple(_sys.version_info[:3])
_PY_VERSION_TEXT = _sys.version.split()[0]

MESSAGE_CAP = 10 * 1024        # characters of str(exc) kept in a record
TRACEBACK_CAP = 64 * 1024      # characters of formatted traceback kept
EXIT_CODE_CAP = 200            # characters of repr(SystemExit.code) kept
DOCTEST_EXC_HEADER = "Traceback (most recent call last):\n...\n"

# Modules pre-imported by warm_up(): what sessions need plus cheap, common
# stdlib modules that guides use.  None of them starts a thread on import.
WARM_MODULES = (
    "ast", "asyncio", "doctest", "traceback", "linecache", "inspect", "io",
    "json", "os", "sys", "importlib.util", "re",
    "collections", "collections.abc", "functools", "itertools", "dataclasses",
    "typing", "contextlib", "math", "random", "time", "enum", "abc", "copy",
    "weakref", "gc", "heapq", "threading", "contextvars", "textwrap", "string",
    "operator",
)


# ---------------------------------------------------------------------------
# Small robust helpers
# ---------------------------------------------------------------------------

def _cap(text, limit):
    """Shorten ``text`` to at most ``limit`` characters, keeping head and tail."""
    n = _len(text)
    if n <= limit:
        return text
    marker = "\n... [%d characters omitted] ...\n" % (n - limit)
    keep = limit - _len(marker)
    if keep < 2:
        return text[:limit]
    head = keep // 2
    return text[:head] + marker + text[n - (keep - head):]


def _cap_head(text, limit):
    n = _len(text)
    if n <= limit:
        return text
    marker = "... [%d characters omitted]" % (n - limit)
    return text[:limit - _len(marker)] + marker


def _safe_str(obj, fallback="<str() failed>"):
    """str(obj) as an exact str; never raises."""
    try:
        s = _str(obj)
        if _type(s) is not _str:
            s = _str_str(s)
        return s
    except _BaseException:
        return fallback


def _safe_repr(obj, fallback="<repr() failed>"):
    try:
        s = _repr(obj)
        if _type(s) is not _str:
            s = _str_str(s)
        return s
    except _BaseException:
        pass
    try:
        if _type(obj) is _int:  # e.g. sys.exit(10**5000): str() is limited
            return "<int with %d bits>" % obj.bit_length()
    except _BaseException:
        pass
    return fallback


# ---------------------------------------------------------------------------
# JSON encoding of records, with no dependency on anything user code can
# patch (json.dumps, builtins.isinstance...).  Output is equivalent to
# json.dumps(record, ensure_ascii=True).  Strings with lone surrogates are
# made valid (surrogates become backslash escapes as text) so that strict
# parsers such as serde_json accept every record.
# ---------------------------------------------------------------------------

def _clean_str(s):
    if _type(s) is not _str:
        s = _safe_str(s)
    if _str_isascii(s):
        return s
    try:
        _str_encode(s, "utf-8")
        return s
    except _BaseException:
        return _bytes_decode(_str_encode(s, "utf-8", "backslashreplace"), "utf-8")


def _encode(obj, parts):
    t = _type(obj)
    if t is _str:
        _list_append(parts, _encode_str_ascii(_clean_str(obj)))
    elif obj is None:
        _list_append(parts, "null")
    elif obj is True:
        _list_append(parts, "true")
    elif obj is False:
        _list_append(parts, "false")
    elif t is _int:
        _list_append(parts, _int_repr(obj))
    elif t is _float:
        if obj != obj or obj in (float("inf"), float("-inf")):
            _list_append(parts, "null")
        else:
            _list_append(parts, _float_repr(obj))
    elif t is _dict:
        _list_append(parts, "{")
        first = True
        for key, value in _dict_items(obj):
            if not first:
                _list_append(parts, ", ")
            first = False
            _list_append(parts, _encode_str_ascii(_clean_str(key)))
            _list_append(parts, ": ")
            _encode(value, parts)
        _list_append(parts, "}")
    elif t is _list or t is _tuple:
        _list_append(parts, "[")
        first = True
        for value in obj:
            if not first:
                _list_append(parts, ", ")
            first = False
            _encode(value, parts)
        _list_append(parts, "]")
    else:
        _list_append(parts, _encode_str_ascii(_clean_str(_safe_str(obj))))


def _dumps(record):
    parts = []
    _encode(record, parts)
    return _str_join("", parts)


def _write_all(fd, data):
    """Write all of ``data`` to ``fd``; False if the fd is unusable."""
    view = _memoryview(data)
    total = _len(data)
    done = 0
    while done < total:
        try:
            n = _os_write(fd, view[done:])
        except InterruptedError:
            continue
        except _BaseException:
            return False
        if n is None or n <= 0:
            return False
        done += n
    return True


# ---------------------------------------------------------------------------
# Output streams
# ---------------------------------------------------------------------------

class _DeadWriter(_io.TextIOBase):
    """Stands in for sys.stdout/sys.stderr when the fd was closed by a block.

    Writes fail with EBADF (as they would with the real stream), nothing
    else does, so the harness keeps working.
    """

    encoding = "utf-8"
    errors = "backslashreplace"

    def __init__(self, fd):
        self._kata_fd = fd

    def writable(self):
        return True

    def write(self, s):
        raise _OSError(_errno.EBADF, "Bad file descriptor")

    def flush(self):
        pass

    def fileno(self):
        return self._kata_fd


def _make_writer(fd):
    """An unbuffered text writer on ``fd``: every write is a write(2)."""
    try:
        raw = _FileIO(fd, "w", closefd=False)
        return _TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace",
                              write_through=True, line_buffering=False)
    except _BaseException:
        return _DeadWriter(fd)


def _flush_quietly(stream):
    try:
        if stream is not None:
            stream.flush()
    except _BaseException:
        pass


# ---------------------------------------------------------------------------
# Requirements
# ---------------------------------------------------------------------------

def _module_available(name):
    """Whether module ``name`` can be imported, without importing it.

    For dotted names whose parent package is not imported yet, the parent's
    search locations are used directly, so no package code runs.
    """
    try:
        if _type(name) is not _str or not name:
            return False
        if _dict_get(_sys_modules, name) is not None:
            return True
        parts = _str_split(name, ".")
        spec = _find_spec(parts[0])
        full = parts[0]
        for part in parts[1:]:
            if spec is None:
                return False
            parent = full
            full = full + "." + part
            if _dict_get(_sys_modules, full) is not None:
                spec = True
                continue
            if _dict_get(_sys_modules, parent) is not None:
                spec = _find_spec(full)
                continue
            locations = getattr(spec, "submodule_search_locations", None)
            if locations is None:
                return False
            spec = _PathFinder_find_spec(full, _list(locations))
        return spec is not None
    except _BaseException:
        return False


def _requires_reason(requires):
    """None if the block may run, else the skip reason."""
    if not requires:
        return None
    python = requires.get("python")
    if python:
        want = _tuple(_int(x) for x in python)
        if _PY_VERSION[:_len(want)] < want:
            return "requires Python %s (this is %s)" % (
                ".".join(_str(x) for x in want), _PY_VERSION_TEXT)
    modules = requires.get("modules") or ()
    missing = [m for m in modules if not _module_available(m)]
    if missing:
        if _len(missing) == 1:
            return "requires module %s (not installed)" % missing[0]
        return "requires modules %s (not installed)" % ", ".join(missing)
    return None


def _condition_reason(conditions, ns):
    """None if every skip condition is false, else the skip reason.

    Each condition is an argument list, ``(condition, reason="...")``, as in
    Sybil's ``skip: next if(...)`` and pytest's ``skipif(...)``. It is
    evaluated over a copy of the session's names (as Sybil does), with
    ``sys``, ``os`` and ``platform`` at hand (as pytest does); a condition
    given as a string is evaluated the same way. Raises what it raises.
    """
    for arguments in conditions:
        env = _dict(ns)
        for name, module in (("sys", _sys), ("os", _os)):
            if name not in env:
                env[name] = module
        if "platform" not in env:
            env["platform"] = _import_module("platform")
        found = []

        def skip_if(condition, reason=None):
            _list_append(found, (condition, reason))

        env["__kata_skip_if__"] = skip_if
        _eval(_compile("__kata_skip_if__" + arguments, "<skip condition>",
                       "eval", 0, True), env)
        condition, reason = found[0]
        if _type(condition) is _str:
            condition = _eval(_compile(condition, "<skip condition>", "eval",
                                       0, True), env)
        if condition:
            if reason:
                return _str(reason)
            return "skip condition %s is true" % (arguments,)
    return None


# ---------------------------------------------------------------------------
# Exceptions
# ---------------------------------------------------------------------------

def _class_info(etype):
    try:
        name = _safe_str(_type_name(etype), "?")
    except _BaseException:
        name = "?"
    try:
        qualname = _safe_str(_type_qualname(etype), name)
    except _BaseException:
        qualname = name
    try:
        module = _safe_str(_type_module(etype), "?")
    except _BaseException:
        module = "?"
    try:
        mro_classes = _type_mro(etype)
    except _BaseException:
        mro_classes = ()
    mro = []
    for cls in mro_classes:
        try:
            _list_append(mro, _safe_str(_type_name(cls), "?"))
        except _BaseException:
            _list_append(mro, "?")
    return name, qualname, module, mro, mro_classes


def _format_traceback(etype, exc, tb, keep_from):
    """Format an exception, dropping leading frames (harness, asyncio, doctest)
    until the first one for which ``keep_from(co_filename)`` is true.  Without
    such a frame (e.g. a SyntaxError from compile) only the exception part is
    formatted."""
    try:
        t = tb
        while t is not None:
            try:
                if keep_from(t.tb_frame.f_code.co_filename):
                    break
            except _BaseException:
                pass
            t = t.tb_next
        if t is None:
            lines = _format_exception_only(etype, exc)
        else:
            lines = _format_exception(etype, exc, t)
        text = _str_join("", [_safe_str(x, "") for x in lines])
    except _BaseException:
        name = "?"
        try:
            name = _safe_str(_type_name(etype), "?")
        except _BaseException:
            pass
        text = "%s: %s\n(kata: formatting the traceback failed)\n" % (
            name, _cap_head(_safe_str(exc, "<exception str() failed>"), MESSAGE_CAP))
    return _cap(text, TRACEBACK_CAP)


def _describe_exception(etype, exc, tb, keep_from):
    name, qualname, module, mro, mro_classes = _class_info(etype)
    info = {
        "type": name,
        "qualname": qualname,
        "module": module,
        "mro": mro,
        "message": _cap_head(_safe_str(exc, "<exception str() failed>"), MESSAGE_CAP),
        "traceback": _format_traceback(etype, exc, tb, keep_from),
    }
    if _SystemExit in mro_classes:
        try:
            code = exc.code
            text = _safe_repr(code)
        except _BaseException:
            text = "<unknown>"
        info["exit_code"] = _cap_head(text, EXIT_CODE_CAP)
    return info


def _doctest_exc_msg(etype, exc):
    """The exception text doctest compares with an expected traceback."""
    formatted = _list(_format_exception_only(etype, exc))
    try:
        if _SyntaxError in _type_mro(etype):
            prefixes = ("%s:" % _type_qualname(etype),
                        "%s.%s:" % (_type_module(etype), _type_qualname(etype)))
            for i in _range(_len(formatted)):
                if _str_startswith(formatted[i], prefixes):
                    formatted = formatted[i:]
                    break
    except _BaseException:
        pass
    return _str_join("", formatted)


# ---------------------------------------------------------------------------
# Doctest
# ---------------------------------------------------------------------------

def _discard(text):
    pass


class _NoDebugger:
    """Stands in for doctest's per-run debugger.

    DocTestRunner.run builds a full ``pdb.Pdb`` for every doctest block (and
    it reads ``~/.pdbrc``) only to call ``reset``/``set_continue`` on it and
    to make ``pdb.set_trace`` interactive. Blocks have no terminal (stdin is
    /dev/null), so ``pdb.set_trace()`` inside an example does nothing.
    """

    def __init__(self, out):
        pass

    def reset(self):
        pass

    def set_continue(self):
        pass

    def set_trace(self, frame=None):
        pass


# The session running now, for doctest examples with top-level await.
_ACTIVE_SESSION = None


def _doctest_compile(source, filename, mode, flags=0, dont_inherit=False, *rest):
    """doctest's `compile`: also accepts top-level `await`, as blocks do."""
    return _compile(source, filename, mode, flags | _PyCF_ALLOW_TOP_LEVEL_AWAIT,
                    dont_inherit, *rest)


def _doctest_exec(code, globs=None, locs=None):
    """doctest's `exec`: an example with top-level `await` runs on the
    session's event loop (its displayhook output happens inside)."""
    session = _ACTIVE_SESSION
    if _type(code) is _CodeType and code.co_flags & _CO_COROUTINE and session:
        coro = _eval(code, globs) if locs is None else _eval(code, globs, locs)
        session.get_loop().run_until_complete(coro)
        return None
    return _exec(code, globs) if locs is None else _exec(code, globs, locs)


def _is_doctest_filename(name):
    return _type(name) is _str and _str_startswith(name, "<doctest ")


class _DoctestMachinery:
    """doctest and kata's subclasses of it, made on first use: importing
    doctest costs ~25 ms (it pulls in pdb, unittest, difflib) that a kata
    run never needs. The zygote's warm-up makes it before forking."""

    def __init__(self):
        doctest = _import_module("doctest")
        # DocTestRunner.run looks these up in doctest's globals before the
        # builtins: only doctest sees them.
        doctest._OutputRedirectingPdb = _NoDebugger
        doctest.compile = _doctest_compile
        doctest.exec = _doctest_exec
        self.flags_by_name = dict(doctest.OPTIONFLAGS_BY_NAME)
        self.parser = doctest.DocTestParser()
        report_only_first_failure = doctest.REPORT_ONLY_FIRST_FAILURE

        class _RecordingChecker(doctest.OutputChecker):
            """Remembers the (want, got) pairs doctest compares for one example."""

            def __init__(self):
                self.calls = []

            def check_output(self, want, got, optionflags):
                _list_append(self.calls, (want, got))
                return doctest.OutputChecker.check_output(self, want, got, optionflags)

        class _RecordingRunner(doctest.DocTestRunner):
            """A DocTestRunner that records every example's outcome and output.

            REPORT_ONLY_FIRST_FAILURE is masked out of ``optionflags`` as seen by
            doctest, so that every example (also after a failure) is reported: it only
            changes what doctest prints, and every example's actual output is needed.
            """

            @property
            def optionflags(self):
                return self._kata_flags & ~report_only_first_failure

            @optionflags.setter
            def optionflags(self, value):
                self._kata_flags = value

            def __init__(self, optionflags):
                self._kata_checker = _RecordingChecker()
                self.kata_outcomes = {}
                doctest.DocTestRunner.__init__(self, checker=self._kata_checker,
                                                verbose=False, optionflags=optionflags)

            def report_start(self, out, test, example):
                self._kata_checker.calls = []

            def _kata_record(self, example, got, ok):
                exception = False
                calls = self._kata_checker.calls
                exc_msg = example.exc_msg
                if exc_msg is not None and calls and calls[0][0] is exc_msg:
                    # doctest compared the exception text, not the printed output
                    got = DOCTEST_EXC_HEADER + calls[0][1]
                    exception = True
                self.kata_outcomes[id(example)] = {"got": got, "ok": ok,
                                                   "exception": exception}

            def report_success(self, out, test, example, got):
                self._kata_record(example, got, True)

            def report_failure(self, out, test, example, got):
                self._kata_record(example, got, False)

            def report_unexpected_exception(self, out, test, example, exc_info):
                etype, exc, tb = exc_info
                try:
                    got = DOCTEST_EXC_HEADER + _doctest_exc_msg(etype, exc)
                except _BaseException:
                    got = DOCTEST_EXC_HEADER + "%s\n" % _safe_str(exc)
                self.kata_outcomes[id(example)] = {
                    "got": got, "ok": False, "exception": True,
                    "traceback": _format_traceback(etype, exc, tb, _is_doctest_filename),
                }

        self.Runner = _RecordingRunner


_DOCTEST = None


def _doctest_machinery():
    global _DOCTEST
    if _DOCTEST is None:
        _DOCTEST = _DoctestMachinery()
    return _DOCTEST


def _shift_lines(code, offset):
    """``code`` with every line number (nested code included) moved by ``offset``."""
    consts = code.co_consts
    if any(_type(c) is _CodeType for c in consts):
        consts = _tuple(_shift_lines(c, offset) if _type(c) is _CodeType else c
                        for c in consts)
    return code.replace(co_firstlineno=code.co_firstlineno + offset,
                        co_consts=consts)


def _compile_at(code_text, filename, code_line):
    """Compile a block so tracebacks and syntax errors carry Markdown lines.

    Prepending newlines would do the same, but costs time proportional to
    the block's position in the file for every block: quadratic in a long
    guide. Shifting the compiled code (or the SyntaxError) is constant.
    """
    offset = code_line - 1
    try:
        code = _compile(code_text, filename, "exec",
                        flags=_PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except SyntaxError as err:
        if offset and _type(err.lineno) is _int:
            err.lineno += offset
            if _type(getattr(err, "end_lineno", None)) is _int:
                err.end_lineno += offset
        raise
    return _shift_lines(code, offset) if offset else code


# ---------------------------------------------------------------------------
# Session
# ---------------------------------------------------------------------------

class _Session:
    """State of one job: namespace, filename, event loop, result fd."""

    def __init__(self, result_fd, nonce=None, ack_fd=None):
        self.fd = result_fd
        self.ack_fd = ack_fd
        self.nonce = nonce
        self.alive = result_fd is not None
        self.filename = "<kata>"
        self.linecache_entry = None
        # Other "files" blocks are compiled as (the configuration's setup):
        # filename -> linecache entry.
        self.extra_sources = {}
        self.loop = None
        self.out = None
        self.err = None
        # Private copies of the capture pipes (fds 1 and 2), to put them
        # back when a block closed or redirected them (`os.close(1)`).
        self.saved_fds = {}
        self.index = None   # index of the block being run, if any
        self.kata = None    # kata_tests.KataSession, for kata runs
        self.pid = _os_getpid()

    def leave_if_forked(self):
        """End a process the block forked that came back into the harness.

        A fork (``os.fork()`` without ``_exit``, a fork bomb) returns into
        the block in both processes; when the copy's block ends, the copy
        must neither report (its records would be taken for the block's, or
        corrupt the channel) nor take the session's acks. It ends there, as
        a script's fork does at the end of the script.
        """
        if _os_getpid() != self.pid:
            _os_exit(0)

    # -- records ---------------------------------------------------------
    def emit(self, record):
        self.leave_if_forked()
        if not self.alive:
            return False
        data = _str_encode(_dumps(record) + "\n", "ascii")
        if not _write_all(self.fd, data):
            self.alive = False
        return self.alive

    def wait_for_ack(self):
        """Block until the zygote has drained this block's output.

        Without it the child runs ahead and the next block's output can
        reach the pipes before the zygote reads this block's end record.
        """
        if self.ack_fd is None:
            return True
        while True:
            try:
                data = _os_read(self.ack_fd, 1)
            except InterruptedError:
                continue
            except _BaseException:
                self.ack_fd = None  # closed by user code: go on without it
                return True
            return _len(data) == 1

    # -- source lines for tracebacks -------------------------------------
    def set_source(self, filename, source):
        self.filename = filename
        lines = _str.splitlines(source, True)
        if lines and not _str.endswith(lines[-1], "\n"):
            lines[-1] = lines[-1] + "\n"
        # mtime None: never invalidated by checkcache, survives os.chdir
        self.linecache_entry = (_len(source), None, lines, filename)
        self.register_source()

    def register_source(self):
        if self.linecache_entry is None:
            return
        try:
            _linecache.cache[self.filename] = self.linecache_entry
            for name, entry in _dict_items(self.extra_sources):
                _linecache.cache[name] = entry
        except _BaseException:
            pass

    def add_source(self, filename, code_text, code_line):
        """Lines for tracebacks of code from another file (the setup's
        configuration file), placed at ``code_line``."""
        lines = ["\n"] * (code_line - 1) + _str.splitlines(code_text, True)
        if lines and not _str.endswith(lines[-1], "\n"):
            lines[-1] = lines[-1] + "\n"
        size = _len(_str_join("", lines))
        self.extra_sources[filename] = (size, None, lines, filename)
        self.register_source()

    def is_user_filename(self, name):
        return name == self.filename or name in self.extra_sources

    # -- stdout / stderr -------------------------------------------------
    def save_fds(self):
        for fd in (1, 2):
            try:
                self.saved_fds[fd] = _os_dup(fd)
            except _BaseException:
                pass

    def restore_fds(self):
        """Points fds 1 and 2 back at the capture pipes if a block closed
        or replaced them; the writers on them are then made anew."""
        for fd, saved in _dict_items(self.saved_fds):
            try:
                want = _os_fstat(saved)
            except _BaseException:
                continue
            try:
                have = _os_fstat(fd)
                if (have.st_dev, have.st_ino) == (want.st_dev, want.st_ino):
                    continue
            except _BaseException:
                pass
            try:
                _os_dup2(saved, fd)
            except _BaseException:
                continue
            if fd == 1:
                self.out = None
            else:
                self.err = None

    def install_streams(self):
        self.restore_fds()
        # Fresh writers only when a block replaced or closed the previous
        # ones: creating them costs an fstat and an lseek per stream.
        if self.out is None or _sys.stdout is not self.out or self.out.closed:
            self.out = _make_writer(1)
        if self.err is None or _sys.stderr is not self.err or self.err.closed:
            self.err = _make_writer(2)
        _sys.stdout = self.out
        _sys.stderr = self.err

    def flush_streams(self):
        for name in ("stdout", "stderr", "__stdout__", "__stderr__"):
            try:
                stream = getattr(_sys, name, None)
            except _BaseException:
                continue
            if stream is not self.out and stream is not self.err:
                _flush_quietly(stream)
        _flush_quietly(self.out)
        _flush_quietly(self.err)

    # -- event loop for top-level await ----------------------------------
    def get_loop(self):
        loop = self.loop
        if loop is None or loop.is_closed():
            asyncio = _dict_get(_sys_modules, "asyncio")
            if asyncio is None:
                asyncio = _import_module("asyncio")
            loop = asyncio.new_event_loop()
            self.loop = loop
        return loop

    # -- running blocks ---------------------------------------------------
    def run_code(self, block, ns, compile_only):
        """Compile (and run) one block; returns the end-record fields."""
        code_text = block["code"]
        code_line = block.get("code_line") or 1
        filename = self.filename
        # The configuration's setup, or a learner's file standing in for a
        # guide's example: its own name and lines in tracebacks.
        own_file = block.get("setup_file") or block.get("filename")
        if own_file:
            filename = _clean_str(own_file)
            self.add_source(filename, code_text, code_line)
        t0 = _perf_counter()
        try:
            code = _compile_at(code_text, filename, code_line)
            if not compile_only:
                if code.co_flags & _CO_COROUTINE:
                    coro = _eval(code, ns)
                    self.get_loop().run_until_complete(coro)
                else:
                    _exec(code, ns)
        except _BaseException:
            t1 = _perf_counter()
            etype, exc, tb = _sys_exc_info()
            try:
                self.register_source()
                info = _describe_exception(etype, exc, tb, self.is_user_filename)
            finally:
                etype = exc = tb = None
            return {"status": "exception", "duration_ms": (t1 - t0) * 1000.0,
                    "exception": info}
        t1 = _perf_counter()
        return {"status": "ok", "duration_ms": (t1 - t0) * 1000.0}

    def run_doctest(self, block, ns):
        code_text = block["code"]
        code_line = block.get("code_line") or 1
        t0 = _perf_counter()
        runner = None
        test = None
        try:
            machinery = _doctest_machinery()
            flags = 0
            for name in block.get("doctest_flags") or ():
                flag = _dict_get(machinery.flags_by_name, name)
                if flag is None:
                    raise _ValueError("unknown doctest option flag %r" % (name,))
                flags |= flag
            test = machinery.parser.get_doctest(code_text, ns, self.filename,
                                               self.filename, code_line - 1)
            test.globs = ns  # get_doctest copies the dict; share the session's
            runner = machinery.Runner(flags)
            runner.run(test, out=_discard, clear_globs=False)
        except _BaseException:
            t1 = _perf_counter()
            etype, exc, tb = _sys_exc_info()
            try:
                self.register_source()
                info = _describe_exception(etype, exc, tb, self.is_user_filename)
            finally:
                etype = exc = tb = None
            result = {"status": "exception", "duration_ms": (t1 - t0) * 1000.0,
                      "exception": info}
            if runner is not None and test is not None:
                result["doctest"] = self.doctest_report(code_text, code_line,
                                                        test, runner)
            return result
        t1 = _perf_counter()
        return {"status": "doctest", "duration_ms": (t1 - t0) * 1000.0,
                "doctest": self.doctest_report(code_text, code_line, test, runner)}

    @staticmethod
    def doctest_report(code_text, code_line, test, runner):
        lines = _str_split(code_text, "\n")
        examples = []
        failed = 0
        for example in test.examples:
            n = _str_count(example.source, "\n") or 1
            indent = example.indent
            written = [line[indent:] for line in
                       lines[example.lineno:example.lineno + n]]
            entry = {
                "line": code_line + example.lineno,
                "source": _str_join("\n", written) + "\n",
                "want": example.want,
            }
            outcome = _dict_get(runner.kata_outcomes, id(example))
            if outcome is None:
                # skipped (+SKIP) or not reached (FAIL_FAST)
                entry["got"] = None
                entry["ok"] = True
                entry["exception"] = False
                entry["skipped"] = True
            else:
                entry["got"] = outcome["got"]
                entry["ok"] = outcome["ok"]
                entry["exception"] = outcome["exception"]
                if "traceback" in outcome:
                    entry["traceback"] = outcome["traceback"]
                if not outcome["ok"]:
                    failed += 1
            _list_append(examples, entry)
        return {"examples": examples, "failed": failed}

    def run_block(self, block, ns):
        requires = block.get("requires")
        requires_reason = _requires_reason(requires)
        conditions = requires.get("conditions") if requires else None
        if requires_reason is None and conditions:
            t0 = _perf_counter()
            try:
                requires_reason = _condition_reason(conditions, ns)
            except _BaseException:
                t1 = _perf_counter()
                etype, exc, tb = _sys_exc_info()
                try:
                    info = _describe_exception(etype, exc, tb,
                                               self.is_user_filename)
                finally:
                    etype = exc = tb = None
                return {"status": "exception",
                        "duration_ms": (t1 - t0) * 1000.0, "exception": info}
        if requires_reason is not None:
            return {"status": "skip", "duration_ms": 0.0,
                    "reason": requires_reason}
        mode = block.get("mode") or "exec"
        if mode == "exec":
            return self.run_code(block, ns, False)
        if mode == "compile":
            return self.run_code(block, ns, True)
        if mode == "doctest":
            return self.run_doctest(block, ns)
        if mode in ("kata_load", "kata_test"):
            return self.run_kata(block, mode == "kata_load")
        raise _ValueError("unknown block mode %r" % (mode,))

    def run_kata(self, block, load):
        """Loads the code under test and the tests, or runs one test."""
        # The functions as they were when the zygote loaded them: a
        # submission that patches the `kata_tests` module's attributes does
        # not change what runs here.
        kata_tests = _KATA_TESTS
        if kata_tests is None:
            kata_tests = _import_module("kata_tests")
        if self.kata is None:
            self.kata = kata_tests.KataSession()
        state = self.kata
        t0 = _perf_counter()
        if not load and not state.loaded:
            return {"status": "skip", "duration_ms": 0.0,
                    "reason": "not run: the code under test could not be loaded"}
        try:
            if load:
                kata_tests.load(block["code"], state)
            else:
                kata_tests.run_test(block["code"], state, self.get_loop)
        except _BaseException:
            t1 = _perf_counter()
            etype, exc, tb = _sys_exc_info()
            if kata_tests.submission_gone(exc, state):
                # Reported as a crash of this block with the submission's
                # own signal or status; kata resumes with fresh processes.
                self.flush_streams()
                state.sealed.mirror_end()
            try:
                details = kata_tests.assertion_details(exc)
                if details is not None:
                    tb = _without_frames_of(tb, kata_tests.__file__)
                info = _describe_exception(etype, exc, tb, _is_kata_filename)
                if details is not None:
                    info["assertion"] = details
                if not load:
                    doc = kata_tests.test_doc(block["code"], state)
                    if doc:
                        info["test_doc"] = doc
            finally:
                etype = exc = tb = None
            return {"status": "exception", "duration_ms": (t1 - t0) * 1000.0,
                    "exception": info}
        t1 = _perf_counter()
        return {"status": "ok", "duration_ms": (t1 - t0) * 1000.0}


class _Frozen:
    """Attributes of a module, copied once."""

    def __init__(self, module):
        for name in ("KataSession", "load", "run_test", "assertion_details",
                     "test_doc", "submission_gone", "__file__"):
            setattr(self, name, getattr(module, name))


try:
    _KATA_TESTS = _Frozen(_import_module("kata_tests"))
except _BaseException:
    _KATA_TESTS = None


def _without_frames_of(tb, filename):
    """``tb`` without the entries of code in ``filename`` (the assert
    helper's own frame, which says nothing about the test)."""
    kept = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename != filename:
            kept.append(tb)
        tb = tb.tb_next
    for here, after in zip(kept, kept[1:] + [None]):
        here.tb_next = after
    return kept[0] if kept else None


def _is_kata_filename(name):
    """Frames worth showing in a kata run: the learner's and the tests'
    (kata_tests registers both in linecache with mtime None)."""
    entry = _dict_get(_linecache.cache, name)
    return entry is not None and entry[1] is None and not name.startswith("<")


def _make_namespace(kind, filename):
    if kind == "sphinx":
        # Sphinx doctest semantics: no __name__ in globals, so classes get
        # __module__ == "builtins" and print as <class 'Name'>.
        return {"__builtins__": _builtins}
    if kind in (None, "main", "kata"):
        main = _dict_get(_sys_modules, "__main__")
        if main is None:
            main = _type(_sys)("__main__")
            _sys_modules["__main__"] = main
        ns = main.__dict__
        ns["__name__"] = "__main__"
        if "__builtins__" not in ns:
            ns["__builtins__"] = _builtins
        _sys.argv = [filename]
        return ns
    raise _ValueError("unknown namespace %r" % (kind,))


def _run_session(session, job_json):
    global _ACTIVE_SESSION
    _ACTIVE_SESSION = session
    job = _json_loads(job_json)
    session.nonce = job.get("nonce")
    filename = _clean_str(job.get("filename") or "<kata>")
    source = job.get("source")
    if _type(source) is not _str:
        source = ""
    session.set_source(filename, source)
    ns = _make_namespace(job.get("namespace"), filename)
    # Like a script's directory: a module a block writes can be imported.
    try:
        _sys.path.insert(0, _os_getcwd())
    except _BaseException:
        pass

    # Code that "restores" sys.stdout = sys.__stdout__ must get an unbuffered
    # stream too: the original one is buffered and never flushed (_exit).
    _sys.__stdout__ = _make_writer(1)
    _sys.__stderr__ = _make_writer(2)
    session.save_fds()

    setup_failed = False
    for block in job.get("blocks") or ():
        index = session.index = block.get("index")
        session.install_streams()
        session.register_source()
        if setup_failed:
            # kata reports these blocks as errors with the setup's traceback.
            result = {"status": "skip", "duration_ms": 0.0,
                      "reason": "the session's setup failed"}
        else:
            result = session.run_block(block, ns)
            if block.get("setup_file") and result.get("status") != "ok":
                setup_failed = True
        session.flush_streams()
        record = {"type": "end", "index": index, "nonce": session.nonce}
        record.update(result)
        if not session.emit(record) or not session.wait_for_ack():
            return
        session.index = None


def run_session(job_json, result_fd, ack_fd=None):
    """Run one job's blocks and write records to ``result_fd``. Never raises.

    With ``ack_fd``, wait for one byte on it after each end record.
    """
    session = None
    try:
        session = _Session(result_fd, ack_fd=ack_fd)
        _run_session(session, job_json)
    except _BaseException:
        try:
            etype, exc, tb = _sys_exc_info()
            try:
                text = _cap(_str_join("", _format_exception(etype, exc, tb)),
                            TRACEBACK_CAP)
            except _BaseException:
                text = "internal error (formatting failed): %s" % _safe_str(exc)
            etype = exc = tb = None
            if session is None:
                session = _Session(result_fd)
            try:
                if session.out is not None:
                    session.flush_streams()
            except _BaseException:
                pass
            record = {"type": "internal_error", "nonce": session.nonce,
                      "traceback": text}
            if session.index is not None:
                record["index"] = session.index
            session.emit(record)
        except _BaseException:
            pass
    return None


# ---------------------------------------------------------------------------
# Zygote warm-up
# ---------------------------------------------------------------------------

_WARM_UP_MARKDOWN = """\
# warm-up

```python
def f(x):
    return 1 / x
print(f(2))
```

```python
f(0)
```

```pycon
>>> x = [1, 2, 3]
>>> x  # doctest: +ELLIPSIS
[1, ...]
>>> print(f(4))
0.25
>>> def g():
...     return 1
>>> g()
2
>>> f(0)
Traceback (most recent call last):
  ...
ZeroDivisionError: division by zero
>>> int("x")
```
"""


def warm_up(rounds=1):
    """Import what sessions need and run each code path ``rounds`` times.

    Repeating the work lets 3.11's specialising interpreter quicken the
    harness's code before the zygote forks, so children neither re-warm it
    nor dirty (copy-on-write) the code objects doing so.

    Leaves no state behind: no fds touched, sys.stdout/stderr/displayhook
    unchanged, linecache entries added during the warm-up removed, no event
    loop created or set, no threads started.
    """
    for name in WARM_MODULES:
        try:
            _import_module(name)
        except _BaseException:
            pass
    saved = {}
    for attr in ("stdout", "stderr", "__stdout__", "__stderr__", "displayhook",
                 "excepthook", "argv"):
        saved[attr] = getattr(_sys, attr, None)
    try:
        cache_keys = set(_linecache.cache)
    except _BaseException:
        cache_keys = None
    try:
        for _round in range(rounds):
            try:
                session = _Session(None, "warm-up")
                session.set_source("kata-warm-up.md", _WARM_UP_MARKDOWN)
                ns = {"__builtins__": _builtins}
                blocks = [
                    {"index": 0, "line": 3, "code_line": 4, "mode": "exec",
                     "code": "def f(x):\n    return 1 / x\nx = f(2)\n"},
                    {"index": 1, "line": 9, "code_line": 10, "mode": "exec",
                     "code": "f(0)\n"},
                    {"index": 2, "line": 9, "code_line": 10, "mode": "compile",
                     "code": "print('ok'\n"},
                    {"index": 3, "line": 13, "code_line": 14, "mode": "doctest",
                     "doctest_flags": ["NORMALIZE_WHITESPACE"],
                     "code": _WARM_UP_MARKDOWN.split("```pycon\n")[1].split("```")[0]},
                    {"index": 4, "line": 1, "code_line": 1, "mode": "exec",
                     "code": "raise SystemExit(3)\n",
                     "requires": {"python": [3, 0], "modules": ["json", "collections.abc"]}},
                ]
                for block in blocks:
                    result = session.run_block(block, ns)
                    record = {"type": "end", "index": block["index"], "nonce": "warm-up"}
                    record.update(result)
                    _dumps(record)
                _requires_reason({"python": [99, 0]})
                _requires_reason({"modules": ["kata_no_such_module_for_warm_up"]})
                _dumps({"s": "caf\xe9 \udcff"})
                # codec lookup and TextIOWrapper set-up, without touching any fd
                w = _TextIOWrapper(_io.BytesIO(), encoding="utf-8",
                                   errors="backslashreplace", write_through=True,
                                   line_buffering=False)
                w.write("warm-up \udcff\n")
                w.flush()
            except _BaseException:
                pass
    finally:
        for attr, value in saved.items():
            try:
                if getattr(_sys, attr, None) is not value:
                    setattr(_sys, attr, value)
            except _BaseException:
                pass
        if cache_keys is not None:
            try:
                # Lines of real files (the stdlib's, for tracebacks) stay
                # cached, so children need not read them again; the
                # warm-up's own in-memory sources go.
                for key in _list(_linecache.cache):
                    entry = _linecache.cache[key]
                    real_file = entry[1] is not None and key[:1] == "/"
                    if key not in cache_keys and not real_file:
                        del _linecache.cache[key]
            except _BaseException:
                pass
