#!/usr/bin/env bash
# The time budget: a sweep asked for a precision it cannot reach here ends
# within --budget 20s plus a slack of 3 s (start-up, the visit under way when
# the budget runs out, writing the summary), exits 0, records that the
# budget was spent, and keeps every configuration.  copy is sized here, not
# by the cache, so that the plan fits on any machine.
# Usage: budget.sh OMPSCALE TEST_RUNDIR
set -u
. "$(dirname "$0")/../tools/csv.sh"
bin=$1 rundir_check=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
args=(--kernels copy,counter_atomic,serial_fraction --size copy=1048576 --threads 1,2 --min-time 0.02
      --precision 0.01 --budget 20s --seed 3)
planned=$("$bin" run "${args[@]}" --dry-run 2>/dev/null | tail -n +2 | wc -l)
start=$(date +%s%N)
"$bin" run "${args[@]}" --out "$tmp/b" 2>"$tmp/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "budget 20 s: the command took $ms ms"
[ "$rc" -eq 0 ] || { echo "FAIL: exit $rc: $(cat "$tmp/err")"; fail=1; }
[ "$ms" -le 23000 ] || { echo "FAIL: $ms ms is past the budget and its slack"; fail=1; }
[ "$ms" -ge 15000 ] || { echo "FAIL: $ms ms: the budget was not spent on precision"; fail=1; }
grep -q '"budget_spent": true' "$tmp/b/machine.json" || { echo "FAIL: budget_spent not recorded"; fail=1; }
grep -q "budget spent" "$tmp/err" || { echo "FAIL: stderr does not say the budget was spent"; fail=1; }
[ "$(tail -n +2 "$tmp/b/summary.csv" | wc -l)" -eq "$planned" ] \
    || { echo "FAIL: $(tail -n +2 "$tmp/b/summary.csv" | wc -l) of $planned configurations"; fail=1; }
csv_rows 'v("repetitions") < 5 { exit 1 }' "$tmp/b/summary.csv" || { echo "FAIL: below 5 repetitions"; fail=1; }
"$rundir_check" "$tmp/b" >/dev/null || { echo "FAIL: format"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
