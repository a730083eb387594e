# One family's picture: each kernel's value in the family's own unit
# against threads, with its 95% interval as error bars.  Driven by draw.sh
# through -e variables:
#   FILES  word list of data files; line 1 of each is its quoted legend
#          title, then rows: threads value low high
#   YLABEL, TITLE, NMAX (the largest thread count), TERM, OUT
#   XLABEL optional (default "threads (N)"); LOGY optional, 1 for a log y axis
#   CEILING optional: a file of "threads value" under a quoted title, drawn
#          as a dashed grey line (the hardware bound of a rate picture)
N = words(FILES)
KEYROWS = ceil(N / 2.0)
HEIGHT = 560 + 22 * KEYROWS
if (TERM eq "svg") {
    set terminal svg size 1000,HEIGHT dynamic enhanced font "sans,12"
} else {
    set terminal pngcairo size 1000,HEIGHT enhanced font "sans,11"
}
set output OUT
set title TITLE noenhanced
set key outside below center Left reverse noenhanced spacing 1.1 width 2 maxcols 2 \
    maxrows KEYROWS
set bmargin 6 + KEYROWS
set key autotitle columnheader
set grid
if (!exists("XLABEL")) XLABEL = "threads (N)"
set xlabel XLABEL
set ylabel YLABEL noenhanced
set xrange [0.5:NMAX + 0.5]
XSTEP = NMAX <= 16 ? 1 : ceil(NMAX / 16.0)
set xtics XSTEP format "%.0f"
set yrange [0:*]
# Values a thousandfold apart (processes beside threads) on a log scale.
if (exists("LOGY") && LOGY) {
    set logscale y 10
    set yrange [*:*]
}
# Colour, dash and marker all change from series to series, so that eight
# or more stay apart in print and for colour-blind readers.
# Okabe and Ito's colour-blind-safe colours, without the yellow that white
# paper swallows, and wine for black.
array COLOURS[8] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", \
                    "#882255", "#999999"]
do for [i=1:8] { set linetype i lc rgb COLOURS[i] }
set linetype cycle 8
dash(i) = 1 + (i - 1) % 4
mark(i) = 5 + 2 * ((i - 1) % 4)
if (!exists("CEILING")) { CEILING = "" }
plot for [i=1:N] word(FILES, i) using 1:2:3:4 with yerrorlines \
         lc i dt dash(i) pt mark(i) ps 1.1 lw 1.5, \
     for [c=1:(CEILING ne "" ? 1 : 0)] CEILING using 1:2 with linespoints \
         dt 2 lw 2 lc "gray40" pt 1
