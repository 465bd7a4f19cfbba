"""Sybil set-up for the kata benchmark corpus (copied as conftest.py into the corpus).

It checks the same kinds of block as `kata verify`, with one namespace per file:

- ```python blocks: run with Sybil's PythonEvaluator (plain code must not raise);
  a ```python block whose content starts with `>>>` is a doctest session
  (Sybil's documented `PythonCodeBlockParser` does both);
- ```pycon blocks: doctest sessions (the same parser class, for the `pycon` label);
- ```output blocks: Sybil has no parser for these, so OutputBlockParser below checks
  an output block against what the python block right before it printed. The python
  blocks' stdout is captured (contextlib.redirect_stdout) while they run and kept on
  the Sybil Document; the output block is its own example, evaluated next, in the
  same document and namespace.

Sybil makes one pytest item per doctest example (each `>>>`), one per python block
and one per output block; bench/gen_corpus.py writes the expected total to
MANIFEST.json (`sybil_items`).
"""

from __future__ import annotations

import contextlib
import io

from sybil import Example, Sybil
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.abstract.codeblock import PythonDocTestOrCodeBlockParser
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser

CAPTURED = "_bench_captured_stdout"  # attribute set on the sybil Document


class CapturingPythonEvaluator(PythonEvaluator):
    """Sybil's PythonEvaluator, keeping what the block printed for an output block."""

    def __call__(self, example: Example) -> None:
        setattr(example.document, CAPTURED, None)  # a failed block leaves nothing to compare
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            super().__call__(example)
        setattr(example.document, CAPTURED, buf.getvalue())


class PythonParser(PythonCodeBlockParser):
    """```python: doctest if it starts with >>>, else code whose stdout is captured."""

    def __init__(self) -> None:
        super().__init__()
        self.codeblock_parser = self.codeblock_parser_class("python", CapturingPythonEvaluator())


class PyconParser(PythonDocTestOrCodeBlockParser):
    """```pycon: a doctest session (same machinery as PythonCodeBlockParser)."""

    @staticmethod
    def codeblock_parser_class(language: str, evaluator) -> CodeBlockParser:
        return CodeBlockParser("pycon", evaluator)


def check_output(example: Example) -> str | None:
    """Evaluator of an ```output block: compare with the previous block's stdout."""
    got = getattr(example.document, CAPTURED, None)
    setattr(example.document, CAPTURED, None)
    want = str(example.parsed)
    if got is None:
        return "output block without a preceding python block that ran"
    if got != want:
        return f"output differs\n--- expected\n{want}--- got\n{got}"
    return None


class OutputBlockParser(CodeBlockParser):
    def __init__(self) -> None:
        super().__init__("output", check_output)


pytest_collect_file = Sybil(
    parsers=[PythonParser(), PyconParser(), OutputBlockParser()],
    patterns=["*.md"],
).pytest()
