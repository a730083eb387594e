/*
 * serial_fraction: the pi integral of midpoint with the first share f of
 * its terms summed by one thread while the rest of the team waits, and the
 * remaining terms shared out.  Every term costs the same, so the run time
 * follows Amdahl's law, T(N) = T(1) (f + (1 - f) / N), with this exact f:
 * the end-to-end check that fitting recovers a known serial fraction.
 */
#include <math.h>

#include "kernel.h"
#include "pi_terms.h"

static const struct omps_param_def serial_fraction_params[] = {
    {"f", 0.1, 0.0, 1.0, "the share of the terms summed by one thread", NULL, 0},
};

static int serial_fraction_setup(void **state, uint64_t n, const double *params)
{
    return omps_pi_setup(state, n, params[0]);
}

static void serial_fraction_run(void *state, struct omps_team *team)
{
    struct omps_pi_state *s = state;
    const int64_t n = s->n;
    const int64_t serial_terms = (int64_t)llround(s->param * (double)n);
    const double h = 1.0 / (double)n;
    double serial_sum = 0.0, parallel_sum = 0.0;
    int64_t serial_count = 0, parallel_count = 0;
#pragma omp parallel
    {
        omps_team_note(team);
        /* The implicit barrier after single keeps the team idle while one
         * thread does the serial part, as Amdahl's law assumes. */
#pragma omp single
        {
            double sum = 0.0;
            int64_t count = 0;
#pragma omp simd reduction(+ : sum, count)
            for (int64_t i = 0; i < serial_terms; i++) {
                sum += omps_pi_term(i, h);
                count++;
            }
            serial_sum = sum;
            serial_count = count;
        }
#pragma omp for simd schedule(runtime) reduction(+ : parallel_sum, parallel_count)
        for (int64_t i = serial_terms; i < n; i++) {
            parallel_sum += omps_pi_term(i, h);
            parallel_count++;
        }
    }
    s->result = (serial_sum + parallel_sum) * h;
    s->terms = serial_count + parallel_count;
}

static struct omps_work serial_fraction_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = OMPS_PI_FLOPS_PER_TERM * (double)n};
}

const struct omps_kernel omps_kernel_serial_fraction = {
    .name = "serial_fraction",
    .summary = "the pi integral with a share f of it done by one thread: "
               "Amdahl's law with a known f, to check the fits",
    .unit = OMPS_UNIT_GFLOPS,
    .bound = OMPS_BOUND_DIVISION,
    .scheduled = 1,
    .params = serial_fraction_params,
    .nparams = 1,
    .default_size = omps_pi_default_size,
    .footprint = omps_pi_footprint,
    .setup = serial_fraction_setup,
    .run = serial_fraction_run,
    .verify = omps_pi_verify_state,
    .poison = omps_pi_poison,
    .teardown = omps_pi_teardown,
    .result = omps_pi_result,
    .corrupt = omps_pi_corrupt,
    .work = serial_fraction_work,
};
