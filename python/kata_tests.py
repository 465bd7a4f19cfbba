"""kata's test runner for katas: loads the learner's module and the test
modules, and runs one test function per block.

Used by ``kata_harness`` in a forked child, like a guide's blocks:

* a ``kata_load`` block (its ``code`` is a JSON object) imports the code
  under test as a module (``solution`` by default) and compiles each test
  module with its ``assert`` statements rewritten, so that a failed assert
  reports the values on both sides, as pytest does;
* each ``kata_test`` block (its ``code`` is the test's name) runs one test
  function, sync or ``async``.

No pytest is needed at run time.
"""

import ast as _ast
import importlib.util as _importlib_util
import inspect as _inspect
import json as _json
import linecache as _linecache
import operator as _operator
import reprlib as _reprlib
import sys as _sys

_type = type
_len = len
_str = str
_repr = repr
_BaseException = BaseException

#: Longest repr shown for one side of a failed comparison.
REPR_LIMIT = 4000

_COMPARE_OPS = {
    "Eq": ("==", _operator.eq),
    "NotEq": ("!=", _operator.ne),
    "Lt": ("<", _operator.lt),
    "LtE": ("<=", _operator.le),
    "Gt": (">", _operator.gt),
    "GtE": (">=", _operator.ge),
    "Is": ("is", _operator.is_),
    "IsNot": ("is not", _operator.is_not),
    "In": ("in", lambda a, b: a in b),
    "NotIn": ("not in", lambda a, b: a not in b),
}


def _safe_repr(value):
    try:
        text = _repr(value)
    except _BaseException as exc:  # a hostile or broken __repr__
        return "<repr() raised %s>" % _type(exc).__name__
    if _type(text) is not _str:
        return "<repr() returned a non-string>"
    if _len(text) > REPR_LIMIT:
        text = text[:REPR_LIMIT] + "... [%d more characters]" % (_len(text) - REPR_LIMIT)
    return text


class KataAssertionError(AssertionError):
    """A failed, rewritten ``assert``: carries what the report shows."""

    def __init__(self, message, details):
        AssertionError.__init__(self, message)
        self.kata_details = details


_eq = _operator.eq

_PLAIN = (int, float, complex, bool, str, bytes, type(None), list, tuple, dict,
          set, frozenset)
_isinstance = isinstance


def _plain_base(value):
    """The builtin type ``value`` compares as, if its equality is the
    builtin's own (a subclass that overrides ``__eq__`` has none)."""
    for base in _PLAIN:
        if _isinstance(value, base):
            kind = _type(value)
            if kind is base or (kind.__eq__ is base.__eq__ and kind.__ne__ is base.__ne__
                                and kind.__hash__ is base.__hash__):
                return base
            return None
    return None


_NUMBERS = (int, float, complex, bool)


def strict_equal(left, right, depth=0):
    """``left == right`` where ``right`` is plain data (the test's expected
    value): ``left`` must be plain data of the same kind, compared item by
    item, so an object whose ``__eq__`` always returns True (or a subclass
    of the expected type that overrides it) never equals it."""
    if depth > 200:
        return False
    rb = _plain_base(right)
    if rb is None:
        return _eq(left, right)
    lb = _plain_base(left)
    if lb is None:
        return False
    if rb in _NUMBERS:
        return lb in _NUMBERS and _eq(lb(left) if lb is not bool else int(left),
                                              rb(right) if rb is not bool else int(right))
    if lb is not rb:
        return False
    if rb in (str, bytes, type(None)):
        return rb.__eq__(left, right)
    if rb in (list, tuple):
        if _len(left) != _len(right):
            return False
        for a, b in zip(rb.__iter__(left), rb.__iter__(right)):
            if not strict_equal(a, b, depth + 1):
                return False
        return True
    if rb is dict:
        if _len(left) != _len(right):
            return False
        for key in dict.__iter__(right):
            if _plain_base(key) is None or not dict.__contains__(left, key):
                return False
            if not strict_equal(dict.__getitem__(left, key), dict.__getitem__(right, key), depth + 1):
                return False
        for key in dict.__iter__(left):
            if _plain_base(key) is None:
                return False
        return True
    # set, frozenset: every element plain, then the builtin comparison
    for item in rb.__iter__(left):
        if _plain_base(item) is None:
            return False
    return rb.__eq__(rb(left), right)


def _trusted_matcher(value):
    """A matcher from kata's own helper module (``kata.approx``): its
    ``__eq__`` is the comparison the test asked for. Checked by identity of
    the class, so a look-alike defined elsewhere does not count."""
    return _APPROX is not None and _type(value) is _APPROX


try:
    from kata import approx as _APPROX
except ImportError:  # the helper module is loaded before this one in kata
    _APPROX = None


def _compare(left, right, op_name, line, message=None):
    """Replaces ``assert left <op> right``: same result, better failure."""
    symbol, function = _COMPARE_OPS[op_name]
    if _trusted_matcher(left) or _trusted_matcher(right):
        pass
    elif op_name == "Eq" and _plain_base(right) is not None:
        function = strict_equal
    elif op_name == "Eq" and _plain_base(left) is not None:
        function = lambda a, b: strict_equal(b, a)
    elif op_name == "NotEq" and (_plain_base(right) is not None or _plain_base(left) is not None):
        function = lambda a, b: not (strict_equal(a, b) if _plain_base(b) is not None
                                     else strict_equal(b, a))
    if function(left, right):
        return
    details = {"op": symbol, "left": _safe_repr(left), "right": _safe_repr(right),
               "line": line}
    for side, value in (("left", left), ("right", right)):
        details[side + "_type"] = _type(value).__name__
        pretty = _pretty(value)
        if pretty is not None:
            details[side + "_pretty"] = pretty
    text = "assert %s %s %s" % (details["left"], symbol, details["right"])
    if message is not None:
        details["message"] = _safe_str(message())
        text = "%s\n%s" % (details["message"], text)
    raise KataAssertionError(text, details)


def _pretty(value):
    """Text worth diffing line by line: a string's own text, or a
    collection pretty-printed one item per line."""
    try:
        if _type(value) is _str:
            return value if _len(value) <= 64 * 1024 else None
        if _type(value) in (list, tuple, dict, set, frozenset):
            import pprint
            return pprint.pformat(value, width=60)
    except _BaseException:
        return None
    return None


def _truthy(value, line, message=None):
    """Replaces ``assert expr`` for anything but a single comparison."""
    if value:
        return
    details = {"value": _safe_repr(value), "line": line}
    text = "assert %s" % details["value"]
    if message is not None:
        details["message"] = _safe_str(message())
        text = "%s\n%s" % (details["message"], text)
    raise KataAssertionError(text, details)


def _safe_str(value):
    try:
        return _str(value)
    except _BaseException:
        return _safe_repr(value)


class _AssertRewriter(_ast.NodeTransformer):
    """Rewrites each ``assert`` into a call that explains its failure."""

    def visit_Assert(self, node):
        self.generic_visit(node)
        message = []
        if node.msg is not None:
            thunk = _ast.Lambda(
                args=_ast.arguments(posonlyargs=[], args=[], vararg=None,
                                    kwonlyargs=[], kw_defaults=[], kwarg=None,
                                    defaults=[]),
                body=node.msg)
            message = [thunk]
        test = node.test
        line = _ast.Constant(node.lineno)
        if (_type(test) is _ast.Compare and _len(test.ops) == 1
                and _type(test.ops[0]).__name__ in _COMPARE_OPS):
            call = _ast.Call(
                func=_ast.Name("__kata_compare__", _ast.Load()),
                args=[test.left, test.comparators[0],
                      _ast.Constant(_type(test.ops[0]).__name__), line] + message,
                keywords=[])
        else:
            call = _ast.Call(func=_ast.Name("__kata_truthy__", _ast.Load()),
                             args=[test, line] + message, keywords=[])
        return _ast.copy_location(_ast.Expr(call), node)


def compile_tests(source, filename):
    """Compiles a test module with its asserts rewritten."""
    tree = _ast.parse(source, filename)
    tree = _ast.fix_missing_locations(_AssertRewriter().visit(tree))
    return compile(tree, filename, "exec", dont_inherit=True)


class KataSession:
    """What a kata run keeps between its blocks."""

    def __init__(self):
        self.tests = {}       # name -> function
        self.loaded = False
        self.load_error = None
        self.sealed = None    # kata_sealed.Sealed, when grading sealed


def load(spec_json, state):
    """Runs a ``kata_load`` block: import the code under test, then the tests.

    ``spec_json``: ``{"module": "solution", "path": "/abs/learner.py",
    "display": "generators/flatten.py", "tests": [{"path": ..., "display":
    ..., "source": ...}]}``. Raises whatever importing raises.
    """
    spec = _json.loads(spec_json)
    module_name = spec.get("module") or "solution"
    path = spec["path"]
    display = spec.get("display") or path
    source = spec.get("source")
    if source is None:
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
    _register_lines(display, source)
    if spec.get("sealed"):
        # The submission runs in a process of its own, forked before the
        # tests are read (see kata_sealed); `solution` is its proxy.
        import kata_sealed
        spec["source"] = source
        state.sealed = kata_sealed.Sealed(spec)
        _sys.modules[module_name] = state.sealed.load()
    else:
        if spec.get("unprivileged"):
            import kata_sealed
            for test in spec.get("tests") or ():
                if test.get("source") is None:
                    with open(test["path"], encoding="utf-8") as handle:
                        test["source"] = handle.read()
            kata_sealed.drop_capabilities()
        module = _type(_sys)(module_name)
        module.__file__ = path
        _sys.modules[module_name] = module
        try:
            code = compile(source, display, "exec", dont_inherit=True)
            exec(code, module.__dict__)
        except _BaseException:
            del _sys.modules[module_name]
            raise
    for test in spec.get("tests") or ():
        if test.get("source") is None:
            with open(test["path"], encoding="utf-8") as handle:
                test["source"] = handle.read()
        _register_lines(test["display"], test["source"])
        test_module = _type(_sys)(_module_name_for(test["display"]))
        test_module.__file__ = test["display"]
        test_module.__dict__["__kata_compare__"] = _compare
        test_module.__dict__["__kata_truthy__"] = _truthy
        _sys.modules[test_module.__name__] = test_module
        exec(compile_tests(test["source"], test["display"]), test_module.__dict__)
        for name, value in list(test_module.__dict__.items()):
            if name.startswith("test_") and callable(value):
                state.tests[name] = value
    state.loaded = True


def _module_name_for(display):
    base = display.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:-3] if base.endswith(".py") else base


def _register_lines(filename, source):
    lines = source.splitlines(True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    _linecache.cache[filename] = (_len(source), None, lines, filename)


def run_test(name, state, get_loop):
    """Runs one test function; raises what it raises."""
    function = state.tests.get(name)
    if function is None:
        raise LookupError("no test function named %r was found" % (name,))
    if _inspect.iscoroutinefunction(function):
        get_loop().run_until_complete(function())
    else:
        result = function()
        if _inspect.iscoroutine(result):
            get_loop().run_until_complete(result)
    if state.sealed is not None and state.sealed.channel.broken is not None:
        # The test swallowed it; the verdict must not.
        broken = state.sealed.channel.broken
        raise _type(broken)(*broken.args)


def submission_gone(exc, state):
    """True when ``exc`` says the submission's process died (sealed)."""
    if state.sealed is None:
        return False
    import kata_sealed
    return _type(exc) is kata_sealed.SubmissionGone


def test_doc(name, state):
    """The test's docstring: why the test exists, shown when it fails."""
    try:
        return _inspect.getdoc(state.tests.get(name)) or None
    except _BaseException:
        return None


def assertion_details(exc):
    """The rewritten assert's details of a failure, if it was one."""
    details = getattr(exc, "kata_details", None)
    return details if _type(details) is dict else None
