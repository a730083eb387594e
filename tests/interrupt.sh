#!/usr/bin/env bash
# Ctrl-C mid-sweep: exit 130, runs.csv holds every completed configuration
# whole (a multiple of the repetitions, no partial line), no temporary files
# are left, and the directory still passes the format checks.
set -u
bin=$1 rundir_check=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
reps=12
"$bin" run --kernels midpoint --size 262144 --threads 1 \
    --schedules static,dynamic:1,dynamic:2,dynamic:3,dynamic:4,dynamic:5,dynamic:6,dynamic:7 \
    --repetitions $reps --min-time 0.05 --out "$tmp/out" 2>"$tmp/stderr" &
pid=$!
# Wait until at least one configuration is on disk, then interrupt.
for _ in $(seq 1 200); do
    rows=$(cat "$tmp"/out/.runs.csv.tmp-* 2>/dev/null | wc -l)
    [ "$rows" -gt $reps ] && break
    sleep 0.05
done
kill -INT $pid
wait $pid
rc=$?
fail=0
[ "$rc" -eq 130 ] || { echo "FAIL: exit $rc, want 130"; fail=1; }
data=$(($(wc -l <"$tmp/out/runs.csv") - 1))
[ "$data" -gt 0 ] && [ $((data % reps)) -eq 0 ] && [ "$data" -lt $((8 * reps)) ] \
    || { echo "FAIL: $data rows kept, want a positive multiple of $reps below $((8 * reps))"; fail=1; }
[ -z "$(ls -A "$tmp/out" | grep tmp)" ] || { echo "FAIL: temporary files left"; fail=1; }
grep -q interrupted "$tmp/stderr" || { echo "FAIL: no message on stderr"; fail=1; }
"$rundir_check" "$tmp/out" $reps || fail=1
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
