/* counter_reduction: private partial counts combined once, the right answer. */
#include "counter.h"

static void counter_reduction_run(void *state, struct omps_team *team)
{
    struct omps_counter_state *s = state;
    const int64_t n = s->n;
    int64_t total = 0;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for schedule(static) reduction(+ : total)
        for (int64_t i = 0; i < n; i++)
            total += omps_counter_value(i);
    }
    s->total = total;
}

OMPS_COUNTER_KERNEL(counter_reduction,
                    "the same count with a reduction clause: private partial "
                    "sums, no shared state (the right answer)",
                    counter_reduction_run);
