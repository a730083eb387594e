/*
 * The statistics of `ompscale compare`: the Mann-Whitney U distribution
 * (exact for small samples, normal beyond), the Hodges-Lehmann confidence
 * interval for a shift between two samples, and Holm's step-down correction.
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
 * The Hodges-Lehmann interval for the shift x - y at the given two-sided
 * level (0.95): order statistics of the m*n differences x_i - y_j at the
 * ranks the U distribution gives.  When the samples are too small for the
 * level, *lo = -INFINITY and *hi = INFINITY.  Returns 0 or OMPS_ENOMEM.
 */
int omps_shift_interval(const struct omps_mwu *d, const double *x,
                        const double *y, double level, double *lo, double *hi);

/* The smallest one-sided p-value samples of m and n can give. */
double omps_mwu_min_p(const struct omps_mwu *d);

/* Holm's step-down adjustment of k p-values into adjusted[] (same order). */
int omps_holm(const double *p, size_t k, double *adjusted);

#endif
