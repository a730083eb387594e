/*
 * cube_map: out[i] = in[i]^3 out of place, the Pool.map(cube, ...) lesson.
 * Memory bound: two flops against 16 bytes moved per element.
 */
#include <stdio.h>

#include "common.h"
#include "kernel.h"

extern const struct omps_kernel omps_kernel_copy;

static void cube_map_run(void *state, struct omps_team *team)
{
    struct omps_pair *p = state;
    const int64_t n = p->n;
    const double *restrict in = p->a;
    double *restrict out = p->b;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for simd schedule(runtime)
        for (int64_t i = 0; i < n; i++)
            out[i] = in[i] * in[i] * in[i];
    }
}

static int cube_map_verify(void *state, char *why, size_t why_len)
{
    return omps_pair_check(state, OMPS_PAIR_CUBE, 0, "out", why, why_len);
}

static int cube_map_verify_poison(void *state, char *why, size_t why_len)
{
    return omps_pair_check(state, OMPS_PAIR_CUBE, 1, "out", why, why_len);
}

static int cube_map_verify_sample(void *state, uint64_t salt, int chunk, char *why, size_t why_len)
{
    return omps_pair_check_sample(state, OMPS_PAIR_CUBE, salt, chunk, "out", why, why_len);
}

const struct omps_kernel omps_kernel_cube_map = {
    .name = "cube_map",
    .summary = "out[i] = in[i]^3 out of place, the Pool.map(cube, ...) lesson "
               "(memory bound)",
    .unit = OMPS_UNIT_GBPS,
    .scheduled = 1,
    .ceiling = &omps_kernel_copy,
    .bound = OMPS_BOUND_BANDWIDTH,
    .default_size = omps_default_array_length,
    .footprint = omps_pair_footprint,
    .state_family = OMPS_PAIR_FAMILY,
    .setup = omps_pair_setup,
    .poison = omps_pair_poison,
    .run = cube_map_run,
    .verify = cube_map_verify,
    .verify_poison = cube_map_verify_poison,
    .poison_sample = omps_pair_poison_sample,
    .verify_sample = cube_map_verify_sample,
    .teardown = omps_pair_teardown,
    .corrupt = omps_pair_corrupt,
    .work = omps_cube_work,
};
