/* counter_lock: every update between omp_set_lock and omp_unset_lock. */
#include "counter.h"

static void counter_lock_run(void *state, struct omps_team *team)
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
            omp_set_lock(&s->lock);
            s->total += v;
            omp_unset_lock(&s->lock);
        }
    }
}

OMPS_COUNTER_KERNEL(counter_lock,
                    "shared counter behind an omp_lock_t: the explicit Lock "
                    "of the threading lesson",
                    counter_lock_run);
