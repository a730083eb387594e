#!/usr/bin/env bash
# ompscale runs exactly its plan whatever the environment: a run with
# Google Benchmark's BENCHMARK_* variables and OpenMP's OMP_* variables set
# times the same configurations, the same number of times, as a run without
# them, exits 0, and writes nowhere but its run directory.
# Usage: environment.sh OMPSCALE
set -u
. "$(dirname "$0")/../tools/csv.sh"
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
args=(run --quick --kernels midpoint,counter_atomic,copy --threads 1,2 --repetitions 3
      --budget none --precision none --seed 5)

"$bin" "${args[@]}" --out "$tmp/clean" 2>/dev/null || { echo "FAIL: clean run"; exit 1; }
env BENCHMARK_FILTER=nothing-matches BENCHMARK_OUT="$tmp/stray.json" \
    BENCHMARK_OUT_FORMAT=csv BENCHMARK_FORMAT=csv BENCHMARK_REPETITIONS=7 \
    BENCHMARK_MIN_TIME=5 BENCHMARK_ENABLE_RANDOM_INTERLEAVING=true \
    BENCHMARK_REPORT_AGGREGATES_ONLY=true BENCHMARK_LIST_TESTS=true \
    BENCHMARK_PERF_COUNTERS=CYCLES BENCHMARK_MIN_WARMUP_TIME=3 \
    OMP_NUM_THREADS=7 OMP_SCHEDULE=guided,3 OMP_DYNAMIC=true OMP_WAIT_POLICY=passive \
    OMP_PROC_BIND=close OMP_MAX_ACTIVE_LEVELS=1 \
    timeout 120 "$bin" "${args[@]}" --out "$tmp/dirty" 2>"$tmp/dirty.err"
rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: exit $rc with the variables set: $(tail -2 "$tmp/dirty.err")"; fail=1; }
[ -e "$tmp/stray.json" ] && { echo "FAIL: BENCHMARK_OUT opened a file"; fail=1; }
counts() { csv_rows '{ print key() }' "$1/runs.csv" | sort | uniq -c; }
[ "$(counts "$tmp/clean")" = "$(counts "$tmp/dirty")" ] \
    || { echo "FAIL: other configurations or repetitions with the variables set:"; \
         diff <(counts "$tmp/clean") <(counts "$tmp/dirty"); fail=1; }
# Every row verified, so each ran with the team and schedule it names.
csv_rows 'v("verified") != 1 { bad = 1 } END { exit bad }' "$tmp/dirty/runs.csv" \
    || { echo "FAIL: rows that did not verify with the variables set"; fail=1; }
# Google Benchmark's JSON holds one entry per repetition, as without them.
n_clean=$(grep -c '"run_type": "iteration"' "$tmp/clean/gbench.json")
n_dirty=$(grep -c '"run_type": "iteration"' "$tmp/dirty/gbench.json")
[ "$n_clean" -eq "$n_dirty" ] && [ "$n_clean" -gt 0 ] \
    || { echo "FAIL: gbench.json entries $n_dirty, want $n_clean"; fail=1; }
# Binding is verified: where the runtime honours OMP_PROC_BIND and
# OMP_PLACES every row verifies; a binding value the runtime ignores fails
# verification (exit 1) naming the binding, instead of passing silently.
small=(run --quick --kernels copy,counter_atomic --threads 1,2 --repetitions 3 --budget none
       --precision none --seed 5)
for bind in close spread "spread,close" master true; do
    OMP_PROC_BIND=$bind OMP_PLACES=cores "$bin" "${small[@]}" --out "$tmp/bind" 2>"$tmp/bind.err" \
        || { echo "FAIL: OMP_PROC_BIND=$bind: $(tail -1 "$tmp/bind.err")"; fail=1; }
done
OMP_PROC_BIND=sideways "$bin" "${small[@]}" --out "$tmp/badbind" 2>"$tmp/badbind.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "binding: OMP_PROC_BIND holds a value the runtime ignores" "$tmp/badbind.err" \
    || { echo "FAIL: OMP_PROC_BIND=sideways: exit $rc: $(grep binding "$tmp/badbind.err" | head -1)"; fail=1; }
[ "$fail" -eq 0 ] && echo "environment: pass"
exit "$fail"
