#!/usr/bin/env bash
# A configuration that does not run as asked fails verification: with
# OMP_THREAD_LIMIT=1 a 2-thread team gets one thread, so the kernel's team
# check fails; the run exits 1, names the configuration, and writes its rows
# with verified=0 and no summary row.  Oversubscribed counts are marked.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
OMP_THREAD_LIMIT=1 "$bin" run --quick --kernels copy --threads 1,2 --out "$tmp/a" 2>"$tmp/stderr"
rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: exit $rc, want 1"; fail=1; }
grep -q "verification failed: copy/n:[0-9]*/threads:2" "$tmp/stderr" \
    || { echo "FAIL: stderr does not name the configuration: $(cat "$tmp/stderr")"; fail=1; }
grep -q ",2,static,0,[0-9]*,[0-9.e-]*,0," "$tmp/a/runs.csv" \
    || { echo "FAIL: no verified=0 rows"; fail=1; }
grep -q "^copy,,[0-9]*,2," "$tmp/a/summary.csv" && { echo "FAIL: failed rows summarised"; fail=1; }
grep -q "^copy,,[0-9]*,1," "$tmp/a/summary.csv" || { echo "FAIL: good rows missing"; fail=1; }

over=$(( $(nproc) + 1 ))
"$bin" run --quick --kernels copy --threads "$over" --schedules static --out "$tmp/b" 2>/dev/null \
    || { echo "FAIL: oversubscribed run failed"; fail=1; }
grep -q "^copy,,[0-9]*,$over,static,0,0,[0-9.e-]*,1,1,[0-9]*,[0-9.]*,,,,[a-z]*,[a-z.0-9]*,,1$" "$tmp/b/runs.csv" \
    || { echo "FAIL: oversubscribed rows not marked"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
