#!/usr/bin/env bash
# The planner on machines that are not here, through hwloc synthetic
# topologies: the default thread list (powers of two plus the topology's
# boundaries, at most 12 counts), the dry run's CSV and line, and that the
# default plan fits the default budget on every one of them.
# Usage: plan.sh OMPSCALE
set -u
. "$(dirname "$0")/../tools/csv.sh"
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# expect TOPOLOGY THREADS: the default plan's thread counts, space-separated.
expect() {
    local topo=$1 want=$2
    HWLOC_SYNTHETIC=$topo "$bin" run --dry-run >"$tmp/plan.csv" 2>"$tmp/err"
    local rc=$?
    [ "$rc" -eq 0 ] || { bad "$topo: exit $rc: $(cat "$tmp/err")"; return; }
    local got
    # blocking_overlap goes past the cores on purpose (checked below).
    # Process kernels split the cores into ranks x threads (checked below).
    got=$(csv_rows 'v("kernel") !~ /^(blocking_overlap|mpi_[a-z_]*|spawn)$/ { print v("threads") }' \
        "$tmp/plan.csv" | sort -n | uniq | tr '\n' ' ')
    [ "$got" = "$want " ] || { bad "$topo: threads '$got', want '$want'"; return; }
    [ "$(echo "$got" | wc -w)" -le 12 ] || { bad "$topo: more than 12 counts"; return; }
    head -n 1 "$tmp/plan.csv" | grep -qx "kernel,params,n,threads,schedule,chunk,bind,places,wait_policy,toolchain,ranks" \
        || { bad "$topo: header"; return; }
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -Eq "^ompscale: plan: $(($(wc -l <"$tmp/plan.csv") - 1)) configurations.*estimated" "$tmp/err" \
        || { bad "$topo: plan line: $(cat "$tmp/err")"; return; }
    pass=$((pass + 1))
}

expect "pack:2 l3:8 core:8 pu:2" "1 2 4 8 16 32 64 128 256"           # 2x64-core SMT server
expect "pack:1 l3:2 core:8 pu:2" "1 2 4 8 16 32"                      # 16-core desktop, 2 L3
expect "pack:1 l3:1 core:4 pu:2" "1 2 4 8"                            # 4-core laptop
expect "pack:1 core:2 pu:1" "1 2"                                     # this 2-core VM
expect "pack:1 l3:2 core:6 pu:2" "1 2 4 6 8 12 24"                    # 12 cores, 6 per L3
expect "pack:2 numa:4 l3:3 core:8 pu:1" "1 2 4 8 16 24 32 64 96 128 192" # 192 cores, NUMA
expect "pack:4 numa:2 l3:4 core:8 pu:2" "1 2 4 8 16 32 64 128 256 512"  # 256 cores SMT

# A dry run writes nothing and runs nothing.
HWLOC_SYNTHETIC="pack:1 core:2 pu:1" "$bin" run --dry-run --out "$tmp/none" >/dev/null 2>&1
[ ! -e "$tmp/none" ] && pass=$((pass + 1)) || bad "--dry-run created its --out"

# --threads overrides the topology; --quick keeps at most 2 threads.
HWLOC_SYNTHETIC="pack:2 l3:8 core:8 pu:2" "$bin" run --dry-run --threads 3,5 2>/dev/null \
    | csv_rows 'v("kernel") !~ /^(mpi_counter|mpi_pipe|spawn)$/ { print v("threads") }' \
    | sort -nu | tr '\n' ' ' | grep -qx "3 5 " \
    && pass=$((pass + 1)) || bad "--threads did not override"
HWLOC_SYNTHETIC="pack:2 l3:8 core:8 pu:2" "$bin" run --dry-run --quick 2>/dev/null \
    | csv_rows '{ print v("threads") }' | sort -nu | tr '\n' ' ' | grep -qx "1 2 " \
    && pass=$((pass + 1)) || bad "--quick planned more than 2 threads"

# blocking_overlap, and only it, is planned past the cores: up to 8 times
# the CPUs, marked oversubscribed; --threads and --quick keep their lists.
got=$(HWLOC_SYNTHETIC="pack:1 core:2 pu:1" "$bin" run --dry-run 2>/dev/null \
    | csv_rows 'v("kernel") == "blocking_overlap" { print v("threads") }' | sort -nu | tr '\n' ' ')
[ "$got" = "1 2 4 8 16 " ] && pass=$((pass + 1)) || bad "blocking_overlap threads '$got'"
got=$(HWLOC_SYNTHETIC="pack:1 core:2 pu:1" "$bin" run --dry-run --threads 1,2 2>/dev/null \
    | csv_rows 'v("kernel") == "blocking_overlap" { print v("threads") }' | sort -nu | tr '\n' ' ')
[ "$got" = "1 2 " ] && pass=$((pass + 1)) || bad "--threads did not hold blocking_overlap: '$got'"

# --auto-environments (make bench): on a machine with several L3 domains or
# NUMA nodes, the memory-bound kernels, and only they, run bound close and
# bound spread, within the default budget; on one L3 domain nothing changes.
auto_envs() {
    HWLOC_SYNTHETIC=$1 "$bin" run --dry-run --auto-environments 2>"$tmp/auto.err" \
        | csv_rows '{ print v("kernel") ":" v("bind") }' | sort -u | tr '\n' ' '
}
got=$(auto_envs "pack:2 l3:8 core:8 pu:2")
for k in copy cube_map shared_array; do
    case "$got" in *"$k:close $k:spread "*) ;; *) bad "auto environments: $k not close and spread: $got" ;; esac
done
case "$got" in *"midpoint: "*) ;; *) bad "auto environments bound midpoint: $got" ;; esac
case "$got" in *"midpoint:close"*|*"copy: "*) bad "auto environments: $got" ;; esac
grep -q "environments, each in a child process" "$tmp/auto.err" && pass=$((pass + 1)) \
    || bad "auto environments: plan line $(cat "$tmp/auto.err")"
HWLOC_SYNTHETIC="pack:2 numa:2 core:8 pu:1" "$bin" run --dry-run --auto-environments --kernels copy \
    2>/dev/null | grep -q ",spread," && pass=$((pass + 1)) || bad "auto environments ignored NUMA"
[ -z "$(auto_envs "pack:1 l3:1 core:4 pu:2" | tr ' ' '\n' | grep -v ':$')" ] \
    && pass=$((pass + 1)) || bad "auto environments on one L3 domain"
HWLOC_SYNTHETIC="pack:2 l3:8 core:8 pu:2" "$bin" run --dry-run --auto-environments --bind false \
    --kernels copy 2>/dev/null | grep -q ",close," && bad "--bind did not override the automatic binding" \
    || pass=$((pass + 1))

# The default plan is never refused: on every machine, with a large cache
# or many cores, and with --auto-environments, it fits its budget (exit 0,
# an estimate within the budget), trimmed where it must be; the plan line
# names each trim and what the whole plan would need.
seconds() { # "1h02m" | "2m05s" | "42s" -> seconds
    echo "$1" | awk '{ s = 0; if (match($0, /[0-9]+h/)) s += 3600 * substr($0, RSTART, RLENGTH - 1);
        if (match($0, /[0-9]+m/)) s += 60 * substr($0, RSTART, RLENGTH - 1);
        if (match($0, /[0-9]+s/)) s += substr($0, RSTART, RLENGTH - 1); print s }'
}
fits() { # TOPOLOGY BUDGET [OPTIONS...]
    local topo=$1 budget=$2
    shift 2
    HWLOC_SYNTHETIC=$topo "$bin" run --dry-run --budget "$budget" "$@" >"$tmp/fit.csv" 2>"$tmp/fit.err"
    local rc=$? est
    est=$(sed -n 's/.*estimated \([0-9hms]*\) for the minimum.*/\1/p' "$tmp/fit.err")
    [ "$rc" -eq 0 ] && [ -n "$est" ] && [ "$(seconds "$est")" -le "$(seconds "$budget")" ] \
        && pass=$((pass + 1)) || bad "$topo $budget $*: rc=$rc, estimate '$est': $(cat "$tmp/fit.err")"
}
for topo in "pack:1 l3:1(size=300MB) core:16 pu:1" "pack:2 l3:2(size=1152MB) core:96 pu:2" \
    "pack:1 l3:1(size=260MB) core:2 pu:1" "pack:2 l3:8 core:8 pu:2" "pack:1 l3:2 core:8 pu:2" \
    "pack:2 numa:4 l3:3 core:8 pu:1" "pack:4 numa:2 l3:4 core:8 pu:2" "pack:1 core:2 pu:1"; do
    fits "$topo" 150s
    fits "$topo" 150s --auto-environments
    fits "$topo" 60s --auto-environments
done
HWLOC_SYNTHETIC="pack:2 l3:2(size=1152MB) core:96 pu:2" "$bin" run --dry-run --budget 150s \
    --auto-environments >"$tmp/huge.csv" 2>"$tmp/huge.err"
grep -q "trimmed to keep the budget: the memory-bound kernels at static only;.* the whole plan needs about" \
    "$tmp/huge.err" && pass=$((pass + 1)) || bad "1152 MB L3: trims not named: $(cat "$tmp/huge.err")"
[ "$(csv_rows 'v("kernel") == "copy" { print v("schedule") }' "$tmp/huge.csv" | sort -u)" = static ] \
    && pass=$((pass + 1)) || bad "1152 MB L3: copy not trimmed to static"
HWLOC_SYNTHETIC="pack:2 l3:2(size=1152MB) core:96 pu:2" "$bin" run --dry-run --budget 60s \
    --auto-environments 2>/dev/null >"$tmp/huge.csv"
[ "$(csv_rows '{ print v("threads") }' "$tmp/huge.csv" | sort -nu | tr '\n' ' ')" = "1 768 " ] \
    && pass=$((pass + 1)) || bad "1152 MB L3 in 60 s: threads not trimmed to one and all"
# A plan that fits is not trimmed.
HWLOC_SYNTHETIC="pack:1 core:2 pu:1" "$bin" run --dry-run --budget 1h 2>&1 >/dev/null \
    | grep -q "trimmed" && bad "a plan that fits an hour was trimmed" || pass=$((pass + 1))

# A plan that cannot fit its budget is refused before it starts, and a dry
# run still shows it.
HWLOC_SYNTHETIC="pack:2 l3:8 core:8 pu:2" "$bin" run --threads 1-64 --min-time 1 \
    --budget 10m --out "$tmp/big" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "--budget" "$tmp/err" \
    && [ ! -e "$tmp/big" ] && pass=$((pass + 1)) || bad "over-budget plan: rc=$rc $(cat "$tmp/err")"
HWLOC_SYNTHETIC="pack:2 l3:8 core:8 pu:2" "$bin" run --dry-run --threads 1-64 --min-time 1 \
    --budget 10m >"$tmp/plan.csv" 2>/dev/null
[ $? -eq 2 ] && [ "$(wc -l <"$tmp/plan.csv")" -gt 1000 ] && pass=$((pass + 1)) \
    || bad "a dry run of an over-budget plan"

# A synthetic machine's cache sizes size the kernels as there: cube_map's
# array is four times a 300 MB L3.
n=$(HWLOC_SYNTHETIC="pack:1 l3:1(size=300MB) core:16 pu:1" "$bin" run --dry-run --kernels cube_map \
    2>/dev/null | csv_rows 'FNR == 2 { print v("n") }')
[ -n "$n" ] && [ "$((n * 8))" -ge $((4 * 300000000 * 99 / 100)) ] && pass=$((pass + 1)) \
    || bad "a synthetic 300 MB L3 sized cube_map at n=$n"

# The ranks axis (built with MPI): by default, a kernel with both forms runs
# its ranks at one thread each and every split of all the cores; ranks x
# threads never exceeds the physical cores; spawn thins its counts; a
# ping-pong is two ranks; --ranks and --threads give the cross product.
if "$bin" list | grep -q '^mpi_midpoint'; then
    splits() { # TOPOLOGY KERNEL [OPTIONS...]: "RxT" of each row, sorted
        local topo=$1 k=$2
        shift 2
        HWLOC_SYNTHETIC=$topo "$bin" run --dry-run --kernels "$k" "$@" 2>/dev/null \
            | csv_rows '{ print v("ranks") "x" v("threads") }' | sort -t x -k1,1n -k2,2n | tr '\n' ' '
    }
    got=$(splits "pack:1 l3:2 core:8 pu:2" mpi_midpoint)
    [ "$got" = "1x1 1x16 2x1 2x8 4x1 4x4 8x1 8x2 16x1 " ] && pass=$((pass + 1)) \
        || bad "16 cores: mpi_midpoint splits '$got'"
    got=$(splits "pack:1 core:2 pu:1" mpi_cube_map)
    [ "$got" = "1x1 1x2 2x1 " ] && pass=$((pass + 1)) || bad "2 cores: mpi_cube_map '$got'"
    got=$(splits "pack:4 numa:2 l3:4 core:8 pu:2" spawn)
    [ "$got" = "1x1 4x1 16x1 64x1 256x1 " ] && pass=$((pass + 1)) || bad "256 cores: spawn '$got'"
    got=$(splits "pack:1 l3:2 core:8 pu:2" mpi_pipe)
    [ "$(echo "$got" | tr ' ' '\n' | sort -u | grep -c .)" -eq 1 ] && [ "${got%% *}" = 2x1 ] \
        && pass=$((pass + 1)) || bad "mpi_pipe '$got'"
    got=$(splits "pack:1 l3:2 core:8 pu:2" mpi_cube_local --ranks 2,4 --threads 1,4,8)
    [ "$got" = "2x1 2x4 2x8 4x1 4x4 " ] && pass=$((pass + 1)) || bad "--ranks x --threads '$got'"
    for topo in "pack:2 l3:8 core:8 pu:2" "pack:2 numa:4 l3:3 core:8 pu:1"; do
        cores=$(HWLOC_SYNTHETIC=$topo "$bin" run --dry-run --kernels mpi_shared_array 2>/dev/null \
            | csv_rows 'v("ranks") * v("threads") > max { max = v("ranks") * v("threads") }
                        END { print max }')
        [ "$cores" -eq "$(echo "$topo" | awk '{ n = 1; for (i = 1; i <= NF; i++) \
            if ($i !~ /^pu:/) { split($i, a, ":"); n *= a[2] } print n }')" ] \
            && pass=$((pass + 1)) || bad "$topo: the widest split uses $cores cores"
    done
    # Where the process kernels would take the default plan past its budget
    # (a 600 MB L3 makes every memory-bound visit long), they are left out
    # (after the memory-bound kernels' schedules), and the plan line says
    # so; named, or with --ranks, they are kept.
    big="pack:1 l3:1(size=600MB) core:16 pu:1"
    HWLOC_SYNTHETIC=$big "$bin" run --dry-run >"$tmp/big.csv" 2>"$tmp/big.err" \
        && grep -q "trimmed to keep the budget: .*the process kernels (mpi_\*, spawn) left out" \
            "$tmp/big.err" \
        && ! grep -Eq '^(mpi_[a-z_]*|spawn),' "$tmp/big.csv" && pass=$((pass + 1)) \
        || bad "$big: process kernels not left out: $(head -1 "$tmp/big.err")"
    HWLOC_SYNTHETIC=$big "$bin" run --dry-run --kernels copy,mpi_midpoint 2>/dev/null \
        | grep -q '^mpi_midpoint,' && pass=$((pass + 1)) || bad "$big: a named process kernel left out"
    HWLOC_SYNTHETIC="pack:1 l3:2 core:8 pu:2" "$bin" run --dry-run 2>&1 >/dev/null \
        | grep -q "left out" && bad "16 cores, small L3: the process kernels left out"
    HWLOC_SYNTHETIC="pack:1 l3:2 core:8 pu:2" "$bin" run --dry-run --kernels mpi_counter \
        2>&1 >/dev/null | grep -q "; 5 groups of MPI ranks, each started through mpirun once and kept for the sweep" \
        && pass=$((pass + 1)) || bad "the plan line does not count the groups of ranks"
    # With a hostfile some ranks may run elsewhere, beyond reach of the
    # signals that stop a kept group: each group is started every round.
    echo "localhost slots=16" >"$tmp/hosts"
    HWLOC_SYNTHETIC="pack:1 l3:2 core:8 pu:2" "$bin" run --dry-run --kernels mpi_counter \
        --hostfile "$tmp/hosts" 2>&1 >/dev/null | grep -q "each started through mpirun per round" \
        && pass=$((pass + 1)) || bad "a hostfile's groups of ranks are not started per round"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
