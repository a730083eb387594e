# The pictures for plot.sh (sourced): per kernel, speedup, efficiency and
# Karp-Flatt, each PNG and SVG; overview.png/.svg with every kernel at its
# best schedule; and core-to-core.png/.svg, the latency map.  Uses what `ompscale fit --data WORK` wrote: WORK/series.txt
# ("id|kernel|params|n|schedule|chunk|label"), WORK/s<id>.dat, WORK/fits.txt
# ("id f alpha beta", "none" where absent) and WORK/titles.txt ("id|title").

# Writes the titled copy of a series' data that scaling.gp reads.
titled_data() {
    local work=$1 id=$2 title=$3
    { printf '"%s"\n' "$title"; cat "$work/s$id.dat"; } >"$work/p$id.dat"
    echo "$work/p$id.dat"
}

# The legend title of a series: its label and, when fitted, Amdahl's f with
# its 95% interval.
series_title() {
    local work=$1 id=$2
    awk -F'|' -v i="$id" '$1 == i { print $2 }' "$work/titles.txt"
}

# The series with the highest speedup at its largest fitted thread count.
best_series() {
    local work=$1 kernel=$2 id best="" best_speedup=-1 s
    for id in $(awk -F'|' -v k="$kernel" '$2 == k { print $1 }' "$work/series.txt"); do
        s=$(awk '$7 == 0 { if ($1 >= n) { n = $1; s = $4 } } END { print s + 0 }' "$work/s$id.dat")
        if awk -v a="$s" -v b="$best_speedup" 'BEGIN { exit !(a > b) }'; then
            best=$id
            best_speedup=$s
        fi
    done
    echo "$best"
}

# plot_picture PLOT OUT_BASE TITLE NPHYS "ID..." — both terminals.
plot_picture() {
    local plot=$1 base=$2 title=$3 nphys=$4 ids=$5 work=$6
    local files="" fits="" usla="" uslb="" nmax=1 excluded=0 id f a b
    for id in $ids; do
        files="$files $work/p$id.dat"
        read -r f a b < <(awk -v i="$id" '$1 == i { print $2, $3, $4 }' "$work/fits.txt")
        fits="$fits ${f:-none}"
        usla="$usla ${a:-none}"
        uslb="$uslb ${b:-none}"
        nmax=$(awk -v m="$nmax" '$1 > m { m = $1 } END { print m }' "$work/s$id.dat")
        grep -q ' 1$' "$work/s$id.dat" && excluded=1
    done
    for term in png svg; do
        gnuplot -e "PLOT='$plot'; FILES='$files'; FITS='$fits'; USLA='$usla'; USLB='$uslb'" \
                -e "NPHYS=$nphys; NMAX=$nmax; EXCLUDED=$excluded; TITLE='$title'; TERM='$term'; OUT='$base.$term'" \
                "$here/scaling.gp" 2>"$work/gnuplot.err" ||
            { echo "plots: $base.$term: $(tail -n 1 "$work/gnuplot.err")" >&2; return 1; }
    done
}

draw_all() {
    local work=$1 dir=$2 nphys=$3 machine=$4 kernel id ids overview=""
    while IFS='|' read -r id _ _ _ _ _ label; do
        titled_data "$work" "$id" "$(series_title "$work" "$id")" >/dev/null
    done <"$work/series.txt"
    for kernel in $(cut -d'|' -f2 "$work/series.txt" | awk '!seen[$0]++'); do
        ids=$(awk -F'|' -v k="$kernel" '$2 == k { print $1 }' "$work/series.txt" | tr '\n' ' ')
        plot_picture speedup "$dir/speedup-$kernel" "$kernel: speedup — $machine" "$nphys" "$ids" "$work"
        plot_picture efficiency "$dir/efficiency-$kernel" "$kernel: efficiency — $machine" "$nphys" "$ids" "$work"
        plot_picture karp-flatt "$dir/karp-flatt-$kernel" "$kernel: Karp-Flatt serial fraction — $machine" "$nphys" "$ids" "$work"
        id=$(best_series "$work" "$kernel")
        { printf '"%s (%s)"\n' "$kernel" "$(awk -F'|' -v i="$id" '$1 == i { print $7 }' "$work/series.txt")"; tail -n +2 "$work/p$id.dat"; } >"$work/p$id.dat.o"
        overview="$overview $id"
    done
    # The overview names kernels, so its series are retitled only now.
    for id in $overview; do mv "$work/p$id.dat.o" "$work/p$id.dat"; done
    plot_picture speedup "$dir/overview" "every kernel at its best schedule — $machine" "$nphys" "$overview" "$work"
    draw_latency "$work" "$dir" "$machine"
}

# core-to-core.png/.svg from the latency map, when the run measured one.
draw_latency() {
    local work=$1 dir=$2 machine=$3 cpus term
    [ -s "$work/core-to-core.dat" ] || return 0
    cpus=$(tr '\n' ' ' <"$work/core-to-core-cpus.txt")
    for term in png svg; do
        gnuplot -e "DATA='$work/core-to-core.dat'; CPUS='$cpus'" \
                -e "TITLE='core-to-core round trip — $machine'; TERM='$term'; OUT='$dir/core-to-core.$term'" \
                "$here/heatmap.gp" 2>"$work/gnuplot.err" ||
            { echo "plots: $dir/core-to-core.$term: $(tail -n 1 "$work/gnuplot.err")" >&2; return 1; }
    done
}
