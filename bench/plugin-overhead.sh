#!/usr/bin/env bash
# A loaded kernel against the same kernel built in: midpoint's own source
# compiled into a plugin (-Wl,-Bsymbolic, so the plugin runs its own copy
# of the code) with the flags the built-in kernels get, then both timed in
# one run, interleaved in shuffled rounds, and the medians compared per
# thread count.  Prints "threads T: plugin/built-in = R".  Not a test.
# Usage: bench/plugin-overhead.sh [OMPSCALE] [BUDGET]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/ompscale}
budget=${2:-120s}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O3 -march=native -fopenmp -shared -fPIC -Wl,-Bsymbolic -I"$here/include" -I"$here/kernels" \
    "$here/bench/plugin_midpoint.c" "$here/kernels/midpoint.c" "$here/kernels/pi_terms.c" \
    -o "$tmp/midpoint_plugin.so"
"$bin" run --load "$tmp/midpoint_plugin.so" --kernels midpoint,midpoint_plugin --threads 1,2 \
    --schedules static --repetitions 20 --precision 0.5% --budget "$budget" --out "$tmp/run" \
    >/dev/null 2>"$tmp/err" || { tail -3 "$tmp/err"; exit 1; }
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
         { m[$c["kernel"] "," $c["threads"]] = $c["median_s"]; n[$c["kernel"] "," $c["threads"]] = $c["repetitions"] }
         END { for (t = 1; t <= 2; t++)
                   printf "threads %d: plugin/built-in = %.4f (medians %.6g s and %.6g s, %d and %d repetitions)\n", t,
                          m["midpoint_plugin," t] / m["midpoint," t], m["midpoint_plugin," t],
                          m["midpoint," t], n["midpoint_plugin," t], n["midpoint," t] }' "$tmp/run/summary.csv"
