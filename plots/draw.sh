# The pictures for plot.sh (sourced), each PNG and SVG: per scaling kernel,
# speedup, efficiency, rate and Karp-Flatt; per process kernel with an
# OpenMP form, splits (ranks x threads at equal cores beside the threads);
# overview with every scaling kernel at its best schedule; overheads,
# contention and false-sharing, each family in its own unit; and
# core-to-core, the latency map.  Uses what
# `ompscale fit --data WORK` wrote: WORK/series.txt
# ("id|kernel|params|n|schedule|chunk|label|family|thread form|threads per
# rank", the last two for a process kernel's series), WORK/s<id>.dat,
# WORK/fits.txt ("id f alpha beta", "none" where absent), WORK/titles.txt
# ("id|title") and WORK/core-to-core*; and DIR/summary.csv for the rates.

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
    # A process kernel's series (series.txt names its threads per rank).
    local xlabel="threads (N)"
    [ -n "$(awk -F'|' -v i="${ids%% *}" '$1 == i { print $10 }' "$work/series.txt")" ] &&
        xlabel="cores (ranks x threads per rank)"
    render "$work" scaling.gp "$base" "PLOT='$plot'; FILES='$files'; FITS='$fits'; USLA='$usla'; \
USLB='$uslb'; NPHYS=$nphys; NMAX=$nmax; EXCLUDED=$excluded; TITLE='$title'; XLABEL='$xlabel'"
}

# render WORK SCRIPT BASE SETTINGS: BASE.png and BASE.svg from a gnuplot
# script given SETTINGS (its -e variables).  A failure is reported and
# counted in draw_failed, and the other pictures are still drawn.
render() {
    local work=$1 script=$2 base=$3 settings=$4 term
    # Listed first, so that even a picture that fails halfway is removed by
    # the next plot of this directory.
    basename "$base" >>"$(dirname "$base")/.pictures"
    for term in png svg; do
        gnuplot -e "$settings; TERM='$term'; OUT='$base.$term'" "$here/$script" \
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

# The kernels of a family (series.txt's last field; none there: scaling).
family_kernels() {
    awk -F'|' -v f="$2" '($8 == "" ? "scaling" : $8) == f && !seen[$2]++ { print $2 }' "$1/series.txt"
}

# Whether series ids have a point above one thread: Karp-Flatt needs one.
beyond_one_thread() {
    local work=$1 id files=()
    shift
    for id in "$@"; do files+=("$work/s$id.dat"); done
    awk '$1 > 1 { found = 1 } END { exit !found }' "${files[@]}"
}

# A picture that fails is reported and the others are still drawn (and the
# page names the missing one); draw_all then returns 1.
draw_failed=0

draw_all() {
    local work=$1 dir=$2 nphys=$3 machine=$4 kernel id ids overview="" blocking
    blocking=" $(family_kernels "$work" blocking | tr '\n' ' ') "
    while IFS='|' read -r id _ _ _ _ _ _; do
        titled_data "$work" "$id" "$(series_title "$work" "$id")" >/dev/null
    done <"$work/series.txt"
    # Speedup means something only where the team splits a fixed amount of
    # work: the scaling family.  The others get their own pictures below.
    for kernel in $(family_kernels "$work" scaling) $blocking; do
        ids=$(awk -F'|' -v k="$kernel" '$2 == k { print $1 }' "$work/series.txt" | tr '\n' ' ')
        plot_picture speedup "$dir/speedup-$kernel" "$kernel: speedup — $machine" "$nphys" "$ids" "$work"
        plot_picture efficiency "$dir/efficiency-$kernel" "$kernel: efficiency — $machine" "$nphys" "$ids" "$work"
        draw_rate "$work" "$dir" "$kernel" "$machine"
        # Blocking waits scale past the cores: no serial fraction, and
        # their speedups would flatten every other kernel's in the overview.
        case "$blocking" in *" $kernel "*) continue ;; esac
        # shellcheck disable=SC2086
        beyond_one_thread "$work" $ids &&
            plot_picture karp-flatt "$dir/karp-flatt-$kernel" "$kernel: Karp-Flatt serial fraction — $machine" "$nphys" "$ids" "$work"
        id=$(best_series "$work" "$kernel")
        { printf '"%s (%s)"\n' "$kernel" "$(awk -F'|' -v i="$id" '$1 == i { print $7 }' "$work/series.txt")"; tail -n +2 "$work/p$id.dat"; } >"$work/p$id.dat.o"
        overview="$overview $id"
    done
    # The overview names kernels, so its series are retitled only now.
    for id in $overview; do mv "$work/p$id.dat.o" "$work/p$id.dat"; done
    [ -z "$overview" ] ||
        plot_picture speedup "$dir/overview" "every scaling kernel at its best schedule — $machine" "$nphys" "$overview" "$work"
    draw_family "$work" "$dir" overhead overheads "construct overheads above overhead_reference (the same delay, no construct) — $machine" "µs per construct"
    draw_family "$work" "$dir" contention contention "one shared counter: time per update — $machine" "ns per update, the whole team (1000 / rate)"
    draw_family "$work" "$dir" false_sharing false-sharing "per-thread slots, adjacent against padded: time per update — $machine" "ns per update, the whole team (1000 / rate)"
    draw_splits "$work" "$dir" "$nphys" "$machine"
    draw_latency "$work" "$dir" "$machine"
    draw_environments "$work" "$dir" "$machine"
    draw_sweeps "$work" "$dir" "$machine"
    return "$draw_failed"
}

# splits-KERNEL for each process kernel of the scaling family that has an
# OpenMP form: its series (one per threads per rank) beside the form's best
# series, at equal cores, with the fitted Amdahl curves.
draw_splits() {
    local work=$1 dir=$2 nphys=$3 machine=$4 kernel form id ids files tprs fits nmax f
    while IFS='|' read -r kernel form schedule chunk; do
        # The form at the process kernel's schedule, else at its best.
        id=$(awk -F'|' -v k="$form" -v s="$schedule" -v c="$chunk" \
            '$2 == k && $5 == s && $6 == c { print $1; exit }' "$work/series.txt")
        [ -n "$id" ] || id=$(best_series "$work" "$form")
        [ -n "$id" ] || continue
        ids="$id $(awk -F'|' -v k="$kernel" '$2 == k { print $1 }' "$work/series.txt" | tr '\n' ' ')"
        files="" tprs="" fits="" nmax=1
        for id in $ids; do
            titled_data "$work" "$id" "$(awk -F'|' -v i="$id" '$1 == i { print $2 }' \
                "$work/series.txt") $(series_title "$work" "$id")" >/dev/null
            files="$files $work/p$id.dat"
            tprs="$tprs $(awk -F'|' -v i="$id" '$1 == i { print $10 == "" ? 0 : $10 }' "$work/series.txt")"
            f=$(awk -v i="$id" '$1 == i { print $2 }' "$work/fits.txt")
            fits="$fits ${f:-none}"
            nmax=$(awk -v m="$nmax" '$1 > m { m = $1 } END { print m }' "$work/s$id.dat")
        done
        render "$work" splits.gp "$dir/splits-$kernel" "FILES='$files'; TPR='$tprs'; \
FITS='$fits'; NPHYS=$nphys; NMAX=$nmax; TITLE='$kernel against $form: ranks x threads at equal cores — $machine'"
    done < <(awk -F'|' '$9 != "" && ($8 == "" || $8 == "scaling") && !seen[$2]++ {
        print $2 "|" $9 "|" $5 "|" $6 }' \
        "$work/series.txt")
}

# The start of every awk program over summary.csv read twice (tools/env.awk):
# the header into c[] on both passes, the environments scanned on the first.
summary_twice='
    function num(s) { return s == "" || s == "nan" ? "NaN" : s + 0 }
    { n = csv_split($0, f) }
    FNR == 1 { for (i = 1; i <= n; i++) c[f[i]] = i; next }
    NR == FNR { env_scan(f, c); next }
'

# summary_awk DIR PROGRAM [AWK OPTION]...: PROGRAM, after summary_twice, over
# DIR/summary.csv read twice, with the CSV and environment helpers.
summary_awk() {
    local dir=$1 program=$2
    shift 2
    awk -f "$here/../tools/csv.awk" -f "$here/../tools/env.awk" \
        -f <(printf '%s\n' "$summary_twice" "$program") "$@" "$dir/summary.csv" "$dir/summary.csv"
}

# drawable_nmax FILE...: the largest thread count (first column) in data
# files with a title line, or exit 1 when no file has a finite value in its
# second column (a rate all NaN, overheads all below resolution): nothing
# to draw.
drawable_nmax() {
    [ $# -gt 0 ] && awk 'FNR > 1 && $2 != "NaN" { found = 1 }
                        FNR > 1 && $1 + 0 > m { m = $1 + 0 }
                        END { if (!found) exit 1; print m + 0 }' "$@"
}

# family_data WORK DIR FAMILY KERNEL: WORK/f-KERNEL-<i>.dat from summary.csv,
# one per series (params and environment): "threads value low high" per
# thread count under the quoted title.  Overheads are the rate in µs per
# construct; the others 1000 / rate (ns per update, the interval turned over).
family_data() {
    local work=$1 dir=$2 family=$3 kernel=$4
    summary_awk "$dir" '
        function per(s) { return (s == "" || s + 0 <= 0) ? "NaN" : 1000 / s }
        f[c["kernel"]] != k { next }
        {
            e = env_label(f, c)
            t = f[c["kernel"]] (f[c["params"]] == "" ? "" : " [" f[c["params"]] "]") \
                (e == "" ? "" : " " e)
            if (!(t in id)) { id[t] = ++nt; titles[nt] = t }
            if (fam == "overhead")
                line = num(f[c["rate"]]) " " num(f[c["rate_ci_low"]]) " " num(f[c["rate_ci_high"]])
            else
                line = per(f[c["rate"]]) " " per(f[c["rate_ci_high"]]) " " per(f[c["rate_ci_low"]])
            # A process kernel runs over cores: ranks x threads per rank.
            x = ("cores" in c) && f[c["cores"]] != "" ? f[c["cores"]] : f[c["threads"]]
            rows[t] = rows[t] x " " line "\n"
        }
        END {
            for (i = 1; i <= nt; i++)
                printf "\"%s\"\n%s", titles[i], rows[titles[i]] >(work "/f-" k "-" i ".dat")
        }
    ' -v k="$kernel" -v fam="$family" -v work="$work"
}

# rate_data WORK DIR KERNEL: WORK/r-KERNEL-<i>.dat per schedule (threads
# rate low high, the schedule as the title), WORK/r-KERNEL-bound.dat (the
# best bound_rate per thread count: copy's bandwidth or the division
# throughput), and the unit on stdout.
rate_data() {
    local work=$1 dir=$2 kernel=$3
    summary_awk "$dir" '
        f[c["kernel"]] != k { next }
        {
            e = env_label(f, c)
            s = f[c["schedule"]] (f[c["chunk"]] + 0 ? ":" f[c["chunk"]] : "") \
                (f[c["params"]] == "" ? "" : " [" f[c["params"]] "]") (e == "" ? "" : " " e)
            if (!(s in id)) { id[s] = ++ns; name[ns] = s }
            t = f[c["threads"]] + 0
            rows[id[s]] = rows[id[s]] t " " num(f[c["rate"]]) " " num(f[c["rate_ci_low"]]) \
                          " " num(f[c["rate_ci_high"]]) "\n"
            b = f[c["bound_rate"]]
            if (b != "" && b != "nan" && (!(t in bound) || b + 0 > bound[t])) bound[t] = b + 0
            unit = f[c["rate_unit"]]
        }
        END {
            for (i = 1; i <= ns; i++)
                printf "\"%s\"\n%s", name[i], rows[i] >(work "/r-" k "-" i ".dat")
            nb = 0
            for (t in bound) nb++
            if (nb > 0) {
                out = work "/r-" k "-bound.dat"
                printf "\"%s\"\n", (k ~ /copy|cube_map|shared_array/ ? "ceiling: copy at the same threads" \
                                   : k == "blocking_overlap" ? "ceiling: every thread waiting at once (threads / wait)" \
                                                             : "ceiling: the division throughput") >out
                close(out)
                cmd = "sort -n >>" out
                for (t in bound) print t, bound[t] | cmd
                close(cmd)
            }
            print unit
        }
    ' -v k="$kernel" -v work="$work"
}

# draw_rate WORK DIR KERNEL MACHINE: DIR/rate-KERNEL.png/.svg, the rate per
# schedule with its interval and the hardware bound it is held against.
draw_rate() {
    local work=$1 dir=$2 kernel=$3 machine=$4 unit files ceiling="" nmax
    rm -f "$work/r-$kernel-"*.dat
    unit=$(rate_data "$work" "$dir" "$kernel")
    files=$(ls "$work/r-$kernel-"[0-9]*.dat 2>/dev/null | tr '\n' ' ')
    # shellcheck disable=SC2086
    nmax=$(drawable_nmax $files) || return 0
    [ -s "$work/r-$kernel-bound.dat" ] && ceiling=$work/r-$kernel-bound.dat
    render "$work" family.gp "$dir/rate-$kernel" "FILES='$files'; CEILING='$ceiling'; \
YLABEL='$unit (bars: 95% interval)'; TITLE='$kernel: rate — $machine'; NMAX=$nmax"
}

# draw_family WORK DIR FAMILY NAME TITLE YLABEL: DIR/NAME.png/.svg with
# every kernel of the family (the overheads' reference left out: it is the
# zero they are measured from).
draw_family() {
    local work=$1 dir=$2 family=$3 name=$4 title=$5 ylabel=$6 files="" kernel nmax
    for kernel in $(family_kernels "$work" "$family"); do
        [ "$kernel" = overhead_reference ] && continue
        rm -f "$work/f-$kernel-"*.dat
        family_data "$work" "$dir" "$family" "$kernel"
        files="$files $(ls "$work/f-$kernel-"*.dat 2>/dev/null | tr '\n' ' ')"
    done
    # shellcheck disable=SC2086
    nmax=$(drawable_nmax $files) || return 0
    # Processes beside threads (spawn, mpi_counter): over cores, and on a
    # logarithmic scale once the values span more than a thousandfold.
    local xlabel="threads (N)" logy
    awk -F'|' -v f="$family" '$8 == f && $10 != "" { found = 1 } END { exit !found }' \
        "$work/series.txt" && xlabel="cores: threads, or ranks x threads per rank"
    # shellcheck disable=SC2086
    logy=$(awk 'FNR > 1 && $2 > 0 { lo = (lo == "" || $2 < lo) ? $2 : lo; hi = $2 > hi ? $2 : hi }
        END { print (lo > 0 && hi / lo > 1000) ? 1 : 0 }' $files)
    render "$work" family.gp "$dir/$name" "FILES='$files'; YLABEL='$ylabel'; TITLE='$title'; \
NMAX=$nmax; XLABEL='$xlabel'; LOGY=$logy"
}

# environments_data WORK DIR: for every kernel that ran in more than one
# environment, WORK/e-KERNEL.dat ("index rate low high label") holds each
# environment's best schedule at the kernel's largest thread count (the
# highest rate; the lowest for overheads, whose rate is a cost); stdout
# lists "KERNEL THREADS UNIT" per file.
environments_data() {
    local work=$1 dir=$2
    summary_awk "$dir" '
        f[c["kernel"]] == "overhead_reference" || env_label(f, c) == "" { next }
        {
            k = f[c["kernel"]]; t = f[c["threads"]] + 0; r = num(f[c["rate"]])
            if (r == "NaN") next
            if (!(k in top) || t > top[k]) top[k] = t
            key = k SUBSEP t SUBSEP env_label(f, c)
            cost = f[c["rate_unit"]] == "us/construct"
            if (!(key in best) || (cost ? r < best[key] : r > best[key])) {
                best[key] = r; lo[key] = num(f[c["rate_ci_low"]]); hi[key] = num(f[c["rate_ci_high"]])
                # Without an interval (too few rounds) the bar shrinks to the point.
                if (lo[key] == "NaN") lo[key] = r
                if (hi[key] == "NaN") hi[key] = r
            }
            unit[k] = f[c["rate_unit"]]
        }
        END {
            for (key in best) { split(key, p, SUBSEP); if (p[2] == top[p[1]]) envs[p[1]]++ }
            for (k in envs) {
                if (envs[k] < 2) continue
                cmd = "sort | awk -F\"|\" \"{ print NR, \\$1, \\$2, \\$3, \\$4 }\" >" work "/e-" k ".dat"
                for (key in best) {
                    split(key, p, SUBSEP)
                    if (p[1] == k && p[2] == top[k])
                        printf "\"%s\"|%s|%s|%s\n", p[3], best[key], lo[key], hi[key] | cmd
                }
                close(cmd)
                print k, top[k], unit[k]
            }
        }
    ' -v work="$work"
}

# environments-KERNEL.png/.svg: each environment's best schedule at the
# largest thread count, side by side with its interval.
draw_environments() {
    local work=$1 dir=$2 machine=$3 kernel threads unit
    rm -f "$work/e-"*.dat
    while read -r kernel threads unit; do
        render "$work" environments.gp "$dir/environments-$kernel" \
            "DATA='$work/e-$kernel.dat'; YLABEL='$unit (bars: 95% interval)'; \
TITLE='$kernel at $threads threads: the best schedule in each environment — $machine'"
    done < <(environments_data "$work" "$dir")
}

# sweep_data WORK DIR BY: for every kernel whose run swept the chunk size of
# a schedule kind (BY=chunk) or its one parameter (BY=param, e.g.
# recursive_sum's cutoff), three values or more, WORK/<BY>-KERNEL-<i>.dat per
# series of the rest (kind, thread count, environment): "x median low high"
# (a chunk of 0, the runtime's default, is not a size and is left out); and
# "KERNEL NAME" per kernel on stdout, NAME the swept parameter's.
sweep_data() {
    local work=$1 dir=$2 by=$3
    summary_awk "$dir" '
        num(f[c["median_s"]]) == "NaN" { next }
        by == "chunk" && f[c["chunk"]] + 0 == 0 { next }
        by == "param" && (f[c["params"]] !~ /^[a-z_]+=[^;]*$/) { next }
        {
            k = f[c["kernel"]]; e = env_label(f, c)
            sched = f[c["schedule"]] (f[c["chunk"]] + 0 ? ":" f[c["chunk"]] : "")
            team = f[c["threads"]] (f[c["threads"]] == 1 ? " thread" : " threads")
            if (by == "chunk") {
                x = f[c["chunk"]] + 0; pname = "chunk"
                label = f[c["schedule"]] ", " team \
                        (f[c["params"]] == "" ? "" : " [" f[c["params"]] "]")
            } else {
                split(f[c["params"]], kv, "="); pname = kv[1]; x = kv[2] + 0
                label = (sched == "none" ? "" : sched ", ") team
            }
            s = k SUBSEP pname SUBSEP label (e == "" ? "" : " " e)
            if (!(s in id)) { id[s] = ++ns; name[ns] = s }
            lo = num(f[c["ci_low_s"]]); hi = num(f[c["ci_high_s"]])
            med = f[c["median_s"]] + 0
            rows[id[s]] = rows[id[s]] x " " med " " (lo == "NaN" ? med : lo) " " \
                          (hi == "NaN" ? med : hi) "\n"
            xs[s, x] = 1
        }
        END {
            for (key in xs) { split(key, p, SUBSEP); count[p[1] SUBSEP p[2] SUBSEP p[3]]++ }
            for (i = 1; i <= ns; i++) {
                if (count[name[i]] < 3) continue
                split(name[i], p, SUBSEP)
                out = work "/" by "-" p[1] "-" i ".dat"
                printf "\"%s\"\n", p[3] >out
                close(out)
                cmd = "sort -g >>" out
                printf "%s", rows[i] | cmd
                close(cmd)
                if (!((p[1], p[2]) in listed)) { listed[p[1], p[2]] = 1; print p[1], p[2] }
            }
        }
    ' -v work="$work" -v by="$by"
}

# chunks-KERNEL.png/.svg (time against chunk size, the U curve of "too
# small: overhead; too large: imbalance") and PARAM-KERNEL.png/.svg (time
# against a swept parameter, e.g. cutoff-recursive_sum.png).
draw_sweeps() {
    local work=$1 dir=$2 machine=$3 by kernel param files picture xlabel logy
    rm -f "$work/chunk-"*.dat "$work/param-"*.dat
    for by in chunk param; do
        while read -r kernel param; do
            files=$(ls "$work/$by-$kernel-"*.dat | tr '\n' ' ')
            picture=$([ "$by" = chunk ] && echo chunks || echo "$param")
            xlabel=$([ "$by" = chunk ] && echo "chunk size (iterations per grab)" || echo "$param")
            # A time axis spanning more than 20x is drawn logarithmic, so
            # the bottom of the U stays readable.
            # shellcheck disable=SC2086
            logy=$(awk 'FNR > 1 { if (!n++ || $2 < lo) lo = $2; if ($2 > hi) hi = $2 }
                        END { print (lo > 0 && hi / lo > 20) ? 1 : 0 }' $files)
            render "$work" chunks.gp "$dir/$picture-$kernel" \
                "FILES='$files'; XLABEL='$xlabel'; LOGY=$logy; \
TITLE='$kernel: time against $param — $machine'"
        done < <(sweep_data "$work" "$dir" "$by")
    done
}

# core-to-core.png/.svg from the latency map, when the run measured one.
draw_latency() {
    local work=$1 dir=$2 machine=$3 cpus
    [ -s "$work/core-to-core.dat" ] || return 0
    cpus=$(tr '\n' ' ' <"$work/core-to-core-cpus.txt")
    render "$work" heatmap.gp "$dir/core-to-core" \
        "DATA='$work/core-to-core.dat'; CPUS='$cpus'; TITLE='core-to-core round trip — $machine'"
}
