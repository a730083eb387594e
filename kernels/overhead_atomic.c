/* overhead_atomic: each thread makes n atomic updates of one counter. */
#include "overhead.h"

static void overhead_atomic_run(void *state, struct omps_team *team)
{
    struct omps_overhead_state *s = state;
    const int64_t n = s->n;
    omps_overhead_clear(s);
#pragma omp parallel
    {
        omps_overhead_note(s, team);
        for (int64_t j = 0; j < n; j++) {
            omps_overhead_delay(s);
#pragma omp atomic
            s->count += 1;
        }
    }
}

OMPS_OVERHEAD_KERNEL(overhead_atomic,
                     "cost of an omp atomic update of one shared counter (us per "
                     "update per thread)",
                     overhead_atomic_run, 1, omps_overhead_size);
