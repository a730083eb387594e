# Threads against processes at equal core counts, for one process kernel:
# its ranks of one thread (processes alone) and its OpenMP form's threads,
# each with its fitted Amdahl curve over cores, and every split of the cores
# into R ranks x T threads as a labelled point.  Driven by draw.sh through
# -e variables:
#   FILES  word list of data files; line 1 of each is its quoted legend title,
#          then rows: cores median sigma speedup efficiency karp_flatt excluded
#          speedup_ci_low speedup_ci_high
#   TPR    threads per rank per file, 0 for the OpenMP form's series
#   FITS   Amdahl f per file, or "none"
#   NPHYS  physical cores (0: unknown); NMAX the most cores of any point
#   TITLE, TERM ("png" or "svg"), OUT
N = words(FILES)
KEYROWS = N + 2
HEIGHT = 520 + 22 * KEYROWS
if (TERM eq "svg") {
    set terminal svg size 1000,HEIGHT dynamic enhanced font "sans,12"
} else {
    set terminal pngcairo size 1000,HEIGHT enhanced font "sans,11"
}
set output OUT
set title TITLE noenhanced
set key outside below center Left reverse noenhanced spacing 1.1 width 2 maxcols 1 \
    maxrows KEYROWS
set bmargin 5 + KEYROWS
set key autotitle columnheader
set grid
set logscale xy 2
set xrange [0.8:NMAX * 1.25]
set yrange [0.8:NMAX * 1.25]
set xtics format "%.0f"
set ytics format "%.0f"
set xlabel "cores: ranks x threads per rank"
set ylabel "speedup over 1 rank x 1 thread   (bars: 95% interval)"
if (NPHYS > 0 && NPHYS <= NMAX) {
    set arrow 1 from NPHYS, graph 0 to NPHYS, graph 1 nohead dt 3 lc "gray50"
    set label 1 sprintf("%d physical cores", NPHYS) at NPHYS, graph 0.97 right offset -0.5, 0 tc "gray40"
}
amdahl(x, f) = 1.0 / (f + (1.0 - f) / x)
file(i) = word(FILES, i)
tpr(i) = word(TPR, i) + 0
fit(i) = word(FITS, i)
fitted(i) = fit(i) ne "none"
# The thread form in black, ranks of one thread in blue, the wider splits as
# labelled points in one colour per width.
colour(i) = tpr(i) == 0 ? 0x000000 : tpr(i) == 1 ? 0x0072b2 : \
    word("0xd55e00 0x009e73 0xcc79a7 0xe69f00 0x56b4e9 0xf0e442", (i - 1) % 6 + 1) + 0
kind(i) = tpr(i) <= 1
plot x title "ideal" with lines lc "gray40" dt 2, \
    for [i=1:N] file(i) using 1:($7 == 0 ? $4 : NaN) \
        with linespoints pt (tpr(i) == 0 ? 7 : 5) ps 1.2 lw 2 lc rgb colour(i) \
        title columnheader(1), \
    for [i=1:N] file(i) using 1:($7 == 0 ? $4 : NaN):8:9 \
        with yerrorbars pt 0 ps 0 lc rgb colour(i) notitle, \
    for [i=1:N] file(i) using 1:($7 == 0 && tpr(i) > 1 ? $4 : NaN):(sprintf("%dx%d", $1 / tpr(i), tpr(i))) \
        with labels left offset 0.8, 0.4 tc rgb colour(i) notitle, \
    for [i=1:N] (fitted(i) && kind(i) ? amdahl(x, fit(i) + 0) : NaN) \
        with lines dt 4 lw 1.5 lc rgb colour(i) notitle
