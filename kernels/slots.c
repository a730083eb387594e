#include "slots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "errors.h"

/* Slots for the largest team the harness allows. */
#define MAX_TEAM 1024

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
    const size_t bytes = (size_t)(MAX_TEAM * stride) * sizeof(int64_t);
    const size_t line = (size_t)omps_cache_line_bytes();
    s->slots = aligned_alloc(line, (bytes + line - 1) / line * line);
    if (s->slots == NULL) {
        free(s);
        return OMPS_ENOMEM;
    }
    memset(s->slots, 0, bytes);
    s->n = (int64_t)n;
    s->stride = stride;
    s->threads = 0;
    *state = s;
    return OMPS_OK;
}

void omps_slots_teardown(void *state)
{
    struct omps_slots_state *s = state;
    free(s->slots);
    free(s);
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
        volatile int64_t *mine = &s->slots[omp_get_thread_num() * s->stride];
        *mine = 0;
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++)
            *mine += 1;
    }
}

/* Each slot must hold exactly its thread's static share of n. */
int omps_slots_verify(void *state, char *why, size_t why_len)
{
    const struct omps_slots_state *s = state;
    const int64_t t = s->threads;
    if (t < 1 || t > MAX_TEAM) {
        snprintf(why, why_len, "no run recorded its team size");
        return -1;
    }
    int64_t sum = 0;
    for (int64_t k = 0; k < t; k++) {
        const int64_t got = s->slots[k * s->stride];
        sum += got;
        if (got != s->n / t && got != s->n / t + 1) {
            snprintf(why, why_len, "thread %lld counted %lld, want about %lld",
                     (long long)k, (long long)got, (long long)(s->n / t));
            return -1;
        }
    }
    if (sum == s->n)
        return 0;
    snprintf(why, why_len, "counts sum to %lld, want %lld", (long long)sum,
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
    return (double)(MAX_TEAM * omps_cache_line_bytes());
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
