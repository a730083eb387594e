#!/usr/bin/env bash
# ompscale history and export end to end, on one small real run and copies
# of it made slower or noisier on purpose (runs.csv's seconds rewritten,
# summary.csv rebuilt, machine.json's date and commit moved on): a run added
# twice is recognised; an interrupted run, a damaged or foreign store are
# refused and the store left untouched; two adds at once both land; a flat
# history passes, one made slower at its newest run fails naming the
# configuration and commit, one too short is undecided; changes.csv, the
# pictures, the page's link and the exports are written.
#
# Usage: history.sh OMPSCALE
set -u
bin=${1:?usage: history.sh OMPSCALE}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$bin" run --quick --kernels midpoint --threads 1,2 --schedules static --repetitions 3 \
    --out "$tmp/base" >/dev/null 2>&1 || { echo "FAIL: the base run"; exit 1; }

# variant N FACTOR1 [SEED]: run N, a copy of the base whose one-thread rows
# take FACTOR1 times as long, every row with 1% noise, at a later date and
# its own commit.
variant() {
    local n=$1 factor=$2 d=$tmp/r$1
    cp -r "$tmp/base" "$d"
    rm -f "$d/fit.csv"
    awk -F, -v OFS=, -v f="$factor" -v seed="$n" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; srand(seed); print; next }
        { g = sqrt(-2 * log(rand())) * cos(6.2831853 * rand())
          scale = $col["threads"] == 1 ? f : 1
          $col["seconds"] = sprintf("%.9g", $col["seconds"] * exp(0.01 * g) * scale); print }' \
        "$tmp/base/runs.csv" >"$d/runs.csv"
    sed -i -e "s/\"date\": \"[^\"]*\"/\"date\": \"2026-11-0${n}T00:00:00Z\"/" \
        -e "s/\"git_commit\": \"[^\"]*\"/\"git_commit\": \"c0mmit${n}\"/" \
        -e "s/\"git_commit_time\": \"[^\"]*\"/\"git_commit_time\": \"2026-11-0${n}T00:00:00+00:00\"/" \
        "$d/machine.json"
    "$bin" summarize "$d" >/dev/null || no "summarize r$n"
}
for n in 1 2 3 4 5 6; do variant "$n" 1; done
variant 7 1.3

# Added once, recognised after, also from a copy under another name.
db=$tmp/h.sqlite
"$bin" history add "$tmp/base" --db "$db" >"$tmp/out" 2>&1 || no "add: $(cat "$tmp/out")"
grep -q "added to $db as run 1" "$tmp/out" || no "add said: $(cat "$tmp/out")"
cp -r "$tmp/base" "$tmp/copy"
"$bin" history add "$tmp/copy" --db "$db" >"$tmp/out" 2>&1 || no "re-add exit"
grep -q "already in $db as run 1" "$tmp/out" || no "re-add said: $(cat "$tmp/out")"
"$bin" history check --db "$db" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] || no "one run: exit $rc, want 3 (too short)"
grep -q "too short to decide" "$tmp/err" || no "no reason for exit 3: $(cat "$tmp/err")"

# An interrupted run is refused unless asked for.
cp -r "$tmp/base" "$tmp/cut"
sed -i 's/"state": "complete"/"state": "interrupted"/' "$tmp/cut/machine.json"
"$bin" history add "$tmp/cut" --db "$tmp/cut.sqlite" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "interrupted, not complete" "$tmp/err" || no "interrupted: exit $rc"
"$bin" history add "$tmp/cut" --db "$tmp/cut.sqlite" --allow-interrupted >/dev/null 2>&1 ||
    no "--allow-interrupted refused"

# A damaged or foreign file is one line, exit 2, and stays as it was.
printf 'my notes, not a database\n%.0s' {1..50} >"$tmp/bad.sqlite"
cp "$tmp/bad.sqlite" "$tmp/bad.orig"
for cmd in "history add $tmp/base" "history check" "history plot --out $tmp/nowhere"; do
    # shellcheck disable=SC2086
    "$bin" $cmd --db "$tmp/bad.sqlite" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] || no "$cmd on a damaged file: exit $rc"
done
cmp -s "$tmp/bad.sqlite" "$tmp/bad.orig" || no "the damaged file was changed"
"$bin" history check --db "$tmp/none.sqlite" >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -e "$tmp/none.sqlite" ] || no "check made or accepted a missing store"

# Two adds at once into a new store both land.
"$bin" history add "$tmp/r1" "$tmp/r2" "$tmp/r3" --db "$tmp/flat.sqlite" >"$tmp/a1" 2>&1 &
a=$!
"$bin" history add "$tmp/r4" "$tmp/r5" "$tmp/r6" --db "$tmp/flat.sqlite" >"$tmp/a2" 2>&1 &
b=$!
wait "$a" || no "concurrent add 1: $(cat "$tmp/a1")"
wait "$b" || no "concurrent add 2: $(cat "$tmp/a2")"
[ "$(cat "$tmp/a1" "$tmp/a2" | grep -c 'added to')" -eq 6 ] || no "not all six runs landed"

# Flat: no change for the worse.  Slower at the newest run: exit 1 naming it.
"$bin" history check --db "$tmp/flat.sqlite" --report "$tmp/flatrep" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || no "flat history: exit $rc: $(cat "$tmp/out" "$tmp/err")"
[ -s "$tmp/flatrep/changes.csv" ] || no "no changes.csv"
cp "$tmp/flat.sqlite" "$tmp/slow.sqlite"
"$bin" history add "$tmp/r7" --db "$tmp/slow.sqlite" >/dev/null 2>&1 || no "add r7"
"$bin" history check --db "$tmp/slow.sqlite" --report "$tmp/rep" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || no "slower newest run: exit $rc, want 1: $(cat "$tmp/out" "$tmp/err")"
grep -q "^regression: midpoint/n:[0-9]*/threads:1/schedule:static:0 seconds, first at commit c0mmit7 (run 7 of 7" \
    "$tmp/out" || no "the regression is not named: $(cat "$tmp/out")"
grep -q "threads:2.* seconds" "$tmp/out" && no "the unchanged 2-thread time was named"
grep -q ',seconds,midpoint/n:[0-9]*/threads:1/.*,c0mmit7,.*,worse,1,[0-9.e-]*$' "$tmp/rep/changes.csv" ||
    no "changes.csv lacks the change: $(cat "$tmp/rep/changes.csv")"
"$bin" history check --db "$tmp/slow.sqlite" --alpha 2 >/dev/null 2>&1
[ $? -eq 2 ] || no "--alpha 2 accepted"

# The pictures and page, and the run page's link to them.
if command -v gnuplot >/dev/null 2>&1; then
    "$bin" history plot --db "$tmp/slow.sqlite" --out "$tmp/plot" >/dev/null 2>"$tmp/err" ||
        no "plot: $(cat "$tmp/err")"
    [ -s "$tmp/plot/trend-1-midpoint.png" ] || no "no trend picture"
    grep -q "worse" "$tmp/plot/index.html" || no "the page lists no change"
    "$bin" page "$tmp/r7" --history "$tmp/plot/index.html" || no "page --history"
    grep -q "History of these runs.*1 change for the worse" "$tmp/r7/index.html" ||
        no "the run page does not link the history"
else
    echo "skip: gnuplot not installed, no pictures drawn"
fi

# Exports: each format, and a bad one leaves no file.
for format in bencher github-action-benchmark otava; do
    "$bin" export "$tmp/base" --format "$format" --out "$tmp/export.$format" 2>"$tmp/err" ||
        no "export $format: $(cat "$tmp/err")"
    [ -s "$tmp/export.$format" ] || no "export $format wrote nothing"
done
"$bin" export "$tmp/base" --format junit --out "$tmp/export.junit" 2>/dev/null
[ $? -eq 2 ] && [ ! -e "$tmp/export.junit" ] || no "a bad --format left a file or passed"

[ "$fail" -eq 0 ] && echo "ok: history add, check, plot and export"
exit "$fail"
