/* counter_critical: every update inside `omp critical`. */
#include "counter.h"

static void counter_critical_run(void *state, struct omps_team *team)
{
    struct omps_counter_state *s = state;
    const int64_t n = s->n;
    s->total = 0;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++) {
            const int64_t v = omps_counter_value(i);
#pragma omp critical(omps_counter)
            s->total += v;
        }
    }
}

OMPS_COUNTER_KERNEL(counter_critical,
                    "shared counter behind omp critical: a lock around the "
                    "critical section, serialised",
                    counter_critical_run);
