#!/usr/bin/env python3
"""Time a command: 1 warm-up run, then N timed runs; print the median and min wall time.

    python3 bench/timeit_cmd.py [--runs 5] [--label NAME] [--results FILE]
                                [--expect-passed N] [--cwd DIR] -- CMD [ARG...]

A stand-in for hyperfine (not installable here). The warm-up run's output is kept
and its last line shown (the tool's summary); with --expect-passed, a count found
as "N passed" in it must equal N (with --lenient a mismatch is only a warning).
The timed runs' output goes to /dev/null.
If the warm-up or any timed run exits non-zero, it prints "NAME: failed (exit N)"
and exits with that code (so a caller can go on with the next tool).
With --results, one JSON line per command is appended to FILE for bench/report.py.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time


def run_once(cmd: list[str], cwd: str | None, capture: bool) -> tuple[float, int, str]:
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT if capture else out, text=True)
    except OSError as exc:  # e.g. the binary does not exist
        return time.perf_counter() - start, 127, f"{exc}\n"
    return time.perf_counter() - start, proc.returncode, proc.stdout or ""


def record(path: str | None, entry: dict) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--label")
    ap.add_argument("--results")
    ap.add_argument("--expect-passed", type=int)
    ap.add_argument(
        "--lenient", action="store_true", help="a wrong pass count is a warning, not a failure"
    )
    ap.add_argument("--cwd")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no command given")
    label = args.label or " ".join(cmd)
    entry: dict = {"label": label, "cmd": cmd, "ok": False}

    _, code, output = run_once(cmd, args.cwd, capture=True)
    lines = [line for line in output.splitlines() if line.strip()]
    summary = lines[-1] if lines else "(no output)"
    if code != 0:
        print(f"{label}: failed (exit {code})")
        for line in lines[-15:]:
            print(f"    {line}")
        record(args.results, {**entry, "exit": code})
        return code
    note = ""
    if args.expect_passed is not None:
        counts = re.findall(r"(\d+) passed", output)
        if not counts:
            note = " (no 'N passed' count in its output)"
        elif int(counts[-1]) != args.expect_passed:
            problem = f"expected {args.expect_passed} passed, saw {counts[-1]}"
            if not args.lenient:
                print(f"{label}: failed ({problem})")
                print(f"    {summary}")
                record(args.results, {**entry, "exit": 0, "error": problem})
                return 1
            note = f" (WARNING: {problem})"
            entry["warning"] = problem
    print(f"{label}: warm-up ok: {summary}{note}")

    times = []
    for _ in range(args.runs):
        elapsed, code, _ = run_once(cmd, args.cwd, capture=False)
        if code != 0:
            print(f"{label}: failed (exit {code}) in a timed run")
            record(args.results, {**entry, "exit": code})
            return code
        times.append(elapsed)
    median, best = statistics.median(times), min(times)
    print(f"{label}: median {median:.3f} s, min {best:.3f} s ({args.runs} runs)")
    record(args.results, {**entry, "ok": True, "median": median, "min": best, "times": times})
    return 0


if __name__ == "__main__":
    sys.exit(main())
