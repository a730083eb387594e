#include "counter.h"

#include <stdio.h>
#include <stdlib.h>

#include "errors.h"

int omps_counter_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct omps_counter_state *s = malloc(sizeof *s);
    if (s == NULL)
        return OMPS_ENOMEM;
    s->n = (int64_t)n;
    s->total = 0;
    omp_init_lock(&s->lock);
    *state = s;
    return OMPS_OK;
}

void omps_counter_teardown(void *state)
{
    struct omps_counter_state *s = state;
    omp_destroy_lock(&s->lock);
    free(s);
}

/* The exact sum of (i % 3) + 1 over i < n: 1+2+3 per full block of three,
 * and 1 or 1+2 for a partial block. */
static int64_t expected_total(int64_t n)
{
    const int64_t partial[] = {0, 1, 3};
    return n / 3 * 6 + partial[n % 3];
}

int omps_counter_verify(void *state, char *why, size_t why_len)
{
    const struct omps_counter_state *s = state;
    const int64_t want = expected_total(s->n);
    if (s->total == want)
        return 0;
    snprintf(why, why_len, "count %lld, want %lld (%lld updates lost)",
             (long long)s->total, (long long)want, (long long)(want - s->total));
    return -1;
}

void omps_counter_corrupt(void *state)
{
    struct omps_counter_state *s = state;
    s->total -= 1;
}

void omps_counter_poison(void *state)
{
    struct omps_counter_state *s = state;
    s->total = -1;
}

double omps_counter_footprint(uint64_t n)
{
    (void)n;
    return (double)sizeof(struct omps_counter_state);
}

/* About 10-20 ms on one thread for the slowest variant; contention at two
 * threads makes that 5-20 times longer. */
uint64_t omps_counter_default_size(const struct omps_sizing *sizing)
{
    return sizing->quick ? UINT64_C(1) << 14 : UINT64_C(1) << 20;
}

struct omps_work omps_counter_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.items = (double)n};
}
