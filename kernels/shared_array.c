/*
 * shared_array: a[i] = a[i]^3 in place on one shared array, the
 * multiprocessing.Array lesson.  Cubing in place again and again would send
 * every value to 0 or infinity, so before each timed run the array is
 * restored (untimed) from a pristine copy; every run then cubes values in
 * (1, 2) into (1, 8), bounded and normal however many runs there are.
 */
#include <math.h>
#include <stdio.h>

#include "common.h"
#include "kernel.h"

extern const struct omps_kernel omps_kernel_copy;

/* In the pair, a is the pristine input and b the shared working array. */
static void shared_array_prepare(void *state)
{
    struct omps_pair *p = state;
    omps_copy_doubles(p->b, p->a, (uint64_t)p->n);
}

static void shared_array_run(void *state, struct omps_team *team)
{
    struct omps_pair *p = state;
    const int64_t n = p->n;
    double *restrict a = p->b;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for simd schedule(runtime)
        for (int64_t i = 0; i < n; i++)
            a[i] = a[i] * a[i] * a[i];
    }
}

static int shared_array_verify(void *state, char *why, size_t why_len)
{
    const struct omps_pair *p = state;
    for (int64_t i = 0; i < p->n; i++) {
        const double x = p->a[i];
        const double want = x * x * x;
        if (p->b[i] != want || !isnormal(p->b[i])) {
            snprintf(why, why_len, "a[%lld] = %.17g, want %.17g",
                     (long long)i, p->b[i], want);
            return -1;
        }
    }
    return 0;
}

const struct omps_kernel omps_kernel_shared_array = {
    .name = "shared_array",
    .summary = "a[i] = a[i]^3 in place on one shared array, the "
               "multiprocessing.Array lesson (memory bound)",
    .unit = OMPS_UNIT_GBPS,
    .scheduled = 1,
    .ceiling = &omps_kernel_copy,
    .bound = OMPS_BOUND_BANDWIDTH,
    .default_size = omps_default_array_length,
    .footprint = omps_pair_footprint,
    .setup = omps_pair_setup,
    .prepare = shared_array_prepare,
    .run = shared_array_run,
    .verify = shared_array_verify,
    .teardown = omps_pair_teardown,
    .corrupt = omps_pair_corrupt,
    .poison = omps_pair_poison,
    .work = omps_cube_work,
};
