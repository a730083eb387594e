/* overhead_barrier: n barriers, each after one delay per thread. */
#include "overhead.h"

static void overhead_barrier_run(void *state, struct omps_team *team)
{
    struct omps_overhead_state *s = state;
    const int64_t n = s->n;
    omps_overhead_clear(s);
#pragma omp parallel
    {
        omps_overhead_note(s, team);
        for (int64_t j = 0; j < n; j++) {
            omps_overhead_delay(s);
#pragma omp barrier
        }
    }
}

OMPS_OVERHEAD_KERNEL(overhead_barrier, "cost of an omp barrier (us per barrier)",
                     overhead_barrier_run, 0, omps_overhead_size);
