# Sourced by bench/gate-*.sh: tools/perf-check.sh's A/B rounds of a base
# build against itself (want exit 0) and against a slower build (want exit
# 1), printing each exit status and verdict lines.
#
# gate_sides NAME HERE TMP BUDGET: for each side (base, slow) calls the
# caller's side_args SIDE, which sets the array ARGS to perf-check's
# options for that pair; the logs go to TMP/SIDE.log.
gate_sides() {
    local name=$1 here=$2 tmp=$3 budget=$4 side rc what
    for side in base slow; do
        side_args "$side"
        OUT=$tmp/out-$side "$here/tools/perf-check.sh" --budget "$budget" "${ARGS[@]}" \
            --base-binary "$here/build/ompscale" >"$tmp/$side.log" 2>&1
        rc=$?
        what=own
        [ "$side" = base ] || what=10%-slower
        echo "$name against its $what build: exit $rc"
        grep -E '^(regression|unchanged|inconclusive|improvement|PASS|FAIL|INCONCLUSIVE)' "$tmp/$side.log"
    done
}
