#!/usr/bin/env bash
# The PR gate for a program a user builds (tools/perf-check.sh
# --base-command/--new-command): the test program built twice, as is and
# 10% slower (-DSCALE=1.1), its own time read with --time-from under 3%
# lognormal noise, at one thread (so the verdict does not hang on this
# machine's load, nor on compare leaving out 2-thread rounds whose
# placement probes differ).
# The build against itself passes (exit 0, unchanged); against the slower
# one it fails (exit 1, a regression), each within a 60 s budget; a
# program option before any --*-command is exit 2.
# Usage: command_gate.sh SOURCE_DIR BUILD_DIR
set -u
src=$(realpath "$1")
build=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
mkdir -p "$tmp/base" "$tmp/same" "$tmp/slow"
for side in base same slow; do
    scale=1.0
    [ "$side" != slow ] || scale=1.1
    ${CC:-cc} -O1 -fopenmp -DSCALE="$scale" "$src/tests/program/amdahl.c" -o "$tmp/$side/amdahl" -lm ||
        { echo "FAIL: cannot build the test program"; exit 1; }
done
own='model: ([0-9.]+)'
for side in same slow; do
    # Each side's draws are its seed's, so the verdict is the same on any
    # machine (the rounds' number still depends on time: the looks).
    echo 1 >"$tmp/draws-base-$side" && echo 2 >"$tmp/draws-new-$side"
    OUT=$tmp/gate-$side BUILD=$build "$src/tools/perf-check.sh" --budget 60s \
        --base-command "$tmp/base/amdahl 2 18 0.03 $tmp/draws-base-$side" --name amdahl --time-from "$own" \
        --new-command "$tmp/$side/amdahl 2 18 0.03 $tmp/draws-new-$side" --name amdahl --time-from "$own" \
        --base-binary "$build/ompscale" --quick --schedules static --repetitions 2 --threads 1 \
        >"$tmp/$side.log" 2>&1
    rc=$?
    want=0 verdict=unchanged
    [ "$side" = same ] || want=1 verdict=regression
    [ "$rc" -eq "$want" ] || bad "$side build: exit $rc, not $want: $(tail -3 "$tmp/$side.log")"
    grep -q "^$verdict .*amdahl n=1 threads=1" "$tmp/$side.log" ||
        bad "$side build: amdahl at 1 thread is not $verdict: $(grep amdahl "$tmp/$side.log" | tail -2)"
done
OUT=$tmp/gate-bad BUILD=$build "$src/tools/perf-check.sh" --name x --base-binary "$build/ompscale" \
    >/dev/null 2>"$tmp/bad.log"
rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--name comes after a --base-command or --new-command" "$tmp/bad.log" ||
    bad "--name before any command: exit $rc: $(cat "$tmp/bad.log")"
[ "$fail" -eq 0 ] && echo "command_gate: a program's own build passes, its 10% slower build is caught"
[ "$fail" -eq 0 ]
