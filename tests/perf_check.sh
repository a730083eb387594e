#!/usr/bin/env bash
# The stored-baseline workflow end to end, small: record two rounds, check
# against them, and expect the merged round column, the reports, exit 3 (two
# rounds a side can never decide anything) and --inconclusive mapping it.
set -u
. "$(dirname "$0")/../tools/csv.sh"
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
args=(--quick --kernels copy --threads 1 --schedules static --repetitions 1)
export ROUNDS=2 OUT=$tmp/perf BUILD=${2:-build}
cd "$root" || exit 1
tools/perf-check.sh --record "$tmp/baseline" "${args[@]}" >/dev/null || { echo "FAIL: record"; fail=1; }
head -n 1 "$tmp/baseline/runs.csv" | grep -q ',round\(,\|$\)' || { echo "FAIL: no round column"; fail=1; }
[ "$(csv_rows '{ print v("round") }' "$tmp/baseline/runs.csv" | sort -u | tr '\n' ' ')" = "1 2 " ] \
    || { echo "FAIL: want rounds 1 and 2"; fail=1; }
tools/perf-check.sh --baseline "$tmp/baseline" "${args[@]}" >"$tmp/out.txt" 2>"$tmp/err.txt"
rc=$?
[ "$rc" -eq 3 ] || { echo "FAIL: exit $rc, want 3"; cat "$tmp/out.txt" "$tmp/err.txt"; fail=1; }
grep -q "more rounds needed" "$tmp/out.txt" || { echo "FAIL: reason missing"; fail=1; }
grep -q "look 1 after 2 A/B rounds" "$tmp/err.txt" || { echo "FAIL: no progress line"; cat "$tmp/err.txt"; fail=1; }
[ -s "$tmp/perf/compare.csv" ] && [ -s "$tmp/perf/compare.md" ] || { echo "FAIL: no reports"; fail=1; }
tools/perf-check.sh --inconclusive pass --baseline "$tmp/baseline" "${args[@]}" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: --inconclusive pass gave exit $rc"; fail=1; }
tools/perf-check.sh --inconclusive fail --baseline "$tmp/baseline" "${args[@]}" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: --inconclusive fail gave exit $rc"; fail=1; }
tools/perf-check.sh --budget soon --baseline "$tmp/baseline" "${args[@]}" >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: a bad --budget did not exit 2"; fail=1; }
tools/perf-check.sh --baseline "$tmp/nothing" "${args[@]}" >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: missing baseline did not exit 2"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
