#!/usr/bin/env bash
# The gate for a user's kernels: the jacobi example built twice, as is and
# with a tenth of its rows swept twice (about 10% slower), then
# tools/perf-check.sh's interleaved A/B rounds with --base-load and
# --new-load: the example against itself (want exit 0) and against the
# slower build (want exit 1, naming jacobi).  Prints both verdicts.  Not a
# test: it takes up to two budgets (default 90s each).
# Usage: bench/gate-plugin.sh [BUDGET]
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
budget=${1:-90s}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/examples/jacobi/jacobi.c" "$tmp/base.c"
python3 - "$tmp/base.c" "$tmp/slow.c" <<'PY'
import sys
s = open(sys.argv[1]).read()
old = """        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < n; k++)
                g->out[i * n + k] = cell(g, i, k);
        }
"""
new = """        for (size_t j = 0; j < n + n / 10; j++) {
            const size_t i = j % n;
            for (size_t k = 0; k < n; k++)
                g->out[i * n + k] = cell(g, i, k);
        }
"""
assert old in s
open(sys.argv[2], "w").write(s.replace(old, new, 1))
PY
for v in base slow; do
    cc -O2 -march=native -fopenmp -shared -fPIC -I"$here/include" "$tmp/$v.c" -o "$tmp/$v.so" || exit 2
done
side_args() { ARGS=(--base-load "$tmp/base.so" --new-load "$tmp/$1.so"); }
. "$here/bench/gate-sides.sh"
gate_sides jacobi "$here" "$tmp" "$budget"
