# The pictures for plot.sh (sourced).  `ompscale fit DIR --data WORK`
# decides every picture (fit/pictures.c): it writes each one's data files
# into WORK and its row into DIR/pictures.csv (file, section, kernel,
# script, data, title, caption).  This draws the rows, read by column name:
# the gnuplot script in plots/ with the row's data settings and title, as
# FILE.png and FILE.svg, into a staging folder; each is checked before
# install_pictures moves it over the old one.  `ompscale page` then shows
# the same rows.

# whole_picture FILE: whether FILE is a whole PNG (its signature first,
# its IEND chunk last) or a whole SVG (an XML or svg start, </svg> at its
# end).  gnuplot exits 0 on a full disk with a file cut anywhere, even
# empty, so its exit status alone says nothing.
whole_picture() {
    local f=$1
    [ -s "$f" ] || return 1
    case $f in
        *.png)
            [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
                [ "$(tail -c 12 "$f" | od -An -tx1 | tr -d ' \n')" = 0000000049454e44ae426082 ] ;;
        *.svg)
            head -c 512 "$f" | grep -q -e '<?xml' -e '<svg' &&
                tail -c 64 "$f" | grep -q '</svg>' ;;
        *) return 1 ;;
    esac
}

# render WORK SCRIPT BASE SETTINGS: BASE.png and BASE.svg from a gnuplot
# script given SETTINGS (its -e variables), run in WORK, where the data
# files SETTINGS names lie; BASE is absolute, in the staging folder.  A
# failure (gnuplot's, or a picture that is not whole) is reported, both
# files of that picture are dropped, the name goes to the stage's .failed
# list, and the other pictures are still drawn.
render() {
    local work=$1 script=$2 base=$3 settings=$4 term why
    for term in png svg; do
        why=
        if ! run_child env -C "$work" gnuplot -e "$settings; TERM='$term'; OUT='$base.$term'" \
            "$here/$script" 2>"$work/gnuplot.err"; then
            # Its last line that says something (gnuplot may end with a
            # blank one), or a failure all the same.
            why=$(grep -v '^[[:space:]]*$' "$work/gnuplot.err" | tail -n 1)
            why=${why:-gnuplot failed}
        elif ! whole_picture "$base.$term"; then
            why="not a whole $term file (a full disk?)"
        fi
        if [ -n "$why" ]; then
            echo "plots: $(basename "$base").$term: $why" >&2
            rm -f "$base.png" "$base.svg"
            basename "$base" >>"$(dirname "$base")/.failed"
            draw_failed=1
            return 0
        fi
    done
    basename "$base" >>"$(dirname "$base")/.drawn"
}

# A picture that fails is reported and the others are still drawn (and the
# page names the missing one); draw_all then returns 1.
draw_failed=0

# draw_all WORK DIR STAGE: every picture of DIR/pictures.csv, into STAGE.
draw_all() {
    local work=$1 dir=$2 stage=$3 file script data title
    : >"$stage/.drawn"
    : >"$stage/.failed"
    while IFS=$'\t' read -r file script data title; do
        render "$work" "$script" "$stage/$file" "$data; TITLE='$title'"
    done < <(csv_run 'FNR == 1 { csv_header($0, col)
                                 for (i = split("file script data title", want, " "); i > 0; i--)
                                     at[i] = csv_need(col, want[i])
                                 next }
                      { csv_split($0, f); print f[at[1]] "\t" f[at[2]] "\t" f[at[3]] "\t" f[at[4]] }' \
                 "$dir/pictures.csv")
    return "$draw_failed"
}

# install_pictures DIR STAGE: each whole picture renamed over the old one
# (one file system, so each replacement is atomic); a picture that failed
# has its old files set aside (renamed, which needs no room), so the page
# names it rather than showing an earlier run's.  DIR/.pictures becomes
# this plot's list; the earlier list goes to DIR/.pictures.old.
install_pictures() {
    local dir=$1 stage=$2 base f
    while read -r base; do
        [ -n "$base" ] && mv -f "$stage/$base.png" "$stage/$base.svg" "$dir/"
    done <"$stage/.drawn"
    : >"$stage/.aside"
    while read -r base; do
        for f in "$base.png" "$base.svg"; do
            [ -n "$base" ] && [ -e "$dir/$f" ] && mv -f "$dir/$f" "$stage/$f.aside" &&
                echo "$f" >>"$stage/.aside"
        done
    done <"$stage/.failed"
    # The last plot's list, and every name this stage draws by pattern (a
    # directory from before the list has only those).
    {
        [ -r "$dir/.pictures" ] && cat "$dir/.pictures"
        (cd "$dir" && ls -1 {speedup,efficiency,karp-flatt,rate,environments,chunks,splits}-*.{png,svg} \
            {overview,overheads,contention,false-sharing,core-to-core}.{png,svg} 2>/dev/null |
            sed 's/\.\(png\|svg\)$//')
    } | sort -u >"$dir/.pictures.old" || true
    cp "$stage/.drawn" "$dir/.pictures"
}

# finish_pictures DIR STAGE PAGE_OK: once the page is written (PAGE_OK 1),
# the set-aside pictures go and so do an earlier plot's pictures this one
# lacks; when it could not be (a full disk), the old page still links them,
# so the set-aside ones come back and the earlier list is kept for the next
# plot to clear.
finish_pictures() {
    local dir=$1 stage=$2 ok=$3 f base
    if [ "$ok" -eq 1 ]; then
        rm -f "$stage"/*.aside
        while read -r base; do
            [ -n "$base" ] && ! grep -qxF "$base" "$dir/.pictures" &&
                rm -f "$dir/$base.png" "$dir/$base.svg"
        done <"$dir/.pictures.old"
    else
        while read -r f; do
            [ -n "$f" ] && mv -f "$stage/$f.aside" "$dir/$f"
        done <"$stage/.aside"
        sort -u "$dir/.pictures.old" "$dir/.pictures" -o "$dir/.pictures"
    fi
    rm -f "$dir/.pictures.old"
}

# remove_dead_stages DIR: staging folders of plots killed with SIGKILL or
# by a power cut (their process is gone).
remove_dead_stages() {
    local d pid
    for d in "$1"/.plot-stage-*; do
        [ -d "$d" ] || continue
        pid=${d##*-}
        kill -0 "$pid" 2>/dev/null || rm -rf "$d"
    done
}
