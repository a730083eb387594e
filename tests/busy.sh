#!/usr/bin/env bash
# runs.csv's others_busy: the share of the CPUs other work took during each
# batch.  A 2-thread sweep with a busy loop pinned to one CPU must read
# clearly busier than the same sweep idle; summary.csv carries each
# configuration's median, the page names the busy rounds, and compare says
# which side ran busier.
#
# Usage: busy.sh OMPSCALE
set -u
bin=${1:?usage: busy.sh OMPSCALE}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tools/csv.sh"
tmp=$(mktemp -d)
loop=
trap '[ -z "$loop" ] || kill "$loop" 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
command -v taskset >/dev/null || { echo "SKIP: taskset is not installed (util-linux)"; exit 0; }
[ "$(nproc)" -ge 2 ] || { echo "SKIP: one CPU: nothing to pin the load beside"; exit 0; }

sweep() {
    "$bin" run --quick --kernels midpoint --threads 2 --schedules static --min-time 0.05 \
        --repetitions 6 --out "$tmp/$1" >/dev/null 2>&1 || bad "$1: the sweep failed"
}
# median DIR: the median others_busy of DIR's rows.
median() {
    csv_rows '{ if (v("others_busy") != "") print v("others_busy") }' "$tmp/$1/runs.csv" |
        sort -g | awk '{ a[NR] = $1 } END { print NR ? (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2 : -1 }'
}

sweep idle
taskset -c 0 sh -c 'while :; do :; done' &
loop=$!
sweep busy
kill "$loop"
loop=
idle=$(median idle) busy=$(median busy)
echo "others_busy: idle median $idle, with a loop pinned to CPU 0 $busy"
awk -v i="$idle" -v b="$busy" 'BEGIN { exit !(i >= 0 && b >= i + 0.1) }' ||
    bad "the loaded sweep ($busy) does not read clearly busier than the idle one ($idle)"
[ -n "$(csv_rows '{ print v("others_busy") }' "$tmp/busy/summary.csv" | head -n 1)" ] ||
    bad "summary.csv has no others_busy"
"$bin" page "$tmp/busy" 2>/dev/null
grep -q "Rounds in which other work took more than" "$tmp/busy/index.html" ||
    bad "the page names no busy round"
"$bin" compare "$tmp/idle" "$tmp/busy" --report "$tmp/cmp" >/dev/null 2>&1
grep -q "NEW ran busier" "$tmp/cmp/compare.md" || bad "compare.md does not say NEW ran busier"
[ "$fail" -eq 0 ] && echo "ok: others_busy tells a loaded CPU from an idle one"
[ "$fail" -eq 0 ]
