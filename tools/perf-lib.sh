# Helpers shared by tools/perf-check.sh and bench/gate-accuracy.sh (sourced).
# Every CSV is read by column name (tools/csv.sh).
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/csv.sh"

# size_flags CSV: "--size K=N" for every kernel in a runs.csv or summary.csv,
# so that calibrated sizes stay the same in every round and on both sides.
size_flags() {
    csv_run '
        FNR == 1 { csv_header($0, col); k = csv_need(col, "kernel"); n = csv_need(col, "n"); next }
        { if (csv_split($0, f) < 0) exit 2; if (!seen[f[k]]++) printf " --size %s=%s", f[k], f[n] }' "$1"
}

# merge_rounds DEST SWEEP_DIR...: one runs.csv in which every row of the k-th
# sweep has round k (a column appended when a sweep lacks it), and the first
# sweep's machine.json.  Round k of BASE and round k of NEW are then one
# interleaved A/B round, which compare pairs.
merge_rounds() {
    local dest=$1
    shift
    mkdir -p "$dest"
    cp "$1/machine.json" "$dest/machine.json"
    local files=()
    for d in "$@"; do files+=("$d/runs.csv"); done
    csv_run '
        FNR == 1 {
            sweep++
            delete col
            ncols = csv_header($0, col)
            rc = ("round" in col) ? col["round"] : 0
            if (sweep == 1) { print $0 (rc ? "" : ",round"); width = ncols + (rc ? 0 : 1) }
            next
        }
        {
            n = csv_split($0, f)
            if (n != ncols) { printf "%s:%d: %d fields, want %d\n", FILENAME, FNR, n, ncols > "/dev/stderr"; exit 2 }
            if (!rc) f[++n] = ""
            f[rc ? rc : n] = sweep
            line = csv_field(f[1])
            for (i = 2; i <= n; i++) line = line "," csv_field(f[i])
            print line
        }' "${files[@]}" >"$dest/.runs.csv.tmp"
    mv "$dest/.runs.csv.tmp" "$dest/runs.csv"
}

# gate_kernels OMPSCALE: the gate plan's kernels, comma-separated: every
# OpenMP kernel of the scaling family that `ompscale list` shows.  Left out
# (each can still be named with --kernels): the process kernels (mpi_*,
# spawn: one more mpirun per rank count and round, and spawn's hang in Open
# MPI/PMIx); the overhead, contention and false sharing kernels, whose
# times are threads talking to each other: on a 2-vCPU runner their rounds
# spread 10-28% (false_sharing is bimodal, 7x, even at one thread), so the
# gate cannot decide them within its budget; and the blocking family,
# whose time is sleeps: on a KVM guest their wake-ups kept blocking_overlap
# undecided in 4 of 5 A/A trials, the only undecided kernel in 3 of them;
# read and update, the bandwidth ceilings beside copy: they measure the
# machine for the roofline, and copy already holds the gate to memory; and
# recursive_sum, whose one-thread rounds spread 50-76 us from one process
# to the next here (paired log ratios +-0.25 at the deciles): it was the
# only undecided configuration of both A/A trials of 17 that did not pass.
gate_kernels() {
    "$1" list | awk '$2 ~ /^n=/ && $1 !~ /^(mpi_|spawn$|read$|update$|recursive_sum$)/ && $4 == "scaling" {
                         k = k (k ? "," : "") $1 }
                     END { print k }'
}

# faulted DIR: whether DIR holds a complete run that names configurations
# that could not run (machine.json's run.could_not_run).
faulted() {
    grep -q '"state": "complete"' "$1/machine.json" 2>/dev/null &&
        grep -q '"could_not_run"' "$1/machine.json"
}

# record_faults DIR SIDE ROUND: one "SIDE<TAB>ROUND<TAB>CONFIGURATION<TAB>WHY"
# line per configuration DIR's run could not run.
record_faults() {
    # Only within run.could_not_run: other keys (cache_levels) have a "why" too.
    awk -v side="$2" -v round="$3" '
        function value(line) { sub(/^[^:]*: *"/, "", line); sub(/",? *$/, "", line); return line }
        /"could_not_run": \[/ { on = 1; depth = 0 }
        on { depth += gsub(/\[/, "[") - gsub(/\]/, "]") }
        on && /"configuration":/ { c = value($0) }
        on && /"why":/ { printf "%s\t%s\t%s\t%s\n", side, round, c, value($0) }
        on && depth <= 0 { on = 0 }' "$1/machine.json"
}

# seconds_of DURATION: 300, 300s, 5m or 1h as whole seconds; exit 2 otherwise.
seconds_of() {
    case $1 in
    *[!0-9smh]* | '' | [smh]*) echo "perf-check: --budget: '$1' is not a duration like 5m" >&2; return 2 ;;
    *h) echo $((${1%h} * 3600)) ;;
    *m) echo $((${1%m} * 60)) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
    esac
}
