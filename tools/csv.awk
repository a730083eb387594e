# CSV for awk scripts (RFC 4180 as ompscale writes it: quoted fields may hold
# commas and doubled quotes, never line breaks).  Include with -f before the
# script that uses it.

# csv_split(line, f): splits one record into f[1..n]; returns n, or -1 when a
# quote is left open.
function csv_split(line, f,    n, i, c, field, quoted, len) {
    sub(/\r$/, "", line)
    if (index(line, "\"") == 0)
        return split(line, f, ",")
    n = 0; field = ""; quoted = 0; len = length(line)
    for (i = 1; i <= len; i++) {
        c = substr(line, i, 1)
        if (quoted) {
            if (c != "\"") field = field c
            else if (substr(line, i + 1, 1) == "\"") { field = field "\""; i++ }
            else quoted = 0
        } else if (c == "\"") quoted = 1
        else if (c == ",") { f[++n] = field; field = "" }
        else field = field c
    }
    if (quoted) return -1
    f[++n] = field
    return n
}

# csv_field(s): s quoted when it needs to be.
function csv_field(s) {
    if (s !~ /[",\r\n]/) return s
    gsub(/"/, "\"\"", s)
    return "\"" s "\""
}

# csv_header(line, col): col[name] = position for every column; returns n.
function csv_header(line, col,    f, n, i) {
    n = csv_split(line, f)
    for (i = 1; i <= n; i++) col[f[i]] = i
    return n
}

# csv_need(col, name): the position of a required column, or exit 2 naming it.
function csv_need(col, name) {
    if (!(name in col)) {
        printf "%s:1: no '%s' column\n", FILENAME, name > "/dev/stderr"
        exit 2
    }
    return col[name]
}
