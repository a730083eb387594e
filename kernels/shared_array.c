/*
 * shared_array: a[i] = a[i]^3 in place on one shared array, the
 * multiprocessing.Array lesson.  Cubing in place again and again would send
 * every value to infinity, so the array is restored (untimed) from a
 * pristine copy before the run that would cube it a seventh time: values
 * in (1, 2) cubed six times stay below 2^729, finite and normal, and
 * verification computes the same six cubings.  Restoring before every run
 * cost as much untimed time as the runs themselves.
 */
#include <math.h>
#include <stdio.h>

#include "common.h"
#include "kernel.h"

extern const struct omps_kernel omps_kernel_copy;


/* In the pair, a is the pristine input and b the shared working array.
 * Before every run: restore b when it is stale or cubed OMPS_MAX_CUBINGS times,
 * then count the cubing the run is to do, so that a run that does not
 * happen leaves b short of what verification expects. */
static void shared_array_prepare(void *state)
{
    struct omps_pair *p = state;
    if (omps_cubing_restore(&p->cubings))
        omps_copy_doubles(p->b, p->a, (uint64_t)p->n);
}

/* Its outputs are its next run's inputs, so no NaN is left in them: the
 * array is marked stale, and the next prepare step restores it whole. */
static void shared_array_poison_sample(void *state, uint64_t salt, int chunk)
{
    struct omps_pair *p = state;
    (void)salt;
    (void)chunk;
    p->cubings = OMPS_PAIR_STALE;
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
    return omps_pair_check(state, OMPS_PAIR_CUBED, 0, "a", why, why_len);
}

static int shared_array_verify_poison(void *state, char *why, size_t why_len)
{
    return omps_pair_check(state, OMPS_PAIR_CUBED, 1, "a", why, why_len);
}

static int shared_array_verify_sample(void *state, uint64_t salt, int chunk, char *why, size_t why_len)
{
    return omps_pair_check_sample(state, OMPS_PAIR_CUBED, salt, chunk, "a", why, why_len);
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
    .state_family = OMPS_PAIR_FAMILY,
    .setup = omps_pair_setup,
    .prepare = shared_array_prepare,
    .run = shared_array_run,
    .verify = shared_array_verify,
    .verify_poison = shared_array_verify_poison,
    .poison_sample = shared_array_poison_sample,
    .verify_sample = shared_array_verify_sample,
    .teardown = omps_pair_teardown,
    .corrupt = omps_pair_corrupt,
    .poison = omps_pair_poison,
    .work = omps_cube_work,
};
