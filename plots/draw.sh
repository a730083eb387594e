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

# The names drawn and failed in this plot, and the set-aside files, are
# kept in memory, not in list files: on a full disk appending to a list
# fails as the pictures do, and a lost name once made the commit remove a
# picture the page links.
drawn_names=()
failed_names=()
catalogue_names=()

# render WORK SCRIPT BASE SETTINGS: BASE.png and BASE.svg from a gnuplot
# script given SETTINGS (its -e variables), run in WORK, where the data
# files SETTINGS names lie; BASE is absolute, in the staging folder.  A
# failure (gnuplot's, or a picture that is not whole) is reported, both
# files of that picture are dropped, the name goes to failed_names, and
# the other pictures are still drawn.
render() {
    local work=$1 script=$2 base=$3 settings=$4 term why
    catalogue_names+=("$(basename "$base")")
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
            failed_names+=("$(basename "$base")")
            draw_failed=1
            return 0
        fi
    done
    drawn_names+=("$(basename "$base")")
}

# A picture that fails is reported and the others are still drawn (and the
# page names the missing one); draw_all then returns 1.
draw_failed=0

# draw_all WORK DIR STAGE: every picture of DIR/pictures.csv, into STAGE.
draw_all() {
    local work=$1 dir=$2 stage=$3 file script data title
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

# earlier_names DIR: an earlier plot's pictures, one name a line: its list
# DIR/.pictures, and every name this stage draws by pattern (a directory
# from before the list has only those).
earlier_names() {
    {
        [ -r "$1/.pictures" ] && cat "$1/.pictures"
        (cd "$1" && ls -1 {speedup,efficiency,karp-flatt,rate,environments,chunks,splits}-*.{png,svg} \
            {overview,overheads,contention,false-sharing,core-to-core}.{png,svg} 2>/dev/null |
            sed 's/\.\(png\|svg\)$//')
    } | sort -u
}

# install_pictures DIR STAGE: each whole picture renamed over the old one
# (one file system, so each replacement is atomic); a picture that failed
# has its old files set aside as STAGE/NAME.aside (a rename, which needs no
# room), so the page names it rather than showing an earlier run's.
install_pictures() {
    local dir=$1 stage=$2 base f
    earlier=$(earlier_names "$dir")
    for base in "${drawn_names[@]}"; do
        mv -f "$stage/$base.png" "$stage/$base.svg" "$dir/"
    done
    for base in "${failed_names[@]}"; do
        for f in "$base.png" "$base.svg"; do
            [ -e "$dir/$f" ] && mv -f "$dir/$f" "$stage/$f.aside"
        done
    done
    true
}

# finish_pictures DIR STAGE PAGE_OK: once the page is written (PAGE_OK 1),
# the set-aside pictures go and so do an earlier plot's pictures that are
# not in this plot's catalogue, and DIR/.pictures becomes this catalogue;
# when it could not be (a full disk), the old page still links them, so the
# set-aside ones come back and the list keeps the earlier names as well.
# The list is written whole or not at all; without it the next plot still
# finds every name drawn by pattern.
finish_pictures() {
    local dir=$1 stage=$2 ok=$3 a base
    local -A keep=()
    for base in "${catalogue_names[@]}"; do keep[$base]=1; done
    if [ "$ok" -eq 1 ]; then
        rm -f "$stage"/*.aside
        for base in $earlier; do
            [ -n "${keep[$base]:-}" ] || rm -f "$dir/$base.png" "$dir/$base.svg"
        done
    else
        for a in "$stage"/*.aside; do
            [ -e "$a" ] && mv -f "$a" "$dir/$(basename "${a%.aside}")"
        done
        for base in $earlier; do keep[$base]=1; done
    fi
    if ! printf '%s\n' "${!keep[@]}" | sort >"$dir/.pictures.tmp-$$" ||
        ! mv -f "$dir/.pictures.tmp-$$" "$dir/.pictures"; then
        rm -f "$dir/.pictures.tmp-$$"
    fi
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
