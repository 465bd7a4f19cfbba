#!/usr/bin/env bash
# Superseded by `kata check [KATA_DIR...]` (which also checks hints, stray
# files, determinism and time); kept for old branches. Checks katas: for each kata directory given (or
# every one under katas/), the solution passes the public and the hidden
# tests, the starter fails the public tests, and the README's Python
# examples verify. Usage: scripts/selfcheck-katas.sh [KATA_DIR...]
set -uo pipefail
KATA="${KATA:-$(dirname "$0")/../target/debug/kata}"
dirs=("$@")
if [[ ${#dirs[@]} -eq 0 ]]; then
    mapfile -t dirs < <(find "$(dirname "$0")/../katas" -name kata.toml -printf '%h\n' | sort)
fi
failed=0
for dir in "${dirs[@]}"; do
    topic=$(basename "$(dirname "$dir")"); slug=$(basename "$dir")
    work=$(mktemp -d)
    mkdir -p "$work/katas/$topic" "$work/ws/$topic"
    cp -r "$dir" "$work/katas/$topic/$slug"
    run() { "$KATA" run "$topic/$slug" --katas "$work/katas" --workspace "$work/ws" --color never >"$work/out" 2>&1; }
    cp "$dir/solution.py" "$work/ws/$topic/$slug.py"
    if ! run; then echo "FAIL $dir: the solution fails a public test"; cat "$work/out"; failed=1; fi
    if [[ -f "$dir/test_hidden.py" ]]; then
        cp "$dir/test_hidden.py" "$work/katas/$topic/$slug/test_public.py"
        if ! run; then echo "FAIL $dir: the solution fails a hidden test"; cat "$work/out"; failed=1; fi
        cp "$dir/test_public.py" "$work/katas/$topic/$slug/test_public.py"
    fi
    cp "$dir/starter.py" "$work/ws/$topic/$slug.py"
    if run; then echo "FAIL $dir: the starter passes every public test"; failed=1; fi
    if ! "$KATA" verify "$dir/README.md" -q --no-progress >"$work/out" 2>&1; then
        echo "FAIL $dir: README examples"; cat "$work/out"; failed=1
    fi
    rm -rf "$work"
    [[ $failed -eq 0 ]] && echo "ok   $dir"
done
exit $failed
