#!/usr/bin/env bash
# Fits scaling models to RUN_DIR/summary.csv and draws the pictures there.
# Usage: plots/plot.sh [--fit-only] [RUN_DIR]   (default results/latest)
# Writes RUN_DIR/fit.csv and, per kernel, speedup-, efficiency- and
# karp-flatt-<kernel>.png/.svg, plus overview.png/.svg.  Prints one line per
# fit or skipped fit.  Exit 0 (a skipped fit is not an error), 2 when the
# summary is missing or malformed or gnuplot is absent.  --fit-only writes
# fit.csv and draws nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
draw=1
if [ "${1:-}" = --fit-only ]; then
    draw=0
    shift
fi
dir=${1:-results/latest}
summary=$dir/summary.csv

die() { echo "plots: $*" >&2; exit 2; }
[ -r "$summary" ] || die "$summary: no such file (run 'ompscale run' first)"
command -v gnuplot >/dev/null 2>&1 || die "gnuplot not found (install gnuplot-nox)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Top-level keys of machine.json, which ompscale writes one per line.
json_string() {
    [ -r "$dir/machine.json" ] || return 0
    sed -n "s/^  \"$1\": \"\(.*\)\",\{0,1\}$/\1/p" "$dir/machine.json" | head -n 1
}
json_integer() {
    [ -r "$dir/machine.json" ] || return 0
    sed -n "s/^  \"$1\": \([0-9][0-9]*\),\{0,1\}$/\1/p" "$dir/machine.json" | head -n 1
}
nphys=$(json_integer physical_cores)
case $nphys in '' | *[!0-9]*) nphys=0 ;; esac
cpu=$(json_string cpu_model)
date=$(json_string date)
machine="${cpu:-unknown machine}${date:+, ${date%%T*}}"

awk -v WORK="$work" -v NPHYS="$nphys" -f "$here/series.awk" "$summary" || exit 2

. "$here/fit.sh"
. "$here/draw.sh"

fit_all "$work" >"$work/fit-rows.csv"
{
    echo "kernel,params,n,schedule,chunk,model,parameter,value,stderr,points,note"
    cat "$work/fit-rows.csv"
} >"$dir/.fit.csv.tmp.$$"
mv "$dir/.fit.csv.tmp.$$" "$dir/fit.csv"
[ "$draw" -eq 0 ] || draw_all "$work" "$dir" "$nphys" "$machine"
