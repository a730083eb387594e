#!/usr/bin/env bash
# Kernels loaded at run time (<ompscale/kernel.h>, `run --load`): a good
# plugin is listed with where it came from, runs, is verified, recorded in
# machine.json with its hash, and read back by fit and compare; a plugin
# that fails its own verification is exit 1; one that crashes in an
# environment child costs that configuration only; a resumed run refuses a
# rebuilt plugin; and every bad plugin is one line and exit 2 with no run
# directory made.  The plugins are built here from tests/plugin/triad.c.
# Usage: plugins.sh OMPSCALE SOURCE_DIR
set -u
bin=$(realpath "$1")
src=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
cc=${CC:-cc}

# plugin NAME [FLAGS...]: tmp/NAME.so from the test kernel.
plugin() {
    local name=$1
    shift
    "$cc" -shared -fPIC -fopenmp -O1 -I"$src/include" "$@" "$src/tests/plugin/triad.c" \
        -o "$tmp/$name.so" || { echo "FAIL: cannot build the test plugin $name"; exit 1; }
}

plugin good
"$bin" list --load "$tmp/good.so" >"$tmp/list" 2>&1 || bad "list --load: $(tail -1 "$tmp/list")"
grep -q "^triad .*loaded from $tmp/good.so" "$tmp/list" || bad "list does not show triad loaded from good.so"
grep -q '^copy ' "$tmp/list" || bad "list --load lost the built-in kernels"

# A sweep of the loaded kernel alone (the default with plugins).
"$bin" run --load "$tmp/good.so" --threads 1,2 --quick --out "$tmp/run" >/dev/null 2>"$tmp/run.err"
rc=$?
[ "$rc" -eq 0 ] || bad "run --load: exit $rc: $(tail -2 "$tmp/run.err")"
cut -d, -f1 "$tmp/run/runs.csv" | sort -u | grep -vx kernel >"$tmp/kernels"
[ "$(cat "$tmp/kernels")" = triad ] || bad "the run's kernels are $(tr '\n' ' ' <"$tmp/kernels"), not triad alone"
python3 - "$tmp/run/machine.json" "$tmp/good.so" <<'PY' || bad "machine.json does not record the plugin"
import json, sys
p = json.load(open(sys.argv[1]))["plugins"]
assert len(p) == 1 and p[0]["path"] == sys.argv[2] and p[0]["kernels"] == ["triad"], p
assert len(p[0]["hash"]) == 16 and p[0]["hash"] != "0" * 16, p
PY
# Downstream: the fit and the gate load it again from machine.json.
"$bin" fit "$tmp/run" >/dev/null 2>"$tmp/fit.err" || bad "fit of a plugin's run: $(tail -1 "$tmp/fit.err")"
grep -q '^triad,' "$tmp/run/fit.csv" || bad "fit.csv has no triad row"
"$bin" run --load "$tmp/good.so" --threads 1,2 --quick --out "$tmp/run2" >/dev/null 2>&1
"$bin" compare "$tmp/run" "$tmp/run2" --report "$tmp/cmp" >/dev/null 2>"$tmp/cmp.err"
rc=$?
[ "$rc" -le 3 ] && grep -q '^triad,' "$tmp/cmp/compare.csv" || bad "compare of two plugin runs: exit $rc: $(tail -1 "$tmp/cmp.err")"

# Its own verification failing is the loud exit 1.
plugin wrong -DWRONG
"$bin" run --load "$tmp/wrong.so" --threads 1 --quick --out "$tmp/wrong" >/dev/null 2>"$tmp/wrong.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "verification failed: triad" "$tmp/wrong.err" ||
    bad "a plugin failing its verification: exit $rc: $(tail -1 "$tmp/wrong.err")"

# A crash in one environment's child: that configuration could not run,
# the rest is kept.
plugin crash -DCRASH_ON='"spread"'
OMPSCALE_CHILD_TIMEOUT=30 "$bin" run --load "$tmp/crash.so" --threads 1 --schedules static \
    --bind close,spread --quick --out "$tmp/crash" >/dev/null 2>"$tmp/crash.err"
rc=$?
[ "$rc" -eq 2 ] || bad "a plugin crashing in one child: exit $rc"
grep -q ',close,' "$tmp/crash/runs.csv" || bad "the close child's rows were not kept"
grep -q ',spread,' "$tmp/crash/runs.csv" && bad "the crashing child has rows"

# --resume with a rebuilt plugin is refused in one line.
plugin slow -DKNAME='"triad"'
cp "$tmp/slow.so" "$tmp/mine.so"
"$bin" run --load "$tmp/mine.so" --threads 1,2 --budget none --precision 0.01 --out "$tmp/res" \
    >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
    [ "$({ wc -l <"$tmp/res/runs.csv"; } 2>/dev/null || echo 0)" -gt 2 ] && break
    sleep 0.1
done
kill -INT "$pid"
wait "$pid"
plugin other -DSCALE=5.0
cp "$tmp/other.so" "$tmp/mine.so"
"$bin" run --resume "$tmp/res" >/dev/null 2>"$tmp/res.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "plugins" "$tmp/res.err" && [ "$(wc -l <"$tmp/res.err")" -eq 1 ] ||
    bad "resume with a rebuilt plugin: exit $rc: $(cat "$tmp/res.err")"

# Bad plugins: one line naming the problem, exit 2, no run directory.
echo "not an ELF file" >"$tmp/text.so"
plugin noentry -DNO_ENTRY
plugin newer -DABI=2
plugin older -DABI=0
plugin clash -DKNAME='"copy"'
plugin twin -DKNAME='"triad"'
plugin noverify -DNO_VERIFY
plugin norun -DNO_RUN
plugin negative -DNEG_FOOTPRINT
plugin unit -DBAD_UNIT
plugin badname -DKNAME='"tri ad"'
plugin twice -DTWICE
while IFS='|' read -r what want; do
    set -- $what
    rm -rf "$tmp/none"
    "$bin" run "$@" --quick --out "$tmp/none" >/dev/null 2>"$tmp/bad.err"
    rc=$?
    [ "$rc" -eq 2 ] || bad "$what: exit $rc, not 2"
    grep -q -- "$want" "$tmp/bad.err" || bad "$what: no '$want' in: $(cat "$tmp/bad.err")"
    [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] || bad "$what: more than one line: $(cat "$tmp/bad.err")"
    [ -e "$tmp/none" ] && bad "$what: made the run directory"
done <<EOF2
--load $tmp/text.so|is not a plugin ompscale can open
--load $tmp/missing.so|No such file
--load $tmp/noentry.so|has no omps_plugin_kernels
--load $tmp/newer.so|built for kernel ABI 2 and this ompscale speaks 1
--load $tmp/older.so|built for kernel ABI 0 and this ompscale speaks 1
--load $tmp/clash.so|kernel 'copy', which ompscale's built-in kernels already has
--load $tmp/good.so --load $tmp/twin.so|kernel 'triad', which $tmp/good.so already has
--load $tmp/noverify.so|without a verify function
--load $tmp/norun.so|without a run function
--load $tmp/negative.so|footprint of -1 bytes
--load $tmp/unit.so|with unit 99
--load $tmp/badname.so|'tri ad' that is not 1 to 48 letters
--load $tmp/twice.so|kernel 'triad' twice
EOF2

[ "$fail" -eq 0 ] && echo "plugins: loaded, run, verified, recorded, read back; bad ones refused"
[ "$fail" -eq 0 ]
