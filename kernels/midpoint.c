/*
 * midpoint: the midpoint rule for the integral of 4/(1+x^2) over [0, 1],
 * which is pi.  The range is split across the team and partial sums are
 * reduced: the "split the range, reduce partial sums" lesson.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "kernel.h"

#define PI_EXACT 3.14159265358979323846

struct midpoint_state {
    int64_t n;
    double result;
};

static double midpoint_term(int64_t i, double h)
{
    const double x = ((double)i + 0.5) * h;
    return 4.0 / (1.0 + x * x);
}

/* A serial, vectorised reference used only to size the default run. */
static double midpoint_serial(int64_t n)
{
    const double h = 1.0 / (double)n;
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int64_t i = 0; i < n; i++)
        sum += midpoint_term(i, h);
    return sum * h;
}

/* Sizes the default run to take about 40 ms on one thread, rounded to a
 * power of two so that small timing noise does not change the size. */
static uint64_t midpoint_default_size(const struct omps_sizing *sizing)
{
    const int64_t probe = INT64_C(1) << 20;
    if (sizing->quick)
        return (uint64_t)probe;
    double best = INFINITY;
    volatile double sink = 0.0;
    for (int k = 0; k < 5; k++) {
        const double t0 = omp_get_wtime();
        sink = sink + midpoint_serial(probe);
        const double dt = omp_get_wtime() - t0;
        best = dt < best ? dt : best;
    }
    const double wanted = (double)probe * 0.040 / (best > 0 ? best : 1e-9);
    const double exponent = nearbyint(log2(wanted));
    const double clamped = fmin(fmax(exponent, 20.0), 36.0);
    return UINT64_C(1) << (int)clamped;
}

static double midpoint_footprint(uint64_t n)
{
    (void)n;
    return (double)sizeof(struct midpoint_state);
}

static int midpoint_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct midpoint_state *m = malloc(sizeof *m);
    if (m == NULL)
        return OMPS_ENOMEM;
    m->n = (int64_t)n;
    m->result = 0.0;
    *state = m;
    return OMPS_OK;
}

static void midpoint_run(void *state, struct omps_team *team)
{
    struct midpoint_state *m = state;
    const int64_t n = m->n;
    const double h = 1.0 / (double)n;
    double sum = 0.0;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for simd schedule(runtime) reduction(+ : sum)
        for (int64_t i = 0; i < n; i++)
            sum += midpoint_term(i, h);
    }
    m->result = sum * h;
}

/*
 * The tolerance is the midpoint rule's discretisation error, h^2/12 for this
 * integrand (with 10% slack for the higher-order terms), plus the worst-case
 * rounding of a sum of n positive terms added in any order, n*u*pi: dynamic
 * schedules may hand one thread every term, so no shorter chain is assumed.
 */
static double midpoint_tolerance(int64_t n)
{
    const double h = 1.0 / (double)n;
    const double u = 0x1p-53;
    return 1.1 * h * h / 12.0 + ((double)n + 8.0) * u * PI_EXACT;
}

static int midpoint_verify(void *state, char *why, size_t why_len)
{
    const struct midpoint_state *m = state;
    const double err = fabs(m->result - PI_EXACT);
    const double tol = midpoint_tolerance(m->n);
    if (err <= tol)
        return 0;
    snprintf(why, why_len, "integral %.17g differs from pi by %.3g (tolerance %.3g)",
             m->result, err, tol);
    return -1;
}

/* The smallest term is 4/(1+1)*h = 2h: losing any one term loses at least
 * that much. */
static void midpoint_corrupt(void *state)
{
    struct midpoint_state *m = state;
    m->result -= 2.0 / (double)m->n;
}

static void midpoint_teardown(void *state)
{
    free(state);
}

/* Per term: one add and one multiply for x, a multiply and an add for
 * 1+x^2, a divide, and the accumulating add. */
static struct omps_work midpoint_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = 6.0 * (double)n, .bytes = 0.0};
}

const struct omps_kernel omps_kernel_midpoint = {
    .name = "midpoint",
    .summary = "midpoint-rule integral of 4/(1+x^2) = pi: split the range, "
               "reduce partial sums (compute bound)",
    .rate_unit = "GFLOP/s",
    .scheduled = 1,
    .default_size = midpoint_default_size,
    .footprint = midpoint_footprint,
    .setup = midpoint_setup,
    .run = midpoint_run,
    .verify = midpoint_verify,
    .teardown = midpoint_teardown,
    .corrupt = midpoint_corrupt,
    .work = midpoint_work,
};
