#!/usr/bin/env bash
# Interrupts at seeded random instants of a multi-kernel, 2-thread sweep:
# 20 with SIGINT, 5 with SIGTERM, 5 with SIGKILL, and one double Ctrl-C.
# Each time: the exit code; runs.csv holds whole rows only (one batch is one
# row) and passes the format checks (after `summarize` where the process
# was killed); machine.json says interrupted or running; and `--resume`
# finishes to exactly the configurations of an uninterrupted run.
# Usage: interrupt.sh OMPSCALE TEST_RUNDIR [SEED]
set -u
. "$(dirname "$0")/../tools/csv.sh"
bin=$1 rundir_check=$2
RANDOM=${3:-2026}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 unstarted_trials=0
args=(--quick --kernels midpoint,copy,counter_atomic,false_sharing --threads 1,2
      --repetitions 3 --seed 11)

bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

keys() { csv_rows '{ print key() }' "$1/summary.csv" | sort; }

state() { sed -n 's/^  "state": "\(.*\)",*$/\1/p' "$1/machine.json"; }

"$bin" run "${args[@]}" --out "$tmp/ref" 2>/dev/null || { echo "FAIL: reference run"; exit 1; }
keys "$tmp/ref" >"$tmp/ref.keys"
start=$(date +%s%N)
"$bin" run "${args[@]}" --out "$tmp/timing" 2>/dev/null
span_ms=$((($(date +%s%N) - start) / 1000000))

# check_journal DIR: whole lines, each with the header's number of fields.
check_journal() {
    local f=$1/runs.csv
    [ -f "$f" ] || return 0
    [ -z "$(tail -c 1 "$f")" ] || { bad "$1: runs.csv ends inside a line"; return; }
    csv_run 'FNR == 1 { n = csv_split($0, f) } csv_split($0, f) != n { exit 1 }' "$f" \
        || bad "$1: a ragged row"
}

# unstarted N DIR MODE: a process killed before it wrote machine.json (the
# sanitizers' start-up widens that window), or interrupted before its
# journal (MODE early), may leave DIR with nothing but the lock and a
# temporary; --resume must say so, and a plain run there must finish.
unstarted() {
    local i=$1 out=$2
    [ "$3" = killed ] || [ "$3" = early ] || { bad "trial $i: no machine.json after an orderly end"; return 1; }
    local left
    left=$( (ls -A "$out" 2>/dev/null || true) | grep -v -e '^\.ompscale\.lock$' -e '^\.machine\.json\.tmp-' )
    [ -z "$left" ] || { bad "trial $i: killed before machine.json, but left $left"; return 1; }
    if [ -d "$out" ]; then
        "$bin" run --resume "$out" 2>"$tmp/u$i.err" && { bad "trial $i: resumed a run that never started"; return 1; }
        # A signal between making the directory and taking its lock leaves
        # it empty, which is all --resume can see.
        grep -q -e "holds no run" -e "it is empty" "$tmp/u$i.err" || { bad "trial $i: $(cat "$tmp/u$i.err")"; return 1; }
    fi
    "$bin" run "${args[@]}" --out "$out" 2>/dev/null || { bad "trial $i: rerun failed"; return 1; }
    unstarted_trials=$((unstarted_trials + 1))
}

# trial N MODE SIGNAL...: one interrupted run, then its resume.  MODE is
# graceful (the run ends itself: exit 130, state interrupted) or killed (it
# dies at once, as a second Ctrl-C makes it: state stays running).
trial() {
    local i=$1 mode=$2
    shift 2
    local out=$tmp/t$i delay_ms=$((50 + RANDOM % (span_ms > 100 ? span_ms : 100)))
    "$bin" run "${args[@]}" --out "$out" 2>"$tmp/t$i.err" &
    local pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    for sig in "$@"; do kill -"$sig" "$pid" 2>/dev/null; done
    wait "$pid"
    local rc=$? want=130
    [ "$1" = KILL ] && want=137
    [ "$rc" -eq 0 ] && mode=finished
    # A signal that lands after the last write (the sanitizers' exit-time
    # checks widen that window) found a finished run: nothing to resume.
    [ "$mode" = killed ] && [ -f "$out/machine.json" ] && [ "$(state "$out")" = complete ] && rc=0 mode=finished
    [ "$rc" -eq "$want" ] || [ "$rc" -eq 0 ] || { bad "trial $i ($*): exit $rc, want $want"; return; }
    # A signal that lands before main installed its handlers takes the
    # default action: the process dies silently, as a SIGKILL would.
    [ ! -f "$out/machine.json" ] && [ ! -s "$tmp/t$i.err" ] && mode=killed
    # A signal before the journal (planning, calibration, the latency map)
    # ends the run at once with exit 130 and writes no machine.json.
    [ ! -f "$out/machine.json" ] && [ "$rc" -eq 130 ] && grep -q "interrupted" "$tmp/t$i.err" &&
        mode=early
    if [ ! -f "$out/machine.json" ]; then
        unstarted "$i" "$out" "$mode" || return
        rc=0 mode=finished
    fi
    check_journal "$out"
    if [ "$mode" = graceful ]; then
        [ "$(state "$out")" = interrupted ] || bad "trial $i: state $(state "$out")"
        grep -q "interrupted" "$tmp/t$i.err" || bad "trial $i: no message on stderr"
        [ -z "$(ls -A "$out" | grep tmp)" ] || bad "trial $i: temporary files left"
    elif [ "$mode" = killed ]; then
        # A second Ctrl-C may land after the first has already ended the run
        # in order (state interrupted); both are correct, "complete" is not.
        local st
        st=$(state "$out")
        [ "$st" = running ] || { [ "$1" = INT ] && [ "$st" = interrupted ]; } \
            || bad "trial $i: state $st after SIG$1 ($*)"
        "$bin" summarize "$out" || bad "trial $i: summarize failed"
    fi
    if [ "$(wc -l <"$out/runs.csv")" -gt 1 ]; then
        "$rundir_check" "$out" >/dev/null 2>"$tmp/check.err" || bad "trial $i: format: $(head -3 "$tmp/check.err")"
    fi
    if [ "$rc" -ne 0 ]; then
        cp "$out/runs.csv" "$tmp/before.csv"
        "$bin" run --resume "$out" 2>"$tmp/r$i.err" || { bad "trial $i: resume: $(tail -1 "$tmp/r$i.err")"; return; }
        # Resuming keeps every journaled row and appends after them.
        head -n "$(wc -l <"$tmp/before.csv")" "$out/runs.csv" | cmp -s - "$tmp/before.csv" \
            || bad "trial $i: resume did not keep the journaled rows"
    fi
    [ "$(state "$out")" = complete ] || bad "trial $i: not complete after resume"
    keys "$out" | cmp -s - "$tmp/ref.keys" || bad "trial $i: resumed configurations differ"
    csv_rows 'v("repetitions") < 3 { exit 1 }' "$out/summary.csv" || bad "trial $i: below 3 repetitions"
    "$rundir_check" "$out" >/dev/null 2>&1 || bad "trial $i: format after resume"
    pass=$((pass + 1))
}

for i in $(seq 1 20); do trial "$i" graceful INT; done
for i in $(seq 21 25); do trial "$i" graceful TERM; done
for i in $(seq 26 30); do trial "$i" killed KILL; done
trial 31 killed INT INT
rm -rf "$tmp"/t*

echo "$pass passed ($unstarted_trials ended before their journal), $fail failed"
[ "$fail" -eq 0 ]
