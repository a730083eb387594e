#!/usr/bin/env bash
# The installed package, from outside: `cmake --install` into an empty
# prefix, then, with the source and build trees out of reach (as root, a
# mount namespace lays an empty tmpfs over each), both examples are built
# with find_package(ompscale) and with pkg-config, listed, run through
# `run --load`, fitted, drawn with the installed plot stage onto a page,
# compared against their other build, and gated by the installed
# perf-check.sh.  Exit 77 (skipped) without root, cmake or
# gnuplot.
# Usage: install.sh BUILD_DIR SOURCE_DIR
set -u
build=$(realpath "$1")
src=$(realpath "$2")
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v gnuplot >/dev/null; then
    echo "skipped: needs root (a mount namespace), unshare and gnuplot"
    exit 77
fi
tmp=$(mktemp -d /tmp/ompscale-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
    { echo "FAIL: cmake --install: $(tail -3 "$tmp/install.log")"; exit 1; }
cp -r "$src/examples" "$tmp/examples"

# What runs with the trees hidden: everything from here on sees only the
# prefix and the copied examples.
cat >"$tmp/outside.sh" <<'INSIDE'
set -u
prefix=$1 tmp=$2
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
export PATH=$prefix/bin:$PATH
for ex in jacobi histogram; do
    d=$tmp/examples/$ex
    cmake -S "$d" -B "$d/build" -DCMAKE_PREFIX_PATH="$prefix" >"$d/cmake.log" 2>&1 &&
        cmake --build "$d/build" >>"$d/cmake.log" 2>&1 ||
        { bad "$ex: the CMake build: $(grep -m3 -i error "$d/cmake.log")"; continue; }
    [ -f "$d/build/$ex.so" ] || bad "$ex: ompscale_add_kernels made no $ex.so"
    PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    export PKG_CONFIG_PATH
    cc -shared -fPIC $(pkg-config --cflags ompscale) "$d/$ex.c" -o "$d/$ex-pc.so" \
        $(pkg-config --libs ompscale) 2>"$d/pc.log" || bad "$ex: the pkg-config build: $(head -3 "$d/pc.log")"
    ompscale list --load "$d/build/$ex.so" | grep -q "^$ex .*loaded from" || bad "$ex: not listed"
    ompscale run --load "$d/build/$ex.so" --threads 1,2 --quick --out "$d/run" >/dev/null 2>"$d/run.err" ||
        bad "$ex: run: $(tail -2 "$d/run.err")"
    ompscale run --load "$d/$ex-pc.so" --threads 1,2 --quick --out "$d/run-pc" >/dev/null 2>&1 ||
        bad "$ex: the pkg-config plugin's run"
    bash "$prefix/share/ompscale/plots/plot.sh" "$d/run" >"$d/plot.log" 2>&1 ||
        bad "$ex: the installed plot stage: $(tail -2 "$d/plot.log")"
    grep -q "speedup-$ex.png" "$d/run/index.html" 2>/dev/null || bad "$ex: the page shows no speedup picture"
    [ -s "$d/run/speedup-$ex.png" ] || bad "$ex: no speedup-$ex.png"
    ompscale compare "$d/run" "$d/run-pc" --report "$d/gate" >/dev/null 2>"$d/gate.err"
    rc=$?
    [ "$rc" -le 3 ] && grep -q "^$ex," "$d/gate/compare.csv" || bad "$ex: the gate: exit $rc: $(tail -1 "$d/gate.err")"
done
# The installed PR gate, the jacobi plugin against its own other build:
# never a bad-input exit (2), and passes or stays undecided in its budget.
d=$tmp/examples/jacobi
OUT=$tmp/gate bash "$prefix/share/ompscale/tools/perf-check.sh" --budget 20s \
    --new-binary "$prefix/bin/ompscale" --base-load "$d/build/jacobi.so" \
    --new-load "$d/jacobi-pc.so" --base-binary "$prefix/bin/ompscale" >"$tmp/gate.log" 2>&1
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || bad "the installed perf-check.sh: exit $rc: $(tail -3 "$tmp/gate.log")"
[ -r "$prefix/share/man/man1/ompscale.1" ] || bad "no manual page"
[ -r "$prefix/share/doc/ompscale/kernel-api.md" ] || bad "no kernel-api.md"
exit "$fail"
INSIDE

# Hide the trees: an empty tmpfs over each, in a namespace of this test's own.
unshare --mount --propagation private bash -c '
    mount -t tmpfs none "$1" && mount -t tmpfs none "$2" 2>/dev/null
    [ -z "$(ls -A "$1")" ] || { echo "FAIL: the source tree is still in reach"; exit 1; }
    bash "$3/outside.sh" "$4" "$3"' _ "$src" "$build" "$tmp" "$prefix"
rc=$?
[ "$rc" -eq 0 ] && echo "install: both examples built, run, drawn and gated from the prefix alone"
exit $((rc == 0 ? 0 : 1))
