/* false_sharing_padded: per-thread counters one cache line apart. */
#include "slots.h"

static int false_sharing_padded_setup(void **state, uint64_t n,
                                      const double *params)
{
    (void)params;
    return omps_slots_setup(state, n, omps_cache_line_bytes() / 8);
}

OMPS_SLOTS_KERNEL(false_sharing_padded,
                  "the same counters padded to one cache line each (line "
                  "size from the machine): no false sharing",
                  false_sharing_padded_setup);
