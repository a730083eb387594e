/* overhead_parallel: n parallel regions, one delay per thread in each. */
#include "overhead.h"

static void overhead_parallel_run(void *state, struct omps_team *team)
{
    struct omps_overhead_state *s = state;
    const int64_t n = s->n;
    omps_overhead_clear(s);
    for (int64_t j = 0; j < n; j++) {
#pragma omp parallel
        {
            if (j == 0)
                omps_overhead_note(s, team);
            omps_overhead_delay(s);
        }
    }
}

OMPS_OVERHEAD_KERNEL(overhead_parallel,
                     "cost of opening a parallel region: threads are cheap to "
                     "spawn, but not free (us per region)",
                     overhead_parallel_run, 0, omps_overhead_size_parallel);
