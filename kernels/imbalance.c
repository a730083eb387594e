/*
 * imbalance: iterations whose cost grows linearly with i, from 1 to 256
 * rounds of an integer mixing step (an LCG step then an xor-shift, each
 * round depending on the last), so a static schedule gives the last thread
 * the most work: with two threads, thread 1 does three times thread 0's.
 * dynamic and guided even it out; sweeping the chunk shows overhead at small
 * chunks and imbalance again at large ones.  Results are summed as unsigned
 * 64-bit integers, which is exact in any order, and checked against a serial
 * reference computed at setup.
 */
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "kernel.h"

#define MAX_ROUNDS 256

struct imbalance_state {
    int64_t n;
    uint64_t result;
    uint64_t reference;
};

static int64_t rounds_of(int64_t i, int64_t n)
{
    return 1 + i * (MAX_ROUNDS - 1) / (n > 1 ? n - 1 : 1);
}

static uint64_t iteration(int64_t i, int64_t n)
{
    uint64_t x = (uint64_t)i;
    for (int64_t r = rounds_of(i, n); r > 0; r--) {
        x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        x ^= x >> 29;
    }
    return x;
}

static int imbalance_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct imbalance_state *s = malloc(sizeof *s);
    if (s == NULL)
        return OMPS_ENOMEM;
    s->n = (int64_t)n;
    s->result = 0;
    s->reference = 0;
    for (int64_t i = 0; i < s->n; i++)
        s->reference += iteration(i, s->n);
    *state = s;
    return OMPS_OK;
}

static void imbalance_run(void *state, struct omps_team *team)
{
    struct imbalance_state *s = state;
    const int64_t n = s->n;
    uint64_t sum = 0;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for schedule(runtime) reduction(+ : sum)
        for (int64_t i = 0; i < n; i++)
            sum += iteration(i, n);
    }
    s->result = sum;
}

static int imbalance_verify(void *state, char *why, size_t why_len)
{
    const struct imbalance_state *s = state;
    if (s->result == s->reference)
        return 0;
    snprintf(why, why_len, "sum %llu, serial reference %llu",
             (unsigned long long)s->result, (unsigned long long)s->reference);
    return -1;
}

static void imbalance_corrupt(void *state)
{
    struct imbalance_state *s = state;
    s->result ^= 1;
}

/* Any value but the reference: a run that did not happen cannot verify. */
static void imbalance_poison(void *state)
{
    struct imbalance_state *s = state;
    s->result = ~s->reference;
}

static void imbalance_teardown(void *state)
{
    free(state);
}

static double imbalance_footprint(uint64_t n)
{
    (void)n;
    return (double)sizeof(struct imbalance_state);
}

/* About 30 ms on one thread. */
static uint64_t imbalance_default_size(const struct omps_sizing *sizing)
{
    return sizing->quick ? UINT64_C(1) << 11 : UINT64_C(1) << 17;
}

/* One item is one round of the mixing step; the rounds sum to about
 * n * MAX_ROUNDS / 2. */
static struct omps_work imbalance_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.items = (double)n * (1 + MAX_ROUNDS) / 2.0};
}

const struct omps_kernel omps_kernel_imbalance = {
    .name = "imbalance",
    .summary = "iteration cost growing linearly with i: static leaves threads "
               "idle, dynamic/guided and the chunk size decide",
    .unit = OMPS_UNIT_MUPDATES,
    .scheduled = 1,
    .default_size = imbalance_default_size,
    .footprint = imbalance_footprint,
    .setup = imbalance_setup,
    .run = imbalance_run,
    .verify = imbalance_verify,
    .teardown = imbalance_teardown,
    .corrupt = imbalance_corrupt,
    .poison = imbalance_poison,
    .work = imbalance_work,
};
