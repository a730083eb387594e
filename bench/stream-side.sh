#!/usr/bin/env bash
# ompscale's copy beside a STREAM-like Copy built here, at the same array
# length, run alternately on this machine.  A benchmark, not a test: it
# prints rates and exits 0.
#
#   bench/stream-side.sh   (environment: BUILD (build), THREADS (1,2),
#                           PAIRS (3), N (copy's default length), CC (gcc))
#
# Each pair runs, one after another: the reference (bench/stream_copy.c,
# built -O3 -march=native -fopenmp as the issue measured STREAM: gcc makes
# its loop a memcpy call, and glibc writes large copies with non-temporal
# stores); ompscale's copy and read as they run by default; and copy with
# OMPSCALE_STORES=ordinary (cached stores, what copy did before).  Printed
# per thread count: each side's best GB/s per pair (STREAM's best of 9
# timings, ompscale's fastest repetition), and copy's ratio to the
# reference.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/perf-lib.sh"
bin=$root/${BUILD:-build}/ompscale
[ -x "$bin" ] || { echo "stream-side: build first (make build)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=${N:-$("$bin" list | awk '$1 == "copy" { sub(/^n=/, "", $2); print $2 }')}
"${CC:-gcc}" -O3 -march=native -fopenmp -DSTREAM_ARRAY_SIZE="$n" "$root/bench/stream_copy.c" \
    -o "$work/stream_copy"

# best_gbps DIR KERNEL THREADS: the kernel's fastest repetition as GB/s.
best_gbps() {
    csv_run 'FNR == 1 { csv_header($0, col); next }
             { csv_split($0, f) }
             f[col["kernel"]] == k && f[col["threads"]] == t {
                 printf "%.2f", f[col["rate"]] * f[col["median_s"]] / f[col["min_s"]] }' \
        k="$2" t="$3" "$1/summary.csv"
}

# ompscale_side THREADS STORES: copy's and read's best GB/s, "copy read".
ompscale_side() {
    rm -rf "$work/run"
    OMPSCALE_STORES=$2 "$bin" run --kernels copy,read --threads "$1" --schedules static \
        --size copy="$n" --size read="$n" --repetitions 9 --budget 40s --out "$work/run" \
        >/dev/null 2>&1
    echo "$(best_gbps "$work/run" copy "$1") $(best_gbps "$work/run" read "$1")"
}

echo "stream-side: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), n = $n ($((n * 16 / 1048576)) MiB per copy), $(date -u +%FT%TZ)"
printf '%-8s %-5s %10s %12s %10s %14s %8s %8s\n' threads pair stream copy read copy-ordinary copy/ref ord/ref
for t in $(echo "${THREADS:-1,2}" | tr , ' '); do
    for p in $(seq 1 "${PAIRS:-3}"); do
        ref=$(OMP_NUM_THREADS=$t "$work/stream_copy" | awk '{ print $2 }')
        read -r copy rd < <(ompscale_side "$t" auto)
        read -r ordinary _ < <(ompscale_side "$t" ordinary)
        awk -v t="$t" -v p="$p" -v r="$ref" -v c="$copy" -v d="$rd" -v o="$ordinary" 'BEGIN {
            printf "%-8s %-5s %10.2f %12.2f %10.2f %14.2f %8.3f %8.3f\n", t, p, r, c, d, o, c / r, o / r }'
    done
done
