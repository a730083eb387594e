#!/usr/bin/env bash
# Every kernel that has a hardware bound against it: the achieved rate, the
# bound and the fraction at 1 and 2 threads (static schedule), and whether
# each kernel file's loops vectorise, from gcc's own report, under
# -march=native and the portable -march=x86-64-v3.  A benchmark, not a
# test: it prints numbers and exits 0.
#
#   bench/bounds.sh   (environment: BUILD (build), OUT (results/bounds),
#                      BUDGET (60s), THREADS (1,2))
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/perf-lib.sh"
bin=$root/${BUILD:-build}/ompscale
out=${OUT:-$root/results/bounds}
[ -x "$bin" ] || { echo "bounds: build first (make build)" >&2; exit 2; }
kernels=midpoint,serial_fraction,tasks,copy,cube_map,shared_array

"$bin" run --kernels "$kernels" --threads "${THREADS:-1,2}" --schedules static \
    --budget "${BUDGET:-60s}" --out "$out" >/dev/null 2>&1
echo "bounds: $(csv_run 'BEGIN { FS = "\"" } /"cpu_model"/ { print $4 }' "$out/machine.json"), $(date -u +%FT%TZ)"
grep -o '"division_ns": [0-9.e-]*' "$out/machine.json" | sed 's/"division_ns": /division probe: ns per division per core: /'
printf '%-16s %7s %12s %12s %9s %14s\n' kernel threads rate bound fraction "ns/term/core"
csv_run '
    FNR == 1 { csv_header($0, col); next }
    {
        csv_split($0, f)
        if (f[col["bound_rate"]] == "") next
        t = f[col["threads"]]; r = f[col["rate"]]
        per = f[col["rate_unit"]] == "GFLOP/s" ? sprintf("%.4f", 6 / r * t) : "-"
        printf "%-16s %7d %8.2f %-4s %8.2f %-3s %9.3f %14s\n", f[col["kernel"]], t, r,
               f[col["rate_unit"]], f[col["bound_rate"]], "", f[col["bound_fraction"]], per
    }' "$out/summary.csv"

# gcc's report can call a loop vectorised while a conversion inside it
# stays scalar (int64 to double before AVX-512DQ), so the object code is
# counted too: scalar divisions (divsd) against packed ones (divpd).  A pi
# kernel with no divpd divides one double at a time; the divsd that remain
# in a vectorised one are the setup's 1/n and the loop epilogues.
echo "vectorised loops (gcc -O3 -fopenmp -fopt-info-vec-optimized) by source line, and divisions in the object code:"
obj=$(mktemp)
trap 'rm -f "$obj"' EXIT
for file in midpoint serial_fraction tasks copy cube_map shared_array imbalance; do
    for march in native x86-64-v3; do
        lines=$(gcc -O3 -march="$march" -fopenmp -I"$root/kernels" -fopt-info-vec-optimized \
                    -c "$root/kernels/$file.c" -o "$obj" 2>&1 |
                sed -n 's/^[^:]*:\([0-9]*\):[0-9]*: optimized: loop vectorized.*/\1/p' |
                sort -un | tr '\n' ' ')
        scalar=$(objdump -d "$obj" | grep -c 'v\{0,1\}divsd' || true)
        packed=$(objdump -d "$obj" | grep -c 'v\{0,1\}divpd' || true)
        printf '  %-16s %-11s loops at %-14s divsd %2d  divpd %2d\n' "$file" "$march" "${lines:-none}" "$scalar" "$packed"
    done
done
