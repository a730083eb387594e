/* overhead_reduction: n parallel regions with a reduction clause. */
#include "overhead.h"

static void overhead_reduction_run(void *state, struct omps_team *team)
{
    struct omps_overhead_state *s = state;
    const int64_t n = s->n;
    omps_overhead_clear(s);
    for (int64_t j = 0; j < n; j++) {
        int64_t ones = 0;
#pragma omp parallel reduction(+ : ones)
        {
            if (j == 0)
                omps_overhead_note(s, team);
            omps_overhead_delay(s);
            ones += 1;
        }
        s->count += ones;
    }
}

OMPS_OVERHEAD_KERNEL(overhead_reduction,
                     "cost of a parallel region with a reduction clause (us per "
                     "region; compare overhead_parallel)",
                     overhead_reduction_run, 1, omps_overhead_size_parallel);
