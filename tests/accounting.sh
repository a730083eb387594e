#!/usr/bin/env bash
# Where a sweep's time went: machine.json's run records the timed seconds
# and each untimed step, and they agree with Google Benchmark's own account
# (iterations x real time over gbench.json and the children's JSON); the
# steps and the rest add up to the sweep's wall time; the final line says
# what share was timed; the calibration and the estimate of the minimum,
# beside the time the minimum took, are recorded.  Both in this process and
# in child processes (one per wait policy), at sizes that fit any machine.
# Usage: accounting.sh OMPSCALE SOURCE_DIR
set -u
bin=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# json KEY FILE: the number after the first "KEY": in FILE.
json() { sed -n "s/.*\"$1\": *\\([-0-9.e+]*\\).*/\\1/p" "$2" | head -n 1; }

check() { # NAME ARGS...
    local name=$1 dir=$tmp/$1
    shift
    "$bin" run "$@" --out "$dir" 2>"$tmp/$name.err"
    local rc=$?
    [ "$rc" -eq 0 ] || { bad "$name: exit $rc: $(cat "$tmp/$name.err")"; return; }
    local m=$dir/machine.json timed gb seconds
    timed=$(json timed_s "$m")
    seconds=$(json seconds_this_process "$m")
    gb=$(find "$dir" -name '*.json' ! -name machine.json -exec awk -f "$src/tools/gbench-timed.awk" {} +)
    awk -v a="$timed" -v b="$gb" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= 0.01 * b + 0.001) }' \
        && pass=$((pass + 1)) || bad "$name: run.timed_s $timed, Google Benchmark timed $gb"
    local sum
    sum=$(tr -d '\n ' <"$m" | sed -n 's/.*"time":{\([^}]*\)}.*/\1/p' | tr ',' '\n' \
        | sed 's/.*://' | awk '{ s += $1 } END { print s }')
    awk -v a="$sum" -v b="$seconds" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= 0.001 * b + 0.001) }' \
        && pass=$((pass + 1)) || bad "$name: run.time adds up to $sum, the sweep took $seconds"
    for key in setup_s poison_s prepare_s verify_s warmup_s search_s children_s probes_s rest_s \
        estimate_minimum_s timed_share; do
        # The rest may be a hair below zero: clocks read around nested steps.
        grep -q "\"$key\": -\?[0-9]" "$m" || { bad "$name: machine.json lacks run's $key"; return; }
    done
    grep -q '"minimum_s": [0-9]' "$m" && pass=$((pass + 1)) || bad "$name: minimum_s not recorded"
    tr -d '\n ' <"$m" | grep -q '"calibration":{"measured":true' && pass=$((pass + 1)) \
        || bad "$name: no measured calibration"
    grep -q '"mode": "' "$m" && pass=$((pass + 1)) || bad "$name: THP mode not recorded"
    tail -n 1 "$tmp/$name.err" | grep -Eq "; [0-9]+% of the time timed$" && pass=$((pass + 1)) \
        || bad "$name: final line: $(tail -n 1 "$tmp/$name.err")"
}

# --precision none ends each sweep once every configuration has its minimum.
check here --kernels copy,cube_map,shared_array,midpoint --size copy=262144 \
    --size cube_map=262144 --size shared_array=262144 --threads 1,2 --repetitions 3 \
    --min-time 0.01 --precision none --budget 60s
check children --kernels copy,overhead_barrier --size copy=262144 --threads 1,2 \
    --wait-policy active,passive --repetitions 3 --min-time 0.01 --precision none --budget 60s
grep -q '"children_s": 0\.0*[1-9]' "$tmp/children/machine.json" \
    && pass=$((pass + 1)) || bad "children: starting the children not counted"

# A precision the budget cannot reach: the run says what it reached and
# about how many rounds the precision asked would take, and records both.
check precise --kernels copy,midpoint --size copy=262144 --threads 1,2 --min-time 0.01 \
    --precision 0.01 --budget 4s
grep -Eq "^ompscale: precision: of the [0-9]+ configurations with an interval, the median's is \+-[0-9.]+% after [0-9]+ rounds; \+-0.01% would take about [0-9]+ rounds of each" \
    "$tmp/precise.err" && grep -q '"rounds_for_precision": [0-9]' "$tmp/precise/machine.json" \
    && grep -q '"median_width": [0-9]' "$tmp/precise/machine.json" \
    && grep -q '"median_repetitions": [0-9]' "$tmp/precise/machine.json" \
    && pass=$((pass + 1)) || bad "precise: what the budget bought not said: $(grep precision "$tmp/precise.err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
