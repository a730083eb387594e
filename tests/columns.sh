#!/usr/bin/env bash
# The columns docs/reference.md lists ("The columns, exactly") are the
# headers a real run writes: runs.csv, visits.csv and summary.csv from a tiny sweep,
# fit.csv and pictures.csv from its fit, compare.csv from comparing it with a second run,
# changes.csv from a history of it, fleet.csv from a fleet of it and a second
# run, the --dry-run plan, and machine.json's top-level keys.
#
# Usage: columns.sh OMPSCALE SOURCE_DIR
set -u
bin=${1:?usage: columns.sh OMPSCALE SOURCE_DIR}
src=${2:?usage: columns.sh OMPSCALE SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# documented NAME: the header docs/reference.md gives for NAME.
documented() {
    awk -v name="$1:" '/^## The columns, exactly/ { on = 1; next }
                       on && /^## / { exit }
                       on && $1 == name { print $2; exit }' "$src/docs/reference.md"
}

# expect NAME HEADER
expect() {
    local want
    want=$(documented "$1")
    if [ -z "$want" ]; then
        echo "FAIL: docs/reference.md lists no columns for $1"
        fail=$((fail + 1))
    elif [ "$want" != "$2" ]; then
        echo "FAIL: $1: the docs say"
        echo "  $want"
        echo "  the code writes"
        echo "  $2"
        fail=$((fail + 1))
    else
        echo "ok: $1"
    fi
}

args=(run --quick --kernels copy,midpoint --threads 1,2 --schedules static --repetitions 1 --seed 1)
"$bin" "${args[@]}" --out "$tmp/run" 2>"$tmp/err" || { echo "FAIL: the sweep: $(tail -2 "$tmp/err")"; exit 1; }
# compare and fleet refuse one run twice: a second run of the same plan.
"$bin" "${args[@]}" --out "$tmp/run2" 2>"$tmp/err" || { echo "FAIL: the sweep: $(tail -2 "$tmp/err")"; exit 1; }
mkdir -p "$tmp/work"
"$bin" fit "$tmp/run" --seed 1 --data "$tmp/work" 2>/dev/null || echo "note: the fit said more than nothing"
"$bin" compare "$tmp/run" "$tmp/run2" --report "$tmp/cmp" >/dev/null 2>&1
"$bin" history add "$tmp/run" --db "$tmp/h.sqlite" >/dev/null 2>&1
"$bin" history check --db "$tmp/h.sqlite" --report "$tmp/hist" >/dev/null 2>&1
"$bin" fleet "$tmp/run" "$tmp/run2" --report "$tmp/fleet" >/dev/null 2>&1
expect runs.csv "$(head -n 1 "$tmp/run/runs.csv")"
expect summary.csv "$(head -n 1 "$tmp/run/summary.csv")"
expect fit.csv "$(head -n 1 "$tmp/run/fit.csv" 2>/dev/null)"
expect advice.csv "$(head -n 1 "$tmp/run/advice.csv" 2>/dev/null)"
expect visits.csv "$(head -n 1 "$tmp/run/visits.csv" 2>/dev/null)"
expect headline.csv "$(head -n 1 "$tmp/run/headline.csv" 2>/dev/null)"
expect pictures.csv "$(head -n 1 "$tmp/run/pictures.csv" 2>/dev/null)"
expect compare.csv "$(head -n 1 "$tmp/cmp/compare.csv" 2>/dev/null)"
expect fleet.csv "$(head -n 1 "$tmp/fleet/fleet.csv" 2>/dev/null)"
expect changes.csv "$(head -n 1 "$tmp/hist/changes.csv" 2>/dev/null)"
expect --dry-run "$("$bin" "${args[@]}" --dry-run 2>/dev/null | head -n 1)"
# machine.json: every top-level key the run wrote is on the documented line.
keys=$(documented machine.json)
written=$(sed -n 's/^  "\([a-z_0-9]*\)":.*/\1/p' "$tmp/run/machine.json")
for key in $written; do
    case ",$keys," in
        *",$key,"*) ;;
        *) echo "FAIL: machine.json writes '$key', which docs/reference.md does not list"; fail=$((fail + 1)) ;;
    esac
done
[ -n "$written" ] && [ -n "$keys" ] && echo "ok: machine.json" || { echo "FAIL: machine.json's keys"; fail=$((fail + 1)); }
[ "$fail" -eq 0 ]
