/*
 * recursive_sum: the sum of an integer array by divide and conquer.  Each
 * split above `cutoff` elements makes its left half a task and recurses
 * into its right half; below the cutoff the recursion runs serially.  The
 * talk's "recursive functions are difficult to parallelize", and the same
 * trade as a loop's chunk: too fine a cutoff and task creation dominates,
 * too coarse and cores sit idle.  Integer sums are exact in any order, so
 * the result is checked for equality with a serial sum made at setup.
 */
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "kernel.h"

static const struct omps_param_def recursive_params[] = {
    {"cutoff", 4096, 1, 1099511627776.0, "elements below which the recursion is serial", NULL, 0},
};

struct recursive_state {
    int64_t n, cutoff;
    int64_t *a;
    int64_t sum, reference;
};

static int recursive_setup(void **state, uint64_t n, const double *params)
{
    struct recursive_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return OMPS_ENOMEM;
    s->n = (int64_t)n;
    s->cutoff = (int64_t)params[0];
    s->a = malloc((size_t)n * sizeof *s->a);
    if (s->a == NULL) {
        free(s);
        return OMPS_ENOMEM;
    }
    /* Values of both signs, so a lost or doubled element changes the sum. */
    for (int64_t i = 0; i < s->n; i++) {
        s->a[i] = (int64_t)((uint64_t)i * UINT64_C(2654435761) % 2001) - 1000;
        s->reference += s->a[i];
    }
    *state = s;
    return OMPS_OK;
}

static int64_t serial_sum(const int64_t *a, int64_t lo, int64_t hi)
{
    int64_t sum = 0;
    for (int64_t i = lo; i < hi; i++)
        sum += a[i];
    return sum;
}

static int64_t split_sum(const int64_t *a, int64_t lo, int64_t hi, int64_t cutoff)
{
    if (hi - lo <= cutoff)
        return serial_sum(a, lo, hi);
    const int64_t mid = lo + (hi - lo) / 2;
    int64_t left = 0;
#pragma omp task shared(left) firstprivate(a, lo, mid, cutoff)
    left = split_sum(a, lo, mid, cutoff);
    const int64_t right = split_sum(a, mid, hi, cutoff);
#pragma omp taskwait
    return left + right;
}

static void recursive_run(void *state, struct omps_team *team)
{
    struct recursive_state *s = state;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp single
        s->sum = split_sum(s->a, 0, s->n, s->cutoff);
    }
}

static int recursive_verify(void *state, char *why, size_t why_len)
{
    const struct recursive_state *s = state;
    if (s->sum == s->reference)
        return 0;
    snprintf(why, why_len, "sum %lld, serial reference %lld", (long long)s->sum,
             (long long)s->reference);
    return -1;
}

static void recursive_corrupt(void *state)
{
    struct recursive_state *s = state;
    s->sum += s->a[0] != 0 ? s->a[0] : 1;
}

static void recursive_poison(void *state)
{
    struct recursive_state *s = state;
    s->sum = ~s->reference;
}

static void recursive_teardown(void *state)
{
    struct recursive_state *s = state;
    free(s->a);
    free(s);
}

static double recursive_footprint(uint64_t n)
{
    return (double)n * sizeof(int64_t);
}

/* At least 2^24 elements (128 MiB, a few milliseconds on one thread, so
 * that a split's task costs little next to its half) and twice the
 * last-level cache, so the sum streams from memory as a real reduction over
 * a big array would. */
static uint64_t recursive_default_size(const struct omps_sizing *sizing)
{
    if (sizing->quick)
        return UINT64_C(1) << 18;
    uint64_t n = UINT64_C(1) << 24;
    while ((double)n * sizeof(int64_t) < 2.0 * (double)sizing->llc_bytes)
        n <<= 1;
    return n;
}

/* The cutoff cannot exceed the array: there would be nothing to split. */
static int recursive_check(uint64_t n, const double *params, char *why, size_t why_len)
{
    if (params[0] <= (double)n)
        return 0;
    snprintf(why, why_len, "recursive_sum.cutoff=%.17g is above n=%llu", params[0],
             (unsigned long long)n);
    return -1;
}

static struct omps_work recursive_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.bytes = (double)n * sizeof(int64_t)};
}

const struct omps_kernel omps_kernel_recursive_sum = {
    .name = "recursive_sum",
    .summary = "divide and conquer with a task per split down to a cutoff: recursion "
               "is hard to parallelize (sweep --set recursive_sum.cutoff=...)",
    .unit = OMPS_UNIT_GBPS,
    .scheduled = 0,
    .params = recursive_params,
    .nparams = 1,
    .default_size = recursive_default_size,
    .footprint = recursive_footprint,
    .setup = recursive_setup,
    .run = recursive_run,
    .verify = recursive_verify,
    .poison = recursive_poison,
    .teardown = recursive_teardown,
    .corrupt = recursive_corrupt,
    .check = recursive_check,
    .work = recursive_work,
};
