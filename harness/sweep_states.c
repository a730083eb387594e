/* The kernel states a sweep keeps alive between visits: found by the
 * state a configuration shares with others, set up on demand, and the least
 * recently used torn down when memory runs short. */
#include "sweep_internal.h"

#include <stdio.h>

#include <omp.h>

#include "errors.h"

void sweep_drop_state(struct omps_sweep *s, size_t i)
{
    struct live *l = &s->live[i];
    const double t0 = sweep_now();
    l->key->kernel->teardown(l->state);
    s->out->time.setup += sweep_now() - t0;
    s->live_bytes -= l->bytes;
    s->live[i] = s->live[--s->nlive];
}

/* Frees the least recently used states until `need` more bytes fit. */
static void make_room(struct omps_sweep *s, double need)
{
    while (s->nlive > 0 && s->live_bytes + need > s->live_cap) {
        size_t lru = 0;
        for (size_t i = 1; i < s->nlive; i++) {
            if (s->live[i].used < s->live[lru].used)
                lru = i;
        }
        sweep_drop_state(s, lru);
    }
}

void *sweep_ensure_state(struct omps_sweep *s, const struct omps_config *c, char *why,
                          size_t why_len)
{
    for (size_t i = 0; i < s->nlive; i++) {
        if (omps_key_same_state(s->live[i].key, &c->key, s->plan->share_states)) {
            s->live[i].used = ++s->clock;
            s->now_live = i;
            return s->live[i].state;
        }
    }
    const double bytes = c->key.kernel->footprint(c->key.n);
    make_room(s, bytes);
    void *state = NULL;
    const double t0 = sweep_now();
    /* A state every team size shares is first touched by all the CPUs,
     * which is quicker than by the team that happens to need it first. */
    if (s->plan->share_states && c->key.kernel->ranked == OMPS_RANKED_NO)
        omp_set_num_threads(omp_get_num_procs());
    const int rc = c->key.kernel->setup(&state, c->key.n, c->key.params);
    omp_set_num_threads(c->key.threads);
    s->out->time.setup += sweep_now() - t0;
    if (rc != OMPS_OK) {
        snprintf(why, why_len, "%s: setup at n=%llu failed: %s", c->key.kernel->name,
                 (unsigned long long)c->key.n, omps_strerror(rc));
        return NULL;
    }
    s->now_live = s->nlive;
    s->live[s->nlive++] = (struct live){&c->key, state, bytes, ++s->clock, 0, 0};
    s->live_bytes += bytes;
    return state;
}
