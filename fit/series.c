/* Choosing among fitted series: one rule for the headline, the overview
 * and the roofline, so they name the same series. */
#include <math.h>

#include "fit.h"
#include "models.h"

const struct omps_fit_point *omps_fit_member(const struct omps_fit_input *in,
                                             const struct omps_fitted_series *s, size_t i)
{
    return &in->points[s->members[i]];
}

const struct omps_fit_point *omps_fit_top_point(const struct omps_fit_input *in,
                                                const struct omps_fitted_series *s)
{
    const struct omps_fit_point *top = NULL;
    for (size_t i = 0; i < s->count; i++) {
        const struct omps_fit_point *p = omps_fit_member(in, s, i);
        if (p->excluded == 0 && isfinite(p->median) && (top == NULL || p->cores > top->cores))
            top = p;
    }
    return top;
}

double omps_fit_top_speedup(const struct omps_fit_input *in, const struct omps_fitted_series *s)
{
    const struct omps_fit_point *top = omps_fit_top_point(in, s);
    return top != NULL && isfinite(top->speedup) ? top->speedup : 0;
}

const struct omps_fit_point *omps_fit_one_core(const struct omps_fit_input *in,
                                               const struct omps_fitted_series *s)
{
    for (size_t i = 0; i < s->count; i++) {
        const struct omps_fit_point *p = omps_fit_member(in, s, i);
        if (p->cores == 1 && isfinite(p->median) && p->median > 0)
            return p;
    }
    return NULL;
}

struct omps_line_point omps_fit_line_point(const struct omps_fit_point *p)
{
    return (struct omps_line_point){&p->key, isfinite(p->median) ? p->median : NAN,
                                    p->round_index, p->round_values, p->nrounds};
}

size_t omps_fit_paired_log_ratio(const struct omps_fit_point *num,
                                 const struct omps_fit_point *den, int half, double *mean,
                                 double *h)
{
    const struct omps_line_point a = omps_fit_line_point(num), b = omps_fit_line_point(den);
    return omps_paired_log_ratio(&a, &b, half, mean, h);
}

/* The series with the highest top-point speedup (the first of equals);
 * -1 when none has a top point.  The rule without rounds. */
static long largest_estimate(const struct omps_fit_input *in,
                             const struct omps_fitted_series *const *series, size_t n)
{
    long best = -1;
    for (size_t i = 0; i < n; i++) {
        if (omps_fit_top_point(in, series[i]) != NULL &&
            (best < 0 || omps_fit_top_speedup(in, series[i]) >
                             omps_fit_top_speedup(in, series[best])))
            best = (long)i;
    }
    return best;
}

/* The series whose speedup on the choosing rounds (even) is highest; -1
 * when no series has two such rounds. */
static long chosen_on_even(const struct omps_fit_input *in,
                           const struct omps_fitted_series *const *series, size_t n)
{
    long best = -1;
    double best_mean = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const struct omps_fit_point *top = omps_fit_top_point(in, series[i]);
        const struct omps_fit_point *one = omps_fit_one_core(in, series[i]);
        double mean = NAN, h;
        /* The log speedup: one's times over top's, on the even rounds. */
        if (top == NULL || one == NULL || omps_fit_paired_log_ratio(one, top, 0, &mean, &h) < 2)
            continue;
        if (mean > best_mean)
            best = (long)i, best_mean = mean;
    }
    return best;
}

/* A pick's numbers from the rounds of parity half (-1: all). */
static int estimate(const struct omps_fit_input *in, const struct omps_fitted_series *s,
                    int half, struct omps_fit_pick *pick)
{
    const struct omps_fit_point *top = omps_fit_top_point(in, s);
    const struct omps_fit_point *one = omps_fit_one_core(in, s);
    double mean = NAN, h = NAN;
    const size_t rounds =
        top != NULL && one != NULL ? omps_fit_paired_log_ratio(one, top, half, &mean, &h) : 0;
    if (rounds < 2)
        return -1;
    pick->rounds = rounds;
    pick->half = half;
    pick->speedup = exp(mean);
    pick->lo = exp(mean - h);
    pick->hi = exp(mean + h);
    return 0;
}

struct omps_fit_pick omps_fit_pick(const struct omps_fit_input *in,
                                   const struct omps_fitted_series *const *series, size_t n)
{
    struct omps_fit_pick pick = {.series = -1, .speedup = NAN, .lo = NAN, .hi = NAN,
                                 .half = -1};
    const long chosen = n > 1 ? chosen_on_even(in, series, n) : -1;
    if (chosen >= 0 && estimate(in, series[chosen], 1, &pick) == 0) {
        pick.series = chosen;
        pick.how = "chosen on the even rounds, estimated on the odd";
        return pick;
    }
    pick.series = largest_estimate(in, series, n);
    if (pick.series < 0)
        return pick;
    const struct omps_fitted_series *s = series[pick.series];
    if (n == 1 && estimate(in, s, -1, &pick) == 0) {
        pick.how = "the only series, every round";
        return pick;
    }
    const struct omps_fit_point *top = omps_fit_top_point(in, s);
    pick.speedup = top->speedup, pick.lo = top->speedup_lo, pick.hi = top->speedup_hi;
    pick.rounds = top->nrounds;
    pick.how = n == 1 ? "the only series, from its medians' intervals"
                      : "the largest estimate: too few rounds to choose on half of them";
    return pick;
}

long omps_fit_best_of(const struct omps_fit_input *in,
                      const struct omps_fitted_series *const *series, size_t n)
{
    return omps_fit_pick(in, series, n).series;
}
