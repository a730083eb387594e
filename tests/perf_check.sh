#!/usr/bin/env bash
# The stored-baseline workflow end to end, small: record two rounds, check
# against them, and expect the merged round column, the reports, and exit 3
# (two rounds a side can never reach significance).
set -u
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
args=(--quick --kernels copy --threads 1 --schedules static --repetitions 1)
export ROUNDS=2 OUT=$tmp/perf BUILD=${2:-build}
cd "$root" || exit 1
tools/perf-check.sh --record "$tmp/baseline" "${args[@]}" >/dev/null || { echo "FAIL: record"; fail=1; }
head -n 1 "$tmp/baseline/runs.csv" | grep -q ',round$' || { echo "FAIL: no round column"; fail=1; }
[ "$(awk -F, 'NR > 1 { print $NF }' "$tmp/baseline/runs.csv" | sort -u | wc -l)" -eq 2 ] \
    || { echo "FAIL: want 2 rounds"; fail=1; }
tools/perf-check.sh --baseline "$tmp/baseline" "${args[@]}" >"$tmp/out.txt"
rc=$?
[ "$rc" -eq 3 ] || { echo "FAIL: exit $rc, want 3"; cat "$tmp/out.txt"; fail=1; }
grep -q "too few samples (2 vs 2)" "$tmp/out.txt" || { echo "FAIL: reason missing"; fail=1; }
[ -s "$tmp/perf/compare.csv" ] && [ -s "$tmp/perf/compare.md" ] || { echo "FAIL: no reports"; fail=1; }
tools/perf-check.sh --baseline "$tmp/nothing" "${args[@]}" >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: missing baseline did not exit 2"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
