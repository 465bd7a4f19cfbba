#!/usr/bin/env python3
"""The floor: check every Python block of DIR's Markdown files in ONE process.

    python3 bench/floor.py DIR [DIR...]

No isolation at all: no fork, no subprocess, no fresh interpreter. Each file gets
one dict as its namespace and its blocks are exec()'d in it in order:

- a block whose code starts with `>>>` (or a ```pycon block) is run with the
  stdlib doctest (DocTestParser + DocTestRunner, globals = the file's namespace);
- a block followed by an ```output block has its stdout captured with
  contextlib.redirect_stdout and compared with the output block's text;
- any other block must just run without raising.

This is about the least work a checker can do, so it is the speed a tool with
isolation and reporting has to approach. Prints pass/fail counts; exits 1 on any
failure.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import sys
import traceback
from pathlib import Path

# An opening fence (``` or ~~~, info string), its content, and the closing fence.
FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$\n?",
    re.MULTILINE | re.DOTALL,
)
PYTHON = {"python", "py", "python3", "py3", "pycon"}


def blocks(text: str):
    """Yield (line, language, code, expected_output_or_None) for each Python block."""
    fences = list(FENCE.finditer(text))
    for i, m in enumerate(fences):
        lang = (m.group("info").split() or [""])[0].lower()
        if lang not in PYTHON:
            continue
        expected = None
        nxt = fences[i + 1] if i + 1 < len(fences) else None
        if (
            nxt is not None
            and (nxt.group("info").split() or [""])[0].lower() == "output"
            and not text[m.end() : nxt.start()].strip()
        ):
            expected = nxt.group("body")
        line = text.count("\n", 0, m.start()) + 2
        yield line, lang, m.group("body"), expected


def check_file(path: Path, runner: doctest.DocTestRunner, parser: doctest.DocTestParser):
    text = path.read_text(encoding="utf-8")
    ns: dict = {"__name__": "__main__"}
    passed = failed = 0
    for line, lang, code, expected in blocks(text):
        where = f"{path}:{line}"
        try:
            if lang == "pycon" or code.lstrip().startswith(">>>"):
                test = parser.get_doctest(code, ns, where, str(path), line - 1)
                test.globs = ns  # DocTest copies its globals; share the file's namespace
                out = io.StringIO()
                result = runner.run(test, out=out.write, clear_globs=False)
                if result.failed:
                    raise AssertionError(out.getvalue())
            else:
                compiled = compile("\n" * (line - 1) + code, str(path), "exec")
                if expected is None:
                    exec(compiled, ns)
                else:
                    buf = io.StringIO()
                    with contextlib.redirect_stdout(buf):
                        exec(compiled, ns)
                    if buf.getvalue() != expected:
                        raise AssertionError(
                            f"output differs\n--- expected\n{expected}--- got\n{buf.getvalue()}"
                        )
        except Exception:
            failed += 1
            print(f"FAIL {where}\n{traceback.format_exc()}", file=sys.stderr)
        else:
            passed += 1
    return passed, failed


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    files = sorted(
        p for arg in sys.argv[1:] for p in ([Path(arg)] if Path(arg).is_file() else Path(arg).rglob("*.md"))
    )
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=0)
    passed = failed = 0
    for path in files:
        p, f = check_file(path, runner, parser)
        passed += p
        failed += f
    print(f"floor: {len(files)} files, {passed + failed} blocks")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
