#!/usr/bin/env bash
# The run directory as a journal: one writer at a time, resume refusals,
# summarize rebuilding summary.csv from runs.csv alone, a power cut's half
# line, and a second Ctrl-C.
# Usage: journal.sh OMPSCALE TEST_RUNDIR
set -u
. "$(dirname "$0")/../tools/csv.sh"
bin=$1 rundir_check=$2
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
quick=(--quick --kernels copy,midpoint --threads 1,2 --seed 5)

# expect_refused WORD ARGS...: exit 2 and one stderr line naming WORD.
expect_refused() {
    local word=$1
    shift
    "$bin" "$@" >/dev/null 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$word" "$tmp/err"; then
        ok
    else
        bad "$* -> rc=$rc: $(cat "$tmp/err")"
    fi
}

# One writer: a second run on a directory in use is refused, naming the
# process; the first run's results are whole.
"$bin" run "${quick[@]}" --repetitions 40 --out "$tmp/busy" 2>/dev/null &
first=$!
for _ in $(seq 1 100); do [ -f "$tmp/busy/machine.json" ] && break; sleep 0.05; done
expect_refused "process $first" run "${quick[@]}" --out "$tmp/busy"
expect_refused "process $first" run --resume "$tmp/busy"
wait $first || bad "the first run failed"
"$rundir_check" "$tmp/busy" >/dev/null 2>&1 && ok || bad "the first run's files"

# summarize rebuilds exactly the summary the run wrote.
cp "$tmp/busy/summary.csv" "$tmp/summary.before"
rm "$tmp/busy/summary.csv"
"$bin" summarize "$tmp/busy" && cmp -s "$tmp/summary.before" "$tmp/busy/summary.csv" && ok \
    || bad "summarize did not rebuild the same summary.csv"
expect_refused "runs.csv" summarize "$tmp/nothing"

# Resume refusals: a complete run, a directory that is not a run, other
# options, a dry run, another build or machine (unless --force).
expect_refused "complete" run --resume "$tmp/busy"
mkdir -p "$tmp/empty"
expect_refused "not an ompscale run" run --resume "$tmp/empty"
expect_refused "--force" run --resume "$tmp/busy" --threads 2
expect_refused "--dry-run" run --resume "$tmp/busy" --dry-run
"$bin" run "${quick[@]}" --out "$tmp/cut" 2>/dev/null
sed -i 's/"state": "complete"/"state": "running"/' "$tmp/cut/machine.json"
cp "$tmp/cut/machine.json" "$tmp/machine.keep"
sed -i 's/"host": "[^"]*"/"host": "elsewhere"/' "$tmp/cut/machine.json"
expect_refused "another host" run --resume "$tmp/cut"
"$bin" run --resume "$tmp/cut" --force 2>/dev/null && ok || bad "--force did not resume"
cp "$tmp/machine.keep" "$tmp/cut/machine.json"
sed -i 's/"ompscale_version": "[^"]*"/"ompscale_version": "0.0.0"/' "$tmp/cut/machine.json"
expect_refused "ompscale_version" run --resume "$tmp/cut" --force

# A resumed run still fails on a journaled repetition that did not verify,
# and --resume=DIR is --resume DIR.
cp "$tmp/machine.keep" "$tmp/cut/machine.json"
cp -r "$tmp/cut" "$tmp/failed"
csv_run 'FNR == 1 { csv_header($0, c); verified = csv_need(c, "verified") }
         FNR != 2 { print; next }
         { n = csv_split($0, f); f[verified] = 0; line = csv_field(f[1])
           for (i = 2; i <= n; i++) line = line "," csv_field(f[i])
           print line }' "$tmp/cut/runs.csv" >"$tmp/failed/runs.csv"
"$bin" run --resume="$tmp/failed" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "verification failed" "$tmp/err" && ok \
    || bad "resume over a failed repetition: rc=$rc $(cat "$tmp/err")"

# A power cut leaves half a line: resume cuts it off, keeps every whole
# row, and finishes.
cp "$tmp/machine.keep" "$tmp/cut/machine.json"
rows=$(wc -l <"$tmp/cut/runs.csv")
cp "$tmp/cut/runs.csv" "$tmp/whole.csv"
printf 'copy,,1048576,2,sta' >>"$tmp/cut/runs.csv"
if "$bin" run --resume "$tmp/cut" 2>/dev/null && [ -z "$(tail -c 1 "$tmp/cut/runs.csv")" ] \
    && ! grep -q ',sta$' "$tmp/cut/runs.csv" \
    && head -n "$rows" "$tmp/cut/runs.csv" | cmp -s - "$tmp/whole.csv" \
    && "$rundir_check" "$tmp/cut" >/dev/null 2>&1; then
    ok
else
    bad "resume after a half-written line"
fi

# Ctrl-C while the run is still planning: exit 130 with an interrupted,
# empty journal that --resume finishes.
"$bin" run "${quick[@]}" --out "$tmp/early" 2>/dev/null &
early=$!
sleep 0.005
kill -INT $early
wait $early
rc=$?
# A Ctrl-C before main installed its handler kills the process silently,
# before it made anything but the directory and its lock.
if { [ "$rc" -eq 130 ] && grep -q '"state": "interrupted"' "$tmp/early/machine.json" \
     && "$bin" run --resume "$tmp/early" 2>/dev/null; } || [ "$rc" -eq 0 ] \
   || { [ "$rc" -eq 130 ] && [ -z "$(ls "$tmp/early" 2>/dev/null)" ]; }; then
    ok
else
    bad "an early Ctrl-C: rc=$rc"
fi

# A runs.csv with other columns (another version's) is not appended to.
"$bin" run "${quick[@]}" --out "$tmp/oldcols" 2>/dev/null
sed -i 's/"state": "complete"/"state": "running"/' "$tmp/oldcols/machine.json"
sed -i '1s/,[a-z_]*$//' "$tmp/oldcols/runs.csv"
cp "$tmp/oldcols/runs.csv" "$tmp/oldcols.before"
expect_refused "other columns" run --resume "$tmp/oldcols"
cmp -s "$tmp/oldcols/runs.csv" "$tmp/oldcols.before" && ok || bad "a refused resume changed runs.csv"

# Killed between taking the lock and writing machine.json: --resume says
# there is no run, and a plain run there starts one.
mkdir -p "$tmp/unstarted" && : >"$tmp/unstarted/.ompscale.lock"
: >"$tmp/unstarted/.machine.json.tmp-1"
expect_refused "holds no run" run --resume "$tmp/unstarted"
"$bin" run "${quick[@]}" --out "$tmp/unstarted" 2>/dev/null \
    && [ -z "$(ls -A "$tmp/unstarted" | grep tmp)" ] && ok || bad "a run where none had started"

# Killed between machine.json and runs.csv's header: --resume starts the
# journal afresh and finishes every configuration.
csv_rows '{ print key() }' "$tmp/unstarted/summary.csv" >"$tmp/keys.want"
sed -i 's/"state": "complete"/"state": "running"/' "$tmp/unstarted/machine.json"
rm "$tmp/unstarted/runs.csv"
if "$bin" run --resume "$tmp/unstarted" 2>/dev/null \
    && csv_rows '{ print key() }' "$tmp/unstarted/summary.csv" | cmp -s - "$tmp/keys.want" \
    && "$rundir_check" "$tmp/unstarted" >/dev/null 2>&1; then
    ok
else
    bad "resume without runs.csv"
fi

# summarize flags a 2-thread configuration whose rounds were probed on two
# placements (about 70 ns and 400 ns here), and only that one.
mkdir -p "$tmp/modes"
{
    echo "kernel,params,n,threads,schedule,chunk,repetition,seconds,verified,oversubscribed,round,probe_ns"
    for r in 0 1 2 3 4 5; do
        probe=$([ "$r" -lt 3 ] && echo 410.5 || echo 72.0)
        echo "copy,,4096,1,static,0,$r,0.002,1,0,$r,$probe"
        echo "copy,,4096,2,static,0,$r,0.001,1,0,$r,$probe"
        echo "midpoint,,4096,2,static,0,$r,0.001,1,0,$r,$([ "$r" -lt 3 ] && echo 80 || echo 95)"
    done
} >"$tmp/modes/runs.csv"
"$bin" summarize "$tmp/modes" 2>/dev/null
modes=$(csv_rows '{ printf "%s/%s=%s ", v("kernel"), v("threads"), v("placement_modes") }' \
    "$tmp/modes/summary.csv")
[ "$modes" = "copy/1= copy/2=2 midpoint/2=1 " ] && ok || bad "placement modes: $modes"

# A new run replaces an earlier run's files, fit.csv included.
echo stale >"$tmp/cut/fit.csv"
"$bin" run "${quick[@]}" --out "$tmp/cut" 2>/dev/null
[ ! -e "$tmp/cut/fit.csv" ] && ok || bad "a new run kept the earlier fit.csv"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
