#include "mwu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

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

/* The order statistic k (1-based) and its mirror M + 1 - k of v[0..M), and
 * the median, after sorting v in place. */
static void order_bounds(double *v, size_t m, size_t k, double *lo, double *est,
                         double *hi)
{
    qsort(v, m, sizeof *v, compare_doubles);
    *est = m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
    if (k > 0) {
        *lo = v[k - 1];
        *hi = v[m - k];
    }
}

/* How many values a level-`level` interval may cut from each end of M
 * values whose null rank statistic has distribution cdf (P(S <= k - 1) must
 * stay within (1 - level) / 2). */
static size_t cut_count(double (*cdf)(const void *, double), const void *d, size_t m,
                        double level)
{
    size_t k = 0;
    while (k < m / 2 && cdf(d, (double)k) <= (1.0 - level) / 2.0)
        k++;
    return k;
}

static double mwu_cdf_any(const void *d, double u) { return omps_mwu_cdf(d, u); }
static double wsr_cdf_any(const void *d, double w) { return omps_wsr_cdf(d, w); }

int omps_shift_interval(const struct omps_mwu *d, const double *x,
                        const double *y, double level, double *lo, double *est,
                        double *hi)
{
    const size_t mn = d->m * d->n;
    *lo = -INFINITY;
    *hi = INFINITY;
    double *diff = malloc((mn + 1) * sizeof *diff);
    if (diff == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < d->m; i++) {
        for (size_t j = 0; j < d->n; j++)
            diff[i * d->n + j] = x[i] - y[j];
    }
    order_bounds(diff, mn, cut_count(mwu_cdf_any, d, mn, level), lo, est, hi);
    free(diff);
    return OMPS_OK;
}

/*
 * Counts of subsets of the ranks 1..n by their sum: adding rank i either
 * leaves a subset alone or raises its sum by i, the knapsack recurrence.
 */
int omps_wsr_init(struct omps_wsr *d, size_t n)
{
    d->n = n;
    d->cdf = NULL;
    if (n > OMPS_WSR_EXACT_MAX)
        return OMPS_OK;
    const size_t top = n * (n + 1) / 2;
    d->cdf = calloc(top + 1, sizeof *d->cdf);
    if (d->cdf == NULL)
        return OMPS_ENOMEM;
    d->cdf[0] = 1.0;
    for (size_t i = 1; i <= n; i++) {
        for (size_t s = i * (i + 1) / 2; s >= i; s--)
            d->cdf[s] += d->cdf[s - i];
    }
    const double total = ldexp(1.0, (int)n);
    double run = 0.0;
    for (size_t w = 0; w <= top; w++) {
        run += d->cdf[w];
        d->cdf[w] = run / total;
    }
    return OMPS_OK;
}

void omps_wsr_free(struct omps_wsr *d)
{
    free(d->cdf);
    d->cdf = NULL;
}

double omps_wsr_cdf(const struct omps_wsr *d, double w)
{
    const double n = (double)d->n, top = n * (n + 1) / 2;
    if (w < 0)
        return 0.0;
    if (w >= top)
        return 1.0;
    if (d->cdf != NULL)
        return d->cdf[(size_t)floor(w)];
    const double sd = sqrt(n * (n + 1) * (2 * n + 1) / 24.0);
    return 0.5 * erfc(-(floor(w) + 0.5 - top / 2) / (sd * sqrt(2.0)));
}

static int compare_abs(const void *a, const void *b)
{
    double x = fabs(*(const double *)a), y = fabs(*(const double *)b);
    return (x > y) - (x < y);
}

double omps_wsr_statistic(const double *x, size_t n)
{
    double *v = malloc((n + 1) * sizeof *v);
    if (v == NULL)
        return (double)OMPS_ENOMEM;
    memcpy(v, x, n * sizeof *v);
    qsort(v, n, sizeof *v, compare_abs);
    double w = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && fabs(v[j]) == fabs(v[i]))
            j++;
        const double rank = 0.5 * (double)(i + 1 + j); /* the tie group's mean rank */
        for (size_t k = i; k < j; k++)
            w += v[k] > 0 ? rank : v[k] == 0 ? rank / 2 : 0.0;
        i = j;
    }
    free(v);
    return w;
}

double omps_wsr_p_greater(const struct omps_wsr *d, double w)
{
    return 1.0 - omps_wsr_cdf(d, floor(w) - 1.0);
}

int omps_walsh_interval(const struct omps_wsr *d, const double *x, double level,
                        double *lo, double *est, double *hi)
{
    const size_t n = d->n, m = n * (n + 1) / 2;
    *lo = -INFINITY;
    *hi = INFINITY;
    double *walsh = malloc((m + 1) * sizeof *walsh);
    if (walsh == NULL)
        return OMPS_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i; j < n; j++)
            walsh[k++] = 0.5 * (x[i] + x[j]);
    }
    order_bounds(walsh, m, cut_count(wsr_cdf_any, d, m, level), lo, est, hi);
    free(walsh);
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
