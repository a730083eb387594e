/*
 * Per-thread counters for the false-sharing kernels: each thread increments
 * its own slot n/T times; slots sit `stride` int64s apart.  Packed (stride
 * 1) puts eight slots in one cache line, so every increment steals the line
 * from the other cores; padded (stride = a cache line) gives each its own.
 */
#ifndef OMPSCALE_SLOTS_H
#define OMPSCALE_SLOTS_H

#include <stdint.h>

#include "kernel.h"

struct omps_slots_state {
    int64_t n;
    int64_t stride; /* in int64s */
    int threads;    /* the team size of the last run */
    int64_t *slots;
    int64_t *given; /* iterations each thread was handed in the last run */
};

/* The machine's cache line in bytes, from sysconf (64 when unknown). */
int64_t omps_cache_line_bytes(void);

int omps_slots_setup(void **state, uint64_t n, int64_t stride);
void omps_slots_teardown(void *state);
void omps_slots_run(void *state, struct omps_team *team);
int omps_slots_verify(void *state, char *why, size_t why_len);
void omps_slots_corrupt(void *state);
void omps_slots_poison(void *state);
double omps_slots_footprint(uint64_t n);
uint64_t omps_slots_default_size(const struct omps_sizing *sizing);
struct omps_work omps_slots_work(uint64_t n, const double *params);

#define OMPS_SLOTS_KERNEL(NAME, SUMMARY, SETUP)                                \
    const struct omps_kernel omps_kernel_##NAME = {                            \
        .name = #NAME,                                                         \
        .summary = SUMMARY,                                                    \
        .unit = OMPS_UNIT_MUPDATES,                                            \
        .family = OMPS_FAMILY_FALSE_SHARING,                                   \
        .scheduled = 0,                                                        \
        .default_size = omps_slots_default_size,                               \
        .footprint = omps_slots_footprint,                                     \
        .setup = SETUP,                                                        \
        .run = omps_slots_run,                                                 \
        .verify = omps_slots_verify,                                           \
        .teardown = omps_slots_teardown,                                       \
        .corrupt = omps_slots_corrupt,                                         \
        .poison = omps_slots_poison,                                           \
        .work = omps_slots_work,                                               \
    }

#endif
