#!/usr/bin/env bash
# Bad input to `ompscale run`: a one-line error naming the bad value, exit 2,
# and no run files created or clobbered.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0

# check_bad WORD ARGS...: exit 2, one line on stderr naming WORD, no output dir.
check_bad() {
    local word=$1; shift
    rm -rf "$tmp/out"
    "$bin" run "$@" --out "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$? lines
    lines=$(wc -l <"$tmp/stderr")
    if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qF -- "$word" "$tmp/stderr" \
        || [ -e "$tmp/out" ]; then
        echo "FAIL: run $* -> rc=$rc, $lines stderr lines: $(cat "$tmp/stderr")"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
}

check_bad "'0'" --threads 0
check_bad "'-1'" --threads -1
check_bad "'abc'" --threads abc
check_bad "'1025'" --threads 1025
# max on a machine with more logical CPUs than the kernels are sized for.
HWLOC_SYNTHETIC="pack:2 core:600 pu:1" check_bad "max is 1200" --threads max --dry-run
check_bad "1,,2" --threads 1,,2
check_bad "'3-1'" --threads 3-1
check_bad "'nosuch'" --kernels nosuch
# copy's stores, forced for bench/stream-side.sh: only the three settings.
OMPSCALE_STORES=fast check_bad "OMPSCALE_STORES='fast'" --quick --kernels copy
# The talk's kernels' own limits: a wait of nothing, a cutoff outside 1..n.
check_bad "blocking_overlap.wait_us" --set blocking_overlap.wait_us=0
check_bad "blocking_overlap.wait_us" --set blocking_overlap.wait_us=-5
check_bad "recursive_sum.cutoff" --set recursive_sum.cutoff=0
check_bad "recursive_sum.cutoff=1048577 is above n=1048576" --kernels recursive_sum \
    --size recursive_sum=1048576 --set recursive_sum.cutoff=1048577
check_bad "'fast'" --schedules fast
check_bad "'static:0'" --schedules static:0
check_bad "'dynamic:-4'" --schedules dynamic:-4
check_bad "'auto:8'" --schedules auto:8
check_bad "'0'" --size 0
check_bad "'-3'" --size -3
check_bad "cube_map" --size cube_map=1099511627776
check_bad "'nosuch'" --size nosuch=100
check_bad "--frobnicate" --frobnicate
check_bad "'0'" --repetitions 0
check_bad "'-1'" --min-time -1
check_bad "'zero'" --min-time zero
check_bad "--threads" --threads
check_bad "'abc'" --budget abc
check_bad "'0s'" --budget 0s
check_bad "'3x'" --budget 3x
check_bad "'-5m'" --budget -5m
check_bad "'0'" --precision 0
check_bad "'101'" --precision 101
check_bad "'fine'" --precision fine
check_bad "'-1'" --seed -1
check_bad "'1e3'" --seed 1e3
check_bad "--dry-run" --dry-run --resume "$tmp"
check_bad "--resume takes no options" --resume "$tmp/nosuch"
HWLOC_SYNTHETIC="pack:0 nonsense" check_bad "HWLOC_SYNTHETIC" --quick

# --resume on a directory that is not a run.
"$bin" run --resume "$tmp/nosuch" >/dev/null 2>"$tmp/stderr"
rc=$?
if [ "$rc" -ne 2 ] || [ "$(wc -l <"$tmp/stderr")" -ne 1 ] || ! grep -q "not an ompscale run" "$tmp/stderr"; then
    echo "FAIL: --resume of no run -> rc=$rc: $(cat "$tmp/stderr")"; fail=$((fail + 1))
else pass=$((pass + 1)); fi

# An unwritable --out: the path runs through a regular file.
"$bin" run --quick --kernels copy --out /etc/passwd/sub >/dev/null 2>"$tmp/stderr"
rc=$?
if [ "$rc" -ne 2 ] || [ "$(wc -l <"$tmp/stderr")" -ne 1 ] || ! grep -q "/etc/passwd/sub" "$tmp/stderr"; then
    echo "FAIL: unwritable --out -> rc=$rc: $(cat "$tmp/stderr")"; fail=$((fail + 1))
else pass=$((pass + 1)); fi

# Bad input never clobbers an earlier run's files.
mkdir -p "$tmp/keep" && echo keep >"$tmp/keep/runs.csv"
"$bin" run --threads 0 --out "$tmp/keep" 2>/dev/null
if [ "$(cat "$tmp/keep/runs.csv")" != keep ] || [ "$(ls -A "$tmp/keep" | wc -l)" -ne 1 ]; then
    echo "FAIL: bad input touched an existing run directory"; fail=$((fail + 1))
else pass=$((pass + 1)); fi

# Commands and global options.
for args in "" "bogus" "list extra"; do
    # shellcheck disable=SC2086
    "$bin" $args >/dev/null 2>&1
    rc=$?
    if [ "$rc" -ne 2 ]; then echo "FAIL: '$args' -> rc=$rc"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
done
for args in --help --version list; do
    if ! "$bin" $args >/dev/null 2>&1; then echo "FAIL: '$args' did not exit 0"; fail=$((fail + 1)); else pass=$((pass + 1)); fi
done
# The kernel names are part of the interface: list shows every kernel of
# the registry (kernels/registry.h's X-macro list, the process kernels only
# in a build with MPI), each with its family (the gate plan is chosen by it)
# and a line saying what it teaches.
registry=$(dirname "$0")/../kernels/registry.h
listed=$("$bin" list | awk '$2 ~ /^n=/ { print $1 }')
for k in $(sed -n 's/^ *X(\([a-z_0-9]*\)).*/\1/p' "$registry"); do
    case $k in mpi_* | spawn) "$bin" list | grep -q '^mpi_' || continue ;; esac
    if "$bin" list | grep -Eq "^$k +n=[0-9]+ +[A-Za-z/]+ +(scaling|overhead|contention|false_sharing|blocking) +[a-z].{20,}"; then
        pass=$((pass + 1))
    else
        echo "FAIL: list lacks a line for $k"; fail=$((fail + 1))
    fi
done
[ "$(echo "$listed" | wc -l)" -eq "$(sed -n 's/^ *X(\([a-z_0-9]*\)).*/\1/p' "$registry" |
    { "$bin" list | grep -q '^mpi_' && cat || grep -Ev '^(mpi_|spawn$)'; } | wc -l)" ] \
    && pass=$((pass + 1)) || { echo "FAIL: list and the registry name different kernels: $(echo $listed)"; fail=$((fail + 1)); }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
