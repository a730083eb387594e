#!/usr/bin/env bash
# The gate for a program a user builds, timed as whole processes (no
# --time-from, no synthetic noise): tests/program/amdahl.c built twice, as
# is and 10% slower (-DSCALE=1.1), then tools/perf-check.sh's interleaved
# A/B rounds with --base-command and --new-command: the program against
# itself (want exit 0) and against the slower build (want exit 1).  Prints
# both verdicts.  Not a test: its verdicts are this machine's noise's.
# Usage: bench/gate-command.sh [BUDGET] [SERIAL_MS PARALLEL_MS]
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
budget=${1:-90s}
work="${2:-5} ${3:-30}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for v in base slow; do
    scale=1.0
    [ "$v" = base ] || scale=1.1
    mkdir -p "$tmp/$v"
    cc -O2 -fopenmp -DSCALE="$scale" "$here/tests/program/amdahl.c" -o "$tmp/$v/amdahl" -lm || exit 2
done
side_args() { ARGS=(--base-command "$tmp/base/amdahl $work" --new-command "$tmp/$1/amdahl $work"); }
. "$here/bench/gate-sides.sh"
gate_sides "amdahl $work" "$here" "$tmp" "$budget"
