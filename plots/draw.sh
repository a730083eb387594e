# The pictures for plot.sh (sourced).  `ompscale fit DIR --data WORK`
# decides every picture (fit/pictures.c): it writes each one's data files
# into WORK and its row into DIR/pictures.csv (file, section, kernel,
# script, data, title, caption).  This draws the rows, read by column name:
# the gnuplot script in plots/ with the row's data settings and title, as
# FILE.png and FILE.svg; `ompscale page` then shows the same rows.

# render WORK SCRIPT BASE SETTINGS: BASE.png and BASE.svg from a gnuplot
# script given SETTINGS (its -e variables), run in WORK, where the data
# files SETTINGS names lie; BASE is absolute.  A failure is reported and
# counted in draw_failed, and the other pictures are still drawn.
render() {
    local work=$1 script=$2 base=$3 settings=$4 term
    # Listed first, so that even a picture that fails halfway is removed by
    # the next plot of this directory.
    basename "$base" >>"$(dirname "$base")/.pictures"
    for term in png svg; do
        (cd "$work" && gnuplot -e "$settings; TERM='$term'; OUT='$base.$term'" "$here/$script") \
            2>"$work/gnuplot.err" ||
            { echo "plots: $base.$term: $(tail -n 1 "$work/gnuplot.err")" >&2; draw_failed=1; return 0; }
    done
}

# remove_old_pictures DIR: an earlier plot's pictures, so that none outlives
# the data it was drawn from (a kernel or environment this run lacks): the
# ones the last plot listed in DIR/.pictures, and, for a directory from
# before that list, every name this stage has drawn.
remove_old_pictures() {
    local dir=$1 base
    if [ -r "$dir/.pictures" ]; then
        while read -r base; do
            [ -n "$base" ] && rm -f "$dir/$base.png" "$dir/$base.svg"
        done <"$dir/.pictures"
    fi
    rm -f "$dir"/{speedup,efficiency,karp-flatt,rate,environments,chunks,splits}-*.{png,svg} \
          "$dir"/{overview,overheads,contention,false-sharing,core-to-core}.{png,svg} \
          "$dir/.pictures"
}

# A picture that fails is reported and the others are still drawn (and the
# page names the missing one); draw_all then returns 1.
draw_failed=0

# draw_all WORK DIR: every picture of DIR/pictures.csv.
draw_all() {
    local work=$1 dir file script data title
    dir=$(cd "$2" && pwd)
    while IFS=$'\t' read -r file script data title; do
        render "$work" "$script" "$dir/$file" "$data; TITLE='$title'"
    done < <(csv_run 'FNR == 1 { csv_header($0, col)
                                 for (i = split("file script data title", want, " "); i > 0; i--)
                                     at[i] = csv_need(col, want[i])
                                 next }
                      { csv_split($0, f); print f[at[1]] "\t" f[at[2]] "\t" f[at[3]] "\t" f[at[4]] }' \
                 "$dir/pictures.csv")
    return "$draw_failed"
}
