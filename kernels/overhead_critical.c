/* overhead_critical: each thread enters a critical section n times. */
#include "overhead.h"

static void overhead_critical_run(void *state, struct omps_team *team)
{
    struct omps_overhead_state *s = state;
    const int64_t n = s->n;
    omps_overhead_clear(s);
#pragma omp parallel
    {
        omps_overhead_note(s, team);
        for (int64_t j = 0; j < n; j++) {
            omps_overhead_delay(s);
#pragma omp critical(omps_overhead)
            s->count += 1;
        }
    }
}

OMPS_OVERHEAD_KERNEL(overhead_critical,
                     "cost of entering and leaving an omp critical section under "
                     "contention (us per entry per thread)",
                     overhead_critical_run, 1, omps_overhead_size);
