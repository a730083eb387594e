#!/usr/bin/env bash
# The performance gate's workflows (see docs/gate.md).
#
#   tools/perf-check.sh [GATE_OPTIONS] --base REF [RUN_ARGS...]
#       Same-job A/B, the recommended gate on shared runners: builds git REF
#       in a worktree, then takes interleaved A/B rounds (one sweep of REF's
#       build, one of the current build) until compare decides every
#       configuration or the budget is spent.
#   tools/perf-check.sh [GATE_OPTIONS] --baseline DIR [RUN_ARGS...]
#       Sweeps of the current build against a recorded DIR, round k against
#       the baseline's round k, until decided or DIR's rounds or the budget end.
#   tools/perf-check.sh [GATE_OPTIONS] --base-binary PATH [RUN_ARGS...]
#       The same A/B rounds between two builds already made: PATH against
#       the current build (or --new-binary).
#   tools/perf-check.sh --record DIR [RUN_ARGS...]
#       Records a baseline: ROUNDS sweeps of the current build, merged into DIR.
#
# GATE_OPTIONS: --budget 5m (the A/B rounds' time, after any build; 300,
#               300s, 5m or 1h)
#               --inconclusive pass|fail (what an undecided configuration means)
#               --new-binary PATH (the NEW side's ompscale; default BUILD's)
#               --base-load PLUGIN, --new-load PLUGIN (repeatable): a user's
#               kernels, each side's own build of them (`run --load`), for
#               the gate of a project that depends on ompscale
#               (docs/kernel-api.md); without RUN_ARGS the gate plan is then
#               --quick --schedules static --repetitions 2 over their kernels
#               --base-command 'PROGRAM ARGS', --new-command 'PROGRAM ARGS'
#               (repeatable): a program each side runs (`run --command`),
#               each followed by its own --name, --check, --time-from and
#               --result as on `run`; a program is compared with the one of
#               the same name on the other side (by default its file's
#               name, so ./base/solver meets ./new/solver); the default
#               plan as for --base-load
# RUN_ARGS go to every `ompscale run` (default: the gate plan, --quick
# --schedules static --repetitions 2 over the OpenMP kernels of the scaling
# family but read, update and recursive_sum, 14 configurations; the process kernels, whose every
# group is one more mpirun a round and whose spawn now and then hangs in
# Open MPI, the overhead, contention, false sharing and blocking kernels,
# whose rounds spread too far on a 2-vCPU runner to be decided in 5m, and
# read and update, bandwidth probes beside copy, and recursive_sum, whose
# one-thread rounds spread too far, only when named with --kernels).  BASE sweeps first in odd rounds and NEW in even ones.  A sweep in which a configuration crashed, hung or
# could not start is run once more in a fresh process; if it faults again,
# the round keeps what did run, and the configuration is reported as
# undecided with the reason (faults.tsv, compare.md): it never turns the
# gate into exit 2.  Environment:
# ROUNDS (record, default 20), BUILD (build), OUT (results/perf), THRESHOLD,
# ALPHA.  compare looks after A/B rounds 8, 12, 18, 27, 40 and 60 (spaced
# out to the rounds the budget holds, where it holds more than 60), and once
# more when the budget ends between looks: at most 6 looks, alpha/6 each.
# Exit code: compare's (0 pass, 1 regression, 2 bad input, 3 undecided),
# 3 also when a configuration faulted (unless --inconclusive says), 1 when a
# sweep failed verification.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/perf-lib.sh"
budget=5m
inconclusive=
new_binary=
base_load=()
new_load=()
side=
while [ $# -gt 0 ]; do
    case ${1:-} in
    --budget) budget=${2:-}; shift 2 ;;
    --inconclusive) inconclusive=${2:-}; shift 2 ;;
    --new-binary) new_binary=${2:-}; shift 2 ;;
    --base-load) base_load+=(--load "${2:-}"); shift 2 ;;
    --new-load) new_load+=(--load "${2:-}"); shift 2 ;;
    --base-command) base_load+=(--command "${2:-}"); side=base; shift 2 ;;
    --new-command) new_load+=(--command "${2:-}"); side=new; shift 2 ;;
    --name | --check | --time-from | --result)
        # A program's own options belong to the side's last --*-command.
        case $side in
        base) base_load+=("$1" "${2:-}") ;;
        new) new_load+=("$1" "${2:-}") ;;
        *) echo "perf-check: $1 comes after a --base-command or --new-command" >&2; exit 2 ;;
        esac
        shift 2 ;;
    *) break ;;
    esac
done
mode=${1:-}
target=${2:-}
[ -n "$mode" ] && [ -n "$target" ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 2; }
shift 2
budget_s=$(seconds_of "$budget") || exit 2
case $inconclusive in '' | pass | fail) ;; *) echo "perf-check: --inconclusive: '$inconclusive' is not pass or fail" >&2; exit 2 ;; esac
run_args=("$@")
build=${BUILD:-build}
out=${OUT:-results/perf}
new_bin=${new_binary:-$build/ompscale}
[ -x "$new_bin" ] || { echo "perf-check: $new_bin not built (run make build)" >&2; exit 2; }
# compare itself always comes from this build (or, installed, the NEW side's).
gate_bin=$build/ompscale
[ -x "$gate_bin" ] || gate_bin=$new_bin
if [ ${#run_args[@]} -eq 0 ] && [ ${#new_load[@]} -gt 0 ]; then
    run_args=(--quick --schedules static --repetitions 2)
elif [ ${#run_args[@]} -eq 0 ]; then
    run_args=(--quick --schedules static --repetitions 2 --kernels "$(gate_kernels "$gate_bin")")
fi
schedule=(8 12 18 27 40 60)

# look_schedule MS: the six looks, spaced geometrically from round 8 to as
# many A/B rounds of MS milliseconds as the budget holds (at least 60, so
# a slow runner keeps 8 12 18 27 40 60).  It depends on time alone, never
# on the results, so each look still spends alpha/6.
look_schedule() {
    awk -v ms="$1" -v budget="$budget_s" 'BEGIN {
        last = int(budget * 1000 / (ms > 1 ? ms : 1)); if (last < 60) last = 60
        for (j = 0; j < 6; j++) printf "%d ", int(8 * (last / 8) ^ (j / 5) + 0.5) }'
}

# run_once BINARY DIR SIZE_FLAGS SIDE: one run, its chatter in DIR.log;
# prints nothing, returns its exit code.  The BASE side loads its plugins,
# every other sweep the NEW side's.
run_once() {
    local rc=0 loads=("${new_load[@]}")
    [ "${4:-}" != BASE ] || loads=("${base_load[@]}")
    # shellcheck disable=SC2086
    "$1" run "${loads[@]}" "${run_args[@]}" $3 --out "$2" >"$2.log" 2>&1 || rc=$?
    return "$rc"
}

# sweep BINARY DIR SIZE_FLAGS SIDE ROUND: one run.  A run whose only trouble
# is configurations that could not run (exit 2 from a complete run) is
# taken once more in a fresh process; faults that stay are recorded in
# faults.tsv and the round goes on.  A verification failure ends the gate
# with exit 1, anything else with exit 2.
sweep() {
    local rc=0
    run_once "$1" "$2" "$3" "${4:-}" || rc=$?
    if [ "$rc" -eq 2 ] && faulted "$2"; then
        rm -rf "$2.first" && mv "$2" "$2.first" && mv "$2.log" "$2.first.log"
        echo "perf-check: ${4:-a} sweep${5:+ of round $5} had configurations that could not run; once more in a fresh process" >&2
        rc=0
        run_once "$1" "$2" "$3" "${4:-}" || rc=$?
        if [ "$rc" -eq 2 ] && faulted "$2"; then
            # The sizing sweep's faults show again in the rounds, if they last.
            [ -z "${4:-}" ] || record_faults "$2" "$4" "$5" >>"$out/faults.tsv"
            return 0
        fi
    fi
    [ "$rc" -eq 0 ] && return 0
    tail -n 5 "$2.log" >&2
    if [ "$rc" -eq 1 ]; then
        echo "perf-check: a sweep of $1 failed verification" >&2
        exit 1
    fi
    echo "perf-check: a sweep of $1 exited $rc" >&2
    exit 2
}

# report_faults: every configuration that faulted, by name on stderr and
# round by round in compare.md (compare itself, given faults.tsv, already
# judged them undecided and set the exit code).
report_faults() {
    [ -s "$out/faults.tsv" ] || return 0
    {
        echo
        echo "## Faults, round by round"
        echo
        echo "| configuration | side | round | why |"
        echo "|---|---|---|---|"
        awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $3, $1, $2, $4 }' "$out/faults.tsv"
    } >>"$out/compare.md"
    awk -F'\t' '!seen[$3]++ { printf "perf-check: undecided: %s: %s round %s: %s\n", $3, $1, $2, $4 }' \
        "$out/faults.tsv" >&2
}

# compare_looks LOOKS [EXTRA...]: compare the merged sides as replayed looks.
compare_looks() {
    local looks=$1
    shift
    "$gate_bin" compare "$out/base" "$out/new" ${THRESHOLD:+--threshold "$THRESHOLD"} \
        ${ALPHA:+--alpha "$ALPHA"} --looks "$looks" --report "$out" --faults "$out/faults.tsv" "$@"
}

elapsed() { echo $(($(date +%s) - start)); }

# ab_round BASE_BIN|"" R SIZES: round R's sweeps, BASE first in odd rounds
# and NEW first in even ones.  Whatever the second sweep of a pair gains or
# loses by running second (a neighbour's load that grew, memory the first
# left behind) then falls on each side equally often, instead of always on
# NEW, where it reads as a slowdown of NEW.
ab_round() {
    if [ -z "$1" ]; then
        sweep "$new_bin" "$out/rounds/new-$2" "$3" NEW "$2"
    elif [ $(($2 % 2)) -eq 1 ]; then
        sweep "$1" "$out/rounds/base-$2" "$3" BASE "$2"
        sweep "$new_bin" "$out/rounds/new-$2" "$3" NEW "$2"
    else
        sweep "$new_bin" "$out/rounds/new-$2" "$3" NEW "$2"
        sweep "$1" "$out/rounds/base-$2" "$3" BASE "$2"
    fi
}

# gate BASE_BIN|"" MAX_ROUNDS: the sequential loop; BASE_BIN empty means the
# base rounds already lie in $out/rounds (a recorded baseline).
gate() {
    local base_bin=$1 max_rounds=$2 r=0 next=0 looks="" code=3 t0 took sizes firsts=()
    sizes=$(size_flags "$size_source")
    while [ "$r" -lt "$max_rounds" ]; do
        r=$((r + 1))
        t0=$(date +%s%3N)
        ab_round "$base_bin" "$r" "$sizes"
        took=$(($(date +%s%3N) - t0))
        # The looks are spaced by the median time of the first three rounds
        # (one of them may pay for a cold start or a noisy moment), all
        # before the first look at round 8.
        [ "$r" -gt 3 ] || firsts+=("$took")
        # shellcheck disable=SC2207
        [ "$r" -ne 3 ] || schedule=($(look_schedule "$(printf '%s\n' "${firsts[@]}" | sort -n | sed -n 2p)"))
        took=$(((took + 999) / 1000))
        local out_of_time=$(($(elapsed) + took > budget_s || r == max_rounds))
        [ "$r" -eq "${schedule[$next]:-0}" ] || [ "$out_of_time" -eq 1 ] || continue
        looks=${looks:+$looks,}$r
        next=$((next + 1))
        merge_rounds "$out/base" $(seq -f "$out/rounds/base-%g" 1 "$r")
        merge_rounds "$out/new" $(seq -f "$out/rounds/new-%g" 1 "$r")
        code=0
        compare_looks "$looks" >"$out/look-$next.txt" || code=$?
        echo "perf-check: look $next after $r A/B rounds ($(elapsed)s of ${budget_s}s): $(tail -n 1 "$out/look-$next.txt")" >&2
        [ "$code" -eq 3 ] && [ "$out_of_time" -eq 0 ] && [ "$next" -lt ${#schedule[@]} ] || break
    done
    # The last look again, on stdout, with --inconclusive applied.
    code=0
    compare_looks "$looks" ${inconclusive:+--inconclusive "$inconclusive"} || code=$?
    report_faults
    return "$code"
}

# ab_gate BASE_BIN: sizes calibrated once, by a sweep outside the rounds,
# then the interleaved A/B rounds; exits with compare's code.
ab_gate() {
    sweep "$new_bin" "$out/rounds/calibrate" ""
    size_source=$out/rounds/calibrate/runs.csv
    start=$(date +%s)
    local code=0
    gate "$1" 1000000 || code=$?
    exit "$code"
}

start=$(date +%s)
case $mode in
--record)
    rm -rf "$out" && mkdir -p "$out/rounds" && : >"$out/faults.tsv"
    sweep "$new_bin" "$out/rounds/new-1" ""
    sizes=$(size_flags "$out/rounds/new-1/runs.csv")
    for r in $(seq 2 "${ROUNDS:-20}"); do sweep "$new_bin" "$out/rounds/new-$r" "$sizes"; done
    rm -rf "$target"
    merge_rounds "$target" $(seq -f "$out/rounds/new-%g" 1 "${ROUNDS:-20}")
    echo "perf-check: baseline of ${ROUNDS:-20} rounds recorded in $target"
    ;;
--baseline)
    [ -r "$target/runs.csv" ] || { echo "perf-check: no baseline in $target (make baseline)" >&2; exit 2; }
    rm -rf "$out" && mkdir -p "$out/rounds" && : >"$out/faults.tsv"
    # The recorded rounds become the base side's rounds, one directory each.
    total=$(csv_run 'FNR == 1 { csv_header($0, col); c = csv_need(col, "round"); next }
                     { csv_split($0, f); if (f[c] > m) m = f[c] } END { print m + 0 }' "$target/runs.csv")
    for r in $(seq 1 "$total"); do
        mkdir -p "$out/rounds/base-$r"
        cp "$target/machine.json" "$out/rounds/base-$r/"
        csv_run 'FNR == 1 { csv_header($0, col); c = col["round"]; print; next }
                 { csv_split($0, f); if (f[c] == r) print }' r="$r" "$target/runs.csv" >"$out/rounds/base-$r/runs.csv"
    done
    size_source=$target/runs.csv
    code=0
    gate "" "$total" || code=$?
    exit "$code"
    ;;
--base-binary)
    # Two builds already made (another compiler, other flags): no git.
    [ -x "$target" ] || { echo "perf-check: --base-binary: '$target' is not executable" >&2; exit 2; }
    rm -rf "$out" && mkdir -p "$out/rounds" && : >"$out/faults.tsv"
    ab_gate "$target"
    ;;
--base)
    rm -rf "$out" && mkdir -p "$out/rounds" && : >"$out/faults.tsv"
    src=$root/$build/base-src
    git -C "$root" worktree remove --force "$src" 2>/dev/null || rm -rf "$src"
    git -C "$root" worktree add --detach "$src" "$target" >/dev/null
    trap 'git -C "$root" worktree remove --force "$src" 2>/dev/null || true' EXIT
    cmake -S "$src" -B "$root/$build/base-build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$root/$build/base-build" -j "$(nproc)" --target ompscale >/dev/null
    ab_gate "$root/$build/base-build/ompscale"
    ;;
*)
    echo "perf-check: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
