#!/usr/bin/env bash
# Fits scaling models to RUN_DIR's files and draws the pictures there.
# Usage: plots/plot.sh [--fit-only] [RUN_DIR]   (default results/latest)
# `ompscale fit` reads summary.csv, runs.csv and machine.json (by column name
# and with a JSON parser) and writes RUN_DIR/fit.csv: Amdahl's law and the
# USL by weighted least squares, with 95% intervals from a bootstrap over
# rounds; and RUN_DIR/pictures.csv, the catalogue of every picture (per
# kernel and per family, the latency map, environments and sweeps) with
# its data in a scratch directory.  gnuplot then draws the catalogue
# (draw.sh) into a staging folder inside RUN_DIR; each picture is checked
# (a whole PNG, a whole SVG) before it replaces the old one, `ompscale page`
# writes index.html once they are in place, and only once it is written are
# an earlier plot's pictures that this one lacks removed (a page that could
# not be written keeps the old one and the pictures it links): a full disk
# or a signal never leaves a cut picture under its final name, nor a page
# that links a missing one.  Prints one line per fit or skipped fit.  Exit 0 (a skipped
# fit is not an error), 1 when a picture could not be drawn (the page names
# it), 2 when the files are missing or malformed, or ompscale or gnuplot is
# absent, 130 on SIGINT or SIGTERM (within about 0.1 s; nothing of this
# plot is left, the old pictures and page stay).  A failed fit leaves no
# fit.csv behind.  --fit-only writes fit.csv and draws nothing.
# OMPSCALE names the binary (default build/ompscale beside this folder, or
# the installed bin/ompscale when this is PREFIX/share/ompscale/plots).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
draw=1
if [ "${1:-}" = --fit-only ]; then
    draw=0
    shift
fi
dir=${1:-results/latest}
# The binary: OMPSCALE, else the build beside this folder (a source tree),
# else the installed one (PREFIX/share/ompscale/plots is this folder), else
# the one on PATH.
ompscale=${OMPSCALE:-$here/../build/ompscale}
[ -n "${OMPSCALE:-}" ] || [ -x "$ompscale" ] || ompscale=$here/../../../bin/ompscale
[ -n "${OMPSCALE:-}" ] || [ -x "$ompscale" ] || ompscale=$(command -v ompscale || echo ompscale)

die() { echo "plots: $*" >&2; exit 2; }
[ -r "$dir/summary.csv" ] || die "$dir/summary.csv: no such file (run 'ompscale run' first)"
[ -x "$ompscale" ] || die "$ompscale not built (make build, or set OMPSCALE)"
[ "$draw" -eq 0 ] || command -v gnuplot >/dev/null 2>&1 || die "gnuplot not found (install gnuplot-nox)"
dir=$(cd "$dir" && pwd)

. "$here/signals.sh"
work=$(mktemp -d)
stage=$dir/.plot-stage-$$
on_exit() { rm -rf "$work" "$stage"; }
trap on_exit EXIT
trap on_signal INT TERM

if ! run_child "$ompscale" fit "$dir" --data "$work"; then
    rm -f "$dir/fit.csv"
    exit 2
fi
[ "$draw" -eq 1 ] || exit 0
. "$here/../tools/csv.sh"
. "$here/draw.sh"
remove_dead_stages "$dir"
mkdir "$stage"
drawn=0
draw_all "$work" "$dir" "$stage" || drawn=$?
# The pictures replace the old ones, then the page, as one step that a
# signal waits for: the page never links a picture that is not there.
commit_begin
install_pictures "$dir" "$stage"
page_ok=1
"$ompscale" page "$dir" || page_ok=0
finish_pictures "$dir" "$stage" "$page_ok"
commit_end
page_rc=$((page_ok == 1 ? 0 : 2))
[ "$page_rc" -eq 0 ] || exit 2
echo "plots: open $dir/index.html"
exit "$drawn"
