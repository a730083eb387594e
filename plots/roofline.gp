# The roofline: each kernel's GFLOP/s against its flops per byte, at one
# thread (open marker) and at its most threads (filled), joined, under the
# ceilings the run measured.  Driven by draw.sh through -e variables:
#   FILES  word list of data files; line 1 of each is its quoted legend
#          title, then rows: intensity GFLOP/s threads (1 first)
#   B1, BN memory bandwidth in GB/s at 1 and NTOP threads (-1: not measured)
#   F1, FN peak multiply-add GFLOP/s at 1 and NTOP threads (-1: unknown)
#   D1, DN division throughput as the pi kernels' GFLOP/s (-1: unknown)
#   NTOP, XMIN, XMAX (compute-only kernels sit at XMAX), TITLE, TERM, OUT
N = words(FILES)
# Drawn small and with large type: the page shows it in a narrow column
# beside the headline.
KEYROWS = N + 3
HEIGHT = 500 + 24 * KEYROWS
if (TERM eq "svg") {
    set terminal svg size 760,HEIGHT dynamic enhanced font "sans,15"
} else {
    set terminal pngcairo size 760,HEIGHT enhanced font "sans,14"
}
set output OUT
set title TITLE noenhanced
set key outside below center Left reverse noenhanced spacing 1.1 width 2 maxcols 1 \
    maxrows KEYROWS
set bmargin 5 + KEYROWS
set key autotitle columnheader
set grid
set logscale xy 10
set xlabel "arithmetic intensity (flops per byte moved)"
set ylabel "GFLOP/s"
set xrange [XMIN:XMAX * 1.5]
TOP = FN > 0 ? FN * 2 : (DN > 0 ? DN * 4 : 1000)
set yrange [*:TOP]
set samples 400
array COLOURS[8] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", \
                    "#882255", "#999999"]
do for [i=1:8] { set linetype i lc rgb COLOURS[i] }
set linetype cycle 8
mark(i) = 5 + 2 * ((i - 1) % 4)
# A roof: bandwidth times intensity up to the compute peak (the peak alone
# where no bandwidth was measured).
roof(x, b, f) = b > 0 && f > 0 ? (b * x < f ? b * x : f) : (f > 0 ? f : b > 0 ? b * x : NaN)
set label 1 "no memory traffic" at XMAX, graph 0.04 right font ",12" tc rgb "gray40"
plot roof(x, BN, FN) with lines lw 2 lc "black" \
         title sprintf("roof at %d threads: %.1f GB/s, peak %.0f GFLOP/s", NTOP, BN, FN), \
     roof(x, B1, F1) with lines lw 2 dt 2 lc "black" \
         title sprintf("roof at 1 thread: %.1f GB/s, peak %.0f GFLOP/s", B1, F1), \
     (DN > 0 ? DN : NaN) with lines lw 1.5 dt 4 lc "gray40" \
         title sprintf("division throughput: %.1f GFLOP/s at %d threads, %.1f at 1", DN, NTOP, D1), \
     for [i=1:N] word(FILES, i) using 1:2 with lines lc i lw 1.5 notitle, \
     for [i=1:N] word(FILES, i) every ::0::0 using 1:2 with points lc i pt mark(i) - 1 \
         ps 1.4 notitle, \
     for [i=1:N] word(FILES, i) every ::1::1 using 1:2 with points lc i pt mark(i) ps 1.4
