#!/usr/bin/env bash
# SIGTERM (and SIGINT) at seeded random instants of every phase outside
# the sweep (tests/interrupt.sh covers the sweep): planning a large
# synthetic topology, the run's calibration and latency map, fit, the
# plot stage (plots/plot.sh), page, history add, history plot, compare,
# fleet and export.  Each time: exit 130 (or 0 when the command had
# finished), within BOUND seconds of the signal; no temporary, staging
# folder, empty file or cut picture left; the page links only pictures
# that are there; the history store still reads; and no process of the
# command left behind.  Prints the slowest exit per phase.
# Usage: signals.sh OMPSCALE PLOT_SH [TRIES] [SEED]   (TRIES per phase,
# default 3; bench/signals.sh runs 20)
set -u
bin=$(realpath "$1")
plot=$(realpath "$2")
tries=${3:-3}
RANDOM=${4:-36}
BOUND_MS=${BOUND_MS:-2000}
tmp=$(mktemp -d)
fail=0 pass=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# whole_picture FILE: the plot stage's own check (plots/draw.sh).
. "$(dirname "$plot")/draw.sh"

# intact DIR WHAT: no temporary, stage, empty file or cut picture; the
# page's pictures are there.
intact() {
    local d=$1 what=$2 f
    [ -d "$d" ] || return 0
    ls -A "$d" | grep -q -e '\.tmp-' -e '^\.plot-stage' && bad "$what: left $(ls -A "$d" | grep -e tmp -e stage | head -3)"
    for f in "$d"/*; do
        [ -f "$f" ] || continue
        # SQLite's own rollback journal may be left empty: not a hot journal.
        [ -s "$f" ] || [ "${f%-journal}" != "$f" ] || bad "$what: $(basename "$f") is empty"
        case $f in
            *.png | *.svg) whole_picture "$f" || bad "$what: $(basename "$f") is a cut picture" ;;
        esac
    done
    if [ -f "$d/index.html" ]; then
        for f in $(grep -o 'src="[^"]*\.png"' "$d/index.html" | sed 's/src="//; s/"$//'); do
            [ -f "$d/$f" ] || bad "$what: index.html links $f, which is not there"
        done
    fi
    true
}

declare -A slowest natural span
log=$(mktemp -d)
trap 'rm -rf "$tmp" "$log"' EXIT

# measure PHASE COMMAND...: COMMAND's exit code and time uninterrupted,
# which the trials of PHASE accept and spread their signals over.
measure() {
    local phase=$1 start
    shift
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    natural[$phase]=$?
    span[$phase]=$((($(date +%s%N) - start) / 1000000 + 20))
}

# trial PHASE SIGNAL CHECK COMMAND...: COMMAND in the background, SIGNAL
# at a random instant of its measured span, then CHECK's checks.
trial() {
    local phase=$1 sig=$2 check=$3
    shift 3
    local span=${span[$phase]}
    "$@" >"$log/out" 2>"$log/err" &
    local pid=$! delay=$((RANDOM % span))
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    local sent
    sent=$(date +%s%N)
    kill -"$sig" "$pid" 2>/dev/null
    wait "$pid"
    local rc=$? took=$((($(date +%s%N) - sent) / 1000000))
    local what="$phase (SIG$sig at $delay ms)"
    # A signal that lands before main installed the handler (the first
    # milliseconds, more under the sanitizers) takes the default action,
    # before anything was written.
    local early=143
    [ "$sig" = INT ] && early=130
    [ "$rc" -eq "$early" ] && [ "$delay" -lt 100 ] && rc=130 && took=0
    [ "$rc" -eq 130 ] || [ "$rc" -eq "${natural[$phase]}" ] || bad "$what: exit $rc: $(tail -1 "$log/err")"
    [ "$rc" -eq 130 ] && [ "$took" -gt "${slowest[$phase]:-0}" ] && slowest[$phase]=$took
    [ "$rc" -ne 130 ] || [ "$took" -le "$BOUND_MS" ] || bad "$what: ended $took ms after the signal"
    sleep 0.05
    pgrep -f -- "$tmp/" >/dev/null && { bad "$what: left $(pgrep -af -- "$tmp/" | head -2)"; pkill -9 -f -- "$tmp/"; }
    $check "$what"
    pass=$((pass + 1))
}

# The fixtures: two runs of one plan, plotted, and a history of five runs.
args=(--quick --kernels midpoint,copy,counter_atomic,false_sharing --threads 1,2)
"$bin" run "${args[@]}" --out "$tmp/a" 2>/dev/null && "$bin" run "${args[@]}" --out "$tmp/b" 2>/dev/null ||
    { echo "FAIL: the fixture runs"; exit 1; }
OMPSCALE=$bin bash "$plot" "$tmp/a" >/dev/null 2>&1 || { echo "FAIL: the fixture plot"; exit 1; }
for i in 1 2 3 4 5; do
    cp -r "$tmp/a" "$tmp/h$i"
    sed -i "s/\"date\": \"[^\"]*\"/\"date\": \"2026-01-0${i}T00:00:00Z\"/" "$tmp/h$i/machine.json"
done
"$bin" history add "$tmp"/h? --db "$tmp/h.sqlite" >/dev/null || { echo "FAIL: the fixture history"; exit 1; }
mkdir -p "$tmp/hplot"

check_none() { :; }
check_run() { intact "$tmp/r" "$1"; rm -rf "$tmp/r"; }
check_a() { intact "$tmp/a" "$1"; }
check_store() {
    intact "$tmp" "$1"
    "$bin" history check --db "$tmp/add.sqlite" >/dev/null 2>"$log/check.err"
    [ $? -ne 2 ] || [ ! -e "$tmp/add.sqlite" ] || grep -q "no such history" "$log/check.err" ||
        bad "$1: the store no longer reads: $(cat "$log/check.err")"
    rm -f "$tmp/add.sqlite"*
}
check_hp() { intact "$tmp/hplot" "$1"; ls -A "$tmp/hplot" | grep -q history-plot && bad "$1: its stage is left"; true; }
check_report() { intact "$tmp/rep" "$1"; intact "$tmp/b" "$1"; }

big="pack:16 numa:2 l3:4(size=32MB) core:64 pu:2"
phases=(planning calibration fit plot page history_add history_plot compare fleet export)
declare -A command=(
    [planning]="env HWLOC_SYNTHETIC='$big' '$bin' run --dry-run --out '$tmp/r'"
    [calibration]="'$bin' run ${args[*]} --out '$tmp/r'"
    [fit]="'$bin' fit '$tmp/a'"
    [plot]="env OMPSCALE='$bin' bash '$plot' '$tmp/a'"
    [page]="'$bin' page '$tmp/a'"
    [history_add]="'$bin' history add '$tmp'/h? --db '$tmp/add.sqlite'"
    [history_plot]="'$bin' history plot --db '$tmp/h.sqlite' --out '$tmp/hplot'"
    [compare]="'$bin' compare '$tmp/a' '$tmp/b' --report '$tmp/rep'"
    [fleet]="'$bin' fleet '$tmp/a' '$tmp/b' --report '$tmp/rep'"
    [export]="'$bin' export '$tmp/a' --format bencher --out '$tmp/rep/x.json'")
declare -A checks=([planning]=check_none [calibration]=check_run [fit]=check_a [plot]=check_a
                   [page]=check_a [history_add]=check_store [history_plot]=check_hp
                   [compare]=check_report [fleet]=check_report [export]=check_report)
mkdir -p "$tmp/rep"
for phase in "${phases[@]}"; do
    eval "measure $phase ${command[$phase]}"
    rm -rf "$tmp/r" "$tmp/add.sqlite"
done
for t in $(seq 1 "$tries"); do
    sig=TERM
    [ $((t % 3)) -eq 0 ] && sig=INT
    for phase in "${phases[@]}"; do
        eval "trial $phase $sig ${checks[$phase]} ${command[$phase]}"
    done
done
for phase in planning calibration fit plot page history_add history_plot compare fleet export; do
    printf 'signals: %-13s %5d ms uninterrupted; slowest exit %s ms after the signal\n' "$phase" \
        "${span[$phase]}" "${slowest[$phase]:-(none interrupted)}"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
