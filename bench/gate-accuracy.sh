#!/usr/bin/env bash
# How often the regression gate cries wolf, and how often it catches a real
# slowdown.  A benchmark, not a test: it prints rates and exits 0.
#
#   bench/gate-accuracy.sh [TRIALS [aa|slow|all]]   (default 20 all)
#
# Each trial is the sequential A/B gate of tools/perf-check.sh
# (--base-binary): interleaved --quick sweeps of KERNELS until compare
# decides every configuration or BUDGET (default 60s) is spent.
#   - A/A: both sides the same binary: any confirmed regression is a false
#     alarm, and the goal is a PASS.
#   - slowdowns: the NEW side runs SLOW_KERNEL with 5%, 10% and 20% more work
#     per run (a larger n), relabelled to the base n, as a code change that
#     made that kernel slower by that much would look.
# Environment: BUILD (build), KERNELS (midpoint,copy,counter_atomic),
# SLOW_KERNEL (midpoint), BUDGET (60s), WORK (scratch).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/perf-lib.sh"
trials=${1:-20}
which=${2:-all}
bin=$root/${BUILD:-build}/ompscale
kernels=${KERNELS:-midpoint,copy,counter_atomic}
slow_kernel=${SLOW_KERNEL:-midpoint}
budget=${BUDGET:-60s}
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

# trial NEW_BINARY: prints "exit-code regressions-of-SLOW_KERNEL
# regressions-of-others undecided configurations".
trial() {
    local rc=0 out=$work/trial
    OUT=$out "$root/tools/perf-check.sh" --budget "$budget" --new-binary "$1" \
        --base-binary "$bin" --quick --kernels "$kernels" >"$work/trial.txt" 2>/dev/null || rc=$?
    awk -v rc="$rc" -v slow="$slow_kernel" '
        /^regression / { if (index($0, "  " slow " n=")) reg++; else other++ }
        /^(inconclusive|missing) / { und++ } /^[a-z]+ +[0-9.]+ +\[/ { n++ }
        END { printf "%d %d %d %d %d\n", rc, reg, other, und, n }' "$work/trial.txt"
}

# series LABEL NEW_BINARY
series() {
    local label=$1 new=$2 pass=0 fails=0 undecided_runs=0 reg=0 other=0 und=0 n=0 t0 rc r o u c
    t0=$(date +%s)
    for _ in $(seq 1 "$trials"); do
        read -r rc r o u c < <(trial "$new")
        case $rc in 0) pass=$((pass + 1)) ;; 1) fails=$((fails + 1)) ;; 3) undecided_runs=$((undecided_runs + 1)) ;; esac
        reg=$((reg + r)); other=$((other + o)); und=$((und + u)); n=$((n + c))
    done
    printf '%-24s trials %3d  exit 0: %3d  exit 1: %3d  exit 3: %3d  configurations: %4d %s and %d other confirmed slower, %4d undecided of %4d  (%ds per trial)\n' \
        "$label" "$trials" "$pass" "$fails" "$undecided_runs" "$reg" "$slow_kernel" "$other" "$und" "$n" \
        $(( ($(date +%s) - t0) / trials ))
}

echo "gate-accuracy: $trials trials, budget $budget each, --quick sweeps of $kernels, $(date -u +%FT%TZ)"
if [ "$which" != slow ]; then
    series "A/A" "$bin"
fi
if [ "$which" != aa ]; then
    for f in 1.05 1.10 1.20; do
        series "$slow_kernel x$f work" "$(slow_binary "$f")"
    done
fi
