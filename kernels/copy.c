/*
 * copy: b[i] = a[i], STREAM's Copy over the same array length as the maps,
 * so every run carries its own memory-bandwidth ceiling.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "kernel.h"

static void copy_run(void *state, struct omps_team *team)
{
    struct omps_pair *p = state;
    const int64_t n = p->n;
    const double *restrict a = p->a;
    double *restrict b = p->b;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for simd schedule(runtime)
        for (int64_t i = 0; i < n; i++)
            b[i] = a[i];
    }
}

/* Compares bit patterns, so a NaN left by poisoning never matches. */
static int copy_verify(void *state, char *why, size_t why_len)
{
    return omps_pair_check(state, OMPS_PAIR_COPY, 0, "b", why, why_len);
}

static int copy_verify_poison(void *state, char *why, size_t why_len)
{
    return omps_pair_check(state, OMPS_PAIR_COPY, 1, "b", why, why_len);
}

static int copy_verify_sample(void *state, uint64_t salt, int chunk, char *why, size_t why_len)
{
    return omps_pair_check_sample(state, OMPS_PAIR_COPY, salt, chunk, "b", why, why_len);
}

/* STREAM counts 16 bytes per element for Copy (no write-allocate). */
static struct omps_work copy_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = 0.0,
                              .bytes = 2.0 * (double)n * sizeof(double)};
}

const struct omps_kernel omps_kernel_copy = {
    .name = "copy",
    .summary = "b[i] = a[i], STREAM Copy: the memory-bandwidth ceiling for "
               "the maps",
    .unit = OMPS_UNIT_GBPS,
    .bound = OMPS_BOUND_BANDWIDTH,
    .scheduled = 1,
    .default_size = omps_default_array_length,
    .footprint = omps_pair_footprint,
    .state_family = OMPS_PAIR_FAMILY,
    .setup = omps_pair_setup,
    .poison = omps_pair_poison,
    .run = copy_run,
    .verify = copy_verify,
    .verify_poison = copy_verify_poison,
    .poison_sample = omps_pair_poison_sample,
    .verify_sample = copy_verify_sample,
    .teardown = omps_pair_teardown,
    .corrupt = omps_pair_corrupt,
    .work = copy_work,
};
