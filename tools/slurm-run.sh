#!/bin/bash
#SBATCH --job-name=ompscale
#SBATCH --nodes=1
#SBATCH --exclusive
#SBATCH --time=00:10:00
# ompscale under Slurm, the script to copy and submit:
#
#   sbatch [--nodes N] [--time T] tools/slurm-run.sh [ompscale run options...]
#
# MODE=run (the default): one run over the allocation.  With more than one
#   node the process kernels' ranks go to every node of it (a hostfile of
#   the allocation's hosts, each with the CPUs Slurm gave this job there,
#   passed to mpirun by --hostfile), the OpenMP kernels run on the first.
# MODE=fleet: the same plan on every node at once (srun, one task a node),
#   one run directory per node under OUT/fleet/HOST, then `ompscale fleet`
#   over them into OUT/fleet-report: the node slower than its siblings.
# OMPSCALE names the binary (default SUBMIT_DIR/build/ompscale, which every
# node must see at that path); OUT the directory for the results (default
# SUBMIT_DIR/results/slurm-JOBID: on storage every node shares).  The
# sweep's --budget is 80% of the time the job has left less a minute for
# the pictures, unless the options give one.  Exit: ompscale's.
set -euo pipefail
submit=${SLURM_SUBMIT_DIR:-$PWD}
ompscale=${OMPSCALE:-$submit/build/ompscale}
out=${OUT:-$submit/results/slurm-${SLURM_JOB_ID:-local}}
mode=${MODE:-run}
mkdir -p "$out"

# seconds TEXT: Slurm's [D-]HH:MM:SS, MM:SS or SS as seconds; empty for
# UNLIMITED or anything else.
seconds() {
    local t=$1 d=0 h=0 m=0 s=0
    case $t in *-*) d=${t%%-*}; t=${t#*-} ;; esac
    IFS=: read -r -a f <<<"$t"
    case ${#f[@]} in
    3) h=${f[0]} m=${f[1]} s=${f[2]} ;;
    2) m=${f[0]} s=${f[1]} ;;
    1) s=${f[0]} ;;
    esac
    [[ "$d$h$m$s" =~ ^[0-9]+$ ]] || return 0
    echo $(((10#$d * 24 + 10#$h) * 3600 + 10#$m * 60 + 10#$s))
}

budget=()
if [[ " $* " != *" --budget "* ]]; then
    left=$(seconds "$(squeue -h -j "${SLURM_JOB_ID:-0}" -o %L 2>/dev/null || true)")
    if [ -n "$left" ]; then
        b=$((left * 8 / 10 - 60))
        [ "$b" -ge 20 ] || b=20
        budget=(--budget "${b}s")
    fi
fi

hosts=$(scontrol show hostnames "${SLURM_JOB_NODELIST:-$(hostname)}" 2>/dev/null || hostname)
nodes=$(echo "$hosts" | wc -w)
cpus=${SLURM_CPUS_ON_NODE:-$(nproc)}
echo "ompscale: job ${SLURM_JOB_ID:-none}: $nodes node(s) ($(echo $hosts)), $cpus CPUs each," \
     "${budget[*]:-the default budget}, mode $mode, into $out" >&2

if [ "$mode" = fleet ]; then
    srun --ntasks-per-node=1 --nodes="$nodes" \
        sh -c 'exec "$0" run "$@" --out "'"$out"'/fleet/$(hostname)"' "$ompscale" "${budget[@]}" "$@"
    exec "$ompscale" fleet "$out"/fleet/* --report "$out/fleet-report"
fi
hostfile=()
if [ "$nodes" -gt 1 ]; then
    for h in $hosts; do echo "$h slots=$cpus"; done >"$out/hosts"
    hostfile=(--hostfile "$out/hosts")
fi
rc=0
"$ompscale" run "${budget[@]}" "${hostfile[@]}" --out "$out/run" "$@" || rc=$?
here=$(cd "$(dirname "$ompscale")/.." && pwd)
if [ "$rc" -eq 0 ] && [ -x "$here/plots/plot.sh" ] && command -v gnuplot >/dev/null 2>&1; then
    OMPSCALE=$ompscale "$here/plots/plot.sh" "$out/run" >&2 || true
fi
exit "$rc"
