#!/usr/bin/env bash
# Environment axes end to end (issue 10): one child per environment group,
# the environment recorded per row and checked by the child, crashes and
# hangs reported while the sweep goes on, and a merged directory that the
# format checks accept.
set -u
. "$(dirname "$0")/../tools/csv.sh"
bin=$1 rundir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
small=(run --quick --kernels copy,overhead_barrier --threads 1,2 --schedules static)
toolchains=gcc
if "$bin" run --dry-run --toolchains gcc+libomp >/dev/null 2>&1; then
    toolchains=gcc,gcc+libomp
else
    echo "note: no LLVM libomp here, so gcc+libomp is not swept (apt-get install libomp-dev)"
fi
[ "$("$bin" --version | grep -c .)" -ge 1 ] || bad "no binary"

# Two bindings by two wait policies (by the toolchains): every row names its
# environment, and every group has every configuration's repetitions.
"$bin" "${small[@]}" --bind close,spread --wait-policy active,passive --toolchains "$toolchains" \
    --out "$tmp/env" 2>"$tmp/env.err" || bad "environment sweep: $(tail -1 "$tmp/env.err")"
groups=$(csv_rows '{ print v("bind") "," v("places") "," v("wait_policy") "," v("toolchain") }' \
    "$tmp/env/runs.csv" | sort -u | wc -l)
want=$((4 * $(echo "$toolchains" | tr ',' '\n' | wc -l)))
[ "$groups" -eq "$want" ] || bad "$groups environments in runs.csv, want $want"
csv_rows '!((v("bind") == "close" || v("bind") == "spread") && v("places") == "" && \
    (v("wait_policy") == "active" || v("wait_policy") == "passive")) { bad = 1 } END { exit bad }' \
    "$tmp/env/runs.csv" \
    || bad "a row with another environment"
# The runtime column is what the child loaded, not what was assumed.
csv_rows '(v("toolchain") == "gcc") != (v("runtime") ~ /^libgomp/) { bad = 1 } END { exit bad }' \
    "$tmp/env/runs.csv" || bad "a gcc row without libgomp, or libgomp on another toolchain"
csv_rows 'v("toolchain") == "gcc+libomp" && v("runtime") !~ /^libomp/ { bad = 1 } END { exit bad }' \
    "$tmp/env/runs.csv" || bad "gcc+libomp did not load libomp"
[ "$(ls "$tmp/env/children" | wc -l)" -ge "$want" ] || bad "fewer Google Benchmark files than groups"
"$rundir" "$tmp/env" 3 >"$tmp/format.out" 2>&1 || bad "format checks: $(tail -3 "$tmp/format.out")"
for column in bind places wait_policy toolchain runtime; do
    head -1 "$tmp/env/summary.csv" | tr , '\n' | grep -qx "$column" ||
        bad "summary.csv lacks the environment column $column"
done

# The gate keeps environments apart and names them.
# compare refuses one run twice: a copy with one time a little longer.
cp -r "$tmp/env" "$tmp/env2"
csv_run 'FNR == 1 { csv_header($0, col); s = csv_need(col, "seconds"); print; next }
         FNR == 2 { n = csv_split($0, f); f[s] = f[s] * 1.001; line = f[1]
                    for (i = 2; i <= n; i++) line = line "," f[i]
                    print line; next }
         { print }' "$tmp/env/runs.csv" >"$tmp/env2/runs.csv"
"$bin" compare "$tmp/env" "$tmp/env2" --report "$tmp/gate" >"$tmp/gate.out" 2>&1
grep -q "threads=2 static:0 bind=spread;wait_policy=passive" "$tmp/gate/compare.md" \
    || bad "compare.md does not name the environment: $(sed -n 8p "$tmp/gate/compare.md")"
[ "$(grep -c 'copy n=' "$tmp/gate/compare.md")" -eq $((2 * want)) ] \
    || bad "compare.md merged environments: $(grep -c 'copy n=' "$tmp/gate/compare.md") copy rows, want $((2 * want))"

# A variable that is not swept passes through, and the child reports it.
OMP_PROC_BIND=spread "$bin" "${small[@]}" --wait-policy passive --out "$tmp/inherit" 2>/dev/null \
    || bad "inherited binding"
csv_rows 'v("bind") != "spread" || v("wait_policy") != "passive" { bad = 1 } END { exit bad }' \
    "$tmp/inherit/runs.csv" || bad "inherited OMP_PROC_BIND not recorded"

# A child that crashes in one environment: reported, and the other goes on.
OMPSCALE_CHILD_FAULT=crash@passive "$bin" "${small[@]}" --wait-policy active,passive \
    --out "$tmp/crash" 2>"$tmp/crash.err"
rc=$?
[ "$rc" -eq 2 ] || bad "a crashing child: exit $rc, want 2"
grep -q "wait_policy:passive: the child was killed by signal 6" "$tmp/crash.err" \
    || bad "the crash is not named: $(head -3 "$tmp/crash.err")"
csv_rows '{ n[v("wait_policy")]++ } END { exit !(n["active"] >= 12 && n["passive"] == 0) }' \
    "$tmp/crash/runs.csv" || bad "the healthy environment did not finish"

# A child that hangs is killed at its limit.
start=$(date +%s)
OMPSCALE_CHILD_TIMEOUT=1 OMPSCALE_CHILD_FAULT=hang@active "$bin" "${small[@]}" \
    --wait-policy active,passive --out "$tmp/hang" 2>"$tmp/hang.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "wait_policy:active: the child hung, so it was killed" "$tmp/hang.err" \
    || bad "a hanging child: exit $rc: $(head -3 "$tmp/hang.err")"
[ $(( $(date +%s) - start )) -lt 30 ] || bad "the hang took more than 30 s to end"
csv_rows '{ n[v("wait_policy")]++ } END { exit !(n["passive"] >= 12 && n["active"] == 0) }' \
    "$tmp/hang/runs.csv" || bad "the healthy environment did not finish after a hang"

# A binding the runtime ignores, inherited by the children, is a
# verification failure in each of them (exit 1), not silently accepted.
OMP_PROC_BIND=sideways "$bin" "${small[@]}" --wait-policy active,passive --out "$tmp/unbound" \
    2>"$tmp/unbound.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "wait_policy:passive: binding: OMP_PROC_BIND holds a value the runtime ignores" \
    "$tmp/unbound.err" || bad "an ignored binding: exit $rc: $(grep -m1 -i fail "$tmp/unbound.err")"

# Interrupted mid-sweep: the children go with it, and what was done is kept.
"$bin" run --kernels copy --threads 1,2 --schedules static --min-time 0.05 \
    --wait-policy active,passive --out "$tmp/int" 2>/dev/null &
pid=$!
# Interrupted once a visit is journaled (within 30 s, however loaded the
# machine), so there is something to keep.
for _ in $(seq 300); do
    lines=$(grep -c . "$tmp/int/runs.csv" 2>/dev/null)
    [ "${lines:-0}" -gt 1 ] && break
    sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || bad "interrupted environment sweep: exit $rc, want 130"
sleep 0.2
pgrep -f "ompscale child" >/dev/null && pgrep -af "ompscale child" | grep -q "$tmp" \
    && bad "a child outlived its interrupted parent"
[ "$(grep -c . "$tmp/int/runs.csv")" -gt 1 ] || bad "the interrupted sweep kept nothing"

[ "$fail" -eq 0 ] && echo "environment axes: all checks passed"
exit "$fail"
