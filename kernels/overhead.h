/*
 * Construct overheads measured the EPCC syncbench way: a test loop runs n
 * constructs, each with the same calibrated-length delay per thread, and the
 * reference kernel (overhead_reference) runs the same delays with no
 * construct.  summary.csv's rate is (test median / n) - (reference median /
 * n) in microseconds: the cost of one construct as each thread meets it.
 *
 * The delay is DELAY_LENGTH dependent floating-point additions (about 0.1
 * us, EPCC's default delay time), started from a value read from memory so
 * the compiler cannot fold it.  Each thread adds every delay's result into
 * its own padded slot, in the test and the reference alike; verification
 * checks that the slots sum to exactly threads * n * (the delay's value),
 * i.e. that every thread ran every delay, and, for the tests that update a
 * shared count, that the count is exact.
 */
#ifndef OMPSCALE_OVERHEAD_H
#define OMPSCALE_OVERHEAD_H

#include <stdint.h>

#include <omp.h>

#include "kernel.h"

#define OMPS_DELAY_LENGTH 160
#define OMPS_SLOT_STRIDE 8 /* doubles: 64 bytes between threads' slots */

/*
 * The seed every delay reads and the count every counting construct writes
 * sit on cache lines of their own: sharing one, each construct's write would
 * cost every thread's next delay a miss that the reference never pays.
 */
struct omps_overhead_state {
    _Alignas(64) volatile double seed; /* 0.0, read afresh each delay */
    _Alignas(64) int64_t count;        /* the shared count of the counting tests */
    _Alignas(64) int64_t n;
    double *sums; /* per-thread delay sums, OMPS_SLOT_STRIDE apart */
    int counts;   /* 1: count must end at threads * n */
    int threads;  /* the team size of the last run */
};

/* The delay: DELAY_LENGTH dependent additions starting at seed. */
static inline double omps_delay(double seed)
{
    double a = seed;
    for (int i = 0; i < OMPS_DELAY_LENGTH; i++)
        a += (double)i;
    return a;
}

/* Adds one delay to the calling thread's slot.  Nothing shared is written:
 * a write to the state here would itself be false sharing. */
static inline void omps_overhead_delay(struct omps_overhead_state *s)
{
    s->sums[omp_get_thread_num() * OMPS_SLOT_STRIDE] += omps_delay(s->seed);
}

/* Inside a parallel region: notes the team for the harness and records its
 * size for verification (thread 0 only). */
static inline void omps_overhead_note(struct omps_overhead_state *s,
                                      struct omps_team *team)
{
    omps_team_note(team);
    if (omp_get_thread_num() == 0)
        s->threads = omp_get_num_threads();
}

/* Zeroes the slots and the count before a run. */
void omps_overhead_clear(struct omps_overhead_state *s);

int omps_overhead_setup(void **state, uint64_t n, int counts);
void omps_overhead_teardown(void *state);
int omps_overhead_verify(void *state, char *why, size_t why_len);
void omps_overhead_corrupt(void *state);
/* NaN sums and an impossible count: a run that did not happen cannot
 * verify. */
void omps_overhead_poison(void *state);
double omps_overhead_footprint(uint64_t n);
struct omps_work omps_overhead_work(uint64_t n, const double *params);
uint64_t omps_overhead_size(const struct omps_sizing *sizing);
uint64_t omps_overhead_size_parallel(const struct omps_sizing *sizing);

extern const struct omps_kernel omps_kernel_overhead_reference;

/* Defines kernel NAME: RUN, whether it keeps a shared count, its sizing. */
#define OMPS_OVERHEAD_KERNEL(NAME, SUMMARY, RUN, COUNTS, SIZE)                 \
    static int NAME##_setup(void **state, uint64_t n, const double *params)    \
    {                                                                          \
        (void)params;                                                          \
        return omps_overhead_setup(state, n, COUNTS);                          \
    }                                                                          \
    const struct omps_kernel omps_kernel_##NAME = {                            \
        .name = #NAME,                                                         \
        .summary = SUMMARY,                                                    \
        .unit = OMPS_UNIT_US_PER_CONSTRUCT,                                    \
        .family = OMPS_FAMILY_OVERHEAD,                                        \
        .scheduled = 0,                                                        \
        .reference = &omps_kernel_overhead_reference,                          \
        .default_size = SIZE,                                                  \
        .footprint = omps_overhead_footprint,                                  \
        .setup = NAME##_setup,                                                 \
        .run = RUN,                                                            \
        .verify = omps_overhead_verify,                                        \
        .teardown = omps_overhead_teardown,                                    \
        .corrupt = omps_overhead_corrupt,                                      \
        .poison = omps_overhead_poison,                                        \
        .work = omps_overhead_work,                                            \
    }

#endif
