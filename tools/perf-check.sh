#!/usr/bin/env bash
# The performance gate's two workflows (see README, "Performance gate").
#
#   tools/perf-check.sh --record DIR [RUN_ARGS...]
#       Records a baseline: ROUNDS sweeps of the current build, merged into DIR.
#   tools/perf-check.sh --base REF [RUN_ARGS...]
#       Same-job A/B: builds git REF in a worktree, then runs its sweep and the
#       current build's alternately (A B A B ...) so machine drift hits both,
#       and compares.  The recommended gate on shared runners.
#   tools/perf-check.sh --baseline DIR [RUN_ARGS...]
#       ROUNDS sweeps of the current build compared against a recorded DIR.
#
# RUN_ARGS go to every `ompscale run` (default --quick).  Environment:
# ROUNDS (default 7), BUILD (build), OUT (results/perf), THRESHOLD, ALPHA.
# Each round is one whole sweep; compare takes each round's median as one
# observation, because repetitions inside one sweep share its machine state.
# Exit code: compare's (0 pass, 1 regression, 2 bad input, 3 inconclusive).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-7}
build=${BUILD:-build}
out=${OUT:-results/perf}
mode=${1:-}
target=${2:-}
[ -n "$mode" ] && [ -n "$target" ] || { sed -n '2,20p' "$0" >&2; exit 2; }
shift 2
run_args=("$@")
[ ${#run_args[@]} -gt 0 ] || run_args=(--quick)
new_bin=$build/ompscale
[ -x "$new_bin" ] || { echo "perf-check: $new_bin not built (run make build)" >&2; exit 2; }

. "$root/tools/perf-lib.sh"

sweep() { # sweep BINARY DIR EXTRA_FLAGS
    # shellcheck disable=SC2086
    "$1" run "${run_args[@]}" $3 --out "$2" >/dev/null
}

compare() {
    "$new_bin" compare "$1" "$2" ${THRESHOLD:+--threshold "$THRESHOLD"} \
        ${ALPHA:+--alpha "$ALPHA"} --report "$out"
}

rm -rf "$out"
mkdir -p "$out/rounds"
case $mode in
--record)
    sweep "$new_bin" "$out/rounds/new-1" ""
    sizes=$(size_flags "$out/rounds/new-1/runs.csv")
    for r in $(seq 2 "$rounds"); do sweep "$new_bin" "$out/rounds/new-$r" "$sizes"; done
    rm -rf "$target"
    merge_rounds "$target" "$out"/rounds/new-*
    echo "perf-check: baseline of $rounds rounds recorded in $target"
    ;;
--baseline)
    [ -r "$target/runs.csv" ] || { echo "perf-check: no baseline in $target (make baseline)" >&2; exit 2; }
    sizes=$(size_flags "$target/runs.csv")
    for r in $(seq 1 "$rounds"); do sweep "$new_bin" "$out/rounds/new-$r" "$sizes"; done
    merge_rounds "$out/new" "$out"/rounds/new-*
    compare "$target" "$out/new"
    ;;
--base)
    src=$root/$build/base-src
    git -C "$root" worktree remove --force "$src" 2>/dev/null || rm -rf "$src"
    git -C "$root" worktree add --detach "$src" "$target" >/dev/null
    cmake -S "$src" -B "$root/$build/base-build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$root/$build/base-build" -j "$(nproc)" --target ompscale >/dev/null
    base_bin=$root/$build/base-build/ompscale
    sweep "$base_bin" "$out/rounds/base-1" ""
    sizes=$(size_flags "$out/rounds/base-1/runs.csv")
    sweep "$new_bin" "$out/rounds/new-1" "$sizes"
    for r in $(seq 2 "$rounds"); do
        sweep "$base_bin" "$out/rounds/base-$r" "$sizes"
        sweep "$new_bin" "$out/rounds/new-$r" "$sizes"
    done
    merge_rounds "$out/base" "$out"/rounds/base-*
    merge_rounds "$out/new" "$out"/rounds/new-*
    git -C "$root" worktree remove --force "$src"
    compare "$out/base" "$out/new"
    ;;
*)
    echo "perf-check: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
