#!/usr/bin/env bash
# TOOLCHAINS=gcc,clang,gcc+libomp end to end: builds the clang ompscale,
# runs one quick sweep under the three toolchains into one directory, and
# checks that every toolchain has every configuration, under the runtime it
# should have loaded, and that the plots and page are drawn from the merge.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/csv.sh
run=${1:-results/ci-toolchains}
rm -rf "$run"
make quick TOOLCHAINS=gcc,clang,gcc+libomp RUN="$run" \
    ARGS="--kernels overhead_barrier,overhead_parallel,copy --threads 1,2"
fail=0
expect() {
    local toolchain=$1 runtime=$2 rows
    rows=$(csv_rows 'v("toolchain") == t && index(v("runtime"), r) == 1 { n++ } END { print n + 0 }' \
        t="$toolchain" r="$runtime" "$run/summary.csv")
    if [ "$rows" -ne 10 ]; then
        echo "toolchains: $toolchain has $rows summary rows on $runtime, want 10" >&2
        fail=1
    fi
}
expect gcc libgomp
expect clang libomp
expect gcc+libomp libomp
OMPSCALE=build/ompscale plots/plot.sh "$run" >/dev/null
[ -s "$run/index.html" ] && [ -s "$run/environments-overhead_barrier.png" ] \
    || { echo "toolchains: no page or environments picture" >&2; fail=1; }
[ "$fail" -eq 0 ] && echo "toolchains: gcc, clang and gcc+libomp each ran the plan"
exit "$fail"
