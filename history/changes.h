/*
 * Change points in one series of runs, by Otava's method (Fleming et al.,
 * arXiv 2301.03034): E-divisive means (Matteson and James, 2014) proposes
 * where a segment splits, and Student's two-sample t-test, not a random
 * permutation test, decides whether the split is real, so the same history
 * always gives the same answer.
 */
#ifndef OMPSCALE_CHANGES_H
#define OMPSCALE_CHANGES_H

#include <stddef.h>

/* One change point: the series moves between x[index - 1] and x[index]. */
struct omps_change {
    size_t index;             /* the first point after the change */
    size_t first, last;       /* the segments compared: [first, index) and
                                 [index, last) */
    double before, after;     /* the segments' means, in the series' units
                                 (the geometric mean on a log scale) */
    double step;              /* after/before - 1 on a log scale, else
                                 after - before */
    double step_low, step_high; /* its 95% interval */
    double p;                 /* the t-test's two-sided p-value */
    double p_holm;            /* p Holm-adjusted over a history's judged
                                 series (omps_history_confirm); NaN: not a
                                 recent change for the worse */
};

/* The noise no series is taken to be quieter than: 0.1% on a log scale
 * (times, speedups), 0.001 on f's own.  Segments that hardly vary (a fit
 * pinned at its bound, a clock's quantum) would otherwise make any step
 * look certain. */
#define OMPS_CHANGE_RESOLUTION 1e-3

/* The default false-alarm rate of one test of one split (Otava's
 * max_pvalue default). */
#define OMPS_CHANGE_ALPHA 0.001

/*
 * Finds the change points of x[0..n): repeatedly splits the segment whose
 * E-divisive split has the smallest t-test p-value while that p-value is
 * below alpha, then tests each change point again against its neighbours'
 * segments and drops the ones no longer below alpha, until none drops.
 * With log_scale the values are compared as logarithms (they must be
 * positive), so a step is a ratio.  Writes at most max changes to out in
 * index order and returns how many there are (-1 when out of memory or a
 * value is not finite, or not positive on a log scale).
 */
long omps_change_points(const double *x, size_t n, int log_scale, double alpha,
                        struct omps_change *out, size_t max);

/* The two-sided p-value of Student's t statistic t with df degrees of
 * freedom (NaN when df < 1). */
double omps_student_p(double t, double df);

#endif
