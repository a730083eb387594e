#!/usr/bin/env bash
# Runs each libFuzzer target of a fuzz build (make fuzz) for SECONDS,
# starting from the checked-in corpus (files from real run directories and
# real command lines).  New inputs stay in BUILD/corpus for the next run; a
# crash, leak, sanitizer report or hang stops with the input's path, which
# belongs in tests/fuzz/corpus/TARGET/ once fixed, so that every normal
# build replays it (ctest -R _replay).
# Usage: tools/fuzz.sh BUILD [SECONDS]
set -u
build=$1 seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for t in fuzz_runs fuzz_machine fuzz_run_args fuzz_compare_args; do
    work=$build/corpus/$t crashes=$build/crashes
    mkdir -p "$work" "$crashes"
    echo "fuzz: $t for ${seconds}s" >&2
    # close_fd_mask=3 silences the code under test; libFuzzer keeps its own
    # copy of stderr for its reports.
    "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -max_len=8192 -close_fd_mask=3 -print_final_stats=1 \
        -artifact_prefix="$crashes/$t-" "$work" "$root/tests/fuzz/corpus/$t" \
        2>"$build/$t.log"
    rc=$?
    grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$build/$t.log" | tail -2 >&2
    if [ "$rc" -ne 0 ]; then
        status=1
        grep -E 'ERROR|SUMMARY|Test unit written' "$build/$t.log" >&2
        echo "fuzz: $t failed (exit $rc); full log: $build/$t.log" >&2
    fi
done
exit $status
