# Helpers shared by tools/perf-check.sh and bench/gate-accuracy.sh (sourced).

# size_flags CSV: "--size K=N" for every kernel in a runs.csv or summary.csv
# (n is the third column of both), so that calibrated sizes stay the same in
# every round and on both sides.
size_flags() {
    awk -F, 'NR > 1 && !seen[$1]++ { printf " --size %s=%s", $1, $3 }' "$1"
}

# merge DEST SWEEP_DIR...: one runs.csv whose round column numbers the rounds
# of all sweeps apart (sweep k's round r becomes k * 1000000 + r), and the
# first sweep's machine.json.  compare takes each round's median as one
# observation.  (ompscale quotes no field of runs.csv that awk splits here:
# params join their values with ';'.)
merge_rounds() {
    local dest=$1
    shift
    mkdir -p "$dest"
    cp "$1/machine.json" "$dest/machine.json"
    local files=()
    for d in "$@"; do files+=("$d/runs.csv"); done
    awk -F, -v OFS=, '
        FNR == 1 {
            sweep++
            for (i = 1; i <= NF; i++) if ($i == "round") col = i
            if (!col) { print FILENAME ": no round column" > "/dev/stderr"; exit 2 }
            if (sweep == 1) print
            next
        }
        { $col = sweep * 1000000 + $col; print }' "${files[@]}" >"$dest/.runs.csv.tmp"
    mv "$dest/.runs.csv.tmp" "$dest/runs.csv"
}
