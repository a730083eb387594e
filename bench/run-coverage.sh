#!/usr/bin/env bash
# Do intervals hold across runs?  A benchmark, not a test: it prints rates.
#
#   bench/run-coverage.sh [RUNS [GROUPS]]   (default 12 runs, 40 groups)
#
# Makes RUNS separate runs of one plan (serial_fraction with f = 0.3 and
# midpoint, threads 1,2, BUDGET each, default 12s), then asks, for Amdahl's
# f of both kernels:
#   - single runs: does each run's interval hold the pooled estimate of all
#     the other runs?
#   - K = 2, 3, 4 runs pooled (`ompscale fit --with`), GROUPS random groups
#     each: does the pooled interval hold the pooled estimate of the rest?
# The rest's estimate is itself noisy, so even a perfectly calibrated 95%
# interval holds it only P(|Z| < 1.96 / sqrt(1 + K/(RUNS-K))) of the time;
# that ceiling is printed beside each rate.
# Environment: BUILD (build), BUDGET (12s), WORK (scratch; kept).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-12}
groups=${2:-40}
bin=$root/${BUILD:-build}/ompscale
budget=${BUDGET:-12s}
work=${WORK:-$(mktemp -d)}
[ -x "$bin" ] || { echo "run-coverage: build first (make build)" >&2; exit 2; }
mkdir -p "$work"

for i in $(seq 1 "$runs"); do
    [ -f "$work/run$i/summary.csv" ] && continue
    [ -t 2 ] && printf 'run-coverage: run %d of %d\r' "$i" "$runs" >&2
    "$bin" run --kernels serial_fraction,midpoint --set serial_fraction.f=0.3 --threads 1,2 \
        --schedules static --budget "$budget" --precision 0.1 --out "$work/run$i" 2>/dev/null
done

# fit_f DIR [WITH...]: "kernel value low high" lines of Amdahl's f.
# (Its scratch copy is per process: the two sides of a trial run at once.)
fit_f() {
    local dir=$1 out=$work/fit-$BASHPID
    shift
    rm -rf "$out" && cp -r "$dir" "$out"
    local with=()
    for w in "$@"; do with+=(--with "$w"); done
    "$bin" fit "$out" "${with[@]}" >/dev/null 2>&1
    awk -f "$root/tools/csv.awk" -f <(printf '%s\n' '
        { n = csv_split($0, f) }
        NR == 1 { for (i = 1; i <= n; i++) c[f[i]] = i; next }
        f[c["model"]] == "amdahl" && f[c["parameter"]] == "f" {
            print f[c["kernel"]], f[c["value"]], f[c["ci_low"]], f[c["ci_high"]] }') "$out/fit.csv"
}

# trial K: one random group of K runs against the rest; prints "kernel held".
trial() {
    local k=$1 order group=() rest=()
    mapfile -t order < <(seq 1 "$runs" | shuf)
    for i in "${!order[@]}"; do
        if [ "$i" -lt "$k" ]; then group+=("$work/run${order[$i]}"); else rest+=("$work/run${order[$i]}"); fi
    done
    join <(fit_f "${group[@]}" | sort) <(fit_f "${rest[@]}" | sort) |
        awk '{ print $1, ($3 <= $5 && $5 <= $4) ? 1 : 0 }'
}

ceiling() {
    awk -v k="$1" -v n="$runs" 'function erf(x,  t, y) { t = 1 / (1 + 0.3275911 * x)
        y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-x * x)
        return y }
        BEGIN { printf "%.0f%%", 100 * erf(1.96 / sqrt(1 + k / (n - k)) / sqrt(2)) }'
}

for k in 1 2 3 4; do
    count=$groups
    [ "$k" -eq 1 ] && count=$runs
    for g in $(seq 1 "$count"); do
        [ -t 2 ] && printf 'run-coverage: K=%d group %d of %d \r' "$k" "$g" "$count" >&2
        trial "$k"
    done | awk -v k="$k" -v ceil="$(ceiling "$k")" '
        { held[$1] += $2; n[$1]++ }
        END { printf "K=%d:", k
              for (kernel in n) printf "  %s %d/%d", kernel, held[kernel], n[kernel]
              printf "  (calibrated ceiling %s)\n", ceil }'
done
echo "runs kept in $work"
