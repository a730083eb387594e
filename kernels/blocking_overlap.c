/*
 * blocking_overlap: n units of work, each a blocking wait of wait_us
 * (clock_nanosleep, which gives the core back while it waits) followed by a
 * short computation.  The talk's lesson that threads pay off for I/O-bound
 * work: one thread adds the waits up, a team overlaps them, and more threads
 * than cores still help, because a blocked thread holds no core.  So the
 * planner takes this kernel past the core count on purpose (marked
 * oversubscribed), and the fits leave it alone: it is not an Amdahl series.
 * Verified by the exact count and checksum of the completed units and by
 * the wall time, which no team can bring below the waits its busiest
 * thread had to sit through.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "errors.h"
#include "kernel.h"

/* The computation after each wait: this many rounds of an integer mix. */
#define COMPUTE_ROUNDS 64

static const struct omps_param_def blocking_params[] = {
    {"wait_us", 100, 1, 1e6, "microseconds each unit blocks before it computes", NULL, 0},
};

struct blocking_state {
    int64_t n;
    double wait_s;
    uint64_t checksum, reference;
    int64_t done;    /* units the last run completed */
    double elapsed;  /* the last run's wall time */
    int threads;     /* the team it ran with */
};

static uint64_t compute(int64_t i)
{
    uint64_t x = (uint64_t)i + 1;
    for (int r = 0; r < COMPUTE_ROUNDS; r++) {
        x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        x ^= x >> 31;
    }
    return x;
}

/* Blocks for seconds, resuming after a signal until the full time passed. */
static void block_for(double seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    const double ns = (double)until.tv_nsec + seconds * 1e9;
    until.tv_sec += (time_t)(ns / 1e9);
    until.tv_nsec = (long)fmod(ns, 1e9);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
        ;
}

static int blocking_setup(void **state, uint64_t n, const double *params)
{
    struct blocking_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return OMPS_ENOMEM;
    s->n = (int64_t)n;
    s->wait_s = params[0] * 1e-6;
    for (int64_t i = 0; i < s->n; i++)
        s->reference += compute(i);
    *state = s;
    return OMPS_OK;
}

static void blocking_run(void *state, struct omps_team *team)
{
    struct blocking_state *s = state;
    uint64_t sum = 0;
    int64_t done = 0;
    const double t0 = omp_get_wtime();
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for schedule(runtime) reduction(+ : sum, done)
        for (int64_t i = 0; i < s->n; i++) {
            block_for(s->wait_s);
            sum += compute(i);
            done++;
        }
    }
    s->elapsed = omp_get_wtime() - t0;
    s->threads = team->want_threads;
    s->checksum = sum;
    s->done = done;
}

/* The least wall time a team of t threads can take: some thread completes
 * at least ceil(n / t) units, each blocking for the full wait. */
static double least_time(const struct blocking_state *s)
{
    const int64_t t = s->threads > 0 ? s->threads : 1;
    return (double)((s->n + t - 1) / t) * s->wait_s;
}

static int blocking_verify(void *state, char *why, size_t why_len)
{
    const struct blocking_state *s = state;
    if (s->done != s->n || s->checksum != s->reference) {
        snprintf(why, why_len, "%lld of %lld units completed, checksum %llu, reference %llu",
                 (long long)s->done, (long long)s->n, (unsigned long long)s->checksum,
                 (unsigned long long)s->reference);
        return -1;
    }
    /* The clocks agree to well under a microsecond; the slack covers that. */
    if (s->elapsed < least_time(s) - 1e-6) {
        snprintf(why, why_len, "%.6f s for %lld waits of %.0f us on %d threads, below the "
                 "%.6f s the waits allow", s->elapsed, (long long)s->n, s->wait_s * 1e6,
                 s->threads, least_time(s));
        return -1;
    }
    return 0;
}

static void blocking_corrupt(void *state)
{
    struct blocking_state *s = state;
    s->done--;
}

static void blocking_poison(void *state)
{
    struct blocking_state *s = state;
    s->done = -1;
    s->checksum = ~s->reference;
}

static void blocking_teardown(void *state)
{
    free(state);
}

static double blocking_footprint(uint64_t n)
{
    (void)n;
    return (double)sizeof(struct blocking_state);
}

/* 256 units: about 26 ms on one thread at the default wait. */
static uint64_t blocking_default_size(const struct omps_sizing *sizing)
{
    return sizing->quick ? 64 : 256;
}

static struct omps_work blocking_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.items = (double)n};
}

const struct omps_kernel omps_kernel_blocking_overlap = {
    .name = "blocking_overlap",
    .summary = "units that block (clock_nanosleep) then compute: threads overlap "
               "waits, even past the cores (the I/O-bound lesson)",
    .unit = OMPS_UNIT_UNITS_PER_S,
    .family = OMPS_FAMILY_BLOCKING,
    .bound = OMPS_BOUND_WAITS,
    .scheduled = 1,
    .params = blocking_params,
    .nparams = 1,
    .default_size = blocking_default_size,
    .footprint = blocking_footprint,
    .setup = blocking_setup,
    .run = blocking_run,
    .verify = blocking_verify,
    .poison = blocking_poison,
    .teardown = blocking_teardown,
    .corrupt = blocking_corrupt,
    .work = blocking_work,
};
