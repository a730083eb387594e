# Scaling-model fits for plot.sh (sourced).  For each series: Amdahl's law
# (2 or more thread counts), the Universal Scalability Law (4 or more), and
# the better of the two by AICc.  Writes fit.csv rows on stdout, a line per
# fit on stderr, and WORK/fits.txt ("id f alpha beta", "none" where absent)
# for the pictures.

# Weighted linear least squares of T = a + b/N over the fitted points: the
# starting point for Amdahl's fit and the test of whether it can apply.
# Prints "points distinct a b spread".
linear_guess() {
    awk '$7 == 0 && $2 == $2 {
        w = 1 / ($3 * $3); x = 1 / $1
        s += w; sx += w * x; sy += w * $2; sxx += w * x * x; sxy += w * x * $2
        n++; if (!($1 in seen)) { seen[$1] = 1; d++ }
        if (n == 1 || $2 < lo) lo = $2
        if (n == 1 || $2 > hi) hi = $2
    }
    END {
        det = s * sxx - sx * sx
        if (d < 2 || det == 0) { printf "%d %d nan nan 0\n", n, d; exit }
        b = (s * sxy - sx * sy) / det; a = (sy - b * sx) / s
        printf "%d %d %.17g %.17g %.17g\n", n, d, a, b, hi / lo - 1
    }' "$1"
}

# The reason Amdahl's law cannot be fitted to a series, or nothing.
amdahl_refusal() {
    local points=$1 distinct=$2 a=$3 b=$4 spread=$5
    if [ "$points" -eq 0 ]; then
        echo "no finite times to fit"
    elif [ "$distinct" -lt 2 ]; then
        echo "only $distinct thread count(s) to fit; need 2"
    elif awk -v s="$spread" 'BEGIN { exit !(s < 1e-12) }'; then
        echo "all points equal"
    elif awk -v a="$a" -v b="$b" 'BEGIN { exit !(a + b <= 0 || a != a) }'; then
        echo "times do not follow T(N) = T1 (f + (1-f)/N)"
    elif awk -v a="$a" 'BEGIN { exit !(a <= 0) }'; then
        echo "serial fraction at or below 0: speedup at or above linear"
    elif awk -v b="$b" 'BEGIN { exit !(b <= 0) }'; then
        echo "no speedup: time does not fall as threads are added (see USL)"
    fi
}

# Runs one gnuplot fit script; on failure prints its last error line.
run_fit() {
    local out=$1; shift
    local err
    if ! err=$(gnuplot -c "$@" 2>&1 >/dev/null); then
        printf '%s\n' "$err" | sed -n 's/^"[^"]*" line [0-9]*: //p' | tail -n 1
        return 1
    fi
    grep -q '^converged 1 ' "$out" || { echo "did not converge in 500 iterations"; return 1; }
}

# AICc of a weighted fit: n ln(WSSR/n) + 2k + 2k(k+1)/(n-k-1); empty when
# n <= k + 1.
aicc() {
    awk -v w="$1" -v n="$2" -v k="$3" 'BEGIN {
        if (n - k - 1 <= 0) exit
        if (w < 1e-300) w = 1e-300
        printf "%.17g", n * log(w / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1)
    }'
}

value_of() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
stderr_of() { awk -v k="$2" '$1 == k { print $3 }' "$1"; }

# emit KEY MODEL OUT POINTS PARAM...: one fit.csv row per parameter, from a
# fit script's "name value stderr" output ("-": no standard error).
emit() {
    local key=$1 model=$2 out=$3 points=$4
    shift 4
    for p in "$@"; do
        awk -v k="$key" -v m="$model" -v p="$p" -v n="$points" '$1 == p {
            printf "%s,%s,%s,%s,%s,%d,\n", k, m, p, $2, ($3 == "-" ? "" : $3), n }' "$out"
    done
}

# fit_series WORK ID KEY(kernel,params,n,schedule,chunk) LABEL
fit_series() {
    local work=$1 id=$2 key=$3 label=$4 data=$1/s$2.dat
    local points distinct a b spread why f=none alpha=none beta=none
    local amdahl_aicc="" usl_aicc=""
    awk '$7 == 0 { print $1, $2, $3 }' "$data" >"$work/fit$id.in"
    read -r points distinct a b spread < <(linear_guess "$data")
    why=$(amdahl_refusal "$points" "$distinct" "$a" "$b" "$spread")
    local u0 t10
    u0=$(awk -v a="$a" -v b="$b" 'BEGIN { f = a / (a + b); printf "%.17g", log(f / (1 - f)) }' 2>/dev/null || true)
    t10=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.17g", a + b }')
    if [ -z "$why" ] && ! why=$(run_fit "$work/a$id.out" "$here/fit_amdahl.gp" "$work/fit$id.in" "$work/a$id.out" "$u0" "$t10"); then
        why="gnuplot fit failed: ${why:-unknown error}"
    fi
    if [ -n "$why" ]; then
        echo "$key,amdahl,skipped,,,$points,$why"
        echo "plots: $label: Amdahl fit skipped: $why" >&2
    else
        f=$(value_of "$work/a$id.out" f)
        amdahl_aicc=$(aicc "$(value_of "$work/a$id.out" wssr)" "$points" 2)
        emit "$key" amdahl "$work/a$id.out" "$points" f T1 wssr
        [ -n "$amdahl_aicc" ] && echo "$key,amdahl,aicc,$amdahl_aicc,,$points,"
        printf 'plots: %s: Amdahl f = %.4f ± %.4f (%s points)\n' "$label" "$f" \
            "$(stderr_of "$work/a$id.out" f)" "$points" >&2
    fi
    if [ "$distinct" -ge 4 ]; then
        local a0
        a0=$(awk -v f="$f" 'BEGIN { print (f == "none" || f + 0 < 1e-3) ? 0.01 : f }')
        if why=$(run_fit "$work/u$id.out" "$here/fit_usl.gp" "$work/fit$id.in" "$work/u$id.out" "$a0" 0.0001 "$t10"); then
            alpha=$(value_of "$work/u$id.out" alpha)
            beta=$(value_of "$work/u$id.out" beta)
            usl_aicc=$(aicc "$(value_of "$work/u$id.out" wssr)" "$points" 3)
            emit "$key" usl "$work/u$id.out" "$points" alpha beta T1 wssr
            [ -n "$usl_aicc" ] && echo "$key,usl,aicc,$usl_aicc,,$points,"
            awk -v a="$alpha" -v b="$beta" -v k="$key" -v n="$points" 'BEGIN {
                if (b > 0 && a < 1) printf "%s,usl,peak_threads,%.17g,,%d,N* = sqrt((1-alpha)/beta)\n", k, sqrt((1 - a) / b), n }'
            printf 'plots: %s: USL alpha = %.4g, beta = %.3g\n' "$label" "$alpha" "$beta" >&2
        else
            echo "$key,usl,skipped,,,$points,gnuplot fit failed: $why"
            echo "plots: $label: USL fit skipped: $why" >&2
        fi
    else
        echo "$key,usl,skipped,,,$points,needs 4 thread counts; has $distinct"
    fi
    select_model "$key" "$points" "$f" "$alpha" "$amdahl_aicc" "$usl_aicc"
    echo "$id $f $alpha $beta" >>"$work/fits.txt"
}

# Writes the "selected" row: the model with the lower AICc, or the one that
# was fitted when AICc cannot be compared.
select_model() {
    local key=$1 points=$2 f=$3 alpha=$4 a_aicc=$5 u_aicc=$6
    if [ -n "$a_aicc" ] && [ -n "$u_aicc" ]; then
        awk -v k="$key" -v n="$points" -v a="$a_aicc" -v u="$u_aicc" 'BEGIN {
            if (u < a) printf "%s,selected,usl,%.17g,,%d,AICc lower than Amdahl by this much\n", k, a - u, n
            else printf "%s,selected,amdahl,%.17g,,%d,AICc lower than USL by this much\n", k, u - a, n }'
    elif [ "$f" != none ]; then
        echo "$key,selected,amdahl,,,$points,the only model with enough points for AICc"
    elif [ "$alpha" != none ]; then
        echo "$key,selected,usl,,,$points,Amdahl could not be fitted"
    fi
}

fit_all() {
    local work=$1 id kernel params n schedule chunk label
    : >"$work/fits.txt"
    while IFS='|' read -r id kernel params n schedule chunk label; do
        fit_series "$work" "$id" "$kernel,$params,$n,$schedule,$chunk" "$kernel $label"
    done <"$work/series.txt"
}
