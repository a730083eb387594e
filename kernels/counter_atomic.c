/* counter_atomic: every update an `omp atomic`. */
#include "counter.h"

static void counter_atomic_run(void *state, struct omps_team *team)
{
    struct omps_counter_state *s = state;
    const int64_t n = s->n;
    s->total = 0;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++) {
#pragma omp atomic
            s->total += omps_counter_value(i);
        }
    }
}

OMPS_COUNTER_KERNEL(counter_atomic,
                    "shared counter with omp atomic: one cache line bounced "
                    "between cores",
                    counter_atomic_run);
