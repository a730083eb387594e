#!/usr/bin/env bash
# How often the regression gate cries wolf, and how often it catches a real
# slowdown.  A benchmark, not a test: it prints rates and exits 0.
#
#   bench/gate-accuracy.sh [TRIALS [aa|slow|all]]   (default 20 all)
#
# Each trial is the sequential A/B gate of tools/perf-check.sh
# (--base-binary): interleaved sweeps of the gate plan (or --quick sweeps
# of KERNELS) until compare decides every configuration or BUDGET (default
# perf-check's, 5m) is spent.
#   - A/A: both sides the same binary: any confirmed regression is a false
#     alarm, and the goal is a PASS.
#   - slowdowns: the NEW side runs SLOW_KERNEL with FACTORS more work per
#     run (a larger n; default 1.05 1.10 1.20), relabelled to the base n, as
#     a code change that made that kernel slower by that much would look.
# Each trial's exit code, time and undecided configurations (with why) go
# to WORK/trials.tsv as they end.
# Environment: BUILD (build), KERNELS (the gate plan), SLOW_KERNEL
# (midpoint), FACTORS, BUDGET (5m), WORK (scratch), KEEP (1: keep each
# trial's merged sides, faults and looks in WORK/kept/N, so the decisions
# can be replayed later with `ompscale compare --looks`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/perf-lib.sh"
trials=${1:-20}
which=${2:-all}
bin=$root/${BUILD:-build}/ompscale
# Without KERNELS each trial is perf-check's default gate plan as it stands.
kernels=${KERNELS:-}
plan=(${kernels:+--quick --kernels "$kernels"})
slow_kernel=${SLOW_KERNEL:-midpoint}
budget=${BUDGET:-5m}
factors=${FACTORS:-1.05 1.10 1.20}
work=${WORK:-$(mktemp -d)}
[ -x "$bin" ] || { echo "gate-accuracy: build first (make build)" >&2; exit 2; }
# A private copy, so a rebuild while the trials run cannot put two
# different binaries on the two sides of an A/A trial.
mkdir -p "$work"
cp "$bin" "$work/ompscale.under-test"
bin=$work/ompscale.under-test

# A NEW-side ompscale whose SLOW_KERNEL does FACTOR times the work: its
# --size is scaled up, and its runs.csv relabelled with the size asked for.
slow_binary() {
    local factor=$1 path=$work/ompscale-x$1
    cat >"$path" <<EOF
#!/usr/bin/env bash
set -euo pipefail
. "$root/tools/perf-lib.sh"
args=() out= n=
while [ \$# -gt 0 ]; do
    case \$1 in
    --out) out=\$2; args+=("\$1" "\$2"); shift 2 ;;
    --size)
        case \$2 in
        $slow_kernel=*) n=\${2#*=}; args+=(--size "$slow_kernel=\$(awk -v n="\$n" 'BEGIN { printf "%d", n * $factor + 0.5 }')") ;;
        *) args+=("\$1" "\$2") ;;
        esac
        shift 2 ;;
    *) args+=("\$1"); shift ;;
    esac
done
"$bin" "\${args[@]}"
[ -n "\$n" ] || exit 0
csv_run 'FNR == 1 { csv_header(\$0, col); k = csv_need(col, "kernel"); c = csv_need(col, "n"); print; next }
         { m = csv_split(\$0, f); if (f[k] == kernel) f[c] = n
           line = csv_field(f[1]); for (i = 2; i <= m; i++) line = line "," csv_field(f[i]); print line }' \\
    kernel="$slow_kernel" n="\$n" "\$out/runs.csv" >"\$out/runs.relabelled"
mv "\$out/runs.relabelled" "\$out/runs.csv"
EOF
    chmod +x "$path"
    echo "$path"
}

# trial LABEL NEW_BINARY: prints "exit-code regressions-of-SLOW_KERNEL
# regressions-of-others undecided configurations", and appends the trial
# to WORK/trials.tsv: label, exit code, seconds, rounds, and every
# configuration left undecided with why.
trial() {
    local rc=0 out=$work/trial t0=$SECONDS
    rm -rf "$out"
    OUT=$out "$root/tools/perf-check.sh" --budget "$budget" --new-binary "$2" \
        --base-binary "$bin" "${plan[@]}" >"$work/trial.txt" 2>/dev/null || rc=$?
    awk -v label="$1" -v rc="$rc" -v took=$((SECONDS - t0)) -v rounds="$(ls "$out/rounds" 2>/dev/null | grep -c '^new-[0-9]*$')" '
        /^(inconclusive|missing|faulted) / { sub(/^[a-z]+ +[0-9.-]+ +(\[[^]]*\]|-) +/, ""); und = und "; " $0 }
        END { printf "%s\t%d\t%d\t%s\t%s\n", label, rc, took, rounds, substr(und, 3) }' \
        "$work/trial.txt" >>"$work/trials.tsv"
    [ "${KEEP:-0}" != 1 ] || keep_trial "$out"
    awk -v rc="$rc" -v slow="$slow_kernel" '
        /^regression / { if (index($0, "  " slow " n=")) reg++; else other++ }
        /^(inconclusive|missing|faulted) / { und++ } /^[a-z]+ +([0-9.]+ +\[|- )/ { n++ }
        END { printf "%d %d %d %d %d\n", rc, reg, other, und, n }' "$work/trial.txt"
}

# keep_trial DIR: copies what a replay needs to WORK/kept/N (the next N).
keep_trial() {
    local n=$(($(ls "$work/kept" 2>/dev/null | wc -l) + 1)) to
    to=$work/kept/$n
    mkdir -p "$to/base" "$to/new"
    cp "$1"/base/runs.csv "$1"/base/machine.json "$to/base/" 2>/dev/null || true
    cp "$1"/new/runs.csv "$1"/new/machine.json "$to/new/" 2>/dev/null || true
    cp "$1"/faults.tsv "$1"/look-*.txt "$1"/compare.csv "$work/trial.txt" "$to/" 2>/dev/null || true
}

# series LABEL NEW_BINARY
series() {
    local label=$1 new=$2 pass=0 fails=0 undecided_runs=0 reg=0 other=0 und=0 n=0 t0 rc r o u c
    t0=$(date +%s)
    for _ in $(seq 1 "$trials"); do
        read -r rc r o u c < <(trial "$label" "$new")
        case $rc in 0) pass=$((pass + 1)) ;; 1) fails=$((fails + 1)) ;; 3) undecided_runs=$((undecided_runs + 1)) ;; esac
        reg=$((reg + r)); other=$((other + o)); und=$((und + u)); n=$((n + c))
    done
    printf '%-24s trials %3d  exit 0: %3d  exit 1: %3d  exit 3: %3d  configurations: %4d %s and %d other confirmed slower, %4d undecided of %4d  (%ds per trial)\n' \
        "$label" "$trials" "$pass" "$fails" "$undecided_runs" "$reg" "$slow_kernel" "$other" "$und" "$n" \
        $(( ($(date +%s) - t0) / trials ))
}

echo "gate-accuracy: $trials trials, budget $budget each, ${kernels:+--quick sweeps of $kernels}${kernels:-the gate plan}, $(date -u +%FT%TZ)"
if [ "$which" != slow ]; then
    series "A/A" "$bin"
fi
if [ "$which" != aa ]; then
    for f in $factors; do
        series "$slow_kernel x$f work" "$(slow_binary "$f")"
    done
fi
