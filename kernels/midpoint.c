/*
 * midpoint: the midpoint rule for the integral of 4/(1+x^2) over [0, 1],
 * which is pi.  The range is split across the team and partial sums are
 * reduced: the "split the range, reduce partial sums" lesson.
 */
#include "kernel.h"
#include "pi_terms.h"

static int midpoint_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    return omps_pi_setup(state, n, 0.0);
}

static void midpoint_run(void *state, struct omps_team *team)
{
    struct omps_pi_state *m = state;
    const int64_t n = m->n;
    const double h = 1.0 / (double)n;
    double sum = 0.0;
    int64_t terms = 0;
#pragma omp parallel
    {
        omps_team_note(team);
        /* Counting terms costs an integer add beside a division. */
#pragma omp for simd schedule(runtime) reduction(+ : sum, terms)
        for (int64_t i = 0; i < n; i++) {
            sum += omps_pi_term(i, h);
            terms++;
        }
    }
    m->result = sum * h;
    m->terms = terms;
}

static struct omps_work midpoint_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = OMPS_PI_FLOPS_PER_TERM * (double)n};
}

const struct omps_kernel omps_kernel_midpoint = {
    .name = "midpoint",
    .summary = "midpoint-rule integral of 4/(1+x^2) = pi: split the range, "
               "reduce partial sums (compute bound)",
    .unit = OMPS_UNIT_GFLOPS,
    .bound = OMPS_BOUND_DIVISION,
    .scheduled = 1,
    .default_size = omps_pi_default_size,
    .footprint = omps_pi_footprint,
    .setup = midpoint_setup,
    .run = midpoint_run,
    .verify = omps_pi_verify_state,
    .poison = omps_pi_poison,
    .teardown = omps_pi_teardown,
    .result = omps_pi_result,
    .corrupt = omps_pi_corrupt,
    .work = midpoint_work,
};
