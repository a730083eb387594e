#!/usr/bin/env bash
# How often the regression gate cries wolf, and how often it catches a real
# slowdown.  A benchmark, not a test: it prints rates and exits 0.
#
#   bench/gate-accuracy.sh [TRIALS [aa|slow|all]]   (default 20 all)
#
# Each trial is the same-job A/B workflow of tools/perf-check.sh: ROUNDS
# (default 7) --quick sweeps per side, interleaved A B A B, then compare.
#   - A/A: both sides the same binary and sizes (AA_KERNELS): any confirmed
#     regression is a false alarm.
#   - slowdowns: the NEW side runs SLOW_KERNEL with 5%, 10% and 20% more work
#     per run (a larger n), relabelled to the base n, as a code change that
#     made that configuration slower by that much would look.
# Environment: BUILD (build), ROUNDS, AA_KERNELS, SLOW_KERNEL, WORK (scratch).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/perf-lib.sh"
trials=${1:-20}
which=${2:-all}
rounds=${ROUNDS:-7}
bin=$root/${BUILD:-build}/ompscale
aa_kernels=${AA_KERNELS:-midpoint,copy,counter_atomic}
slow_kernel=${SLOW_KERNEL:-midpoint}
work=${WORK:-$(mktemp -d)}
[ -x "$bin" ] || { echo "gate-accuracy: build first (make build)" >&2; exit 2; }

# trial KERNELS FACTOR: one interleaved A/B comparison; prints the exit code
# and the number of configurations judged regression and compared.
trial() {
    local kernels=$1 factor=$2 dir=$work/trial base_n new_flags
    rm -rf "$dir"
    mkdir -p "$dir"
    "$bin" run --quick --kernels "$kernels" --out "$dir/base-1" >/dev/null
    local sizes
    sizes=$(size_flags "$dir/base-1/runs.csv")
    base_n=$(awk -F, 'NR == 2 { print $3 }' "$dir/base-1/runs.csv")
    new_flags=$(awk -v n="$base_n" -v f="$factor" -v k="$kernels" \
        'BEGIN { printf "--size %s=%d", k, n * f + 0.5 }')
    for r in $(seq 1 "$rounds"); do
        # shellcheck disable=SC2086
        [ "$r" -eq 1 ] || "$bin" run --quick --kernels "$kernels" $sizes --out "$dir/base-$r" >/dev/null
        # shellcheck disable=SC2086
        "$bin" run --quick --kernels "$kernels" $sizes ${factor:+$new_flags} --out "$dir/new-$r" >/dev/null
        # The larger run is labelled with the base n so the two pair up.
        awk -F, -v OFS=, -v n="$base_n" -v k="$kernels" -v f="$factor" \
            'NR > 1 && f != "" && $1 == k { $3 = n } { print }' "$dir/new-$r/runs.csv" \
            >"$dir/new-$r/runs.relabelled" && mv "$dir/new-$r/runs.relabelled" "$dir/new-$r/runs.csv"
    done
    merge_rounds "$dir/base" "$dir"/base-*
    merge_rounds "$dir/new" "$dir"/new-*
    local rc=0
    "$bin" compare "$dir/base" "$dir/new" >"$dir/compare.txt" || rc=$?
    echo "$rc $(grep -c '^regression' "$dir/compare.txt" || true) $(awk -F, 'NR > 1' "$dir/new/compare.csv" | wc -l)"
}

# series LABEL KERNELS FACTOR
series() {
    local label=$1 kernels=$2 factor=$3 fails=0 inconclusive=0 confirmed=0 compared=0 t0
    t0=$(date +%s)
    for _ in $(seq 1 "$trials"); do
        read -r rc regressions configs < <(trial "$kernels" "$factor")
        [ "$rc" -eq 1 ] && fails=$((fails + 1))
        [ "$rc" -eq 3 ] && inconclusive=$((inconclusive + 1))
        confirmed=$((confirmed + regressions))
        compared=$((compared + configs))
    done
    printf '%-22s trials %3d  gate failed %3d  inconclusive %3d  configurations confirmed slower %4d of %4d  (%ds per trial)\n' \
        "$label" "$trials" "$fails" "$inconclusive" "$confirmed" "$compared" \
        $(( ($(date +%s) - t0) / trials ))
}

echo "gate-accuracy: $trials trials, $rounds rounds per side, --quick sweeps, $(date -u +%FT%TZ)"
if [ "$which" != slow ]; then
    series "A/A ($aa_kernels)" "$aa_kernels" ""
fi
if [ "$which" != aa ]; then
    for f in 1.05 1.10 1.20; do
        series "$slow_kernel x$f work" "$slow_kernel" "$f"
    done
fi
