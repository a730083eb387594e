#include "pi_terms.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <omp.h>

#include "errors.h"

/* A serial, vectorised sum used only to size the default run. */
static double serial_pi(int64_t n)
{
    const double h = 1.0 / (double)n;
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int64_t i = 0; i < n; i++)
        sum += omps_pi_term(i, h);
    return sum * h;
}

uint64_t omps_pi_default_size(const struct omps_sizing *sizing)
{
    const int64_t probe = INT64_C(1) << 20;
    if (sizing->quick)
        return (uint64_t)probe;
    double best = INFINITY;
    volatile double sink = 0.0;
    for (int k = 0; k < 5; k++) {
        const double t0 = omp_get_wtime();
        sink = sink + serial_pi(probe);
        const double dt = omp_get_wtime() - t0;
        best = dt < best ? dt : best;
    }
    /* Rounding to a power of two keeps the size stable under timing noise,
     * so runs on one machine pair up for comparison. */
    const double wanted = (double)probe * 0.040 / (best > 0 ? best : 1e-9);
    const double exponent = fmin(fmax(nearbyint(log2(wanted)), 20.0), 36.0);
    return UINT64_C(1) << (int)exponent;
}

int omps_pi_verify(double result, int64_t n, char *why, size_t why_len)
{
    const double h = 1.0 / (double)n;
    const double u = 0x1p-53;
    const double tol = 1.1 * h * h / 12.0 + ((double)n + 8.0) * u * OMPS_PI;
    const double err = fabs(result - OMPS_PI);
    if (err <= tol)
        return 0;
    snprintf(why, why_len, "integral %.17g differs from pi by %.3g (tolerance %.3g)",
             result, err, tol);
    return -1;
}

int omps_pi_setup(void **state, uint64_t n, double param)
{
    struct omps_pi_state *s = malloc(sizeof *s);
    if (s == NULL)
        return OMPS_ENOMEM;
    *s = (struct omps_pi_state){.n = (int64_t)n, .param = param, .result = NAN, .terms = -1};
    *state = s;
    return OMPS_OK;
}

void omps_pi_teardown(void *state)
{
    free(state);
}

double omps_pi_footprint(uint64_t n)
{
    (void)n;
    return (double)sizeof(struct omps_pi_state);
}

int omps_pi_verify_state(void *state, char *why, size_t why_len)
{
    const struct omps_pi_state *s = state;
    if (s->terms != s->n) {
        snprintf(why, why_len, "summed %lld of %lld terms", (long long)s->terms,
                 (long long)s->n);
        return -1;
    }
    return omps_pi_verify(s->result, s->n, why, why_len);
}

void omps_pi_corrupt(void *state)
{
    struct omps_pi_state *s = state;
    s->result -= 2.0 / (double)s->n;
    s->terms -= 1;
}

void omps_pi_poison(void *state)
{
    struct omps_pi_state *s = state;
    s->result = NAN;
    s->terms = -1;
}

double omps_pi_result(const void *state)
{
    return ((const struct omps_pi_state *)state)->result;
}
