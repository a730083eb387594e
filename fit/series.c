/* Choosing among fitted series: one rule for the headline, the overview
 * and the roofline, so they name the same series. */
#include <math.h>

#include "fit.h"

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

long omps_fit_best_of(const struct omps_fit_input *in,
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
