#!/usr/bin/env python3
"""Print the benchmark table and the target ratios from timeit_cmd.py's results.

    python3 bench/report.py RESULTS.jsonl

Each target is a ratio of two medians; it shows PASS or MISS, or n/a when one of
the two commands failed. Exit status is 0 either way (it is a report).
"""

from __future__ import annotations

import json
import sys

# (numerator label, denominator label, target, strictly greater?, what it means)
TARGETS = [
    ("sybil", "kata", 5.0, False, "Sybil (pytest) / kata, all cores, whole corpus"),
    ("floor", "kata", 1.5, False, "floor (one process, no isolation) / kata, all cores"),
    ("pytest-doctest", "kata-doctest", 1.0, True, "pytest --doctest-glob / kata, doctest-only corpus"),
    ("kata-cpu-j1", "kata-cpu-j2", 1.7, False, "kata -j 1 / kata -j 2, CPU-only corpus"),
]


def main() -> int:
    results: dict[str, dict] = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                entry = json.loads(line)
                results[entry["label"]] = entry

    print(f"\n{'command':<16} {'median s':>9} {'min s':>9}  command line")
    for label, e in results.items():
        if e.get("ok"):
            warning = f"  WARNING: {e['warning']}" if e.get("warning") else ""
            print(f"{label:<16} {e['median']:>9.3f} {e['min']:>9.3f}  {' '.join(e['cmd'])}{warning}")
        else:
            why = e.get("error") or f"exit {e.get('exit')}"
            print(f"{label:<16} {'failed':>9} {'':>9}  {' '.join(e['cmd'])} ({why})")

    print(f"\n{'ratio (medians)':<30} {'value':>7} {'target':>8}  result")
    for num, den, target, strict, meaning in TARGETS:
        a, b = results.get(num, {}), results.get(den, {})
        name = f"{num} / {den}"
        if not (a.get("ok") and b.get("ok")):
            print(f"{name:<30} {'-':>7} {('>' if strict else '>=') + str(target):>8}  n/a   ({meaning})")
            continue
        ratio = a["median"] / b["median"]
        ok = ratio > target if strict else ratio >= target
        print(
            f"{name:<30} {ratio:>7.2f} {('>' if strict else '>=') + str(target):>8}  "
            f"{'PASS' if ok else 'MISS'}  ({meaning})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
