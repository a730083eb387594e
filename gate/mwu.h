/*
 * The rank statistics of `ompscale compare`: the Mann-Whitney U test for two
 * independent samples and the Wilcoxon signed-rank test for paired ones
 * (both exact for small samples, normal beyond), the Hodges-Lehmann
 * estimate and interval that belong to each test, and Holm's step-down
 * correction.
 */
#ifndef OMPSCALE_MWU_H
#define OMPSCALE_MWU_H

#include <stddef.h>

/* The null distribution of U for samples of m and n. */
struct omps_mwu {
    size_t m, n;
    double *cdf; /* P(U <= u) for u = 0..m*n; NULL: normal approximation */
};

/* Exact when m*n is at most this; the normal approximation beyond. */
#define OMPS_MWU_EXACT_MAX 2500

/* Builds the distribution for sizes m, n >= 1.  Returns 0 or OMPS_ENOMEM;
 * free with omps_mwu_free. */
int omps_mwu_init(struct omps_mwu *d, size_t m, size_t n);

void omps_mwu_free(struct omps_mwu *d);

/* P(U <= u) under the null hypothesis (u rounded down to a whole count). */
double omps_mwu_cdf(const struct omps_mwu *d, double u);

/* U = #{(i, j): x_i > y_j} + #{ties} / 2. */
double omps_mwu_statistic(const double *x, size_t m, const double *y, size_t n);

/* One-sided p-value that x tends to exceed y: P(U >= u_observed), taking
 * ties at their conservative side. */
double omps_mwu_p_greater(const struct omps_mwu *d, double u);

/*
 * The Hodges-Lehmann estimate of the shift x - y (the median of the m*n
 * differences x_i - y_j) into *est, and its interval at the given two-sided
 * level (0.95): the order statistics of those differences at the ranks the
 * U distribution gives.  When the samples are too small for the level,
 * *lo = -INFINITY and *hi = INFINITY.  Returns 0 or OMPS_ENOMEM.
 */
int omps_shift_interval(const struct omps_mwu *d, const double *x,
                        const double *y, double level, double *lo, double *est,
                        double *hi);

/* The smallest one-sided p-value samples of m and n can give. */
double omps_mwu_min_p(const struct omps_mwu *d);

/* The null distribution of the signed-rank statistic W+ for n pairs. */
struct omps_wsr {
    size_t n;
    double *cdf; /* P(W+ <= w) for w = 0..n(n+1)/2; NULL: normal approximation */
};

/* Exact up to this many pairs; the normal approximation beyond. */
#define OMPS_WSR_EXACT_MAX 300

/* Builds the distribution for n >= 1 pairs.  Returns 0 or OMPS_ENOMEM;
 * free with omps_wsr_free. */
int omps_wsr_init(struct omps_wsr *d, size_t n);

void omps_wsr_free(struct omps_wsr *d);

/* P(W+ <= w) under the null hypothesis (w rounded down). */
double omps_wsr_cdf(const struct omps_wsr *d, double w);

/* W+: the sum of the ranks of |x_i| over the positive x_i, with tied |x|
 * sharing their mean rank and a zero counting half its rank.  Returns
 * OMPS_ENOMEM (as a negative number) when scratch memory runs out. */
double omps_wsr_statistic(const double *x, size_t n);

/* One-sided p-value that x tends to lie above 0: P(W+ >= w_observed),
 * taking half-ranks at their conservative side. */
double omps_wsr_p_greater(const struct omps_wsr *d, double w);

/*
 * The one-sample Hodges-Lehmann estimate of x's centre (the median of the
 * n(n+1)/2 Walsh averages (x_i + x_j) / 2, i <= j) into *est, and its
 * interval at the given two-sided level from the W+ distribution.  Too few
 * pairs for the level give *lo = -INFINITY and *hi = INFINITY.  Returns 0 or
 * OMPS_ENOMEM.
 */
int omps_walsh_interval(const struct omps_wsr *d, const double *x, double level,
                        double *lo, double *est, double *hi);

/* Holm's step-down adjustment of k p-values into adjusted[] (same order). */
int omps_holm(const double *p, size_t k, double *adjusted);

#endif
