/*
 * read: the sum of a's bit patterns as 64-bit integers, a read-only stream
 * over the maps' input array.  Reading is the most a memory kernel can ask
 * of the memory system (no write-allocate, no write-back), so with copy it
 * sets the bandwidth ceiling the memory-bound kernels are held to.  Integer
 * sums are exact in any order, so the result is checked for equality with
 * a serial sum.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "kernel.h"

static void read_run(void *state, struct omps_team *team)
{
    struct omps_pair *p = state;
    const int64_t n = p->n;
    const double *restrict a = p->a;
    uint64_t sum = 0;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for simd schedule(runtime) reduction(+ : sum)
        for (int64_t i = 0; i < n; i++) {
            uint64_t bits;
            memcpy(&bits, &a[i], sizeof bits);
            sum += bits;
        }
    }
    p->read_sum = sum;
    p->read_fresh = 1;
}

/* Only read's own result is poisoned: the arrays stay as the pair's other
 * kernels left them (poisoned or verified), as the family requires. */
static void read_poison(void *state)
{
    struct omps_pair *p = state;
    p->read_fresh = 0;
}

static int read_verify(void *state, char *why, size_t why_len)
{
    struct omps_pair *p = state;
    if (!p->read_reference_known) {
        uint64_t sum = 0;
        for (int64_t i = 0; i < p->n; i++) {
            uint64_t bits;
            memcpy(&bits, &p->a[i], sizeof bits);
            sum += bits;
        }
        p->read_reference = sum;
        p->read_reference_known = 1;
    }
    if (!p->read_fresh) {
        snprintf(why, why_len, "the sum holds no run's result: nothing ran since it was poisoned");
        return -1;
    }
    if (p->read_sum == p->read_reference)
        return 0;
    snprintf(why, why_len, "the sum of a's bits was %llu, want %llu",
             (unsigned long long)p->read_sum, (unsigned long long)p->read_reference);
    return -1;
}

static void read_corrupt(void *state)
{
    struct omps_pair *p = state;
    p->read_sum += 1;
}

static struct omps_work read_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = 0.0, .bytes = (double)n * sizeof(double)};
}

const struct omps_kernel omps_kernel_read = {
    .name = "read",
    .summary = "sum of a[i]'s bits, a read-only stream: with copy, the "
               "memory-bandwidth ceiling",
    .unit = OMPS_UNIT_GBPS,
    .bound = OMPS_BOUND_BANDWIDTH,
    .scheduled = 1,
    .default_size = omps_default_array_length,
    .footprint = omps_pair_footprint,
    .state_family = OMPS_PAIR_FAMILY,
    .setup = omps_pair_setup,
    .poison = read_poison,
    .run = read_run,
    .verify = read_verify,
    .teardown = omps_pair_teardown,
    .corrupt = read_corrupt,
    .work = read_work,
};
