#!/usr/bin/env bash
# Fits scaling models to RUN_DIR's files and draws the pictures there.
# Usage: plots/plot.sh [--fit-only] [RUN_DIR]   (default results/latest)
# `ompscale fit` reads summary.csv, runs.csv and machine.json (by column name
# and with a JSON parser) and writes RUN_DIR/fit.csv: Amdahl's law and the
# USL by weighted least squares, with 95% intervals from a bootstrap over
# rounds; and RUN_DIR/pictures.csv, the catalogue of every picture (per
# kernel and per family, the latency map, environments and sweeps) with
# its data in a scratch directory.  gnuplot then draws the catalogue
# (draw.sh), after removing an earlier plot's pictures, and `ompscale page`
# writes index.html from it.  Prints one line
# per fit or skipped fit.  Exit 0 (a skipped fit is not an error), 2 when the
# files are missing or malformed, or ompscale or gnuplot is absent; a failed
# run leaves no fit.csv behind.  --fit-only writes fit.csv and draws nothing.
# OMPSCALE names the binary (default build/ompscale beside this folder).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
draw=1
if [ "${1:-}" = --fit-only ]; then
    draw=0
    shift
fi
dir=${1:-results/latest}
ompscale=${OMPSCALE:-$here/../build/ompscale}

die() { echo "plots: $*" >&2; exit 2; }
rm -f "$dir/fit.csv"
[ -r "$dir/summary.csv" ] || die "$dir/summary.csv: no such file (run 'ompscale run' first)"
[ -x "$ompscale" ] || die "$ompscale not built (make build, or set OMPSCALE)"
[ "$draw" -eq 0 ] || command -v gnuplot >/dev/null 2>&1 || die "gnuplot not found (install gnuplot-nox)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$ompscale" fit "$dir" --data "$work" || exit 2
[ "$draw" -eq 1 ] || exit 0
. "$here/../tools/csv.sh"
. "$here/draw.sh"
drawn=0
remove_old_pictures "$dir"
draw_all "$work" "$dir" || drawn=$?
# The page comes last and names any picture that failed to draw.
"$ompscale" page "$dir" || exit 2
echo "plots: open $dir/index.html"
exit "$drawn"
