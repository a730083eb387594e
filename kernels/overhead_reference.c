/* overhead_reference: the overhead tests' delays with no construct. */
#include "overhead.h"

static void overhead_reference_run(void *state, struct omps_team *team)
{
    struct omps_overhead_state *s = state;
    const int64_t n = s->n;
    omps_overhead_clear(s);
#pragma omp parallel
    {
        omps_overhead_note(s, team);
        for (int64_t j = 0; j < n; j++)
            omps_overhead_delay(s);
    }
}

OMPS_OVERHEAD_KERNEL(overhead_reference,
                     "the overhead tests' delay loop without a construct: the "
                     "reference their cost is measured against",
                     overhead_reference_run, 0, omps_overhead_size);
