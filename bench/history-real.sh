#!/usr/bin/env bash
# The history on real runs here (a benchmark, not a test; docs/history.md):
# RUNS `ompscale run --quick` runs of this commit's build into one history,
# which should show no change for the worse; then a second history whose
# first SLOW_FROM-1 runs are this build and the rest a build, committed on
# top, whose midpoint does 10% more work, which should show the change at
# run SLOW_FROM.  Prints both checks' verdicts and change points.
#
# Usage: bench/history-real.sh [WORK]   (RUNS=10 SLOW_FROM=6 EXTRA=10)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tools/csv.sh"
work=${1:-/tmp/history-real}
runs=${RUNS:-10}
slow_from=${SLOW_FROM:-6}
extra=${EXTRA:-10}
rm -rf "$work"
mkdir -p "$work"

# build NAME: a clean clone of HEAD built in WORK/NAME.
build() {
    git clone -q "$src" "$work/$1"
    cmake -S "$work/$1" -B "$work/$1/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
        >/dev/null
    cmake --build "$work/$1/build" -j "$(nproc)" --target ompscale >/dev/null
}
build same
git clone -q "$src" "$work/slow"
# The slower midpoint: EXTRA% more terms summed into a sink the result
# never sees, so it still verifies.
python3 - "$work/slow/kernels/midpoint.c" "$extra" <<'EOF'
import sys
path, extra = sys.argv[1], int(sys.argv[2])
s = open(path).read()
s = s.replace('static void midpoint_run(', 'static volatile double midpoint_sink;\n\nstatic void midpoint_run(', 1)
s = s.replace('#pragma omp parallel\n', '    double extra = 0.0;\n#pragma omp parallel\n', 1)
loop = '#pragma omp for simd schedule(runtime) reduction(+ : sum, terms)'
more = ('#pragma omp for simd schedule(runtime) reduction(+ : extra)\n'
        '        for (int64_t i = 0; i < n / 100 * %d; i++)\n'
        '            extra += omps_pi_term(i, h);\n' % extra)
s = s.replace(loop, more + loop, 1)
s = s.replace('    m->terms = terms;\n', '    m->terms = terms;\n    midpoint_sink = extra;\n', 1)
open(path, 'w').write(s)
EOF
git -C "$work/slow" -c user.name=bench -c user.email=bench@localhost commit -qam \
    "midpoint does ${extra}% more work (bench/history-real.sh)"
cmake -S "$work/slow" -B "$work/slow/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    >/dev/null
cmake --build "$work/slow/build" -j "$(nproc)" --target ompscale >/dev/null

# one BUILD N: run N of BUILD, fitted.
one() {
    local dir=$work/runs/$1-$2
    "$work/$1/build/ompscale" run --quick --out "$dir" >/dev/null 2>&1
    "$work/$1/build/ompscale" fit "$dir" >/dev/null 2>&1
    echo "$dir"
}
bin=$work/same/build/ompscale
for n in $(seq 1 "$runs"); do
    "$bin" history add "$(one same "$n")" --db "$work/same.sqlite" >/dev/null
done
for n in $(seq 1 "$runs"); do
    b=same
    [ "$n" -ge "$slow_from" ] && b=slow
    "$bin" history add "$(one "$b" "s$n")" --db "$work/slow.sqlite" >/dev/null
done
for h in same slow; do
    echo "== $h: history check --last $runs"
    rc=0
    "$bin" history check --db "$work/$h.sqlite" --last "$runs" --report "$work/$h" || rc=$?
    echo "exit $rc"
    echo "change points (measure, series, run, step, p, direction):"
    csv_rows '{ printf "  %s %s run %s step %+.3f p %.2g %s\n", v("measure"), v("series"), v("run"), v("step"), v("p_value"), v("direction") }' \
        "$work/$h/changes.csv"
done
