# A kernel's time against the chunk size of its schedule or a swept
# parameter (a recursion's cutoff), one series per schedule kind and thread
# count: the U curve of "too small, overhead; too large, imbalance".  Driven
# by draw.sh through -e variables:
#   FILES  word list of data files; line 1 of each is its quoted legend
#          title, then rows: x median low high (seconds)
#   XLABEL, TITLE, TERM, OUT; LOGY 1 for a logarithmic time axis
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
set logscale x 2
set format x "2^{%L}"
set xlabel XLABEL." (log scale)" noenhanced
if (LOGY) {
    set logscale y 10
    set ylabel "time per run (ms, log scale; bars: 95% interval)"
} else {
    set ylabel "time per run (ms; bars: 95% interval)"
    set yrange [0:*]
}
array COLOURS[8] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", \
                    "#882255", "#999999"]
do for [i=1:8] { set linetype i lc rgb COLOURS[i] }
set linetype cycle 8
dash(i) = 1 + (i - 1) % 4
mark(i) = 5 + 2 * ((i - 1) % 4)
plot for [i=1:N] word(FILES, i) using 1:($2 * 1e3):($3 * 1e3):($4 * 1e3) with yerrorlines \
         lc i dt dash(i) pt mark(i) ps 1.1 lw 1.5
