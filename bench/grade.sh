#!/usr/bin/env bash
# Benchmark of `kata grade`: 200 submissions of a 10-test kata (180 correct,
# 12 wrong, 4 hanging, 4 crashing), graded with `kata grade`, compared in
# the same run with running pytest once per submission (bench/.venv).
# Usage: bench/grade.sh [KATA_BINARY]   (default: target/release/kata if built, else target/debug/kata)
set -euo pipefail
# HANGS=N: how many submissions hang (default 4; each costs 2 tests x 1 s of
# timeouts: kata grade gives up on a submission after --max-timeouts 2).
HANGS="${HANGS:-4}"
cd "$(dirname "$0")/.."
KATA="${1:-$( [[ -x target/release/kata ]] && echo target/release/kata || echo target/debug/kata )}"
PYTEST="$(realpath -m "${PYTEST:-bench/.venv/bin/pytest}")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kata_dir="$work/katas/bench/ten"
mkdir -p "$kata_dir" "$work/subs"
cat > "$kata_dir/kata.toml" <<'TOML'
format_version = 1
title = "Ten tests"
topic = "bench"
level = "mid"
points = 10
time_limit = "1s"
hints = ["one", "two"]
TOML
# GRADING=in-process: the same kata graded with the tests in the submission's
# process (default: sealed, the tests in a process of their own).
if [[ -n "${GRADING:-}" ]]; then echo "grading = \"$GRADING\"" >> "$kata_dir/kata.toml"; fi
echo "# Ten tests" > "$kata_dir/README.md"
printf 'def solve(items):\n    raise NotImplementedError\n' > "$kata_dir/starter.py"
printf 'def solve(items):\n    return sum(n for n in items if n %% 2 == 0)\n' > "$kata_dir/solution.py"
{
    echo "from solution import solve"
    for i in $(seq 1 7); do printf '\n\ndef test_public_%d():\n    assert solve(list(range(%d))) == sum(n for n in range(%d) if n %% 2 == 0)\n' "$i" "$((i * 10))" "$((i * 10))"; done
} > "$kata_dir/test_public.py"
{
    echo "from solution import solve"
    for i in $(seq 1 3); do printf '\n\ndef test_hidden_%d():\n    assert solve([-%d, %d, 3]) == 0\n' "$i" "$((i * 2))" "$((i * 2))"; done
} > "$kata_dir/test_hidden.py"
for n in $(seq -w 1 200); do
    f="$work/subs/student$n.py"
    if (( 10#$n <= HANGS )); then printf 'def solve(items):\n    while True:\n        pass\n' > "$f"
    elif (( 10#$n <= 8 )); then printf 'import os\n\ndef solve(items):\n    os._exit(3)\n' > "$f"
    elif (( 10#$n <= 20 )); then printf 'def solve(items):\n    return sum(items)\n' > "$f"
    else cp "$kata_dir/solution.py" "$f"; fi
done

echo "kata grade: 200 submissions x 10 tests ($KATA, $(nproc) cores)"
start=$(date +%s.%N)
"$KATA" grade "$kata_dir" "$work/subs" --out "$work/grades" --no-progress 2>"$work/grade.log" || true
end=$(date +%s.%N)
kata_s=$(echo "$end - $start" | bc)
tail -1 "$work/grade.log"
echo "  kata grade: ${kata_s} s"

if [[ -x "$PYTEST" ]]; then
    start=$(date +%s.%N)
    for f in "$work"/subs/*.py; do
        d="$work/pytest/$(basename "$f" .py)"
        mkdir -p "$d"
        cp "$f" "$d/solution.py"; cp "$kata_dir"/test_*.py "$d/"
        # The whole pytest run gets 2 s (kata gives each test 1 s).
        (cd "$d" && timeout 2 "$PYTEST" -q -p no:cacheprovider . >/dev/null 2>&1 || true)
    done
    end=$(date +%s.%N)
    pytest_s=$(echo "$end - $start" | bc)
    echo "  pytest once per submission: ${pytest_s} s"
else
    echo "  (no $PYTEST: skipping the pytest comparison)"
fi
