# CSV by column name for shell scripts (sourced): tools/perf-check.sh,
# bench/ and tests/ read every CSV through these, never by position.
csv_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# csv_run PROGRAM FILE...: awk with tools/csv.awk's functions (mawk has no -e).
csv_run() {
    local program=$1
    shift
    awk -f "$csv_dir/csv.awk" -f <(printf '%s\n' "$program") "$@"
}

# csv_rows PROGRAM [FILE...]: awk over the data rows only, with v("name")
# for a column's value and key() for the configuration key
# (tools/csv-rows.awk); awk -v assignments may precede the files.
csv_rows() {
    local program=$1
    shift
    awk -f "$csv_dir/csv.awk" -f "$csv_dir/csv-rows.awk" -f <(printf '%s\n' "$program") "$@"
}
