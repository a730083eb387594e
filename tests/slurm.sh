#!/usr/bin/env bash
# A real Slurm on this machine: munged with a key of its own, slurmctld and
# slurmd from a generated configuration (ports, state and logs in a scratch
# directory).  Debian's slurm-wlm runs one slurmd per host, so where network
# namespaces can be made (tests/netns.sh) each of two namespace "nodes" runs
# its own slurmd, and otherwise one slurmd runs here.  Then the project's
# batch script, tools/slurm-run.sh, submitted with sbatch --wait within a
# bounded time: once with the process kernels' ranks across the nodes
# (mpirun inside the allocation), and on two nodes once more as a fleet
# (MODE=fleet).  Each run directory must be complete and verified, with the
# budget taken from the job's time limit.  Every daemon is stopped on every
# exit path.  Skipped, with the reason, where it cannot run (not root,
# Slurm or munge not installed).
#
# Usage: slurm.sh OMPSCALE SOURCE_DIR TEST_RUNDIR
set -u
bin=$(realpath "${1:?usage: slurm.sh OMPSCALE SOURCE_DIR TEST_RUNDIR}")
src=$(realpath "${2:?usage: slurm.sh OMPSCALE SOURCE_DIR TEST_RUNDIR}")
rundir=$(realpath "${3:?usage: slurm.sh OMPSCALE SOURCE_DIR TEST_RUNDIR}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/netns.sh"
[ "$(id -u)" -eq 0 ] || { echo "skip: not root, so no Slurm daemons"; exit 0; }
for tool in munged mungekey slurmctld slurmd sbatch sinfo scontrol squeue; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "skip: no $tool (tools/deps.sh cluster, or apt-get install slurmd slurmctld slurm-client munge)"
        exit 0
    }
done
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
stop() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null
    done
    cluster_down
    rm -rf "$tmp"
}
trap stop EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
port=$((20000 + $$ % 20000))
export SLURM_CONF=$tmp/slurm.conf

nodes=1
names=$(hostname)
if cluster_usable >/dev/null; then
    cluster_up 2 "$tmp" || { echo "FAIL: cannot make the namespace cluster"; exit 1; }
    nodes=2
    names="node1 node2"
fi
# on I CMD...: CMD on node I (its namespace), or here with one node.
on() {
    local i=$1
    shift
    if [ "$nodes" -gt 1 ]; then on_node "$i" "$@"; else "$@"; fi
}

mkdir -p "$tmp/munge" "$tmp/ctld" "$tmp/spool"
chmod 700 "$tmp/munge"
mungekey -c -k "$tmp/munge/key" 2>"$tmp/munge.err" || { echo "FAIL: mungekey: $(cat "$tmp/munge.err")"; exit 1; }
munged -F -f -S "$tmp/munge/socket" --key-file "$tmp/munge/key" --pid-file "$tmp/munge/pid" \
    --log-file "$tmp/munge/log" --seed-file "$tmp/munge/seed" 2>"$tmp/munge.err" &
pids+=($!)

ctld=${names%% *}
[ "$nodes" -gt 1 ] && ctld="node1($cluster_net.1)"
cat >"$SLURM_CONF" <<EOF
ClusterName=ompscale$$
SlurmctldHost=$ctld
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$tmp/ctld
SlurmdSpoolDir=$tmp/spool/%n
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.%n.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldTimeout=30
SlurmdTimeout=30
PartitionName=ompscale Nodes=ALL Default=YES MaxTime=30 State=UP
EOF
i=0
for name in $names; do
    i=$((i + 1))
    addr=
    [ "$nodes" -gt 1 ] && addr=" NodeAddr=$cluster_net.$i"
    echo "NodeName=$name$addr CPUs=$(nproc) State=UNKNOWN" >>"$SLURM_CONF"
    mkdir -p "$tmp/spool/$name"
done
# Inside a namespace /sys is its own, without the cgroup file system slurmd
# wants: it mounts one there itself (in the namespace's mounts only).
plugin=cgroup/v1
[ -d /sys/fs/cgroup/cpu ] || [ ! -e /sys/fs/cgroup/cgroup.controllers ] || plugin=cgroup/v2
printf 'CgroupAutomount=yes\nCgroupPlugin=%s\n' "$plugin" >"$tmp/cgroup.conf"

for _ in $(seq 1 50); do [ -S "$tmp/munge/socket" ] && break; sleep 0.1; done
[ -S "$tmp/munge/socket" ] || { echo "FAIL: munged did not start: $(cat "$tmp/munge.err" "$tmp/munge/log" 2>/dev/null)"; exit 1; }
on 1 slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
i=0
for name in $names; do
    i=$((i + 1))
    on "$i" slurmd -D -f "$SLURM_CONF" -N "$name" >"$tmp/slurmd.$name.out" 2>&1 &
    pids+=($!)
done
state=
for _ in $(seq 1 100); do
    state=$(on 1 sinfo -h -o '%D %t' 2>/dev/null | head -n 1)
    [ "$state" = "$nodes idle" ] && break
    sleep 0.2
done
[ "$state" = "$nodes idle" ] ||
    { echo "FAIL: the nodes are '$state', not $nodes idle: $(tail -n 3 "$tmp"/*.log 2>/dev/null)"; exit 1; }

# submit NAME MODE ARGS...: the batch script users copy, on every node, with
# a time limit of 4 minutes; sbatch --wait returns the job's exit code.
# submit NAME MODE ARGS...: the job's exit code must be 0, or one of
# $ALSO_OK (a fleet's verdict on two nodes sharing two CPUs: 1 or 3).
submit() {
    local name=$1 mode=$2 rc
    shift 2
    on 1 env OMPSCALE="$bin" OUT="$tmp/$name" MODE="$mode" timeout 300 sbatch --wait \
        --nodes="$nodes" --time=4 --output="$tmp/$name.out" --export=ALL \
        "$src/tools/slurm-run.sh" "$@" >"$tmp/$name.sbatch" 2>&1
    rc=$?
    [ "$rc" -ne 124 ] || no "$name: sbatch --wait did not return within 300 s"
    [ "$rc" -eq 0 ] || [[ " ${ALSO_OK:-} " == *" $rc "* ]] ||
        no "$name: the job failed: exit $rc: $(cat "$tmp/$name.sbatch"; tail -n 5 "$tmp/$name.out")"
    grep -q "^Submitted batch job" "$tmp/$name.sbatch" || no "$name: sbatch did not submit"
    grep -q "ompscale: job [0-9]*: $nodes node(s)" "$tmp/$name.out" ||
        no "$name: the job did not say what it ran on"
}

# check_run DIR REPETITIONS: complete, verified, budgeted from the time
# limit.
check_run() {
    local budget
    grep -q '"state": "complete"' "$1/machine.json" 2>/dev/null || no "$1: not a complete run"
    # A 4-minute limit leaves at most 80% of 240 s less 60 s, not the default 3m.
    budget=$(grep -o '"budget_s": [0-9.]*' "$1/machine.json" 2>/dev/null | awk '{ print $2 }')
    awk -v b="${budget:-0}" 'BEGIN { exit !(b >= 20 && b <= 132) }' ||
        no "$1: the budget ($budget s) did not come from the job's time limit"
    "$rundir" "$1" "$2" >"$tmp/check" 2>&1 || no "$1: format checks: $(tail -n 3 "$tmp/check")"
}

cd "$src" || exit 1
mpi=0
"$bin" list | grep -q '^mpi_midpoint' && mpi=1
# A program run by command goes with the kernels: under mpirun over the
# allocation's hostfile with --ranks, and on every node of a fleet.
${CC:-cc} -O1 -fopenmp "$src/tests/program/amdahl.c" -o "$tmp/amdahl" -lm ||
    { echo "FAIL: cannot build the test program"; exit 1; }
program=(--command "$tmp/amdahl 1 4" --name amdahl)
plan=(--quick --kernels midpoint,amdahl --threads 1,2 "${program[@]}")
[ "$mpi" -eq 1 ] && plan=(--quick --kernels midpoint,mpi_midpoint,amdahl --threads 1,2 --ranks 1,2,4 "${program[@]}")
submit run run "${plan[@]}"
check_run "$tmp/run/run" 3
grep -q '^amdahl,' "$tmp/run/run/summary.csv" 2>/dev/null || no "the program run by command has no summary rows"
if [ "$nodes" -gt 1 ] && [ "$mpi" -eq 1 ]; then
    # Four ranks over two nodes: the program's output came from both.
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
             $c["kernel"] == "amdahl" && $c["ranks"] == 4 { n++ } END { exit n == 0 }' \
        "$tmp/run/run/summary.csv" 2>/dev/null || no "the program did not run at 4 ranks"
fi
for name in $names; do
    [ "$nodes" -gt 1 ] && [ "$mpi" -eq 1 ] || break
    grep -q "\"host\": \"$name\"" "$tmp/run/run/machine.json" 2>/dev/null ||
        no "the ranks did not run on $name under Slurm"
done
if [ "$nodes" -gt 1 ]; then
    # Both nodes share this machine's two CPUs at once, so the verdict is
    # the noise's: a node named slower (exit 1, seen under the sanitizers)
    # or nothing decided (exit 3).  This checks the plumbing: the job ran
    # the fleet over both nodes' runs and wrote its report; tests/fleet.sh
    # checks the verdicts, with the nodes run one after another.
    ALSO_OK="1 3" submit fleet fleet --quick --kernels midpoint,amdahl --threads 1,2 --repetitions 8 \
        "${program[@]}"
    grep -q -e "in line with the other nodes" -e "not judged" -e "slower than the other nodes" \
        "$tmp/fleet.out" || no "MODE=fleet gave no verdict per node"
    for name in $names; do check_run "$tmp/fleet/fleet/$name" 8; done
    [ -s "$tmp/fleet/fleet-report/fleet.csv" ] || no "MODE=fleet wrote no fleet report"
    grep -q ',amdahl,' "$tmp/fleet/fleet-report/fleet.csv" || no "the fleet did not judge the program run by command"
fi
[ "$fail" -eq 0 ] && echo "ok: munged, slurmctld and $nodes slurmd started; the batch script ran under sbatch"
exit "$fail"
