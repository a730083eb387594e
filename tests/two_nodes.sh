#!/usr/bin/env bash
# Two "nodes" for real: network namespaces joined by a veth pair
# (tests/netns.sh), Open MPI launching through an agent into the other
# namespace instead of ssh, TCP pinned to the pair.  `ompscale run --ranks
# 1,2,4 --hostfile` must run ranks on both nodes (each reports its node),
# list both in machine.json with their facts, verify, and pass the format
# checks; a node that dies mid-run (everything in its namespace killed)
# must end the sweep within a minute with the completed batches kept and a
# message saying a node died, not hang.  Skipped, with the reason, where
# namespaces cannot be made (not root, no ip or unshare) or without MPI.
#
# Usage: two_nodes.sh OMPSCALE TEST_RUNDIR
set -u
bin=$(realpath "${1:?usage: two_nodes.sh OMPSCALE TEST_RUNDIR}")
rundir=$(realpath "${2:?usage: two_nodes.sh OMPSCALE TEST_RUNDIR}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns.sh"
. "$here/../tools/csv.sh"
why=$(cluster_usable) || { echo "skip: $why, so no namespace cluster"; exit 0; }
"$bin" list | grep -q '^mpi_midpoint' || { echo "skip: this ompscale was built without MPI"; exit 0; }
tmp=$(mktemp -d)
trap 'cluster_down; rm -rf "$tmp"' EXIT
cluster_up 2 "$tmp" || { echo "FAIL: cannot make the namespace cluster"; exit 1; }
fail=0
no() { echo "FAIL: $*"; fail=1; }

# Ranks 1, 2 and 4 over both nodes, beside an OpenMP kernel.
on_node 1 timeout 300 "$bin" run --quick --kernels midpoint,mpi_midpoint,mpi_cube_map --threads 1 \
    --ranks 1,2,4 --hostfile "$tmp/hosts" --out "$tmp/run" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || no "the two-node run: exit $rc: $(grep -v '^ompscale: plan' "$tmp/out" | tail -5)"
for node in node1 node2; do
    grep -q "\"host\": \"$node\"" "$tmp/run/machine.json" 2>/dev/null ||
        no "machine.json's nodes lack $node: $(grep -A12 '"nodes"' "$tmp/run/machine.json")"
done
grep -q '"nodes_alike": true' "$tmp/run/machine.json" || no "the namespaces' nodes are not alike"
[ "$(csv_rows '$0 != "" && v("ranks") == 4 && v("verified") == 1' "$tmp/run/runs.csv" | wc -l)" -gt 0 ] ||
    no "no verified row at 4 ranks"
[ "$(csv_rows 'v("verified") != 1' "$tmp/run/runs.csv" | wc -l)" -eq 0 ] || no "a row failed verification"
"$rundir" "$tmp/run" 3 >"$tmp/check" 2>&1 || no "format checks: $(tail -3 "$tmp/check")"

# Unlike nodes: node 2's ranks load LLVM's libomp (where it is installed),
# so its OpenMP runtime differs, which the run must name.
libomp=$(ls /usr/lib/llvm-*/lib/libomp.so.5 2>/dev/null | tail -n 1)
if [ -n "$libomp" ]; then
    echo "export LD_PRELOAD=$libomp" >"$tmp/env-node2"
    on_node 1 timeout 120 "$bin" run --quick --kernels mpi_midpoint --threads 1 --ranks 2 \
        --hostfile "$tmp/hosts" --out "$tmp/unlike" >"$tmp/unlike.out" 2>&1 || no "the unlike run failed"
    rm -f "$tmp/env-node2"
    grep -q '"nodes_alike": false' "$tmp/unlike/machine.json" || no "unlike nodes called alike"
    grep -q '"nodes_differ": "node2 differs from node1 in omp_runtime' "$tmp/unlike/machine.json" ||
        no "machine.json does not say how they differ"
    grep -q "ompscale: the ranks ran on unlike nodes: node2 differs from node1 in omp_runtime" \
        "$tmp/unlike.out" || no "stderr does not say which nodes differ: $(tail -3 "$tmp/unlike.out")"
else
    echo "note: no libomp installed, so the unlike-nodes check is skipped"
fi

# A node dies mid-run: once rows have landed, everything in node 2's
# namespace is killed and the agent refuses it from then on, as ssh would
# a host that is gone; the sweep must end, keep them and say why.
on_node 1 timeout 120 "$bin" run --kernels mpi_midpoint --threads 1 --ranks 2 --hostfile \
    "$tmp/hosts" --min-time 0.05 --repetitions 50 --budget 60s --out "$tmp/die" >"$tmp/die.out" 2>&1 &
pid=$!
rows=0
for _ in $(seq 1 120); do
    rows=$(csv_rows '$0 != ""' "$tmp/die/runs.csv" 2>/dev/null | wc -l)
    [ "$rows" -ge 3 ] && break
    sleep 0.5
done
[ "$rows" -ge 3 ] || no "no rows before the node was to die"
node_dies 2
wait "$pid"
rc=$?
[ "$rc" -ne 124 ] || no "the sweep hung after node 2 died"
[ "$rc" -ne 0 ] || no "the sweep passed although node 2 died"
kept=$(csv_rows '$0 != ""' "$tmp/die/runs.csv" 2>/dev/null | wc -l)
[ "$kept" -ge "$rows" ] || no "rows lost: $rows before, $kept after"
# Dead before the next launch, or in the middle of a visit: either way the
# message says a node (or a rank on it) died.
grep -q -e "a node or one of its ranks died" -e "a rank, or the node it ran on, died" "$tmp/die.out" ||
    no "no clear message: $(grep '^ompscale' "$tmp/die.out" | tail -3)"

[ "$fail" -eq 0 ] && echo "ok: ranks on both nodes, and a dead node ends the sweep with its rows"
exit "$fail"
