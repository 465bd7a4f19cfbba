"""Tests for python/kata_harness.py.

Run from the repository root:  python3 -m unittest discover -s tests/python -v

Sessions are driven the way the Rust zygote drives them: the test process
imports the harness and calls warm_up() once, then forks one child per job.
The child puts /dev/null on fd 0, pipes on fds 1 and 2, the result pipe on
fd 3, closes every other fd, chdirs to a fresh temporary directory, calls
run_session(job_json, 3) and _exits.  The parent reads the three pipes with
poll() and, on each "end" record, charges everything read so far from the
stdout/stderr pipes to that block, as the zygote does.

Note that this attribution is only exact if the child cannot run ahead of
the reader: a fast child may already have written the *next* block's output
when the reader sees an "end" record.  By default the test driver therefore
adds an acknowledgement (test-only): in the child, the harness's record
writer is wrapped so that, after an "end" record, it waits for one byte on an
ack pipe, which the parent sends after draining stdout/stderr.  The harness
code is otherwise unchanged.  ``run_job(..., ack=False)`` runs without it
and only the weaker guarantee (a block's output is in the pipes before its
"end" record) can be checked.
"""

import gc
import io
import json
import linecache
import os
import select
import signal
import sys
import tempfile
import textwrap
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

import kata_harness  # noqa: E402

FILENAME = "docs/guide.md"
TIMEOUT = 60.0


def setUpModule():
    kata_harness.warm_up()
    gc.freeze()


def tearDownModule():
    gc.unfreeze()


class Session:
    """The outcome of one forked session."""

    def __init__(self):
        self.stdout = b""
        self.stderr = b""
        self.records = []
        self.raw_records = []
        self.per_block = {}  # index -> {"stdout": ..., "stderr": ...}
        self.status = None

    @property
    def ends(self):
        return {r["index"]: r for r in self.records if r["type"] == "end"}

    def end(self, index):
        return self.ends[index]

    def out(self, index):
        return self.per_block[index]["stdout"].decode()

    def err(self, index):
        return self.per_block[index]["stderr"].decode()


def make_job(blocks, source=None, namespace="main", filename=FILENAME,
             nonce="n0nce"):
    """Build a job from (code, mode, extra) blocks laid out in a Markdown text.

    Each block is a str (exec mode) or a dict with "code" and optional
    "mode", "doctest_flags", "requires".  If ``source`` is None, a Markdown
    text is generated with two text lines before each fence, so that block
    lines differ from Markdown lines.
    """
    norm = []
    for b in blocks:
        if isinstance(b, str):
            b = {"code": b}
        norm.append(dict(b))
    if source is None:
        md = ["# Guide", ""]
        for i, b in enumerate(norm):
            md.append("Some text about block %d." % i)
            md.append("")
            b["line"] = len(md) + 1
            md.append("```python")
            b["code_line"] = len(md) + 1
            md.extend(b["code"].rstrip("\n").split("\n"))
            md.append("```")
            md.append("")
        source = "\n".join(md) + "\n"
    job_blocks = []
    for i, b in enumerate(norm):
        job_blocks.append({
            "index": i, "line": b["line"], "code_line": b["code_line"],
            "code": b["code"], "mode": b.get("mode", "exec"),
            "doctest_flags": b.get("doctest_flags", []),
            "requires": b.get("requires"),
        })
    return {"nonce": nonce, "filename": filename, "source": source,
            "namespace": namespace, "blocks": job_blocks}


def _drain(fd):
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def _install_ack(ack_fd):
    """In the child: block after each "end" record until the parent acks."""
    real_write_all = kata_harness._write_all

    def write_all_with_ack(fd, data):
        ok = real_write_all(fd, data)
        if ok and b'"type": "end"' in data[:40]:
            try:
                os.read(ack_fd, 1)
            except OSError:
                pass
        return ok

    kata_harness._write_all = write_all_with_ack


def run_job(job, job_json=None, ack=True):
    """Fork a child that runs the job; return a Session."""
    if job_json is None:
        job_json = json.dumps(job)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    res_r, res_w = os.pipe()
    ack_r, ack_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        try:
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            os.dup2(res_w, 3)
            os.dup2(ack_r, 4)
            os.closerange(5, 1024)
            if ack:
                _install_ack(4)
            else:
                os.close(4)
            os.chdir(tempfile.mkdtemp(prefix="kata-test-"))
            kata_harness.run_session(job_json, 3)
        finally:
            os._exit(0)
    for fd in (out_w, err_w, res_w, ack_r):
        os.close(fd)
    for fd in (out_r, err_r, res_r):
        os.set_blocking(fd, False)

    s = Session()
    out_acc = bytearray()
    err_acc = bytearray()
    res_buf = b""
    charged_out = charged_err = 0
    open_fds = {out_r, err_r, res_r}
    poller = select.poll()
    for fd in open_fds:
        poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + TIMEOUT
    while open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError("session timed out")
        for fd, _ev in poller.poll(left * 1000):
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not data:
                poller.unregister(fd)
                open_fds.discard(fd)
                continue
            if fd == out_r:
                out_acc += data
            elif fd == err_r:
                err_acc += data
            else:
                res_buf += data
                while b"\n" in res_buf:
                    line, res_buf = res_buf.split(b"\n", 1)
                    s.raw_records.append(line)
                    rec = json.loads(line)
                    s.records.append(rec)
                    if rec.get("type") == "end":
                        # like the zygote: everything written so far
                        out_acc += _drain(out_r)
                        err_acc += _drain(err_r)
                        s.per_block[rec["index"]] = {
                            "stdout": bytes(out_acc[charged_out:]),
                            "stderr": bytes(err_acc[charged_err:]),
                            "stdout_so_far": bytes(out_acc),
                        }
                        charged_out, charged_err = len(out_acc), len(err_acc)
                        if ack:
                            try:
                                os.write(ack_w, b"k")
                            except OSError:
                                pass
    _, s.status = os.waitpid(pid, 0)
    for fd in (out_r, err_r, res_r, ack_w):
        os.close(fd)
    s.stdout = bytes(out_acc)
    s.stderr = bytes(err_acc)
    assert res_buf == b"", res_buf
    return s


def run_blocks(blocks, ack=True, **kw):
    return run_job(make_job(blocks, **kw), ack=ack)


class HarnessTestCase(unittest.TestCase):
    def assertOk(self, s, index):
        rec = s.end(index)
        self.assertEqual(rec["status"], "ok", rec)

    def assertNoInternalError(self, s):
        for rec in s.records:
            self.assertNotEqual(rec["type"], "internal_error", rec.get("traceback"))


class RecordsTest(HarnessTestCase):
    def test_records_shape_and_order(self):
        s = run_blocks(["x = 1\n", "y = 2\n"])
        self.assertNoInternalError(s)
        self.assertEqual([(r["type"], r["index"]) for r in s.records],
                         [("end", 0), ("end", 1)])
        for r in s.records:
            self.assertEqual(r["nonce"], "n0nce")
        for i in (0, 1):
            self.assertEqual(s.end(i)["status"], "ok")
            self.assertIsInstance(s.end(i)["duration_ms"], float)
            self.assertGreaterEqual(s.end(i)["duration_ms"], 0.0)
        # records are ASCII JSON lines equal to json.dumps(..., ensure_ascii=True)
        for raw, rec in zip(s.raw_records, s.records):
            self.assertEqual(raw, json.dumps(rec, ensure_ascii=True).encode())
        self.assertEqual(os.WEXITSTATUS(s.status), 0)

    def test_output_attribution_and_order(self):
        s = run_blocks([
            "print('one')\nprint('err-one', file=__import__('sys').stderr)\n",
            "import os, sys\nprint('a')\nos.write(1, b'b\\n')\n"
            "sys.stdout.write('c')\nprint('d', end='')\n",
            "print('three')\n",
            "1 / 0\n",
            "print('after')\n",
        ], ack=False)
        self.assertNoInternalError(s)
        self.assertEqual(s.stdout.decode(), "one\na\nb\ncdthree\nafter\n")
        # when the end record of block i is seen, its output is already there
        expected = ["one\n", "one\na\nb\ncd", "one\na\nb\ncdthree\n"]
        for i, prefix in enumerate(expected):
            self.assertTrue(
                s.per_block[i]["stdout_so_far"].decode().startswith(prefix),
                (i, s.per_block[i]))
        self.assertIn("err-one", s.stderr.decode())
        self.assertEqual(s.end(3)["status"], "exception")

    def test_unicode_and_surrogates(self):
        s = run_blocks([
            "print('caf\\u00e9 \\u2603 \\U0001F600')\n",
            "print('lone \\udcff')\n",
            "raise ValueError('bad \\udcff \\u00e9')\n",
        ])
        self.assertNoInternalError(s)
        self.assertEqual(s.out(0), "caf\u00e9 \u2603 \U0001F600\n")
        self.assertEqual(s.out(1), "lone \\udcff\n")
        self.assertEqual(s.end(2)["exception"]["message"], "bad \\udcff \u00e9")
        for raw in s.raw_records:
            raw.decode("ascii")

    def test_shared_namespace_and_dunder_name(self):
        s = run_blocks([
            "x = 40\ndef inc(v):\n    return v + 1\n",
            "print(inc(x) + 1)\nprint(__name__)\n",
            "import sys\nprint(sys.argv)\nprint(sys.modules['__main__'].x)\n",
        ])
        self.assertNoInternalError(s)
        self.assertEqual(s.out(1), "42\n__main__\n")
        self.assertEqual(s.out(2), "['docs/guide.md']\n40\n")

    def test_sphinx_namespace(self):
        s = run_blocks([
            "class Name:\n    pass\nprint(Name)\nprint('__name__' in globals())\n",
            "print(Name.__name__)\n",
        ], namespace="sphinx")
        self.assertNoInternalError(s)
        self.assertEqual(s.out(0), "<class 'Name'>\nFalse\n")
        self.assertEqual(s.out(1), "Name\n")

    def test_main_namespace_class_repr(self):
        s = run_blocks(["class Name:\n    pass\nprint(Name)\n"])
        self.assertEqual(s.out(0), "<class '__main__.Name'>\n")

    def test_cwd_is_not_reset(self):
        s = run_blocks([
            "import os\nos.mkdir('sub')\nos.chdir('sub')\nstart = os.getcwd()\n",
            "import os\nprint(os.getcwd() == start)\n",
            "raise ValueError('x')\n",
        ])
        self.assertEqual(s.out(1), "True\n")
        # linecache entry survives the chdir: source lines still shown
        self.assertIn("raise ValueError('x')", s.end(2)["exception"]["traceback"])


class ExceptionTest(HarnessTestCase):
    def test_syntax_error(self):
        job = make_job(["x = 1\n", "y = 2\nprint('ok'\nz = 3\n"])
        s = run_job(job)
        self.assertNoInternalError(s)
        self.assertOk(s, 0)
        rec = s.end(1)
        self.assertEqual(rec["status"], "exception")
        exc = rec["exception"]
        self.assertEqual(exc["type"], "SyntaxError")
        line = job["blocks"][1]["code_line"] + 1
        md_lines = job["source"].split("\n")
        self.assertEqual(md_lines[line - 1], "print('ok'")
        tb = exc["traceback"]
        self.assertTrue(tb.startswith('  File "docs/guide.md", line %d\n' % line), tb)
        self.assertIn("print('ok'", tb)
        self.assertIn("^", tb)
        self.assertIn("SyntaxError:", tb)
        self.assertNotIn("kata_harness", tb)
        self.assertEqual(s.out(1), "")

    def test_uncaught_exception_traceback(self):
        job = make_job([
            "def f(x):\n    return 1 / x\n",
            "print('before')\nprint(f(0))\n",
        ])
        s = run_job(job)
        self.assertNoInternalError(s)
        self.assertEqual(s.out(1), "before\n")
        exc = s.end(1)["exception"]
        self.assertEqual(exc["type"], "ZeroDivisionError")
        self.assertEqual(exc["qualname"], "ZeroDivisionError")
        self.assertEqual(exc["module"], "builtins")
        self.assertEqual(exc["mro"], ["ZeroDivisionError", "ArithmeticError",
                                      "Exception", "BaseException", "object"])
        self.assertEqual(exc["message"], "division by zero")
        tb = exc["traceback"]
        call_line = job["blocks"][1]["code_line"] + 1
        div_line = job["blocks"][0]["code_line"] + 1
        self.assertTrue(tb.startswith("Traceback (most recent call last):\n"
                                      '  File "docs/guide.md", line %d, in <module>\n'
                                      "    print(f(0))\n" % call_line), tb)
        self.assertIn('  File "docs/guide.md", line %d, in f\n    return 1 / x\n'
                      % div_line, tb)
        self.assertTrue(tb.endswith("ZeroDivisionError: division by zero\n"), tb)
        self.assertNotIn("kata_harness", tb)
        self.assertNotIn("<frozen", tb)

    def test_library_frames_below_user_code_stay(self):
        s = run_blocks(["import json\njson.loads('{')\n"])
        tb = s.end(0)["exception"]["traceback"]
        self.assertIn('File "docs/guide.md"', tb)
        self.assertIn("json", tb.split('File "docs/guide.md"')[1])
        self.assertNotIn("kata_harness", tb)
        self.assertEqual(s.end(0)["exception"]["type"], "JSONDecodeError")
        self.assertEqual(s.end(0)["exception"]["module"], "json.decoder")

    def test_system_exit_variants(self):
        s = run_blocks([
            "import sys\nsys.exit(0)\n",
            "import sys\nsys.exit('msg')\n",
            "import sys\nsys.exit(10**100)\n",
            "raise SystemExit\n",
            "import sys\nsys.exit(10**5000)\n",
            "print('still running')\n",
        ])
        self.assertNoInternalError(s)
        codes = []
        for i in range(5):
            rec = s.end(i)
            self.assertEqual(rec["status"], "exception")
            self.assertEqual(rec["exception"]["type"], "SystemExit")
            codes.append(rec["exception"]["exit_code"])
        self.assertEqual(codes[:4], ["0", "'msg'", repr(10**100), "None"])
        self.assertLessEqual(len(codes[4]), 200)
        self.assertEqual(s.end(1)["exception"]["message"], "msg")
        self.assertEqual(s.out(5), "still running\n")

    def test_keyboard_interrupt_and_base_exceptions(self):
        s = run_blocks([
            "raise KeyboardInterrupt\n",
            "class Custom(BaseException):\n    pass\nraise Custom('c')\n",
            "raise GeneratorExit\n",
            "print('alive')\n",
        ])
        self.assertNoInternalError(s)
        self.assertEqual(s.end(0)["exception"]["type"], "KeyboardInterrupt")
        c = s.end(1)["exception"]
        self.assertEqual(c["type"], "Custom")
        self.assertEqual(c["module"], "__main__")
        self.assertEqual(c["mro"], ["Custom", "BaseException", "object"])
        self.assertNotIn("exit_code", c)
        self.assertEqual(s.end(2)["exception"]["type"], "GeneratorExit")
        self.assertEqual(s.out(3), "alive\n")

    def test_hostile_exceptions(self):
        s = run_blocks([
            "class E(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n"
            "raise E()\n",
            "raise ValueError('x' * 5_000_000)\n",
            "class M(type):\n    def __getattribute__(cls, name):\n        raise RuntimeError(name)\n"
            "class F(Exception, metaclass=M):\n    pass\nraise F('f')\n",
            "def r(n):\n    return r(n + 1)\nr(0)\n",
            "e = ValueError('noted')\ne.add_note('a note')\nraise e\n",
            "print('fine')\n",
        ])
        self.assertNoInternalError(s)
        e0 = s.end(0)["exception"]
        self.assertEqual(e0["type"], "E")
        self.assertIsInstance(e0["message"], str)
        self.assertIn("E", e0["traceback"])
        e1 = s.end(1)["exception"]
        self.assertLessEqual(len(e1["message"]), 10 * 1024)
        self.assertLessEqual(len(e1["traceback"]), 64 * 1024)
        self.assertTrue(e1["traceback"].startswith("Traceback"))
        self.assertIn("characters omitted", e1["traceback"])
        self.assertEqual(s.end(2)["exception"]["type"], "F")
        e3 = s.end(3)["exception"]
        self.assertEqual(e3["type"], "RecursionError")
        self.assertLessEqual(len(e3["traceback"]), 64 * 1024)
        self.assertIn("a note", s.end(4)["exception"]["traceback"])
        self.assertEqual(s.out(5), "fine\n")

    def test_chained_exception(self):
        s = run_blocks(["try:\n    {}['k']\nexcept KeyError as e:\n"
                        "    raise ValueError('v') from e\n"])
        tb = s.end(0)["exception"]["traceback"]
        self.assertIn("KeyError: 'k'", tb)
        self.assertIn("direct cause", tb)
        self.assertTrue(tb.endswith("ValueError: v\n"))


class AsyncTest(HarnessTestCase):
    def test_top_level_await_shared_loop(self):
        s = run_blocks([
            "import asyncio\nasync def work():\n    await asyncio.sleep(0.01)\n"
            "    return 'done'\ntask = asyncio.create_task(work())\n"
            "loop1 = asyncio.get_running_loop()\nawait asyncio.sleep(0)\n",
            "print(await task)\nprint(asyncio.get_running_loop() is loop1)\n",
        ])
        self.assertNoInternalError(s)
        self.assertOk(s, 0)
        self.assertOk(s, 1)
        self.assertEqual(s.out(1), "done\nTrue\n")

    def test_asyncio_run_after_and_before_top_level_await(self):
        s = run_blocks([
            "import asyncio\nawait asyncio.sleep(0)\nprint('tla')\n",
            "import asyncio\nasync def main():\n    await asyncio.sleep(0)\n"
            "    return 7\nprint(asyncio.run(main()))\n",
            "print(await asyncio.sleep(0, result='again'))\n",
            "print(asyncio.run(main()))\n",
            "asyncio.run(main())\nawait asyncio.sleep(0)\n",
        ])
        self.assertNoInternalError(s)
        self.assertEqual([s.end(i)["status"] for i in range(4)], ["ok"] * 4)
        self.assertEqual(s.out(0), "tla\n")
        self.assertEqual(s.out(1), "7\n")
        self.assertEqual(s.out(2), "again\n")
        self.assertEqual(s.out(3), "7\n")
        # asyncio.run inside a top-level-await block: a normal error
        self.assertEqual(s.end(4)["exception"]["type"], "RuntimeError")

    def test_async_exception_traceback(self):
        job = make_job([
            "async def g():\n    raise ValueError('async boom')\n",
            "await g()\n",
        ])
        s = run_job(job)
        exc = s.end(1)["exception"]
        tb = exc["traceback"]
        self.assertIn('File "docs/guide.md", line %d, in <module>'
                      % job["blocks"][1]["code_line"], tb)
        self.assertIn('File "docs/guide.md", line %d, in g'
                      % (job["blocks"][0]["code_line"] + 1), tb)
        self.assertNotIn("asyncio", tb)
        self.assertNotIn("kata_harness", tb)

    def test_keyboard_interrupt_in_top_level_await(self):
        s = run_blocks([
            "import asyncio\nawait asyncio.sleep(0)\nraise KeyboardInterrupt\n",
            "await asyncio.sleep(0)\nprint('loop still usable')\n",
        ])
        self.assertNoInternalError(s)
        self.assertEqual(s.end(0)["exception"]["type"], "KeyboardInterrupt")
        self.assertEqual(s.out(1), "loop still usable\n")


DOCTEST_BLOCK = """\
>>> x = 2
>>> x + 1
3
>>> print('a\\nb')
a
b
>>> x * 10
99
>>> [1, 2, 3, 4, 5, 6]
[1, ..., 6]
>>> list(range(20))  # doctest: +ELLIPSIS
[0, 1, ..., 19]
>>> def f(v):
...     return v + 1
>>> f(1)
2
>>> int('z')
Traceback (most recent call last):
  ...
ValueError: invalid literal for int() with base 10: 'z'
>>> 1 / 0
>>> print('x')  # doctest: +SKIP
y
"""


class DoctestTest(HarnessTestCase):
    def test_doctest_examples(self):
        job = make_job([{"code": DOCTEST_BLOCK, "mode": "doctest",
                         "doctest_flags": ["NORMALIZE_WHITESPACE"]}])
        s = run_job(job)
        self.assertNoInternalError(s)
        rec = s.end(0)
        self.assertEqual(rec["status"], "doctest", rec)
        dt = rec["doctest"]
        ex = dt["examples"]
        self.assertEqual(len(ex), 11)
        md = job["source"].split("\n")
        for e in ex:  # lines are the Markdown lines of the '>>>'
            self.assertEqual(md[e["line"] - 1], e["source"].split("\n")[0], e)
            self.assertTrue(e["source"].startswith(">>> "))
        code_line = job["blocks"][0]["code_line"]
        self.assertEqual(ex[0]["line"], code_line)
        self.assertEqual(ex[1]["line"], code_line + 1)
        self.assertEqual(ex[1], {"line": code_line + 1, "source": ">>> x + 1\n",
                                 "want": "3\n", "got": "3\n", "ok": True,
                                 "exception": False})
        self.assertEqual(ex[2]["got"], "a\nb\n")
        self.assertEqual(ex[3]["got"], "20\n")
        self.assertFalse(ex[3]["ok"])
        self.assertEqual(ex[3]["want"], "99\n")
        self.assertFalse(ex[4]["ok"])       # no ELLIPSIS flag for this one
        self.assertTrue(ex[5]["ok"])        # inline +ELLIPSIS
        self.assertEqual(ex[5]["got"], repr(list(range(20))) + "\n")
        self.assertEqual(ex[6]["source"], ">>> def f(v):\n...     return v + 1\n")
        self.assertEqual(ex[6]["got"], "")
        self.assertTrue(ex[7]["ok"])
        self.assertTrue(ex[8]["ok"])
        self.assertTrue(ex[8]["exception"])
        self.assertEqual(ex[8]["got"], "Traceback (most recent call last):\n...\n"
                         "ValueError: invalid literal for int() with base 10: 'z'\n")
        self.assertFalse(ex[9]["ok"])
        self.assertTrue(ex[9]["exception"])
        self.assertEqual(ex[9]["got"], "Traceback (most recent call last):\n...\n"
                         "ZeroDivisionError: division by zero\n")
        self.assertIn("<doctest docs/guide.md[9]>", ex[9]["traceback"])
        self.assertNotIn("doctest.py", ex[9]["traceback"])
        self.assertEqual(dt["failed"], 3)
        self.assertTrue(ex[10]["skipped"])
        self.assertIsNone(ex[10]["got"])
        self.assertEqual(ex[10]["source"], ">>> print('x')  # doctest: +SKIP\n")
        self.assertEqual(len([e for e in ex if e.get("skipped")]), 1)
        self.assertEqual(s.out(0), "")

    def test_skip_and_block_flags(self):
        s = run_blocks([{"code": ">>> print('x')  # doctest: +SKIP\ny\n"
                                 ">>> [1, 2, 3]\n[1, ..., 3]\n",
                         "mode": "doctest", "doctest_flags": ["ELLIPSIS"]}])
        ex = s.end(0)["doctest"]["examples"]
        self.assertTrue(ex[0]["skipped"])
        self.assertIsNone(ex[0]["got"])
        self.assertTrue(ex[1]["ok"])
        self.assertEqual(s.end(0)["doctest"]["failed"], 0)

    def test_report_only_first_failure_still_records_all(self):
        s = run_blocks([{"code": ">>> 1\n2\n>>> 3\n4\n>>> 5\n5\n",
                         "mode": "doctest",
                         "doctest_flags": ["REPORT_ONLY_FIRST_FAILURE"]}])
        ex = s.end(0)["doctest"]["examples"]
        self.assertEqual([e["got"] for e in ex], ["1\n", "3\n", "5\n"])
        self.assertEqual([e["ok"] for e in ex], [False, False, True])

    def test_fail_fast(self):
        s = run_blocks([{"code": ">>> 1\n2\n>>> 3\n3\n", "mode": "doctest",
                         "doctest_flags": ["FAIL_FAST"]}])
        ex = s.end(0)["doctest"]["examples"]
        self.assertFalse(ex[0]["ok"])
        self.assertTrue(ex[1]["skipped"])

    def test_doctest_shares_namespace_and_restores_stdout(self):
        s = run_blocks([
            "base = 10\n",
            {"code": ">>> y = base + 5\n>>> print(y)\n15\n", "mode": "doctest"},
            "print(y * 2)\nimport sys\nprint(type(sys.stdout).__name__)\n",
        ])
        self.assertNoInternalError(s)
        self.assertEqual(s.end(1)["doctest"]["failed"], 0)
        self.assertEqual(s.out(1), "")
        self.assertEqual(s.out(2), "30\nTextIOWrapper\n")

    def test_doctest_in_sphinx_namespace(self):
        s = run_blocks([{"code": ">>> class Name: pass\n>>> Name\n<class 'Name'>\n",
                         "mode": "doctest"}], namespace="sphinx")
        self.assertEqual(s.end(0)["doctest"]["failed"], 0, s.end(0))

    def test_ignore_exception_detail_and_blankline(self):
        s = run_blocks([{"code": ">>> raise ValueError('detail one')\n"
                                 "Traceback (most recent call last):\n"
                                 "ValueError: other detail\n"
                                 ">>> print('a\\n\\nb')\na\n<BLANKLINE>\nb\n",
                         "mode": "doctest",
                         "doctest_flags": ["IGNORE_EXCEPTION_DETAIL"]}])
        ex = s.end(0)["doctest"]["examples"]
        self.assertTrue(ex[0]["ok"])
        self.assertTrue(ex[0]["exception"])
        self.assertEqual(ex[0]["got"], "Traceback (most recent call last):\n...\n"
                                       "ValueError: detail one\n")
        self.assertTrue(ex[1]["ok"])

    def test_indented_doctest_source(self):
        code = "  >>> a = [1,\n  ...      2]\n  >>> a\n  [1, 2]\n"
        s = run_blocks([{"code": code, "mode": "doctest"}])
        ex = s.end(0)["doctest"]["examples"]
        self.assertEqual(ex[0]["source"], ">>> a = [1,\n...      2]\n")
        self.assertTrue(ex[1]["ok"])

    def test_bad_flags_and_parse_errors(self):
        s = run_blocks([
            {"code": ">>> 1\n1\n", "mode": "doctest", "doctest_flags": ["NOPE"]},
            {"code": ">>> 1  # doctest: +NOPE\n1\n", "mode": "doctest"},
            {"code": "  >>> 1\n 1\n", "mode": "doctest"},
            "print('next')\n",
        ])
        self.assertNoInternalError(s)
        for i in range(3):
            self.assertEqual(s.end(i)["status"], "exception", s.end(i))
            self.assertEqual(s.end(i)["exception"]["type"], "ValueError")
            self.assertNotIn("kata_harness", s.end(i)["exception"]["traceback"])
        self.assertIn("NOPE", s.end(0)["exception"]["message"])
        self.assertEqual(s.out(3), "next\n")

    def test_keyboard_interrupt_in_doctest(self):
        s = run_blocks([
            {"code": ">>> 1\n1\n>>> raise KeyboardInterrupt\n", "mode": "doctest"},
            "import sys\nprint('ok', type(sys.stdout).__name__)\n",
        ])
        self.assertNoInternalError(s)
        rec = s.end(0)
        self.assertEqual(rec["status"], "exception")
        self.assertEqual(rec["exception"]["type"], "KeyboardInterrupt")
        self.assertTrue(rec["doctest"]["examples"][0]["ok"])
        self.assertEqual(s.out(1), "ok TextIOWrapper\n")


class ModesTest(HarnessTestCase):
    def test_compile_only(self):
        s = run_blocks([
            {"code": "print('should not run')\nx = 1\n", "mode": "compile"},
            {"code": "await something()\n", "mode": "compile"},
            {"code": "def f(:\n", "mode": "compile"},
            "print('x' in globals())\n",
        ])
        self.assertNoInternalError(s)
        self.assertOk(s, 0)
        self.assertOk(s, 1)
        self.assertEqual(s.end(2)["exception"]["type"], "SyntaxError")
        self.assertEqual(s.stdout.decode(), "False\n")

    def test_requires_skip(self):
        s = run_blocks([
            {"code": "print('new')\n", "requires": {"python": [99, 0]}},
            {"code": "print('np')\n", "requires": {"modules": ["kata_no_such_mod"]}},
            {"code": "print('sub')\n", "requires": {"modules": ["json.no_such_sub"]}},
            {"code": "print('fine')\n",
             "requires": {"python": [3, 11], "modules": ["json", "xml.dom.minidom"]}},
            {"code": "print('null')\n", "requires": None},
            "import sys\nprint('xml.dom.minidom' in sys.modules)\n",
        ])
        self.assertNoInternalError(s)
        r0 = s.end(0)
        self.assertEqual(r0["status"], "skip")
        v = sys.version.split()[0]
        self.assertEqual(r0["reason"], "requires Python 99.0 (this is %s)" % v)
        self.assertEqual(s.end(1)["reason"],
                         "requires module kata_no_such_mod (not installed)")
        self.assertEqual(s.end(2)["status"], "skip")
        self.assertOk(s, 3)
        self.assertOk(s, 4)
        self.assertEqual(s.stdout.decode(), "fine\nnull\nFalse\n")

    def test_skip_conditions(self):
        cond = lambda *c: {"conditions": list(c)}
        s = run_blocks([
            {"code": "print('a')\n",
             "requires": cond('(sys.version_info < (99, 0), reason="old")')},
            {"code": "print('b')\n", "requires": cond("(False, reason='no')")},
            {"code": "print('c')\n", "requires": cond("(os.sep == '/')")},
            "flag = True\n",
            {"code": "print('d')\n", "requires": cond("(flag, 'by name')")},
            {"code": "print('e')\n", "requires": cond("('platform.system() == \"Nowhere\"',)")},
            {"code": "print('f')\n", "requires": cond("(undefined_name,)")},
            {"code": "print('g')\n", "requires": cond("(True, reason=")},
            {"code": "print('h')\n",
             "requires": {"python": [99, 0], "conditions": ["(1 / 0,)"]}},
            "print('flag' in globals(), '__kata_skip_if__' in globals())\n",
        ])
        self.assertNoInternalError(s)
        self.assertEqual(s.end(0)["status"], "skip")
        self.assertEqual(s.end(0)["reason"], "old")
        self.assertOk(s, 1)
        self.assertEqual(s.end(2)["status"], "skip")
        self.assertEqual(s.end(2)["reason"], "skip condition (os.sep == '/') is true")
        self.assertEqual(s.end(4)["reason"], "by name")
        self.assertOk(s, 5)
        self.assertEqual(s.end(6)["status"], "exception")
        self.assertEqual(s.end(6)["exception"]["type"], "NameError")
        self.assertEqual(s.end(7)["exception"]["type"], "SyntaxError")
        self.assertEqual(s.end(8)["status"], "skip")
        self.assertEqual(s.stdout.decode(), "b\ne\nTrue False\n")


class HostileTest(HarnessTestCase):
    def test_patched_builtins_and_json(self):
        s = run_blocks([
            "import builtins, json, os, traceback, time\n"
            "builtins.print = lambda *a, **k: None\n"
            "builtins.isinstance = lambda *a: False\n"
            "builtins.len = lambda x: 0\n"
            "builtins.str = lambda *a: 'patched'\n"
            "builtins.repr = lambda *a: 'patched'\n"
            "json.dumps = lambda *a, **k: 'garbage'\n"
            "os.write = lambda *a: 0\n"
            "time.perf_counter = lambda: 0\n"
            "traceback.format_exception = None\n"
            "traceback.format_exception_only = None\n",
            "raise ValueError('after patching')\n",
            "import sys\nsys.stdout.write('still here\\n')\n",
            "x = 1/0\n",
            "raise SystemExit(5)\n",
            {"code": ">>> 1 + 1\n2\n", "mode": "doctest"},
        ])
        self.assertNoInternalError(s)
        self.assertEqual(len(s.records), 6)
        self.assertOk(s, 0)
        e = s.end(1)["exception"]
        self.assertEqual(e["type"], "ValueError")
        self.assertEqual(e["message"], "after patching")
        self.assertIn("after patching", e["traceback"])
        self.assertEqual(s.out(2), "still here\n")
        self.assertEqual(s.end(3)["exception"]["type"], "ZeroDivisionError")
        self.assertEqual(s.end(4)["exception"]["exit_code"], "5")
        self.assertEqual(s.end(5)["doctest"]["failed"], 0)

    def test_replaced_sys_stdout(self):
        s = run_blocks([
            "import sys, io\nsys.stdout = io.StringIO()\nprint('hidden')\n"
            "sys.stderr = None\n",
            "print('visible')\nimport sys\nprint('err', file=sys.stderr)\n",
            "import sys\nsys.stdout = sys.__stdout__\nprint('via __stdout__')\n",
            "import sys\nsys.stdout.close()\n",
            "print('after close')\n",
            "import sys, os\nsys.stdout = os.fdopen(os.dup(1), 'w')\n"
            "print('buffered by user')\n",
            "print('next')\n",
        ])
        self.assertNoInternalError(s)
        self.assertEqual(s.out(0), "")
        self.assertEqual(s.out(1), "visible\n")
        self.assertEqual(s.err(1), "err\n")
        self.assertEqual(s.out(2), "via __stdout__\n")
        self.assertEqual(s.out(4), "after close\n")
        # a buffered replacement is flushed before the end record
        self.assertEqual(s.out(5), "buffered by user\n")
        self.assertEqual(s.out(6), "next\n")

    def test_close_fd_1_and_2(self):
        s = run_blocks([
            "print('first')\nimport os\nos.close(1)\n",
            "print('lost')\n",
            "x = 5\n",
            "import os\nos.close(2)\nraise ValueError('still reported')\n",
            "import sys\nprint('y', file=sys.stderr)\n",
            "print(x)\n",
        ])
        self.assertNoInternalError(s)
        # The next block finds fds 1 and 2 on the capture pipes again
        # (issue 7: a following block is unaffected).
        self.assertEqual(s.stdout.decode(), "first\nlost\n5\n")
        self.assertOk(s, 0)
        self.assertOk(s, 1)
        self.assertEqual(s.out(1), "lost\n")
        self.assertOk(s, 2)
        self.assertEqual(s.end(3)["exception"]["message"], "still reported")
        self.assertOk(s, 4)
        self.assertEqual(s.err(4), "y\n")
        self.assertEqual(len(s.ends), 6)

    def test_result_fd_closed(self):
        s = run_blocks(["print('a')\n", "import os\nos.close(3)\n",
                        "print('b')\n", "print('c')\n"])
        self.assertEqual([(r["type"], r["index"]) for r in s.records],
                         [("end", 0)])
        self.assertEqual(os.WEXITSTATUS(s.status), 0)

    def test_bad_job_is_internal_error(self):
        s = run_job(None, job_json="{not json")
        self.assertEqual(len(s.records), 1)
        self.assertEqual(s.records[0]["type"], "internal_error")
        self.assertIn("JSONDecodeError", s.records[0]["traceback"])
        s = run_job(None, job_json=json.dumps(
            {"nonce": "z", "filename": "a.md", "source": "", "namespace": "main",
             "blocks": [{"index": 0, "line": 1, "code_line": 2, "code": "x=1\n",
                         "mode": "bogus"}]}))
        self.assertEqual(s.records[-1]["type"], "internal_error")
        self.assertEqual(s.records[-1]["nonce"], "z")
        self.assertEqual(s.records[-1]["index"], 0)
        self.assertIn("unknown block mode", s.records[-1]["traceback"])


class ProcessPoolTest(HarnessTestCase):
    def test_process_pool_executor(self):
        s = run_blocks([
            "from concurrent.futures import ProcessPoolExecutor\n"
            "def square(v):\n    return v * v\n"
            "with ProcessPoolExecutor(max_workers=2) as ex:\n"
            "    print(list(ex.map(square, range(6))))\n",
            "print('after pool')\n",
        ])
        self.assertNoInternalError(s)
        self.assertOk(s, 0)
        self.assertEqual(s.out(0), "[0, 1, 4, 9, 16, 25]\n")
        self.assertEqual(s.out(1), "after pool\n")


class WarmUpTest(unittest.TestCase):
    def test_warm_up_leaves_no_state(self):
        stdout, stderr = sys.stdout, sys.stderr
        keys = set(linecache.cache)
        threads = threading.active_count()
        import asyncio
        policy = asyncio.get_event_loop_policy()
        had_loop = getattr(policy, "_local", None)
        had_loop = getattr(had_loop, "_loop", None)
        kata_harness.warm_up()
        self.assertIs(sys.stdout, stdout)
        self.assertIs(sys.stderr, stderr)
        # Only real files' lines (kept for children's tracebacks) may stay.
        new = set(linecache.cache) - keys
        self.assertTrue(all(k.startswith("/") and os.path.exists(k) for k in new), new)
        self.assertNotIn("kata-warm-up.md", linecache.cache)
        self.assertEqual(threading.active_count(), threads)
        now = getattr(getattr(policy, "_local", None), "_loop", None)
        self.assertIs(now, had_loop)
        for name in ("asyncio", "doctest", "dataclasses", "typing", "heapq"):
            self.assertIn(name, sys.modules)

    def test_warm_up_in_fresh_interpreter(self):
        # no output on any fd, no new linecache entries, no threads
        import subprocess
        code = textwrap.dedent("""
            import sys, linecache, threading
            sys.path.insert(0, %r)
            before = set(linecache.cache)
            import kata_harness
            out = sys.stdout
            kata_harness.warm_up()
            assert sys.stdout is out
            assert threading.active_count() == 1
            new = set(linecache.cache) - before
            assert not any("warm-up" in k for k in new), new
            sys.stderr.write("done")
        """ % os.path.join(HERE, "..", "..", "python"))
        r = subprocess.run([sys.executable, "-c", code], capture_output=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"")
        self.assertEqual(r.stderr, b"done")


def _with_setup(job, code, code_line=3, setup_file="kata.toml"):
    """``job`` led by a setup block, as kata sends a configuration's setup."""
    for block in job["blocks"]:
        block["index"] += 1
    job["blocks"].insert(0, {
        "index": 0, "line": code_line, "code_line": code_line, "code": code,
        "mode": "exec", "doctest_flags": [], "requires": None,
        "setup_file": setup_file,
    })
    return job


class SetupTest(HarnessTestCase):
    def test_setup_defines_names_for_the_blocks(self):
        s = run_job(_with_setup(make_job(["print(ANSWER)\n"]), "ANSWER = 6 * 7\n"))
        self.assertNoInternalError(s)
        self.assertOk(s, 0)
        self.assertOk(s, 1)
        self.assertEqual(s.out(1), "42\n")

    def test_failing_setup_names_the_config_file_and_skips_the_blocks(self):
        job = _with_setup(make_job(["print('ran')\n", "x = 1\n"]),
                          "import os\nraise RuntimeError('bad setup')\n",
                          code_line=7, setup_file="../pyproject.toml")
        s = run_job(job)
        self.assertNoInternalError(s)
        rec = s.end(0)
        self.assertEqual(rec["status"], "exception")
        tb = rec["exception"]["traceback"]
        self.assertIn('File "../pyproject.toml", line 8, in <module>', tb)
        self.assertIn("raise RuntimeError('bad setup')", tb)
        for index in (1, 2):
            self.assertEqual(s.end(index)["status"], "skip")
        self.assertNotIn(b"ran", s.stdout)


class EncoderTest(unittest.TestCase):
    def test_dumps_matches_json(self):
        rec = {"type": "end", "index": 3, "nonce": "n", "status": "ok",
               "duration_ms": 1.25, "x": [1, None, True, False, "caf\u00e9",
                                          "\U0001F600", {"a": "\n\t\"\\"}]}
        self.assertEqual(kata_harness._dumps(rec), json.dumps(rec, ensure_ascii=True))
        self.assertEqual(json.loads(kata_harness._dumps({"s": "\udcff"})),
                         {"s": "\\udcff"})


if __name__ == "__main__":
    unittest.main()
