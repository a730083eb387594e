#!/usr/bin/env bash
# The gate and its own faults: a configuration whose child crashes or hangs
# on one side or both, at every round or only once, is retried in a fresh
# process and, if it faults again, reported by name as undecided with the
# reason (exit 3, never 2), while the other configurations are still
# compared; a fault that a retry clears leaves no trace but the retry line;
# a group of MPI ranks whose rank crashes is handled the same way.
# Usage: perf_faults.sh SOURCE_DIR BUILD
set -u
root=$1 build=$2
tmp=$(mktemp -d)
# KEEP=1 keeps the scratch directory, to read what a failure left.
if [ -n "${KEEP:-}" ]; then echo "kept in $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
pass=0 fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
cd "$root" || exit 1
. tools/perf-lib.sh
bin=$root/$build/ompscale
export BUILD=$build OMPSCALE_CHILD_TIMEOUT=3
args=(--quick --kernels copy --threads 1 --schedules static --wait-policy active,passive
      --repetitions 1)

# wrapper NAME FAULT [CALL | FROM+]: an ompscale that children with the
# passive wait policy see FAULT in (crash or hang), at every call, only at
# call CALL, or at every call from FROM on (counted in NAME.calls), so that
# one side, one round, or every round after the first faults.
wrapper() {
    local when=${3:-}
    cat >"$tmp/$1" <<EOS
#!/usr/bin/env bash
n=\$((\$(cat "$tmp/$1.calls" 2>/dev/null || echo 0) + 1))
echo "\$n" >"$tmp/$1.calls"
case "$when" in
'') fault=1 ;;
*+) [ "\$n" -ge "${when%+}" ] && fault=1 ;;
*) [ "\$n" -eq "$when" ] && fault=1 ;;
esac
if [ -n "\${fault:-}" ]; then export OMPSCALE_CHILD_FAULT=$2@passive; fi
exec "$bin" "\$@"
EOS
    chmod +x "$tmp/$1"
}

# gate NAME WANT_RC BASE NEW: an A/B gate of BASE against NEW, 6 s of rounds;
# WANT_RC "decided" takes 0 or 3 (6 s of A/A rounds may decide or not).
gate() {
    local name=$1 want=$2
    OUT=$tmp/$name tools/perf-check.sh --budget 6s --new-binary "$4" --base-binary "$3" \
        "${args[@]}" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    case $want:$rc in decided:0 | decided:3 | "$rc:$rc") pass=$((pass + 1)) ;;
    *) bad "$name: exit $rc, want $want: $(tail -n 3 "$tmp/$name.err")" ;; esac
}

# A child that crashes at every call of BASE: the passive configuration is
# undecided, named with its signal; the active one is still compared.
wrapper crashy crash
gate base-crash 3 "$tmp/crashy" "$bin"
grep -q "perf-check: undecided: copy/.*wait_policy:passive: BASE round 1: the child was killed by signal 6" \
    "$tmp/base-crash.err" && pass=$((pass + 1)) || bad "base-crash: not named: $(grep undecided "$tmp/base-crash.err")"
grep -q "once more in a fresh process" "$tmp/base-crash.err" && pass=$((pass + 1)) || bad "base-crash: no retry"
grep -q "^| faulted |.*wait_policy=passive.*| BASE round 1: the child was killed" \
    "$tmp/base-crash/compare.md" && grep -q "Faults, round by round" "$tmp/base-crash/compare.md" \
    && pass=$((pass + 1)) || bad "base-crash: compare.md"
# compare.csv: the passive configuration faulted, the active one judged.
verdicts=$(csv_run 'FNR == 1 { csv_header($0, c); next } { csv_split($0, f); print f[c["verdict"]] }' \
    "$tmp/base-crash/compare.csv" | sort | tr '\n' ' ')
case $verdicts in "faulted inconclusive " | "faulted unchanged " | "faulted improvement ") pass=$((pass + 1)) ;;
*) bad "base-crash: compare.csv verdicts '$verdicts'" ;; esac
grep -q "undecided: .*wait_policy:active" "$tmp/base-crash.err" && bad "base-crash: active named" \
    || pass=$((pass + 1))

# Both sides hang: killed at the child limit, undecided, exit 3.
wrapper hangy hang
gate both-hang 3 "$tmp/hangy" "$tmp/hangy"
grep -q "undecided: copy/.*wait_policy:passive: .*hung, so it was killed" "$tmp/both-hang.err" \
    && pass=$((pass + 1)) || bad "both-hang: not named: $(grep undecided "$tmp/both-hang.err")"

# NEW crashes once, at its second call (the first round's sweep; the first
# call sizes the kernels): the retry clears it and nothing is undecided
# for a fault.
wrapper once crash 2
gate new-once decided "$bin" "$tmp/once"
grep -q "once more in a fresh process" "$tmp/new-once.err" && ! grep -q "undecided:" "$tmp/new-once.err" \
    && [ ! -s "$tmp/new-once/faults.tsv" ] && pass=$((pass + 1)) \
    || bad "new-once: $(grep -E 'undecided|once more' "$tmp/new-once.err")"

# BASE hangs from its second call on (every round after the first, and
# the retries): undecided, named at round 2, though round 1 ran.
wrapper later hang 2+
gate base-later 3 "$tmp/later" "$bin"
grep -q "undecided: copy/.*wait_policy:passive: BASE round 2: .*hung" "$tmp/base-later.err" \
    && grep -q "^faulted .*wait_policy=passive: BASE round 2" "$tmp/base-later.out" \
    && pass=$((pass + 1)) || bad "base-later: $(grep -E 'undecided|^faulted' "$tmp/base-later".{err,out})"

# No fault: no retry and nothing in the fault file.
gate clean decided "$bin" "$bin"
! grep -q "once more" "$tmp/clean.err" && [ ! -s "$tmp/clean/faults.tsv" ] \
    && pass=$((pass + 1)) || bad "clean: $(tail -n 2 "$tmp/clean.err")"

# A rank of a group that crashes (built with MPI): the same.
if "$bin" list | grep -q '^mpi_midpoint'; then
    cat >"$tmp/rankcrash" <<EOS
#!/usr/bin/env bash
export OMPSCALE_RANK_FAULT=crash:1
exec "$bin" "\$@"
EOS
    chmod +x "$tmp/rankcrash"
    args=(--quick --kernels mpi_midpoint --ranks 2 --threads 1 --repetitions 1)
    gate rank-crash 3 "$tmp/rankcrash" "$bin"
    grep -q "undecided: mpi_midpoint/.*ranks:2: BASE round 1: " "$tmp/rank-crash.err" \
        && pass=$((pass + 1)) || bad "rank-crash: not named: $(grep -E 'undecided|perf-check' "$tmp/rank-crash.err" | head -3)"
fi

# The default gate plan: the scaling kernels, and neither the process
# kernels, nor those whose times are threads talking to each other, nor the
# blocking kernels, whose times are sleeps, nor the bandwidth probes read
# and update, nor recursive_sum, whose one-thread rounds spread too far.
OUT=$tmp/plan tools/perf-check.sh --budget 1s --base-binary "$bin" >/dev/null 2>&1
swept=$(csv_run 'FNR == 1 { csv_header($0, c); next } { csv_split($0, f); print f[c["kernel"]] }' \
    "$tmp/plan/base/runs.csv" 2>/dev/null | sort -u | tr '\n' ' ')
case " $swept" in
*" mpi_"* | *" spawn "*) bad "the default gate plan sweeps process kernels: $swept" ;;
*" overhead_"* | *" counter_"* | *" false_sharing"* | *" blocking_overlap "*)
    bad "the default gate plan sweeps overhead, contention or blocking kernels: $swept" ;;
*" read "* | *" update "* | *" recursive_sum "*)
    bad "the default gate plan sweeps a bandwidth probe or recursive_sum: $swept" ;;
*) pass=$((pass + 1)) ;;
esac
for k in midpoint copy tasks; do
    case " $swept" in *" $k "*) pass=$((pass + 1)) ;; *) bad "the default gate plan lacks $k: $swept" ;; esac
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
