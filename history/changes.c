/*
 * Change points by E-divisive means with a t-test (changes.h).
 */
#include "changes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"

/* The regularized incomplete beta function I_x(a, b) by its continued
 * fraction (modified Lentz), on the side where it converges fast. */
static double beta_fraction(double x, double a, double b)
{
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
    double h = d;
    for (int m = 1; m <= 300; m++) {
        const double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        for (int half = 0; half < 2; half++) {
            d = 1.0 + num * d;
            d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
            c = 1.0 + num / c;
            c = fabs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        }
        if (fabs(d * c - 1.0) < 1e-14)
            break;
    }
    return h;
}

static double incomplete_beta(double x, double a, double b)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    const double front =
        exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0))
        return front * beta_fraction(x, a, b) / a;
    return 1.0 - front * beta_fraction(1.0 - x, b, a) / b;
}

double omps_student_p(double t, double df)
{
    if (!(df >= 1.0) || isnan(t))
        return NAN;
    if (isinf(t))
        return 0.0;
    return incomplete_beta(df / (df + t * t), df / 2.0, 0.5);
}

/* Student's pooled two-sample t-test of y[first, index) against
 * y[index, last), filling the change's means, step and p-value.  Returns
 * -1 when the segments are too small to test (fewer than three points). */
static int t_test_pooled(const double *y, int log_scale, double pooled_ss, double pooled_df,
                         struct omps_change *c);

static int t_test(const double *y, int log_scale, struct omps_change *c)
{
    return t_test_pooled(y, log_scale, 0.0, 0.0, c);
}

/* The same with the noise taken from every segment of the series' current
 * segmentation (pooled_ss over pooled_df degrees of freedom) instead of the
 * two compared alone; pooled_df 0 means the two alone.  A change whose
 * neighbour left it a short segment keeps the power the whole series
 * gives. */
static int t_test_pooled(const double *y, int log_scale, double pooled_ss, double pooled_df,
                         struct omps_change *c)
{
    const size_t n1 = c->index - c->first, n2 = c->last - c->index;
    if (n1 < 1 || n2 < 1 || n1 + n2 < 3)
        return -1;
    double m1 = 0.0, m2 = 0.0, ss = 0.0;
    for (size_t i = c->first; i < c->index; i++)
        m1 += y[i] / (double)n1;
    for (size_t i = c->index; i < c->last; i++)
        m2 += y[i] / (double)n2;
    for (size_t i = c->first; i < c->last; i++) {
        const double m = i < c->index ? m1 : m2;
        ss += (y[i] - m) * (y[i] - m);
    }
    const double df = pooled_df > 0.0 ? pooled_df : (double)(n1 + n2 - 2);
    if (pooled_df > 0.0)
        ss = pooled_ss;
    const double sd = fmax(sqrt(ss / df), OMPS_CHANGE_RESOLUTION);
    const double se = sd * sqrt(1.0 / (double)n1 + 1.0 / (double)n2);
    const double diff = m2 - m1, half = omps_t975((int)df) * se;
    c->p = omps_student_p(diff / se, df);
    c->before = log_scale ? exp(m1) : m1;
    c->after = log_scale ? exp(m2) : m2;
    c->step = log_scale ? expm1(diff) : diff;
    c->step_low = log_scale ? expm1(diff - half) : diff - half;
    c->step_high = log_scale ? expm1(diff + half) : diff + half;
    return 0;
}

/* The E-divisive split of y[first, last): the index that maximises the
 * energy statistic Q between the two sides (the distance between them less
 * the distances within each, weighted by ab/m), with the sums updated as
 * the split moves, so a segment of m points takes O(m^2).  Returns 0 when
 * the segment has fewer than two points. */
static size_t best_split(const double *y, size_t first, size_t last)
{
    const size_t m = last - first;
    if (m < 2)
        return 0;
    double within_left = 0.0, within_right = 0.0, between = 0.0;
    for (size_t i = first + 1; i < last; i++) {
        between += fabs(y[first] - y[i]);
        for (size_t j = i + 1; j < last; j++)
            within_right += fabs(y[i] - y[j]);
    }
    size_t best = 0;
    double best_q = -INFINITY;
    for (size_t t = first + 1; t < last; t++) {
        const double a = (double)(t - first), b = (double)(last - t);
        double q = 2.0 / (a * b) * between;
        if (a > 1.0)
            q -= 2.0 / (a * (a - 1.0)) * within_left;
        if (b > 1.0)
            q -= 2.0 / (b * (b - 1.0)) * within_right;
        q *= a * b / (double)m;
        if (q > best_q) {
            best_q = q;
            best = t;
        }
        /* Moving y[t] from the right side to the left. */
        double to_left = 0.0, to_right = 0.0;
        for (size_t i = first; i < t; i++)
            to_left += fabs(y[i] - y[t]);
        for (size_t j = t + 1; j < last; j++)
            to_right += fabs(y[t] - y[j]);
        within_left += to_left;
        within_right -= to_right;
        between += to_right - to_left;
    }
    return best;
}

/* The split of [first, last) as a tested change, or -1 when there is none
 * to test. */
static int propose(const double *y, size_t first, size_t last, int log_scale,
                   struct omps_change *c)
{
    const size_t t = best_split(y, first, last);
    if (t == 0)
        return -1;
    *c = (struct omps_change){.index = t, .first = first, .last = last};
    return t_test(y, log_scale, c);
}

/* Inserts c into the sorted list at[0..*count). */
static void insert_sorted(struct omps_change *at, size_t *count, const struct omps_change *c)
{
    size_t i = *count;
    while (i > 0 && at[i - 1].index > c->index) {
        at[i] = at[i - 1];
        i--;
    }
    at[i] = *c;
    (*count)++;
}

/* The squared deviations of y from its segments' means, for the
 * segmentation by the changes at[0..count); *df is their degrees of
 * freedom (points less segments). */
static double within_segments(const double *y, size_t n, const struct omps_change *at,
                              size_t count, double *df)
{
    double ss = 0.0;
    for (size_t k = 0; k <= count; k++) {
        const size_t first = k > 0 ? at[k - 1].index : 0, last = k < count ? at[k].index : n;
        double mean = 0.0;
        for (size_t i = first; i < last; i++)
            mean += y[i] / (double)(last - first);
        for (size_t i = first; i < last; i++)
            ss += (y[i] - mean) * (y[i] - mean);
    }
    *df = (double)n - (double)(count + 1);
    return ss;
}

/* Retests every change against the segments between its neighbours, with
 * the noise of every segment pooled, and drops the weakest that is no
 * longer below alpha, until all are.  With only the two neighbouring
 * segments' noise, a 30% step in the newest run was dropped once a
 * spurious split had left it two points before it (one degree of
 * freedom); the series' other segments measure the same noise. */
static void prune(const double *y, size_t n, int log_scale, double alpha, struct omps_change *at,
                  size_t *count)
{
    for (;;) {
        size_t weakest = *count;
        double df = 0.0;
        const double ss = within_segments(y, n, at, *count, &df);
        for (size_t i = 0; i < *count; i++) {
            at[i].first = i > 0 ? at[i - 1].index : 0;
            at[i].last = i + 1 < *count ? at[i + 1].index : n;
            if (t_test_pooled(y, log_scale, ss, df >= 1.0 ? df : 0.0, &at[i]) != 0)
                at[i].p = 1.0;
            if (!(at[i].p < alpha) && (weakest == *count || at[i].p > at[weakest].p))
                weakest = i;
        }
        if (weakest == *count)
            return;
        memmove(at + weakest, at + weakest + 1, (*count - weakest - 1) * sizeof *at);
        (*count)--;
    }
}

/* Splits the segments between the changes found so far, the most
 * significant split first, while one is below alpha. */
static void divide(const double *y, size_t n, int log_scale, double alpha, struct omps_change *at,
                   size_t *count)
{
    for (;;) {
        struct omps_change best = {.p = 1.0}, c;
        int have = 0;
        for (size_t i = 0; i <= *count; i++) {
            const size_t first = i > 0 ? at[i - 1].index : 0;
            const size_t last = i < *count ? at[i].index : n;
            if (propose(y, first, last, log_scale, &c) == 0 && c.p < alpha &&
                (!have || c.p < best.p)) {
                best = c;
                have = 1;
            }
        }
        if (!have)
            return;
        insert_sorted(at, count, &best);
    }
}

long omps_change_points(const double *x, size_t n, int log_scale, double alpha,
                        struct omps_change *out, size_t max)
{
    double *y = malloc((n + 1) * sizeof *y);
    struct omps_change *at = malloc((n + 1) * sizeof *at);
    long rc = y != NULL && at != NULL ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!isfinite(x[i]) || (log_scale && !(x[i] > 0.0)))
            rc = -1;
        else
            y[i] = log_scale ? log(x[i]) : x[i];
    }
    size_t count = 0;
    if (rc == 0) {
        divide(y, n, log_scale, alpha, at, &count);
        prune(y, n, log_scale, alpha, at, &count);
        for (size_t i = 0; i < count; i++)
            at[i].p_holm = NAN;
        memcpy(out, at, (count < max ? count : max) * sizeof *out);
        rc = (long)count;
    }
    free(y);
    free(at);
    return rc;
}
