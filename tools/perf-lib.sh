# Helpers shared by tools/perf-check.sh and bench/gate-accuracy.sh (sourced).

# size_flags CSV: "--size K=N" for every kernel in a runs.csv or summary.csv
# (n is the third column of both), so that calibrated sizes stay the same in
# every round and on both sides.
size_flags() {
    awk -F, 'NR > 1 && !seen[$1]++ { printf " --size %s=%s", $1, $3 }' "$1"
}

# merge DEST ROUND_DIR...: one runs.csv with a round column appended, and the
# first round's machine.json.  compare takes each round's median as one
# observation.
merge_rounds() {
    local dest=$1 i=0
    shift
    mkdir -p "$dest"
    cp "$1/machine.json" "$dest/machine.json"
    {
        head -n 1 "$1/runs.csv" | sed 's/$/,round/'
        for d in "$@"; do
            i=$((i + 1))
            tail -n +2 "$d/runs.csv" | sed "s/\$/,$i/"
        done
    } >"$dest/.runs.csv.tmp"
    mv "$dest/.runs.csv.tmp" "$dest/runs.csv"
}
