#!/usr/bin/env bash
# Nothing false: verdicts over nothing, damaged files and the messages
# about them.  fleet and compare refuse the same run twice (exit 2); a
# fleet whose node had nothing decided against the others is exit 3, never
# 0, and so is a compare with nothing in common; a journal whose last line
# a power cut left half-written is read (complete rows only, a warning) by
# summarize, compare and history add; a NUL byte in a CSV field, a wrong
# JSON type in machine.json are one line naming the file and exit 2; a
# refused history add creates no store; messages name the file and reason.
# Usage: damaged.sh OMPSCALE
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# expect CODE WORD ARGS...: ompscale ARGS exits CODE and its stderr holds WORD.
expect() {
    local code=$1 word=$2
    shift 2
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq "$code" ] && { [ -z "$word" ] || grep -qF -- "$word" "$tmp/err"; }; then
        ok
    else
        bad "ompscale $* -> exit $rc (want $code, '$word'): $(head -c 400 "$tmp/err")"
    fi
}

quick=(run --quick --kernels midpoint,counter_atomic --threads 1,2 --repetitions 3)
"$bin" "${quick[@]}" --out "$tmp/a" 2>/dev/null || { echo "FAIL: run a"; exit 1; }
"$bin" "${quick[@]}" --out "$tmp/b" 2>/dev/null || { echo "FAIL: run b"; exit 1; }
"$bin" run --quick --kernels copy --threads 1,2 --repetitions 3 --out "$tmp/other" 2>/dev/null ||
    { echo "FAIL: run other"; exit 1; }

# 1. Verdicts over nothing.
expect 2 "same run" fleet "$tmp/a" "$tmp/a" --report "$tmp/fr"
cp -r "$tmp/a" "$tmp/acopy"
expect 2 "same run" fleet "$tmp/a" "$tmp/acopy" --report "$tmp/fr"
expect 2 "same run" compare "$tmp/a" "$tmp/acopy"
expect 2 "same run" compare "$tmp/a" "$tmp/a/."
expect 3 "not judged" fleet "$tmp/a" "$tmp/other" --report "$tmp/fr"
grep -q "not judged: none of its" "$tmp/out" || bad "fleet of two plans: no node line says why"
grep -q "in line" "$tmp/out" && bad "fleet of two plans says a node is in line"
expect 3 "" compare "$tmp/a" "$tmp/other"
grep -q "nothing in common" "$tmp/out" || bad "compare of two plans: $(tail -1 "$tmp/out")"
# A fleet of nodes whose rounds are each one value (node 2 0.1% slower),
# 12 rounds a configuration: every configuration is shown unchanged, so
# each node is judged and in line (exit 0).
for n in 1 2; do
    mkdir -p "$tmp/flat$n"
    cp "$tmp/a/machine.json" "$tmp/flat$n/"
    awk -F, -v n="$n" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "seconds") s = i
                                                             if ($i == "round") r = i }
                                 print; next }
         { $s = sprintf("%.6f", 0.01 + n * 1e-5); base = $r
           for (k = 0; k < 4; k++) { $r = base + 100 * k; print } }' OFS=, \
        "$tmp/a/runs.csv" >"$tmp/flat$n/runs.csv"
done
expect 0 "" fleet "$tmp/flat1" "$tmp/flat2" --report "$tmp/fr"
[ "$(grep -c "in line with the other nodes" "$tmp/out")" -eq 2 ] || bad "flat fleet: $(cat "$tmp/out")"

# 4. A power cut: the journal's last line half-written.
cp -r "$tmp/b" "$tmp/cut"
head -c -9 "$tmp/b/runs.csv" >"$tmp/cut/runs.csv"
rows=$(($(wc -l <"$tmp/b/runs.csv") - 2))
expect 0 "last line is cut short" summarize "$tmp/cut"
grep -qF "reading the $rows whole rows" "$tmp/err" || bad "cut journal: $(cat "$tmp/err")"
expect 0 "last line is cut short" history add "$tmp/cut" --db "$tmp/cut.sqlite"
"$bin" compare "$tmp/a" "$tmp/cut" >/dev/null 2>"$tmp/err"
rc=$?
{ [ "$rc" -ne 2 ] && grep -q "last line is cut short" "$tmp/err"; } || bad "compare of a cut journal: exit $rc"

# 5. Damaged files read as data.
cp -r "$tmp/b" "$tmp/nul"
perl -pe 's/,/,\0/ if $. == 3' "$tmp/b/runs.csv" >"$tmp/nul/runs.csv"
expect 2 "runs.csv:3: a NUL byte" summarize "$tmp/nul"
expect 2 "a NUL byte" history add "$tmp/nul" --db "$tmp/nul.sqlite"
[ -e "$tmp/nul.sqlite" ] && bad "a refused history add created its store"
cp -r "$tmp/b" "$tmp/types"
sed -i 's/"physical_cores": [0-9]*/"physical_cores": "two"/' "$tmp/types/machine.json"
expect 2 '"physical_cores" is "two"' history add "$tmp/types" --db "$tmp/types.sqlite"
[ -e "$tmp/types.sqlite" ] && bad "a history add refused for machine.json created its store"
expect 2 '"physical_cores" is "two"' compare "$tmp/a" "$tmp/types"
cp -r "$tmp/b" "$tmp/seed"
sed -i 's/"seed": [0-9]*/"seed": "x"/; s/"state": "complete"/"state": "interrupted"/' \
    "$tmp/seed/machine.json"
expect 2 '"seed" is "x"' run --resume "$tmp/seed"
expect 2 '"seed" is "x"' history add "$tmp/seed" --db "$tmp/seed.sqlite" --allow-interrupted
[ -e "$tmp/seed.sqlite" ] && bad "a refused history add created its store"
expect 2 "No such file" history add "$tmp/none" --db "$tmp/none.sqlite"
[ -e "$tmp/none.sqlite" ] && bad "history add of a missing directory created its store"

# 6. Messages that name the file and the reason.
expect 2 "is a directory" history add "$tmp/b" --db "$tmp"
expect 2 "names no file" export "$tmp/b" --format bencher --out ''
"$bin" fit "$tmp/b" >/dev/null 2>&1
chmod a-w "$tmp/b"
if [ "$(id -u)" -ne 0 ]; then
    expect 2 "index.html: Permission denied" page "$tmp/b"
fi
chmod u+w "$tmp/b"
"$bin" fit "$tmp/b" 2>"$tmp/err" >/dev/null
grep -q "'-'" "$tmp/err" && bad "fit names a data folder it was not given"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
