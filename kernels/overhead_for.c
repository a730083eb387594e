/* overhead_for: n worksharing loops of one iteration per thread. */
#include "overhead.h"

static void overhead_for_run(void *state, struct omps_team *team)
{
    struct omps_overhead_state *s = state;
    const int64_t n = s->n;
    omps_overhead_clear(s);
#pragma omp parallel
    {
        omps_overhead_note(s, team);
        const int team_size = omp_get_num_threads();
        for (int64_t j = 0; j < n; j++) {
#pragma omp for schedule(static)
            for (int k = 0; k < team_size; k++)
                omps_overhead_delay(s);
        }
    }
}

OMPS_OVERHEAD_KERNEL(overhead_for,
                     "cost of an omp for with its implied barrier (us per "
                     "loop)",
                     overhead_for_run, 0, omps_overhead_size);
