#!/usr/bin/env bash
# machine.json's "system": the machine's state read from /proc and /sys
# (here an imitation under OMPSCALE_SYSTEM_ROOT), null where it says
# nothing, and each setting known to add noise named on stderr once, at the
# start of the sweep, with what to change.
#
# Usage: system.sh OMPSCALE
set -u
bin=${1:?usage: system.sh OMPSCALE}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# imitate ROOT FILE VALUE...: writes VALUE into ROOT/FILE.
imitate() {
    local root=$1
    shift
    while [ $# -ge 2 ]; do
        mkdir -p "$(dirname "$root$1")"
        printf '%s\n' "$2" >"$root$1"
        shift 2
    done
}
cpufreq=/sys/devices/system/cpu/cpu0/cpufreq
imitate "$tmp/noisy" $cpufreq/scaling_governor powersave $cpufreq/scaling_min_freq 800000 \
    $cpufreq/scaling_max_freq 3500000 /sys/devices/system/cpu/intel_pstate/no_turbo 0 \
    /sys/kernel/mm/transparent_hugepage/enabled "[always] madvise never" \
    /proc/sys/kernel/numa_balancing 1 /proc/sys/kernel/randomize_va_space 2 \
    /sys/devices/system/cpu/smt/active 1 /proc/sys/kernel/osrelease 6.1.0-test \
    /proc/cpuinfo "flags		: fpu sse2 hypervisor avx" /sys/class/dmi/id/sys_vendor QEMU \
    /proc/loadavg "3.50 2.00 1.00 3/200 1234"
imitate "$tmp/quiet" $cpufreq/scaling_governor performance \
    /sys/devices/system/cpu/intel_pstate/no_turbo 1 /proc/sys/kernel/numa_balancing 0 \
    /proc/cpuinfo "flags		: fpu sse2 avx" /proc/loadavg "0.00 0.00 0.00 1/100 1"
mkdir -p "$tmp/silent"

# sweep NAME: a one-configuration run under the imitation NAME.
sweep() {
    OMPSCALE_SYSTEM_ROOT=$tmp/$1 "$bin" run --quick --kernels midpoint --threads 1 \
        --out "$tmp/run-$1" 2>"$tmp/$1.err" >/dev/null || bad "$1: the run failed"
}
# field NAME KEY: machine.json's system.KEY as it is written there (one
# "key": value line each; "[]" for an empty array), or "missing".
field() {
    awk -v key="\"$2\":" '/^  "system": \{/ { on = 1; next }
        on && /^  \}/ { exit }
        on && $1 == key { sub(/^ *"[^"]*": */, ""); sub(/,$/, ""); print; found = 1; exit }
        END { if (!found) print "missing" }' "$tmp/run-$1/machine.json" 2>/dev/null
}
# findings NAME: how many lines system.noise holds.
findings() {
    awk '/^    "noise": \[\]/ { print 0; exit }
         /^    "noise": \[/ { on = 1; next }
         on && /^    \]/ { print n; exit }
         on { n++ }' "$tmp/run-$1/machine.json"
}
# expect NAME KEY VALUE
expect() {
    local got
    got=$(field "$1" "$2")
    [ "$got" = "$3" ] || bad "$1: system.$2 is $got, not $3"
}

sweep noisy
for kv in 'cpu_governor "powersave"' 'cpu_min_mhz 800' 'cpu_max_mhz 3500' 'turbo true' \
    'transparent_hugepages "always"' 'numa_balancing true' 'aslr 2' 'smt true' \
    'kernel "6.1.0-test"' 'hypervisor "QEMU"' 'load_average_1m 3.5'; do
    expect noisy ${kv%% *} "${kv#* }"
done
for word in "governor is powersave" "turbo boost is on" "NUMA balancing is on" \
    "transparent huge pages are 'always'" "load average was 3.50 over" "hypervisor (QEMU)"; do
    [ "$(grep -c "^ompscale: noise: .*$word" "$tmp/noisy.err")" -eq 1 ] ||
        bad "noisy: stderr does not name '$word' once"
done
[ "$(findings noisy)" = 6 ] ||
    bad "noisy: system.noise does not hold the six findings"

sweep quiet
expect quiet turbo false
expect quiet hypervisor false
[ "$(findings quiet)" = 0 ] || bad "quiet: system.noise is not empty"
grep -q "noise:" "$tmp/quiet.err" && bad "quiet: a finding on a quiet machine: $(grep noise: "$tmp/quiet.err")"

sweep silent
for key in cpu_governor cpu_min_mhz turbo transparent_hugepages numa_balancing aslr smt \
    kernel hypervisor load_average_1m; do
    expect silent $key null
done
[ "$fail" -eq 0 ] && echo "ok: machine.json's system, null where unknown, noise named once"
[ "$fail" -eq 0 ]
