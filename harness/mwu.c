#include "mwu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../kernels/errors.h"

/*
 * Counts of arrangements by U, built up one observation at a time: with i
 * x's and j y's, the largest value is either an x (which beats all j y's,
 * adding j to U) or a y (adding nothing), so
 * f(i, j, u) = f(i-1, j, u-j) + f(i, j-1, u).  Two layers of i suffice.
 */
static int exact_counts(size_t m, size_t n, double *out)
{
    const size_t width = m * n + 1;
    double *prev = calloc((n + 1) * width, sizeof *prev);
    double *cur = calloc((n + 1) * width, sizeof *cur);
    if (prev == NULL || cur == NULL) {
        free(prev);
        free(cur);
        return OMPS_ENOMEM;
    }
    for (size_t j = 0; j <= n; j++)
        prev[j * width] = 1.0; /* no x's: U = 0 in exactly one way */
    for (size_t i = 1; i <= m; i++) {
        memset(cur, 0, (n + 1) * width * sizeof *cur);
        cur[0] = 1.0; /* no y's */
        for (size_t j = 1; j <= n; j++) {
            for (size_t u = 0; u <= i * j; u++) {
                double v = cur[(j - 1) * width + u];
                if (u >= j)
                    v += prev[j * width + u - j];
                cur[j * width + u] = v;
            }
        }
        double *t = prev;
        prev = cur;
        cur = t;
    }
    memcpy(out, &prev[n * width], width * sizeof *out);
    free(prev);
    free(cur);
    return OMPS_OK;
}

int omps_mwu_init(struct omps_mwu *d, size_t m, size_t n)
{
    d->m = m;
    d->n = n;
    d->cdf = NULL;
    if (m * n > OMPS_MWU_EXACT_MAX)
        return OMPS_OK;
    const size_t width = m * n + 1;
    d->cdf = malloc(width * sizeof *d->cdf);
    if (d->cdf == NULL || exact_counts(m, n, d->cdf) != OMPS_OK) {
        free(d->cdf);
        d->cdf = NULL;
        return OMPS_ENOMEM;
    }
    double total = 0.0;
    for (size_t u = 0; u < width; u++)
        total += d->cdf[u];
    double run = 0.0;
    for (size_t u = 0; u < width; u++) {
        run += d->cdf[u];
        d->cdf[u] = run / total;
    }
    return OMPS_OK;
}

void omps_mwu_free(struct omps_mwu *d)
{
    free(d->cdf);
    d->cdf = NULL;
}

double omps_mwu_cdf(const struct omps_mwu *d, double u)
{
    const double mn = (double)d->m * (double)d->n;
    if (u < 0)
        return 0.0;
    if (u >= mn)
        return 1.0;
    if (d->cdf != NULL)
        return d->cdf[(size_t)floor(u)];
    const double mean = mn / 2.0;
    const double sd = sqrt(mn * ((double)d->m + (double)d->n + 1.0) / 12.0);
    return 0.5 * erfc(-(floor(u) + 0.5 - mean) / (sd * sqrt(2.0)));
}

double omps_mwu_statistic(const double *x, size_t m, const double *y, size_t n)
{
    double u = 0.0;
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++)
            u += x[i] > y[j] ? 1.0 : x[i] == y[j] ? 0.5 : 0.0;
    }
    return u;
}

/* P(U >= u) = 1 - P(U <= u - 1); a half-count from ties rounds down, which
 * can only make p larger. */
double omps_mwu_p_greater(const struct omps_mwu *d, double u)
{
    return 1.0 - omps_mwu_cdf(d, floor(u) - 1.0);
}

double omps_mwu_min_p(const struct omps_mwu *d)
{
    return 1.0 - omps_mwu_cdf(d, (double)d->m * (double)d->n - 1.0);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int omps_shift_interval(const struct omps_mwu *d, const double *x,
                        const double *y, double level, double *lo, double *hi)
{
    const size_t mn = d->m * d->n;
    *lo = -INFINITY;
    *hi = INFINITY;
    /* k: the most differences that may be cut from each end, so that
     * P(U <= k - 1) stays within (1 - level) / 2. */
    size_t k = 0;
    while (k < mn / 2 && omps_mwu_cdf(d, (double)k) <= (1.0 - level) / 2.0)
        k++;
    if (k == 0)
        return OMPS_OK;
    double *diff = malloc(mn * sizeof *diff);
    if (diff == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < d->m; i++) {
        for (size_t j = 0; j < d->n; j++)
            diff[i * d->n + j] = x[i] - y[j];
    }
    qsort(diff, mn, sizeof *diff, compare_doubles);
    *lo = diff[k - 1];
    *hi = diff[mn - k];
    free(diff);
    return OMPS_OK;
}

int omps_holm(const double *p, size_t k, double *adjusted)
{
    size_t *order = malloc((k + 1) * sizeof *order);
    if (order == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < k; i++)
        order[i] = i;
    /* Insertion sort by p: k is the number of configurations, small. */
    for (size_t i = 1; i < k; i++) {
        for (size_t j = i; j > 0 && p[order[j]] < p[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    }
    double running = 0.0;
    for (size_t r = 0; r < k; r++) {
        double v = fmin(1.0, (double)(k - r) * p[order[r]]);
        running = fmax(running, v);
        adjusted[order[r]] = running;
    }
    free(order);
    return OMPS_OK;
}
