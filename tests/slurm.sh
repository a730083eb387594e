#!/usr/bin/env bash
# A real Slurm on this machine: munged with a key of its own, slurmctld and
# one slurmd from a generated configuration (ports, state and logs in a
# scratch directory; Debian's slurm-wlm runs one slurmd per host), then the
# project's batch script, tools/slurm-run.sh, submitted with sbatch and
# waited for within a bounded time; the run directory it produced must be
# complete and verified, with the budget taken from the job's time limit.
# Every daemon is stopped on every exit path.  Skipped, with the reason,
# where it cannot run (not root, Slurm or munge not installed).
#
# Usage: slurm.sh OMPSCALE SOURCE_DIR TEST_RUNDIR
set -u
bin=$(realpath "${1:?usage: slurm.sh OMPSCALE SOURCE_DIR TEST_RUNDIR}")
src=$(realpath "${2:?usage: slurm.sh OMPSCALE SOURCE_DIR TEST_RUNDIR}")
rundir=$(realpath "${3:?usage: slurm.sh OMPSCALE SOURCE_DIR TEST_RUNDIR}")
[ "$(id -u)" -eq 0 ] || { echo "skip: not root, so no Slurm daemons"; exit 0; }
for tool in munged mungekey slurmctld slurmd sbatch sinfo scontrol squeue; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "skip: no $tool (apt-get install slurmd slurmctld slurm-client munge)"; exit 0; }
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
    rm -rf "$tmp"
}
trap stop EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
node=$(hostname)
port=$((20000 + $$ % 20000))
export SLURM_CONF=$tmp/slurm.conf

mkdir -p "$tmp/munge" "$tmp/ctld" "$tmp/spool"
chmod 700 "$tmp/munge"
mungekey -c -k "$tmp/munge/key" 2>"$tmp/munge.err" || { echo "FAIL: mungekey: $(cat "$tmp/munge.err")"; exit 1; }
munged -F -f -S "$tmp/munge/socket" --key-file "$tmp/munge/key" --pid-file "$tmp/munge/pid" \
    --log-file "$tmp/munge/log" --seed-file "$tmp/munge/seed" 2>"$tmp/munge.err" &
pids+=($!)

cat >"$SLURM_CONF" <<EOF
ClusterName=ompscale$$
SlurmctldHost=$node
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$tmp/ctld
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
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
NodeName=$node CPUs=$(nproc) State=UNKNOWN
PartitionName=ompscale Nodes=ALL Default=YES MaxTime=30 State=UP
EOF
for _ in $(seq 1 50); do [ -S "$tmp/munge/socket" ] && break; sleep 0.1; done
[ -S "$tmp/munge/socket" ] || { echo "FAIL: munged did not start: $(cat "$tmp/munge.err" "$tmp/munge/log" 2>/dev/null)"; exit 1; }
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$node" >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
state=
for _ in $(seq 1 100); do
    state=$(sinfo -h -o %t 2>/dev/null | head -n 1)
    [ "$state" = idle ] && break
    sleep 0.2
done
[ "$state" = idle ] || { echo "FAIL: the node is '$state', not idle: $(tail -3 "$tmp/slurmctld.log" "$tmp/slurmd.log" 2>/dev/null)"; exit 1; }

# The batch script users copy, with a small plan and a time limit of 4
# minutes; sbatch --wait returns the job's exit code.
cd "$src" || exit 1
plan=(--quick --kernels midpoint --threads 1,2)
"$bin" list | grep -q '^mpi_midpoint' && plan=(--quick --kernels midpoint,mpi_midpoint --threads 1,2 --ranks 1,2)
OMPSCALE=$bin OUT=$tmp/out timeout 300 sbatch --wait --time=4 --output="$tmp/job.out" \
    --export=ALL tools/slurm-run.sh "${plan[@]}" >"$tmp/sbatch.out" 2>&1
rc=$?
[ "$rc" -ne 124 ] || no "sbatch --wait did not return within 300 s"
[ "$rc" -eq 0 ] || no "the job failed: exit $rc: $(cat "$tmp/sbatch.out"; tail -5 "$tmp/job.out")"
grep -q "^Submitted batch job" "$tmp/sbatch.out" || no "sbatch did not submit: $(cat "$tmp/sbatch.out")"
grep -q '"state": "complete"' "$tmp/out/run/machine.json" 2>/dev/null || no "no complete run directory"
# A 4-minute limit leaves at most 80% of 240 s less 60 s, not the default 3m.
budget=$(grep -o '"budget_s": [0-9.]*' "$tmp/out/run/machine.json" 2>/dev/null | awk '{ print $2 }')
awk -v b="${budget:-0}" 'BEGIN { exit !(b >= 20 && b <= 132) }' ||
    no "the budget ($budget s) did not come from the job's time limit"
grep -q "ompscale: job [0-9]*: 1 node(s)" "$tmp/job.out" || no "the job did not say what it ran on"
"$rundir" "$tmp/out/run" 3 >"$tmp/check" 2>&1 || no "format checks: $(tail -3 "$tmp/check")"
[ "$fail" -eq 0 ] && echo "ok: slurmctld, slurmd and munged started; the batch script ran under sbatch"
exit "$fail"
