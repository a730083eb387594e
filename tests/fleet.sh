#!/usr/bin/env bash
# A fleet check in the namespace cluster (tests/netns.sh): the same plan on
# three "nodes", one after another, one run directory each, then `ompscale
# fleet`.  With node 3 slowed on purpose (a competing busy loop on every
# CPU while it runs) the fleet must name node 3 and no other, exit 1; with
# no node slowed it must name none, exit 0 (or 3, a node not judged within
# the noise); and it writes fleet.csv and
# fleet.html.  Skipped, with the reason, where namespaces cannot be made.
#
# Usage: fleet.sh OMPSCALE [TRIES]   (TRIES: of each case, default 1)
set -u
bin=$(realpath "${1:?usage: fleet.sh OMPSCALE [TRIES]}")
tries=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns.sh"
why=$(cluster_usable) || { echo "skip: $why, so no namespace cluster"; exit 0; }
tmp=$(mktemp -d)
trap 'cluster_down; rm -rf "$tmp"' EXIT
cluster_up 3 "$tmp" || { echo "FAIL: cannot make the namespace cluster"; exit 1; }
plan=(run --quick --kernels midpoint,serial_fraction,cube_map --threads 1,2 --schedules static --repetitions 10)
fail=0 named_right=0 named_none=0

# fleet_try WORK SLOW: every node runs the plan (node SLOW under a
# competing load; 0: none), then the fleet judges them.
fleet_try() {
    local work=$1 slow=$2 i c
    for i in 1 2 3; do
        if [ "$i" -eq "$slow" ]; then
            for _ in $(seq 1 "$(nproc)"); do
                (on_node "$i" sh -c 'while :; do :; done' &) 2>/dev/null
            done
        fi
        on_node "$i" timeout 120 "$bin" "${plan[@]}" --out "$work/node$i" >/dev/null 2>&1 ||
            { echo "FAIL: node$i's run"; fail=1; }
        # The busy loops run inside the node's namespace, under the
        # wrappers that started them: only killing there stops them.
        [ "$i" -eq "$slow" ] && node_stop_all "$i"
    done
    "$bin" fleet "$work/node1" "$work/node2" "$work/node3" --report "$work/report" \
        >"$work/out" 2>"$work/err"
}

# judged_right WORK SLOW: whether the fleet named node SLOW alone (0: none).
judged_right() {
    local work=$1 slow=$2 rc
    fleet_try "$work" "$slow"
    rc=$?
    if [ "$slow" -gt 0 ]; then
        [ "$rc" -eq 1 ] && grep -q "^node$slow .*slower than the other nodes" "$work/out" &&
            [ "$(grep -c 'slower than the other nodes' "$work/out")" -eq 1 ] && return 0
    else
        # No node may be named; a node whose every configuration stayed
        # within the noise is "not judged" (exit 3), which names no one
        # either: on a shared 2-vCPU machine that happens (twice in a row
        # in one CI run of 2026-12-07, node3 with 6 of 6 within the noise).
        { [ "$rc" -eq 0 ] || { [ "$rc" -eq 3 ] && grep -q 'not judged' "$work/out"; }; } &&
            ! grep -q 'slower' "$work/out" && return 0
    fi
    echo "$(basename "$work"): exit $rc: $(cat "$work/out" "$work/err")"
    return 1
}

# A single try (the test) may take a second attempt: the rate it checks is
# the benchmark's (TRIES=10: 9 of 10 or better), not one noisy attempt.
attempts=1
[ "$tries" -eq 1 ] && attempts=2
for t in $(seq 1 "$tries"); do
    for a in $(seq 1 "$attempts"); do
        judged_right "$tmp/slow$t.$a" 3 && { named_right=$((named_right + 1)); break; }
    done
    for a in $(seq 1 "$attempts"); do
        judged_right "$tmp/flat$t.$a" 0 && { named_none=$((named_none + 1)); break; }
    done
done
[ -s "$tmp/slow1.1/report/fleet.csv" ] && [ -s "$tmp/slow1.1/report/fleet.html" ] ||
    { echo "FAIL: no fleet.csv or fleet.html"; fail=1; }
head -n 1 "$tmp/slow1.1/report/fleet.csv" | grep -q '^node,dir,kernel,' ||
    { echo "FAIL: fleet.csv's header"; fail=1; }
"$bin" fleet "$tmp/slow1.1/node1" >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: one directory accepted"; fail=1; }
echo "fleet: node 3 slowed: named alone in $named_right of $tries; none slowed: none named in $named_none of $tries"
# Every try must come out right; the benchmark (TRIES=10) asks 9 of 10.
need=$((tries - tries / 10))
[ "$named_right" -ge "$need" ] && [ "$named_none" -ge "$need" ] || fail=1
exit "$fail"
