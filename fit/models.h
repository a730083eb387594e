/*
 * The scaling models as weighted linear least squares, and the interval
 * arithmetic the fits need.
 *
 * Amdahl's law T(N) = T1 (f + (1 - f) / N) is T = a + b / N with
 * T1 = a + b and f = a / (a + b).  The Universal Scalability Law
 * T(N) = T1 (1 + alpha (N - 1) + beta N (N - 1)) / N is, multiplied by N,
 * N T = c0 + c1 (N - 1) + c2 N (N - 1) with T1 = c0, alpha = c1 / c0 and
 * beta = c2 / c0.  Both are linear in their coefficients, so the weighted
 * fit has one exact answer and no starting point, and a bootstrap can refit
 * thousands of times.  Each point's sigma is taken as known, so chi-square
 * is the fit's -2 log likelihood up to a constant and AICc is built on it.
 */
#ifndef OMPSCALE_MODELS_H
#define OMPSCALE_MODELS_H

#include <stddef.h>

#include "stats.h"

struct omps_point {
    double threads;
    double seconds;
    double sigma; /* the standard error of seconds, > 0 */
};

enum omps_model { OMPS_AMDAHL, OMPS_USL };

/* A fitted model: the parameters in the model's own terms. */
struct omps_model_fit {
    double f, alpha, beta, t1; /* f for Amdahl; alpha, beta for USL */
    double cov[3][3];          /* of the linear coefficients */
    double coef[3];
    double chi2;
    int ndf;
};

/*
 * Fits model to p[0..n).  Returns 0; -1 when the points cannot determine the
 * coefficients (too few distinct thread counts, a singular system) or T1
 * comes out at or below 0.  f, alpha and beta are not clamped.
 */
int omps_model_fit(enum omps_model model, const struct omps_point *p, size_t n,
                   struct omps_model_fit *out);

/* The linearised standard error of f (Amdahl) or alpha, beta (USL, which =
 * 0 or 1) from the coefficients' covariance. */
double omps_model_stderr(enum omps_model model, const struct omps_model_fit *fit,
                         int which);

/* AICc with known sigmas: chi2 + 2k + 2k(k+1)/(n-k-1); NaN when n <= k + 1. */
double omps_aicc(double chi2, size_t n, int k);

/* P(X >= chi2) for X chi-square with ndf degrees of freedom (Wilson-Hilferty;
 * within 0.01 in the tail that matters here).  ndf < 1 gives 1. */
double omps_chi2_upper(double chi2, int ndf);

/* omps_t975, Student's t quantile, is core's (stats.h). */

/* The standard normal CDF. */
double omps_phi(double z);

#endif
