#!/usr/bin/env bash
# Where the rounds past the minimum go (harness/allot.c), over the test
# venue (OMPSCALE_VENUE=imitate), whose non-static schedules take 1 + gap
# times as long as static with log-normal noise of sigma:
# - visits.csv: a configuration that no report line reads gets its minimum
#   and no more; the two a line compares get more; the why columns add up;
# - the sweep looks at every line every round, so it may stop a line only
#   on a strict interval: with no true difference, advice.csv says "use" in
#   at most 8% of 200 seeds (stopping at the first 95% interval that
#   decides says it in about a third of them);
# - with a true 8% difference it says "use static" in at least 38 of 40;
# - the headline's speedup is judged against ideal: below, or ideal;
# - with every line decided, the rounds left go to --precision.
# Usage: allot.sh OMPSCALE
set -u
. "$(dirname "$0")/../tools/csv.sh"
bin=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
export OMPSCALE_VENUE=imitate HWLOC_SYNTHETIC="pack:1 core:16 pu:1"

# sweep DIR GAP SEED THREADS: one kernel, two schedules, a precision every
# configuration meets at its minimum (--precision none would ask for the
# minimum only).
sweep() {
    OMPSCALE_IMITATE="f=0.1,sigma=0.1,gap=$2" "$bin" run --kernels midpoint --threads "$4" \
        --schedules static,dynamic --repetitions 6 --precision 90 --seed "$3" \
        --out "$1" >/dev/null 2>"$1.err" && "$bin" fit "$1" >/dev/null 2>>"$1.err"
}

sweep "$tmp/one" 0 1 1,2,4,8,16 || bad "the sweep: $(tail -1 "$tmp/one.err")"
# What the rounds decided: on stderr before the closing line, and in
# machine.json (one schedule comparison and one headline here).
grep -Eq "^ompscale: decisions: [01] of 1 comparisons say use or the same within 5%, [01] of 1 headline speedups are within \+-10%; [0-2] undecided$" \
    "$tmp/one.err" || bad "no decisions line: $(grep decisions "$tmp/one.err")"
tr -d ' \n' <"$tmp/one/machine.json" | grep -q '"decisions":{"comparisons":1,"comparisons_decided":[01],"headlines":1,"headlines_decided":[01]}' ||
    bad "machine.json's run.decisions"
csv_rows '{ sum = v("for_minimum") + v("for_decision") + v("for_narrowing") + \
                  v("for_precision") + v("resumed")
            if (sum != v("repetitions")) { print "FAIL: why columns add to " sum; bad = 1 }
            if (v("why") == "") { print "FAIL: no why"; bad = 1 }
            inner = v("threads") != 1 && v("threads") != 16
            if (inner && (v("repetitions") != 6 || v("reads") != "")) {
                print "FAIL: " v("threads") " threads, read by no line: " v("repetitions") \
                      " repetitions, read by [" v("reads") "]"; bad = 1 }
            if (!inner && v("reads") != "") read++
            if (v("for_decision") > 0) decided++ }
          END { if (read < 2) { print "FAIL: " read + 0 " configurations read by a line"; bad = 1 }
                if (decided < 2) { print "FAIL: " decided + 0 " given rounds for a decision"; bad = 1 }
                exit bad }' "$tmp/one/visits.csv" || fail=$((fail + 1))

# With every line decided, --precision gets the rounds left: below 6
# repetitions a configuration has no interval, so each gets a sixth.
OMPSCALE_IMITATE="f=0.1,sigma=0.02" "$bin" run --kernels midpoint --threads 1,2,4,8,16 \
    --schedules static --repetitions 5 --precision 90 --seed 1 --out "$tmp/precise" \
    >/dev/null 2>&1 || bad "the sweep for precision"
short=$(csv_rows 'v("repetitions") < 6 || (v("reads") == "" && v("for_precision") < 1) { n++ }
                  END { print n + 0 }' "$tmp/precise/visits.csv")
[ "$short" = 0 ] || bad "--precision: $short configurations without an interval or its round"

# The headline judged against ideal: f = 0.1 at 16 threads is a speedup of
# 6.4, below ideal; f = 0 scales ideally, within 5% of 16.
ideal_of() { csv_rows 'v("kernel") == "midpoint" { print v("versus_ideal") }' "$1/headline.csv"; }
[ "$(ideal_of "$tmp/one")" = below ] || bad "f = 0.1: versus_ideal '$(ideal_of "$tmp/one")'"
OMPSCALE_IMITATE="f=0,sigma=0.02" "$bin" run --kernels midpoint --threads 1,16 \
    --schedules static --repetitions 6 --seed 1 --out "$tmp/ideal" >/dev/null 2>&1 &&
    "$bin" fit "$tmp/ideal" >/dev/null 2>&1
[ "$(ideal_of "$tmp/ideal")" = ideal ] || bad "f = 0: versus_ideal '$(ideal_of "$tmp/ideal")'"

# outcomes GAP SEEDS: the schedule line's outcome and faster setting per seed.
outcomes() {
    for seed in $(seq 1 "$2"); do
        sweep "$tmp/s" "$1" "$seed" 1,16 || bad "seed $seed: $(tail -1 "$tmp/s.err")"
        csv_rows 'v("topic") == "schedule" { print v("outcome"), v("better") }' \
            "$tmp/s/advice.csv"
        rm -rf "$tmp/s"
    done
}

false_use=$(outcomes 0 200 | grep -c '^use ')
[ "$false_use" -le 16 ] || bad "no true difference: 'use' in $false_use of 200 seeds"
found=$(outcomes 0.08 40 | grep -c '^use static$')
[ "$found" -ge 38 ] || bad "a true 8% difference: 'use static' in $found of 40 seeds"
echo "no difference: use in $false_use of 200; 8% difference: found in $found of 40"

[ "$fail" -eq 0 ] && echo "allot: all passed"
exit "$fail"
