#!/usr/bin/env bash
# How often MPI_Comm_spawn hangs (openpmix/openpmix#2967): SWEEPS quick
# sweeps of `--kernels spawn --ranks 1,2` under each PMIx data store list:
# the hash store ompscale sets, and ds21,hash, what PMIx picks when nothing
# is set (ds21 alone cannot start: its dstore needs hash beside it).
# A benchmark, not a test: it prints counts and exits 0.
#
#   bench/spawn-hangs.sh [SWEEPS [STORE...]]   (default 50 hash ds21,hash)
#
# Each sweep's hang limit is OMPSCALE_CHILD_TIMEOUT (default here 10 s, far
# past a healthy spawn's fraction of a second).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/${BUILD:-build}/ompscale
sweeps=${1:-50}
shift || true
stores=("$@")
[ ${#stores[@]} -gt 0 ] || stores=(hash ds21,hash)
[ -x "$bin" ] || { echo "spawn-hangs: build first (make build)" >&2; exit 2; }
"$bin" list | grep -q '^spawn ' || { echo "spawn-hangs: this build has no MPI" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "spawn-hangs: $sweeps quick sweeps of spawn at 1 and 2 ranks per store, $(date -u +%FT%TZ)"
for store in "${stores[@]}"; do
    hung=0 failed=0 t0=$SECONDS
    for i in $(seq 1 "$sweeps"); do
        rc=0
        PMIX_MCA_gds=$store OMPSCALE_CHILD_TIMEOUT=${OMPSCALE_CHILD_TIMEOUT:-10} \
            "$bin" run --quick --kernels spawn --ranks 1,2 --out "$work/s$i" 2>"$work/err" || rc=$?
        if grep -q "hung, so it was killed" "$work/err"; then
            hung=$((hung + 1))
        elif [ "$rc" -ne 0 ]; then
            failed=$((failed + 1))
        fi
        rm -rf "$work/s$i"
    done
    printf 'PMIX_MCA_gds=%-9s sweeps %3d  hung %3d  other failures %3d  (%ds)\n' \
        "$store" "$sweeps" "$hung" "$failed" $((SECONDS - t0))
done
