# One kernel in every environment it ran in: its best schedule's rate at
# the largest thread count, a point with its 95% interval per environment,
# named under the axis.  Driven by draw.sh through -e variables:
#   DATA   rows "index label rate low high", label quoted
#   YLABEL, TITLE, TERM, OUT
stats DATA using 1 nooutput
N = STATS_records
WIDTH = 900 + 40 * N
if (TERM eq "svg") {
    set terminal svg size WIDTH,620 dynamic enhanced font "sans,12"
} else {
    set terminal pngcairo size WIDTH,620 enhanced font "sans,11"
}
set output OUT
set title TITLE noenhanced
unset key
set grid ytics
set ylabel YLABEL noenhanced
set xrange [0.4:N + 0.6]
set yrange [0:*]
set xtics rotate by -30 left noenhanced
set bmargin 7
plot DATA using 1:3:4:5:xtic(2) with yerrorbars lc rgb "#0072B2" pt 7 ps 1.4 lw 2
