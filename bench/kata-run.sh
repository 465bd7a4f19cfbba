#!/usr/bin/env bash
# The `kata run` benchmark: feedback on a 10-test kata end to end (target:
# under 100 ms, SPEC §5), against pytest on the same tests in the same run.
#
#   bash bench/kata-run.sh                  # RUNS=10 timed runs each (after 1 warm-up)
#   KATA=/path/to/kata SKIP_BUILD=1 bash bench/kata-run.sh
#   VENV=/other/venv bash bench/kata-run.sh # a venv that already has pytest 9.2.0
#
# The kata is bench/kata-run/bench/ten-tests; the learner's file is its model
# answer, copied into a fresh temporary workspace, so every run passes all ten
# tests (kata exits 0 only then). pytest runs the same test_public.py in a
# temporary directory beside the same file as solution.py, with a conftest.py
# putting that directory on sys.path, plugins off (as kata has none).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RUNS="${RUNS:-10}"
KATA="${KATA:-$ROOT/target/release/kata}"
VENV="${VENV:-$BENCH/.venv}"
PY="$VENV/bin/python"
PYTEST_VERSION="9.2.0"
KATAS="$BENCH/kata-run"
ID="bench/ten-tests"
TARGET_MS=100

step() { printf '\n== %s\n' "$*"; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    step "cargo build --release"
    (cd "$ROOT" && cargo build --release) || echo "kata: build failed; its timing below will fail"
fi

step "virtualenv $VENV (pytest $PYTEST_VERSION)"
if [[ ! -x "$PY" ]]; then
    python3 -m venv "$VENV"
fi
if ! "$PY" -c 'import sys; from importlib.metadata import version; sys.exit(version("pytest") != sys.argv[1])' \
    "$PYTEST_VERSION" 2>/dev/null; then
    "$PY" -m pip install --quiet "pytest==$PYTEST_VERSION"
fi
"$PY" -m pytest --version

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# kata: a workspace holding the learner's file.
mkdir -p "$work/ws/bench"
cp "$KATAS/$ID/solution.py" "$work/ws/$ID.py"
# pytest: the same tests, the same file as `solution`, its own rootdir.
mkdir -p "$work/pytest"
cp "$KATAS/$ID/test_public.py" "$work/pytest/test_public.py"
cp "$KATAS/$ID/solution.py" "$work/pytest/solution.py"
printf '[pytest]\n' >"$work/pytest/pytest.ini"
cat >"$work/pytest/conftest.py" <<'PY'
import os
import sys

# `from solution import ...` finds the learner's file, as under kata.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
PY

results="$work/results.jsonl"
step "kata run vs pytest: 10 tests ($RUNS timed runs each, medians)"
"$PY" "$BENCH/timeit_cmd.py" --runs "$RUNS" --label "kata run" --results "$results" --cwd "$work/ws" -- \
    "$KATA" run "$ID" --katas "$KATAS" --workspace "$work/ws" --color never || true
PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 "$PY" "$BENCH/timeit_cmd.py" --runs "$RUNS" --label pytest \
    --results "$results" --expect-passed 10 --cwd "$work/pytest" -- \
    "$PY" -m pytest -q -p no:cacheprovider test_public.py || true

step "results"
"$PY" - "$results" "$TARGET_MS" <<'PY'
import json, sys

rows = {r["label"]: r for r in map(json.loads, open(sys.argv[1]))}
target = float(sys.argv[2])
kata, pytest = rows.get("kata run", {}), rows.get("pytest", {})
for label, row in (("kata run", kata), ("pytest", pytest)):
    if row.get("ok"):
        print(f"{label:<9} median {row['median'] * 1000:7.1f} ms   min {row['min'] * 1000:7.1f} ms")
    else:
        print(f"{label:<9} failed")
if kata.get("ok"):
    ms = kata["median"] * 1000
    verdict = "PASS" if ms < target else "MISS"
    print(f"target: kata run < {target:.0f} ms end to end: {ms:.1f} ms  {verdict}")
    if pytest.get("ok"):
        print(f"pytest / kata run: {pytest['median'] / kata['median']:.2f}x")
PY
