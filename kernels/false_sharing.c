/* false_sharing: per-thread counters packed into one cache line. */
#include "slots.h"

static int false_sharing_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    return omps_slots_setup(state, n, 1);
}

OMPS_SLOTS_KERNEL(false_sharing,
                  "each thread its own counter, all in one cache line: "
                  "false sharing bounces the line between cores",
                  false_sharing_setup);
