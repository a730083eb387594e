# The machine's latency map: the cache-line round trip between each pair of
# CPUs as a heat map.  Driven by draw.sh through -e variables:
#   DATA   "row column ns" lines, a blank line after each row (NaN: no value)
#   CPUS   the CPUs' OS indexes in row order, as a word list
#   TITLE, TERM ("png" or "svg"), OUT
if (TERM eq "svg") {
    set terminal svg size 760,680 dynamic enhanced font "sans,12"
} else {
    set terminal pngcairo size 760,680 enhanced font "sans,11"
}
set output OUT
set title TITLE noenhanced
N = words(CPUS)
# The largest value, before any range applies: labels are white above half.
stats DATA using 3 nooutput
TOP = STATS_max
set size ratio -1
set xrange [-0.5:N - 0.5]
set yrange [N - 0.5:-0.5]
set xlabel "CPU (OS index)"
set ylabel "CPU (OS index)"
STEP = N <= 16 ? 1 : ceil(N / 16.0)
set xtics () out nomirror
set ytics () out nomirror
do for [i = 1:N:STEP] {
    set xtics add (word(CPUS, i) i - 1)
    set ytics add (word(CPUS, i) i - 1)
}
set cblabel "round trip (ns)"
set palette defined (0 "#f7fbff", 1 "#6baed6", 2 "#08306b")
set cbrange [0:*]
unset key
# Values on the cells while they are large enough to read.
if (N <= 8) {
    plot DATA using 1:2:3 with image, \
         DATA using 1:2:(($1 == $2) ? "" : sprintf("%.0f ns", $3)):($3 > TOP / 2 ? 0xffffff : 0x202020) \
              with labels tc rgb variable font ",14"
} else {
    plot DATA using 1:2:3 with image
}
