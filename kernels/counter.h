/*
 * The shared-counter kernels: n updates of one shared total, each adding
 * (i % 3) + 1, made four ways (critical, atomic, lock, reduction).  The same
 * total work every way; verified by the exact final count.  The loops have
 * a fixed static schedule: the lesson is the cost of the update, not the
 * schedule, so these kernels run once per thread count as schedule "none".
 */
#ifndef OMPSCALE_COUNTER_H
#define OMPSCALE_COUNTER_H

#include <stdint.h>

#include <omp.h>

#include "kernel.h"

struct omps_counter_state {
    int64_t n;
    int64_t total;
    omp_lock_t lock;
};

/* The value update i adds. */
static inline int64_t omps_counter_value(int64_t i)
{
    return i % 3 + 1;
}

int omps_counter_setup(void **state, uint64_t n, const double *params);
void omps_counter_teardown(void *state);
int omps_counter_verify(void *state, char *why, size_t why_len);
void omps_counter_corrupt(void *state);
/* A total no run can reach, so a run that did not happen cannot verify. */
void omps_counter_poison(void *state);
double omps_counter_footprint(uint64_t n);
uint64_t omps_counter_default_size(const struct omps_sizing *sizing);
struct omps_work omps_counter_work(uint64_t n, const double *params);

/* Defines kernel NAME from its run function; everything else is shared. */
#define OMPS_COUNTER_KERNEL(NAME, SUMMARY, RUN)                                \
    const struct omps_kernel omps_kernel_##NAME = {                            \
        .name = #NAME,                                                         \
        .summary = SUMMARY,                                                    \
        .unit = OMPS_UNIT_MUPDATES,                                            \
        .family = OMPS_FAMILY_CONTENTION,                                      \
        .scheduled = 0,                                                        \
        .default_size = omps_counter_default_size,                             \
        .footprint = omps_counter_footprint,                                   \
        .setup = omps_counter_setup,                                           \
        .run = RUN,                                                            \
        .verify = omps_counter_verify,                                         \
        .teardown = omps_counter_teardown,                                     \
        .corrupt = omps_counter_corrupt,                                       \
        .poison = omps_counter_poison,                                         \
        .work = omps_counter_work,                                             \
    }

#endif
