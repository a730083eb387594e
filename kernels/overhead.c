#include "overhead.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

static size_t slot_bytes(void)
{
    return (size_t)OMPS_MAX_THREADS * OMPS_SLOT_STRIDE * sizeof(double);
}

void omps_overhead_clear(struct omps_overhead_state *s)
{
    memset(s->sums, 0, slot_bytes());
    s->count = 0;
    s->threads = 0;
}

int omps_overhead_setup(void **state, uint64_t n, int counts)
{
    /* aligned_alloc, not calloc: the members' cache lines must be lines. */
    struct omps_overhead_state *s = aligned_alloc(64, sizeof *s);
    if (s == NULL)
        return OMPS_ENOMEM;
    memset(s, 0, sizeof *s);
    s->sums = aligned_alloc(64, slot_bytes());
    if (s->sums == NULL) {
        free(s);
        return OMPS_ENOMEM;
    }
    s->n = (int64_t)n;
    s->counts = counts;
    omps_overhead_clear(s);
    *state = s;
    return OMPS_OK;
}

void omps_overhead_teardown(void *state)
{
    struct omps_overhead_state *s = state;
    free(s->sums);
    free(s);
}

int omps_overhead_verify(void *state, char *why, size_t why_len)
{
    const struct omps_overhead_state *s = state;
    const double per_delay = omps_delay(0.0);
    double sum = 0.0;
    for (int t = 0; t < OMPS_MAX_THREADS; t++)
        sum += s->sums[t * OMPS_SLOT_STRIDE];
    const double want = (double)s->threads * (double)s->n * per_delay;
    if (s->threads < 1 || sum != want) {
        snprintf(why, why_len, "delays sum to %.17g, want %.17g for %d threads",
                 sum, want, s->threads);
        return -1;
    }
    if (s->counts && s->count != (int64_t)s->threads * s->n) {
        snprintf(why, why_len, "shared count %lld, want %lld", (long long)s->count,
                 (long long)s->threads * s->n);
        return -1;
    }
    return 0;
}

void omps_overhead_corrupt(void *state)
{
    struct omps_overhead_state *s = state;
    s->sums[0] -= omps_delay(0.0);
}

void omps_overhead_poison(void *state)
{
    struct omps_overhead_state *s = state;
    for (int t = 0; t < OMPS_MAX_THREADS; t++)
        s->sums[t * OMPS_SLOT_STRIDE] = NAN;
    s->count = -1;
    s->threads = 0;
}

double omps_overhead_footprint(uint64_t n)
{
    (void)n;
    return (double)slot_bytes();
}

struct omps_work omps_overhead_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.items = (double)n};
}

/* 16384 constructs take a few milliseconds for the cheap constructs. */
uint64_t omps_overhead_size(const struct omps_sizing *sizing)
{
    return sizing->quick ? 256 : 16384;
}

/* Parallel regions cost microseconds each, so fewer of them. */
uint64_t omps_overhead_size_parallel(const struct omps_sizing *sizing)
{
    return sizing->quick ? 256 : 4096;
}
