# Splits an ompscale summary.csv into one data file per series (kernel,
# params, n, schedule, chunk) under WORK, and lists the series in
# WORK/series.txt as "id|kernel|params|n|schedule|chunk|label".
# Each data file row: threads median_s sigma_s speedup efficiency
# karp_flatt excluded, where sigma_s is the median's standard error
# (1.2533 stddev / sqrt(repetitions); 1% of the median when there is no
# spread to go on) and excluded is 1 for points drawn but not fitted:
# oversubscribed, or more threads than NPHYS physical cores (NPHYS 0: none
# excluded); 2 for a NaN median, neither drawn nor fitted.  Empty fields are
# written as NaN.  Text where a number belongs exits 2 naming the line.
BEGIN {
    FS = ","
    want = "kernel,params,n,threads,schedule,chunk,repetitions,median_s,mean_s," \
           "stddev_s,cv,min_s,max_s,speedup,efficiency,karp_flatt,rate,rate_unit," \
           "copy_fraction,oversubscribed"
    nseries = 0
}
function bad(what) {
    printf "plots: %s:%d: %s\n", FILENAME, FNR, what > "/dev/stderr"
    failed = 1
    exit 2
}
function num(s) { return s == "" ? "NaN" : s }
function is_number(s) { return s ~ /^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/ }
NR == 1 {
    sub(/\r$/, "")
    if (substr($0, 1, length(want)) != want)
        bad("not an ompscale summary.csv header")
    next
}
{
    sub(/\r$/, "")
    if (NF < 20)
        bad(NF " fields, want at least 20")
    nan = tolower($8) == "nan" || $8 == ""
    if (!is_number($3) || !is_number($4) || !is_number($7) || !(nan || is_number($8)))
        bad("n, threads, repetitions and median_s must be numbers")
    if (!nan && $8 <= 0)
        bad("median_s must be positive")
    key = $1 "|" $2 "|" $3 "|" $5 "|" $6
    if (!(key in id)) {
        id[key] = ++nseries
        label = ($6 > 0) ? $5 ":" $6 : $5
        if ($2 != "")
            label = label " [" $2 "]"
        printf "%d|%s|%s|%s|%s|%s|%s\n", nseries, $1, $2, $3, $5, $6, label > (WORK "/series.txt")
    }
    if (nan) {
        printf "%s NaN NaN NaN NaN NaN 2\n", $4 > (WORK "/s" id[key] ".dat")
        next
    }
    sigma = ($7 >= 2 && is_number($10)) ? 1.2533 * $10 / sqrt($7) : 0.01 * $8
    if (sigma < 1e-6 * $8)
        sigma = 1e-6 * $8
    excluded = ($20 == 1 || (NPHYS > 0 && $4 > NPHYS)) ? 1 : 0
    printf "%s %s %.17g %s %s %s %d\n", $4, $8, sigma, num($14), num($15), num($16),
        excluded > (WORK "/s" id[key] ".dat")
}
END {
    if (!failed && NR < 2)
        bad("no data rows")
}
