# Rows by column name, for awk programs over ompscale's CSV (include with -f
# after csv.awk and before the program).  Each file's header line fills the
# column map and is skipped; every other row is split, and v(NAME) is its
# value in column NAME (exit 2 naming a column the file lacks), key() its
# configuration key as the first six columns are written.
FNR == 1 { split("", csv_c); csv_header($0, csv_c); next }
{ if (csv_split($0, csv_f) < 0) { printf "%s:%d: a quote left open\n", FILENAME, FNR > "/dev/stderr"; exit 2 } }
function v(name) { return csv_f[csv_need(csv_c, name)] }
function key() { return v("kernel") "," v("params") "," v("n") "," v("threads") "," v("schedule") "," v("chunk") }
