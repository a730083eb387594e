#include "slots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "errors.h"

int64_t omps_cache_line_bytes(void)
{
    long line = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
    return line >= 8 && line <= 4096 ? line : 64;
}

int omps_slots_setup(void **state, uint64_t n, int64_t stride)
{
    struct omps_slots_state *s = malloc(sizeof *s);
    if (s == NULL)
        return OMPS_ENOMEM;
    const size_t bytes = (size_t)(OMPS_MAX_THREADS * stride) * sizeof(int64_t);
    const size_t line = (size_t)omps_cache_line_bytes();
    s->slots = aligned_alloc(line, (bytes + line - 1) / line * line);
    s->given = malloc(OMPS_MAX_THREADS * sizeof *s->given);
    if (s->slots == NULL || s->given == NULL) {
        omps_slots_teardown(s);
        return OMPS_ENOMEM;
    }
    s->n = (int64_t)n;
    s->stride = stride;
    omps_slots_poison(s);
    *state = s;
    return OMPS_OK;
}

void omps_slots_teardown(void *state)
{
    struct omps_slots_state *s = state;
    free(s->slots);
    free(s->given);
    free(s);
}

void omps_slots_poison(void *state)
{
    struct omps_slots_state *s = state;
    for (int64_t k = 0; k < OMPS_MAX_THREADS; k++) {
        s->slots[k * s->stride] = -1;
        s->given[k] = -1;
    }
    s->threads = 0;
}

void omps_slots_run(void *state, struct omps_team *team)
{
    struct omps_slots_state *s = state;
    const int64_t n = s->n;
#pragma omp parallel
    {
        omps_team_note(team);
        if (omp_get_thread_num() == 0)
            s->threads = omp_get_num_threads();
        /* volatile makes every increment a load and a store to memory, as
         * a counter other threads may read would be. */
        const int me = omp_get_thread_num();
        volatile int64_t *mine = &s->slots[me * s->stride];
        int64_t handed = 0;
        *mine = 0;
        /* The static schedule's split is the runtime's to choose; handed
         * records what this thread got, in a register, for the check. */
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++) {
            *mine += 1;
            handed++;
        }
        s->given[me] = handed;
    }
}

/* Each slot must hold exactly what its thread was handed, and the threads
 * must have been handed all n iterations between them. */
int omps_slots_verify(void *state, char *why, size_t why_len)
{
    const struct omps_slots_state *s = state;
    const int64_t t = s->threads;
    if (t < 1 || t > OMPS_MAX_THREADS) {
        snprintf(why, why_len, "no run recorded its team size");
        return -1;
    }
    int64_t sum = 0;
    for (int64_t k = 0; k < t; k++) {
        const int64_t got = s->slots[k * s->stride];
        sum += s->given[k];
        if (got != s->given[k]) {
            snprintf(why, why_len, "thread %lld counted %lld of the %lld it was handed",
                     (long long)k, (long long)got, (long long)s->given[k]);
            return -1;
        }
    }
    if (sum == s->n)
        return 0;
    snprintf(why, why_len, "threads were handed %lld iterations, want %lld", (long long)sum,
             (long long)s->n);
    return -1;
}

void omps_slots_corrupt(void *state)
{
    struct omps_slots_state *s = state;
    s->slots[0] -= 1;
}

double omps_slots_footprint(uint64_t n)
{
    (void)n;
    return (double)OMPS_MAX_THREADS * (double)(omps_cache_line_bytes() + sizeof(int64_t));
}

uint64_t omps_slots_default_size(const struct omps_sizing *sizing)
{
    return sizing->quick ? UINT64_C(1) << 16 : UINT64_C(1) << 22;
}

struct omps_work omps_slots_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.items = (double)n};
}
