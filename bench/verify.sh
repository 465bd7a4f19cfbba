#!/usr/bin/env bash
# The `kata verify` benchmark, in one command:
#
#   bash bench/verify.sh            # RUNS=5 timed runs per command (after 1 warm-up)
#   RUNS=3 bash bench/verify.sh     # fewer runs
#   KATA=/path/to/kata SKIP_BUILD=1 bash bench/verify.sh
#
# It builds kata (release), sets up bench/.venv with pinned pytest + Sybil,
# generates the corpora (bench/corpus, bench/corpus-doctest, bench/corpus-cpu),
# times every tool one after the other (never in parallel: the machine has 2
# cores), and prints a table with the target ratios. See bench/README.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RUNS="${RUNS:-5}"
KATA="${KATA:-$ROOT/target/release/kata}"
VENV="$BENCH/.venv"
PY="$VENV/bin/python"
PYTEST_VERSION="9.2.0"
SYBIL_VERSION="10.1.0"
CORPUS="$BENCH/corpus"
OUT="$BENCH/out"
RESULTS="$OUT/results.jsonl"

step() { printf '\n== %s\n' "$*"; }

# --- 1. kata -------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    step "cargo build --release"
    if ! (cd "$ROOT" && cargo build --release); then
        echo "kata: build failed; the kata timings below will fail"
    fi
fi

# --- 2. virtualenv with the other tools (created once, reused) -------------------
step "virtualenv $VENV (pytest $PYTEST_VERSION, sybil $SYBIL_VERSION)"
if [[ ! -x "$PY" ]]; then
    python3 -m venv "$VENV"
fi
if ! "$PY" - "$PYTEST_VERSION" "$SYBIL_VERSION" <<'EOF'
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    ok = version("pytest") == sys.argv[1] and version("sybil") == sys.argv[2]
except PackageNotFoundError:
    ok = False
sys.exit(0 if ok else 1)
EOF
then
    "$PY" -m pip install --quiet "pytest==$PYTEST_VERSION" "sybil==$SYBIL_VERSION"
fi
"$PY" --version

# --- 3. corpora (deterministic; regenerated every run) ---------------------------
step "generating corpora"
"$PY" "$BENCH/gen_corpus.py" "$CORPUS"
# Sybil is configured by a conftest.py beside the Markdown files, as users do.
cp "$BENCH/sybil_conftest.py" "$CORPUS/conftest.py"
# An empty pytest.ini makes each corpus its own rootdir, so no pytest settings
# from the repository (now or later) leak into the comparison.
for dir in "$CORPUS" "$CORPUS-doctest"; do
    printf '[pytest]\n' >"$dir/pytest.ini"
done
manifest() { "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1/MANIFEST.json" "$2"; }
BLOCKS="$(manifest "$CORPUS" blocks)"
SYBIL_ITEMS="$(manifest "$CORPUS" sybil_items)"
DOCTEST_BLOCKS="$(manifest "$CORPUS-doctest" blocks)"
DOCTEST_FILES="$(manifest "$CORPUS-doctest" pytest_doctest_items)"
CPU_BLOCKS="$(manifest "$CORPUS-cpu" blocks)"

# --- 4. timings, one tool after the other ----------------------------------------
mkdir -p "$OUT"
: >"$RESULTS"
# timed LABEL EXPECTED_PASSED CMD...: never stops the script if the tool fails.
# The reference tools must report exactly EXPECTED_PASSED; kata's count is only
# checked leniently (a warning), since its summary format is its own business.
timed() {
    local label="$1" expect="$2" lenient=()
    shift 2
    [[ "$label" == kata* ]] && lenient=(--lenient)
    "$PY" "$BENCH/timeit_cmd.py" --runs "$RUNS" --label "$label" --results "$RESULTS" \
        --expect-passed "$expect" "${lenient[@]}" -- "$@" || true
}
export PYTEST_DISABLE_PLUGIN_AUTOLOAD=1  # Sybil comes in through conftest.py

step "whole corpus: $BLOCKS blocks ($SYBIL_ITEMS Sybil items)"
timed kata-j1 "$BLOCKS" "$KATA" verify -j 1 "$CORPUS"
timed kata "$BLOCKS" "$KATA" verify "$CORPUS"
timed sybil "$SYBIL_ITEMS" "$PY" -m pytest -p no:cacheprovider "$CORPUS"
timed floor "$BLOCKS" "$PY" "$BENCH/floor.py" "$CORPUS"

step "doctest-only corpus: $DOCTEST_BLOCKS doctest blocks in $DOCTEST_FILES files"
timed pytest-doctest "$DOCTEST_FILES" "$PY" -m pytest -p no:cacheprovider --doctest-glob='*.md' "$CORPUS-doctest"
timed kata-doctest "$DOCTEST_BLOCKS" "$KATA" verify "$CORPUS-doctest"

step "CPU-only corpus: $CPU_BLOCKS blocks of ~10 ms"
timed kata-cpu-j1 "$CPU_BLOCKS" "$KATA" verify -j 1 "$CORPUS-cpu"
timed kata-cpu-j2 "$CPU_BLOCKS" "$KATA" verify -j 2 "$CORPUS-cpu"

# --- 5. report -------------------------------------------------------------------
step "results ($RUNS runs each; medians; raw data in ${RESULTS#"$ROOT"/})"
"$PY" "$BENCH/report.py" "$RESULTS"
