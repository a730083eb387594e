/*
 * update: every element's bits flipped by a fixed mask in place, a[i] ^=
 * MASK: each cache line read once and written back once, with no
 * write-allocate (the line is in the cache when it is written).  This is
 * the pattern of shared_array without its arithmetic, and on the Intel VM
 * of issue 25 it moves more bytes a second at one thread than copy or read
 * do (a core's loads, not the memory, limit a lone thread, and write-backs
 * take none of them), so with copy and read it sets the bandwidth ceiling.
 * XOR is exact, so every element is checked for equality.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "errors.h"
#include "kernel.h"

/* Mantissa bits only: the values stay finite numbers in (1, 2). */
#define MASK UINT64_C(0x0005555555555555)

struct update_state {
    int64_t n;
    uint64_t *a; /* the pattern's bits, flipped `parity` times over */
    int parity;
    int ran;   /* a run since the last poisoning */
    int stale; /* a holds anything else: the next poisoning refills it */
};

/* The bits element i must hold. */
static uint64_t want(const struct update_state *s, int64_t i)
{
    const double v = omps_pattern_at((uint64_t)i);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return s->parity ? bits ^ MASK : bits;
}

/* a set to the pattern, by the threads of a static schedule (at set-up
 * the first touch, as the pairs' is). */
static void refill(struct update_state *s)
{
    s->parity = 0;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < s->n; i++)
        s->a[i] = want(s, i);
    s->stale = 0;
}

static int update_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct update_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return OMPS_ENOMEM;
    s->n = (int64_t)n;
    s->a = (uint64_t *)omps_alloc_doubles(n);
    if (s->a == NULL) {
        free(s);
        return OMPS_ENOMEM;
    }
    refill(s);
    *state = s;
    return OMPS_OK;
}



static void update_run(void *state, struct omps_team *team)
{
    struct update_state *s = state;
    const int64_t n = s->n;
    uint64_t *restrict a = s->a;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for simd schedule(runtime)
        for (int64_t i = 0; i < n; i++)
            a[i] ^= MASK;
    }
    s->parity ^= 1;
    s->ran = 1;
}

/* Before a batch: no run's result is left, and a damaged array is
 * refilled.  A sound one stays (a refill costs as much as a run): a run
 * that skips elements leaves them a flip behind, which the check sees.
 * No prepare step, so Google Benchmark need not pause its timer per run. */
static void update_poison(void *state)
{
    struct update_state *s = state;
    if (s->stale)
        refill(s);
    s->ran = 0;
}

static void update_poison_sample(void *state, uint64_t salt, int chunk)
{
    (void)salt;
    (void)chunk;
    update_poison(state);
}

/* The verdict; a wrong array is marked stale, so the next poisoning
 * refills it and later runs start from the pattern again. */
static int report(struct update_state *s, int64_t bad, char *why, size_t why_len)
{
    if (!s->ran) {
        snprintf(why, why_len, "a holds no run's result: nothing ran since it was poisoned");
        return -1;
    }
    if (bad >= s->n)
        return 0;
    snprintf(why, why_len, "a[%lld] was %#llx, want %#llx", (long long)bad,
             (unsigned long long)s->a[bad], (unsigned long long)want(s, bad));
    s->stale = 1;
    return -1;
}

static int update_verify(void *state, char *why, size_t why_len)
{
    struct update_state *s = state;
    int64_t first_bad = s->n;
#pragma omp parallel for schedule(static) reduction(min : first_bad)
    for (int64_t i = 0; i < s->n; i++) {
        if (s->a[i] != want(s, i) && i < first_bad)
            first_bad = i;
    }
    return report(s, first_bad, why, why_len);
}

/* One element of every 4 KiB page, at an offset salt chooses, and both
 * ends of every chunk of a page or more (as the pairs' sampled check):
 * where a skipped or lost write must show. */
static int update_verify_sample(void *state, uint64_t salt, int chunk, char *why,
                                size_t why_len)
{
    struct update_state *s = state;
    const int64_t page = 512, at = (int64_t)(salt % (uint64_t)page);
    int64_t first_bad = s->n;
    for (int64_t i = at < s->n ? at : 0; i < s->n && first_bad == s->n; i += page)
        first_bad = s->a[i] != want(s, i) ? i : first_bad;
    for (int64_t c = 0; chunk >= page && c < s->n && first_bad == s->n; c += chunk) {
        const int64_t end = c + chunk - 1 < s->n ? c + chunk - 1 : s->n - 1;
        first_bad = s->a[c] != want(s, c) ? c : s->a[end] != want(s, end) ? end : first_bad;
    }
    return report(s, first_bad, why, why_len);
}

static void update_teardown(void *state)
{
    struct update_state *s = state;
    if (s == NULL)
        return;
    free(s->a);
    free(s);
}

/* A lost update's damage; the array is then stale, as after a failed
 * check. */
static void update_corrupt(void *state)
{
    struct update_state *s = state;
    s->a[s->n / 2] ^= UINT64_C(2);
    s->stale = 1;
}

static double update_footprint(uint64_t n)
{
    return (double)n * sizeof(uint64_t);
}

/* A read and a write-back of 8 bytes each. */
static struct omps_work update_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = 0.0, .bytes = 2.0 * (double)n * sizeof(uint64_t)};
}

const struct omps_kernel omps_kernel_update = {
    .name = "update",
    .summary = "a[i] ^= mask in place, a read and a write-back a line: with copy "
               "and read, the memory-bandwidth ceiling",
    .unit = OMPS_UNIT_GBPS,
    .bound = OMPS_BOUND_BANDWIDTH,
    .scheduled = 1,
    .default_size = omps_default_array_length,
    .footprint = update_footprint,
    .setup = update_setup,
    .poison = update_poison,
    .run = update_run,
    .verify = update_verify,
    .poison_sample = update_poison_sample,
    .verify_sample = update_verify_sample,
    .teardown = update_teardown,
    .corrupt = update_corrupt,
    .work = update_work,
};
