#!/usr/bin/env bash
# The race check (make test-race): every kernel at 2 threads under
# ThreadSanitizer with Archer, each in its own process, then the deliberately
# racy kernel, which must be reported.  Prints one line per kernel; exits 1
# when a kernel races or fails verification, or when the racy one passes.
# Usage: race.sh RACE_KERNELS
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
archer=$(ls /usr/lib/llvm-*/lib/libarcher.so 2>/dev/null | sort -V | tail -1)
[ -n "$archer" ] || { echo "race: no libarcher.so (apt-get install libomp-dev)"; exit 2; }
export OMP_TOOL_LIBRARIES=$archer
export TSAN_OPTIONS="ignore_noninstrumented_modules=1 suppressions=$here/race.supp exitcode=66"
unset OMP_NUM_THREADS OMP_THREAD_LIMIT OMP_DYNAMIC OMP_SCHEDULE
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail=0
for k in $("$bin" --list); do
    "$bin" "$k" >"$log" 2>&1
    rc=$?
    reports=$(grep -c "WARNING: ThreadSanitizer" "$log")
    if [ "$rc" -eq 0 ] && [ "$reports" -eq 0 ]; then
        echo "race: $k: no race"
    else
        echo "race: $k: FAIL (exit $rc, $reports reports)"
        sed -n '1,40p' "$log"
        fail=1
    fi
done
"$bin" racy >"$log" 2>&1
if [ $? -ne 0 ] && grep -q "WARNING: ThreadSanitizer: data race" "$log"; then
    echo "race: racy: reported, as it must be"
else
    echo "race: racy: FAIL: the deliberate race went unreported"
    fail=1
fi
exit "$fail"
