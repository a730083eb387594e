# One scaling picture: measured points per series, the ideal, and the fitted
# Amdahl and USL curves.  Driven by draw.sh through -e variables:
#   PLOT   "speedup", "efficiency" or "karp-flatt"
#   FILES  word list of data files; line 1 of each is its quoted legend title,
#          then rows: threads median sigma speedup efficiency karp_flatt excluded
#          speedup_ci_low speedup_ci_high
#   FITS   Amdahl f per file, or "none"; USLA, USLB: USL alpha, beta, or "none"
#   NPHYS  physical cores (0: unknown); NMAX the largest thread count
#   EXCLUDED 1 when some point is drawn but not fitted
#   TITLE, TERM ("png" or "svg"), OUT
# The key goes below the plot, clear of the data and the axis label: one
# column for up to twelve long titles (T(1), f and its interval: a kernel's
# schedules, or its schedules by environments), two for
# many short ones; the picture grows by the key's rows (the series, the
# ideal, the two fit styles and the open-symbol note).
N = words(FILES)
KEYCOLS = N <= 12 ? 1 : 2
KEYROWS = ceil((N + 4.0) / KEYCOLS)
HEIGHT = 520 + 22 * KEYROWS
if (TERM eq "svg") {
    set terminal svg size 1000,HEIGHT dynamic enhanced font "sans,12"
} else {
    set terminal pngcairo size 1000,HEIGHT enhanced font "sans,11"
}
set output OUT
set title TITLE noenhanced
set key outside below center Left reverse noenhanced spacing 1.1 width 2 maxcols KEYCOLS \
    maxrows KEYROWS
set bmargin 5 + KEYROWS
set key autotitle columnheader
set grid
# A process kernel's series run over cores: ranks x threads per rank.
if (!exists("XLABEL")) XLABEL = "threads (N)"
set xlabel XLABEL
set xrange [0.5:NMAX + 0.75]
XSTEP = NMAX <= 16 ? 1 : ceil(NMAX / 16.0)
set xtics XSTEP format "%.0f"
set mxtics 1
# The boundary stands at the last physical core, not between points.
if (NPHYS > 0 && NPHYS <= NMAX) {
    set arrow 1 from NPHYS, graph 0 to NPHYS, graph 1 nohead dt 3 lc "gray50"
    set label 1 sprintf("%d physical cores", NPHYS) at NPHYS, graph 0.97 right offset -0.5, 0 tc "gray40"
}
has(list, i) = word(list, i) ne "none"
val(list, i) = real(word(list, i))
amdahl(f, x) = x < 1 ? NaN : 1.0 / (f + (1.0 - f) / x)
usl(a, b, x) = x < 1 ? NaN : x / (1.0 + a * (x - 1.0) + b * x * (x - 1.0))
# Error bars: the speedup's 95% interval (columns 8 and 9), scaled by 1/N
# for efficiency; none for Karp-Flatt.
lo(c) = c == 4 ? $8 : c == 5 ? $8 / $1 : NaN
hi(c) = c == 4 ? $9 : c == 5 ? $9 / $1 : NaN
if (PLOT eq "speedup") {
    set ylabel "speedup  T(1) / T(N)   (bars: 95% interval)"
    set yrange [0:*]
    col = 4
    ideal(x) = x
    fa(f, x) = amdahl(f, x)
    fu(a, b, x) = usl(a, b, x)
}
if (PLOT eq "efficiency") {
    set ylabel "parallel efficiency  speedup / N   (bars: 95% interval)"
    set yrange [0:*]
    col = 5
    ideal(x) = 1.0
    fa(f, x) = amdahl(f, x) / x
    fu(a, b, x) = usl(a, b, x) / x
}
if (PLOT eq "karp-flatt") {
    set ylabel "Karp-Flatt serial fraction e(N)"
    set xrange [1.5:NMAX + 0.75]
    col = 6
    ideal(x) = 0.0
    fa(f, x) = f
    fu(a, b, x) = a + b * x
}
set samples 400
# Okabe and Ito's colour-blind-safe colours, without the yellow that white
# paper swallows and with wine for the black the ideal line uses, and a
# marker per series as well, so eight or more series stay apart; the line
# styles are left to tell measurement (solid) from the fits (dashed,
# dash-dot).
array COLOURS[8] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", \
                    "#882255", "#999999"]
do for [i=1:8] { set linetype i lc rgb COLOURS[i] }
set linetype cycle 8
mark(i) = 5 + 2 * ((i - 1) % 4)
# The bars first, so the points are drawn over them.
plot ideal(x) title (PLOT eq "karp-flatt" ? "no serial work" : "ideal") lc "black" dt 1 lw 1, \
     for [i=1:N] word(FILES, i) using 1:(column(col)):(lo(col)):(hi(col)) \
         with yerrorbars pt 7 ps 0 lc i lw 1 notitle, \
     for [i=1:N] word(FILES, i) using 1:($7 == 0 ? column(col) : NaN) \
         with linespoints pt mark(i) ps 1.1 lc i lw 1.5, \
     for [i=1:N] word(FILES, i) using 1:($7 == 1 ? column(col) : NaN) \
         with points pt 6 ps 1.3 lc i notitle, \
     for [i=1:N] (has(FITS, i) ? fa(val(FITS, i), x) : NaN) with lines dt 2 lc i notitle, \
     for [i=1:N] (has(USLA, i) ? fu(val(USLA, i), val(USLB, i), x) : NaN) with lines dt 4 lc i notitle, \
     NaN title "dashed: Amdahl fit" lc "gray40" dt 2, \
     NaN title "dash-dot: USL fit" lc "gray40" dt 4, \
     NaN title (EXCLUDED ? "open: not fitted (beyond physical cores)" : "") with points pt 6 lc "gray40"
