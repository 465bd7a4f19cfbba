#!/usr/bin/env python3
"""Generate the benchmark corpora for `kata verify` (deterministic).

    python3 bench/gen_corpus.py OUTDIR [--files 200] [--blocks-per-file 10] [--seed 1]

writes three directories:

OUTDIR/          FILES Markdown files, BLOCKS-PER-FILE Python blocks each, mixing the
                 kinds a Python-for-ML guide has: doctest sessions (```pycon or
                 ```python starting with >>>), code followed by an ```output block,
                 plain code with asserts, CPU-heavy pure-Python blocks (5-15 ms, ~5%)
                 and asyncio blocks sleeping up to 10 ms (~5%). Blocks of a file
                 share one namespace: later blocks call helpers defined earlier.
OUTDIR-doctest/  the same files with only their doctest blocks (for comparing with
                 `pytest --doctest-glob='*.md'` on exactly the same doctests).
OUTDIR-cpu/      40 files of 5 CPU-heavy blocks of ~10 ms each.

Each directory gets a MANIFEST.json with its counts (blocks per kind, doctest
examples, and the number of items Sybil / pytest should report as passed).

Expected outputs are not written by hand: the generator runs every block itself
(in one namespace per file, the way the tools do) and records what it printed,
so every block passes by construction. Doctest blocks only use names defined in
earlier doctest blocks of the file, so the doctest-only corpus passes on its own.
Every doctest block ends with a blank line before its closing fence: the stdlib
doctest parser is not fence-aware and would otherwise read the fence line as part
of the last expected output.

The CPU blocks' sizes come from per-iteration costs measured on the reference
machine (CPython 3.11.7, 2 cores); they are constants, so the corpus is the same
everywhere, and the blocks take roughly (not exactly) their target time.
"""

from __future__ import annotations

import argparse
import asyncio  # noqa: F401  (the generator runs the async blocks itself)
import contextlib
import io
import json
import random
import shutil
import sys
import textwrap
from pathlib import Path

# ---------------------------------------------------------------------------
# CPU-heavy blocks: milliseconds per unit of work, measured once (see module doc).
# ---------------------------------------------------------------------------
MS_PER_MATMUL_MAC = 0.06e-3  # one multiply-add of the naive n x n matmul (n**3 of them)
MS_PER_SIEVE_INT = 0.09e-3  # one integer of the sieve's range
MS_PER_GD_POINT = 8.3e-3  # one data point over the 40 epochs of gradient descent
MS_PER_KMEANS_POINT = 5.1e-3  # one point over the 10 k-means iterations

WORDS = (
    "the model reads a batch of tokens and predicts the next token from the "
    "context window while the optimizer updates every weight after the loss"
).split()


def run_capture(src: str, ns: dict, mode: str = "exec") -> str:
    """Run `src` in `ns` like the tools do and return what it printed."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(src, "<gen>", mode), ns)
    return buf.getvalue()


class FileBuilder:
    """Builds one Markdown file block by block, running each block as it goes."""

    def __init__(self, rng: random.Random, title: str) -> None:
        self.rng = rng
        self.ns: dict = {"__name__": "__main__"}
        self.parts: list[str] = [f"# {title}\n\n"]
        self.doctest_parts: list[str] = [f"# {title}\n\n"]
        # Helpers usable later: (name, example expression). Doctest blocks may only
        # use helpers defined by doctest blocks; other blocks may use any.
        self.helpers_doctest: list[tuple[str, str]] = []
        self.helpers_any: list[tuple[str, str]] = []
        self.counts = {"doctest": 0, "output": 0, "plain": 0, "cpu": 0, "async": 0}
        self.doctest_examples = 0
        self.output_fences = 0
        self.n = 0  # block index, used to make names unique within the file

    # -- emitting ----------------------------------------------------------
    def prose(self, text: str, doctest_too: bool = False) -> None:
        para = textwrap.fill(text, 88) + "\n\n"
        self.parts.append(para)
        if doctest_too:
            self.doctest_parts.append(para)

    def code(self, src: str, kind: str, with_output: bool = False) -> None:
        src = textwrap.dedent(src).strip("\n") + "\n"
        out = run_capture(src, self.ns)
        if not with_output:
            assert out == "", f"plain block printed {out!r}:\n{src}"
            self.parts.append(f"```python\n{src}```\n\n")
        else:
            assert out and "```" not in out, src
            assert all(line == line.rstrip() for line in out.splitlines()), src
            self.parts.append(f"```python\n{src}```\n\n```output\n{out}```\n\n")
            self.output_fences += 1
        self.counts[kind] += 1

    def doctest(self, statements: list[str], raises: dict[int, str] | None = None) -> None:
        """A doctest session from `statements` (each one `>>>` example)."""
        raises = raises or {}
        lines: list[str] = []
        for i, stmt in enumerate(statements):
            stmt = textwrap.dedent(stmt).strip("\n")
            first, *rest = stmt.split("\n")
            lines.append(f">>> {first}")
            lines.extend(f"... {r}" if r else "..." for r in rest)
            if i in raises:
                try:
                    run_capture(stmt + "\n", self.ns, "single")
                except Exception as exc:  # the expected exception
                    assert type(exc).__name__ == raises[i], (exc, stmt)
                    lines.append("Traceback (most recent call last):")
                    lines.append("  ...")
                    lines.append(f"{type(exc).__name__}: {exc}")
                else:
                    raise AssertionError(f"expected {raises[i]}: {stmt}")
            else:
                out = run_capture(stmt + "\n", self.ns, "single")
                assert "\n\n" not in out and not out.startswith("\n"), (stmt, out)
                assert "```" not in out and ">>>" not in out, (stmt, out)
                lines.extend(out.splitlines())
        lang = self.rng.choice(["pycon", "python"])
        # The blank line before the closing fence ends the last expected output
        # for the stdlib doctest parser; fence-aware tools just see a blank line.
        block = f"```{lang}\n" + "\n".join(lines) + "\n\n```\n\n"
        self.parts.append(block)
        self.doctest_parts.append(block)
        self.counts["doctest"] += 1
        self.doctest_examples += len(statements)

    def helper_use(self, doctest_only: bool) -> tuple[str, str] | None:
        pool = self.helpers_doctest if doctest_only else self.helpers_any
        return self.rng.choice(pool) if pool else None

    def value(self, expr: str):
        return eval(expr, self.ns)  # noqa: S307  (our own generated code)


# ---------------------------------------------------------------------------
# Block templates. Each takes the FileBuilder and adds one block.
# ---------------------------------------------------------------------------


def doctest_block(fb: FileBuilder) -> None:
    r, n = fb.rng, fb.n
    choice = r.randrange(7)
    stmts: list[str] = []
    raises: dict[int, str] = {}
    if choice == 0:
        k = r.randint(2, 9)
        stmts = [
            f"def scale_{n}(xs, k):\n    return [x * k for x in xs]",
            f"scale_{n}([1, 2, 3], {k})",
            f"scale_{n}([], {k})",
            f"len(scale_{n}(list(range({r.randint(3, 20)})), 2))",
        ]
        helper = (f"scale_{n}", f"scale_{n}([{r.randint(0, 9)}, {r.randint(0, 9)}], {k})")
    elif choice == 1:
        a, b, c = (round(r.uniform(-2, 3), 1) for _ in range(3))
        stmts = [
            "import math",
            f"def softmax_{n}(xs):\n    m = max(xs)\n    exps = [math.exp(x - m) for x in xs]\n"
            "    total = sum(exps)\n    return [e / total for e in exps]",
            f"probs = softmax_{n}([{a}, {b}, {c}])",
            "[round(p, 4) for p in probs]",
            "round(sum(probs), 6)",
        ]
        helper = (f"softmax_{n}", f"[round(p, 3) for p in softmax_{n}([{a}, {c}])]")
    elif choice == 2:
        words = r.sample(WORDS, r.randint(6, 12))
        stmts = [
            f'text = "{" ".join(words)}"',
            "tokens = text.split()",
            "len(tokens)",
            "from collections import Counter",
            "sorted(Counter(tokens).items())[:3]",
            "vocab = {w: i for i, w in enumerate(sorted(set(tokens)))}",
            f"vocab[{words[0]!r}]",
        ]
        helper = None
    elif choice == 3:
        size = r.randint(2, 4)
        stmts = [
            f"def batches_{n}(xs, size):\n    return [xs[i:i + size] for i in range(0, len(xs), size)]",
            f"batches_{n}(list(range({r.randint(5, 11)})), {size})",
            f"[len(b) for b in batches_{n}(list(range(10)), {size})]",
        ]
        helper = (f"batches_{n}", f"batches_{n}(list(range({r.randint(3, 8)})), {size})")
    elif choice == 4:
        epochs = r.randint(2, 5)
        lr = r.choice([0.1, 0.05, 0.01])
        stmts = [
            f"losses = [round(1.0 / (1 + {lr} * e), 4) for e in range({epochs * 10})]",
            f"for epoch in range({epochs}):\n    print(f\"epoch {{epoch}}: loss={{losses[epoch * 10]:.4f}}\")",
            "min(losses) < losses[0]",
        ]
        helper = None
    elif choice == 5:
        stmts = [
            f"def one_hot_{n}(i, n):\n    if not 0 <= i < n:\n"
            "        raise ValueError(f\"index {i} out of range for {n} classes\")\n"
            "    return [1 if j == i else 0 for j in range(n)]",
            f"one_hot_{n}({r.randint(0, 3)}, 4)",
            f"one_hot_{n}(7, 4)",
            f"sum(one_hot_{n}(2, {r.randint(3, 9)}))",
        ]
        raises = {2: "ValueError"}
        helper = (f"one_hot_{n}", f"one_hot_{n}({r.randint(0, 2)}, 3)")
    else:
        vals = [r.randint(0, 50) for _ in range(r.randint(4, 8))]
        stmts = [
            f"scores = {vals}",
            "sorted(scores, reverse=True)[:3]",
            "sum(scores) / len(scores)",
            "max(range(len(scores)), key=scores.__getitem__)",
        ]
        helper = None
    # Sometimes reuse a helper that an earlier doctest block defined.
    used = fb.helper_use(doctest_only=True)
    if used is not None and r.random() < 0.6:
        stmts.append(used[1])
    fb.prose(f"Session {n}: try it in the REPL.", doctest_too=True)
    fb.doctest(stmts, raises)
    if helper:
        fb.helpers_doctest.append(helper)
        fb.helpers_any.append(helper)


def output_block(fb: FileBuilder) -> None:
    r, n = fb.rng, fb.n
    choice = r.randrange(5)
    if choice == 0:
        epochs, lr = r.randint(3, 6), r.choice([0.1, 0.2, 0.3])
        src = f"""
        w = 0.0
        for epoch in range({epochs}):
            grad = 2 * (w - 3.0)
            w -= {lr} * grad
            print(f"epoch {{epoch}}: w={{w:.4f}} loss={{(w - 3.0) ** 2:.4f}}")
        """
    elif choice == 1:
        y_true = [r.randint(0, 1) for _ in range(12)]
        y_pred = [y if r.random() < 0.75 else 1 - y for y in y_true]
        src = f"""
        y_true = {y_true}
        y_pred = {y_pred}
        matrix = [[0, 0], [0, 0]]
        for t, p in zip(y_true, y_pred):
            matrix[t][p] += 1
        for label, row in zip(["neg", "pos"], matrix):
            print(f"{{label}}: {{row}}")
        print(f"accuracy: {{sum(t == p for t, p in zip(y_true, y_pred)) / len(y_true):.3f}}")
        """
    elif choice == 2:
        cfg = {
            "lr": r.choice([0.001, 0.0003, 0.01]),
            "batch_size": r.choice([16, 32, 64]),
            "epochs": r.randint(1, 20),
            "model": r.choice(["mlp", "cnn", "transformer"]),
        }
        src = f"""
        import json
        config = {cfg!r}
        print(json.dumps(config, sort_keys=True, indent=2))
        """
    elif choice == 3:
        xs = [r.randint(0, 20) for _ in range(r.randint(6, 10))]
        src = f"""
        def moving_average_{n}(xs, window):
            return [sum(xs[i:i + window]) / window for i in range(len(xs) - window + 1)]

        series = {xs}
        for value in moving_average_{n}(series, 3):
            print(f"{{value:.2f}}")
        """
        fb.helpers_any.append((f"moving_average_{n}", f"moving_average_{n}({xs[:4]}, 2)"))
    else:
        used = fb.helper_use(doctest_only=False)
        if used is None:
            src = f"""
            counts = {{}}
            for word in {r.sample(WORDS, 8)}:
                counts[len(word)] = counts.get(len(word), 0) + 1
            for length in sorted(counts):
                print(length, counts[length])
            """
        else:
            src = f"""
            result = {used[1]}
            print(type(result).__name__, result)
            """
    fb.prose(f"Step {n}: run this and compare with the output below.")
    fb.code(src, "output", with_output=True)


def plain_block(fb: FileBuilder) -> None:
    r, n = fb.rng, fb.n
    choice = r.randrange(5)
    if choice == 0:
        xs = [r.randint(1, 9) for _ in range(5)]
        src = f"""
        def normalize_{n}(xs):
            total = sum(xs)
            return [x / total for x in xs]

        weights = normalize_{n}({xs})
        assert abs(sum(weights) - 1.0) < 1e-9
        assert weights[0] == {xs[0]} / {sum(xs)}
        """
        fb.helpers_any.append((f"normalize_{n}", f"[round(w, 3) for w in normalize_{n}({xs[:3]})]"))
    elif choice == 1:
        bs = r.choice([8, 16, 32])
        src = f"""
        from dataclasses import dataclass, field

        @dataclass
        class TrainConfig_{n}:
            lr: float = 1e-3
            batch_size: int = {bs}
            layers: list = field(default_factory=lambda: [64, 32])

        cfg = TrainConfig_{n}(lr=0.01)
        assert cfg.batch_size == {bs}
        assert cfg.layers == [64, 32]
        assert TrainConfig_{n}().lr == 1e-3
        """
    elif choice == 2:
        src = f"""
        def accuracy_{n}(y_true, y_pred):
            assert len(y_true) == len(y_pred)
            return sum(t == p for t, p in zip(y_true, y_pred)) / len(y_true)

        assert accuracy_{n}([1, 0, 1, 1], [1, 0, 0, 1]) == 0.75
        assert accuracy_{n}([0], [0]) == 1.0
        """
        fb.helpers_any.append((f"accuracy_{n}", f"accuracy_{n}([1, 1, 0, 0], [1, 0, 0, 0])"))
    elif choice == 3:
        seed, size = r.randint(0, 999), r.randint(20, 60)
        src = f"""
        import random

        data = list(range({size}))
        rng = random.Random({seed})
        rng.shuffle(data)
        cut = int(0.8 * len(data))
        train, test = data[:cut], data[cut:]
        assert len(train) + len(test) == {size}
        assert not set(train) & set(test)
        assert sorted(train + test) == list(range({size}))
        """
    else:
        used = fb.helper_use(doctest_only=False)
        if used is None:
            src = f"""
            from itertools import accumulate

            running = list(accumulate(range({r.randint(3, 9)})))
            assert running == sorted(running)
            """
        else:
            src = f"""
            value = {used[1]}
            assert value == {fb.value(used[1])!r}
            """
    fb.prose(f"Step {n}: a building block we reuse later.")
    fb.code(src, "plain")


def cpu_block(fb: FileBuilder, target_ms: float | None = None) -> None:
    """A pure-Python compute block of about `target_ms` (random 5-15 ms if None)."""
    r, n = fb.rng, fb.n
    ms = target_ms if target_ms is not None else r.uniform(5, 15)
    choice = r.randrange(4)
    if choice == 0:
        size = max(8, round((ms / MS_PER_MATMUL_MAC) ** (1 / 3)))
        src = f"""
        n = {size}
        a = [[(i * j) % 7 for j in range(n)] for i in range(n)]
        b = [[(i + j) % 5 for j in range(n)] for i in range(n)]
        c = [[sum(a[i][k] * b[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
        checksum = sum(map(sum, c))
        """
        check = "checksum"
    elif choice == 1:
        limit = round(ms / MS_PER_SIEVE_INT)
        src = f"""
        limit = {limit}
        is_prime = [True] * (limit + 1)
        is_prime[0] = is_prime[1] = False
        for i in range(2, int(limit ** 0.5) + 1):
            if is_prime[i]:
                for j in range(i * i, limit + 1, i):
                    is_prime[j] = False
        prime_count = sum(is_prime)
        """
        check = "prime_count"
    elif choice == 2:
        points = round(ms / MS_PER_GD_POINT)
        src = f"""
        xs = [i / {points} for i in range({points})]
        ys = [3.0 * x + 0.5 for x in xs]
        w, b = 0.0, 0.0
        for epoch in range(40):
            gw = gb = 0.0
            for x, y in zip(xs, ys):
                err = w * x + b - y
                gw += err * x
                gb += err
            w -= 0.5 * gw / len(xs)
            b -= 0.5 * gb / len(xs)
        fit = (round(w, 6), round(b, 6))
        """
        check = "fit"
    else:
        points = round(ms / MS_PER_KMEANS_POINT)
        src = f"""
        points = [((i * 37) % 101) / 10 for i in range({points})]
        centers = [1.0, 5.0, 9.0]
        for _ in range(10):
            groups = [[], [], []]
            for p in points:
                d = [abs(p - c) for c in centers]
                groups[d.index(min(d))].append(p)
            centers = [sum(g) / len(g) for g in groups]
        centers = [round(c, 6) for c in centers]
        """
        check = "centers"
    src = textwrap.dedent(src).strip("\n") + "\n"
    ns: dict = {}
    exec(compile(src, "<gen>", "exec"), ns)
    src += f"assert {check} == {ns[check]!r}\n"
    fb.prose(f"Step {n}: a pure-Python baseline (slow on purpose).")
    fb.code(src, "cpu")


def async_block(fb: FileBuilder) -> None:
    r, n = fb.rng, fb.n
    k = r.randint(2, 5)
    delay_ms = r.randint(1, 10)
    src = f"""
    import asyncio

    async def load_shard_{n}(i):
        await asyncio.sleep({delay_ms / 1000})
        return [i * 10 + j for j in range(3)]

    async def load_all_{n}():
        shards = await asyncio.gather(*(load_shard_{n}(i) for i in range({k})))
        return [x for shard in shards for x in shard]

    rows = asyncio.run(load_all_{n}())
    """
    if r.random() < 0.5:
        src += "print(len(rows), rows[:4])\n"
        fb.prose(f"Step {n}: load the shards concurrently.")
        fb.code(src, "async", with_output=True)
    else:
        src += f"assert rows[-1] == {(k - 1) * 10 + 2}\n"
        fb.prose(f"Step {n}: load the shards concurrently.")
        fb.code(src, "async")


KINDS = {
    "doctest": doctest_block,
    "output": output_block,
    "plain": plain_block,
    "cpu": cpu_block,
    "async": async_block,
}


# ---------------------------------------------------------------------------
# Corpora
# ---------------------------------------------------------------------------


def kind_plan(rng: random.Random, files: int, per_file: int) -> list[list[str]]:
    """Kinds of every block: ~5% cpu, ~5% async, the rest doctest/output/plain.

    Every file starts with a doctest session (so every file of the doctest-only
    corpus has one); the other blocks are drawn from a shuffled global pool.
    """
    total = files * per_file
    slots = total - files  # `files` doctests go first in each file
    n_cpu = min(round(0.05 * total), slots // 2)
    n_async = min(round(0.05 * total), slots - n_cpu)
    rest = slots - n_cpu - n_async
    n_doctest = min(max(0, round(0.33 * total) - files), rest)
    n_output = (rest - n_doctest) // 2
    n_plain = rest - n_doctest - n_output
    pool = (
        ["cpu"] * n_cpu
        + ["async"] * n_async
        + ["doctest"] * n_doctest
        + ["output"] * n_output
        + ["plain"] * n_plain
    )
    rng.shuffle(pool)
    plan = []
    for f in range(files):
        chunk = pool[f * (per_file - 1) : (f + 1) * (per_file - 1)]
        plan.append(["doctest"] + chunk)
    return plan


def write_manifest(
    path: Path, files: int, counts: dict, doctest_examples: int, output_fences: int, doctest_files: int
) -> None:
    blocks = sum(counts.values())
    manifest = {
        "files": files,
        "blocks": blocks,
        "blocks_by_kind": counts,
        "doctest_examples": doctest_examples,
        "output_blocks": output_fences,
        # Sybil makes one pytest item per doctest example (>>>), one per other
        # python block and, with bench/sybil_conftest.py, one per ```output block.
        "sybil_items": blocks - counts.get("doctest", 0) + doctest_examples + output_fences,
        # pytest --doctest-glob makes one item per file that holds doctests.
        "pytest_doctest_items": doctest_files,
    }
    (path / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def fresh_dir(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def generate(out: Path, files: int, per_file: int, seed: int) -> None:
    rng = random.Random(seed)
    plan = kind_plan(rng, files, per_file)
    doctest_dir = out.with_name(out.name + "-doctest")
    cpu_dir = out.with_name(out.name + "-cpu")
    for d in (out, doctest_dir, cpu_dir):
        fresh_dir(d)

    totals = dict.fromkeys(KINDS, 0)
    examples = outputs = 0
    doctest_files = 0
    for f, kinds in enumerate(plan):
        fb = FileBuilder(random.Random(f"{seed}:{f}"), f"Guide {f:03d}: Python for ML, part {f}")
        fb.prose(
            "This chapter walks through small, self-contained pieces of a training "
            "pipeline. Every code block below runs; the ones with output show it.",
            doctest_too=True,
        )
        for n, kind in enumerate(kinds):
            fb.n = n
            KINDS[kind](fb)
        name = f"guide_{f:03d}.md"
        (out / name).write_text("".join(fb.parts).rstrip("\n") + "\n")
        (doctest_dir / name).write_text("".join(fb.doctest_parts).rstrip("\n") + "\n")
        for k, v in fb.counts.items():
            totals[k] += v
        examples += fb.doctest_examples
        outputs += fb.output_fences
        doctest_files += fb.counts["doctest"] > 0
    write_manifest(out, files, totals, examples, outputs, doctest_files)
    write_manifest(doctest_dir, files, {"doctest": totals["doctest"]}, examples, 0, doctest_files)

    cpu_files, cpu_per_file = 40, 5
    for f in range(cpu_files):
        fb = FileBuilder(random.Random(f"{seed}:cpu:{f}"), f"CPU chapter {f:02d}")
        for n in range(cpu_per_file):
            fb.n = n
            cpu_block(fb, target_ms=10.0)
        (cpu_dir / f"cpu_{f:02d}.md").write_text("".join(fb.parts).rstrip("\n") + "\n")
    write_manifest(cpu_dir, cpu_files, {"cpu": cpu_files * cpu_per_file}, 0, 0, 0)

    print(
        f"{out}: {files} files, {sum(totals.values())} blocks {totals}, "
        f"{examples} doctest examples; {doctest_dir}: {totals['doctest']} doctest blocks; "
        f"{cpu_dir}: {cpu_files * cpu_per_file} CPU blocks",
        file=sys.stderr,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--blocks-per-file", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.files < 1 or args.blocks_per_file < 1:
        ap.error("--files and --blocks-per-file must be at least 1")
    generate(args.outdir.resolve(), args.files, args.blocks_per_file, args.seed)


if __name__ == "__main__":
    main()
