/* The kernel states a visitor keeps alive between visits: found by the
 * state a configuration shares with others, set up on demand, and the least
 * recently used torn down when memory runs short. */
#include "visit.h"

#include <stdio.h>
#include <stdlib.h>

#include <omp.h>

#include "errors.h"

void omps_visitor_drop_state(struct omps_visitor *v, size_t i)
{
    struct omps_live *l = &v->live[i];
    const double t0 = omps_visit_now();
    l->key->kernel->teardown(l->state);
    v->time.setup += omps_visit_now() - t0;
    v->live_bytes -= l->bytes;
    v->live[i] = v->live[--v->nlive];
}

/* Frees the least recently used states until `need` more bytes fit. */
static void make_room(struct omps_visitor *v, double need)
{
    while (v->nlive > 0 && v->live_bytes + need > v->set.live_bytes) {
        size_t lru = 0;
        for (size_t i = 1; i < v->nlive; i++) {
            if (v->live[i].used < v->live[lru].used)
                lru = i;
        }
        omps_visitor_drop_state(v, lru);
    }
}

/* Room for one more kept state; 0 or OMPS_ENOMEM. */
static int grow(struct omps_visitor *v)
{
    if (v->nlive < v->live_cap)
        return OMPS_OK;
    const size_t cap = v->live_cap ? 2 * v->live_cap : 16;
    struct omps_live *grown = realloc(v->live, cap * sizeof *grown);
    if (grown == NULL)
        return OMPS_ENOMEM;
    v->live = grown;
    v->live_cap = cap;
    return OMPS_OK;
}

void *omps_visitor_state(struct omps_visitor *v, const struct omps_key *key, char *why,
                         size_t why_len)
{
    for (size_t i = 0; i < v->nlive; i++) {
        if (omps_key_same_state(v->live[i].key, key, v->set.share_states)) {
            v->live[i].used = ++v->clock;
            v->now_live = i;
            return v->live[i].state;
        }
    }
    const double bytes = key->kernel->footprint(key->n);
    make_room(v, bytes);
    int rc = grow(v);
    void *state = NULL;
    const double t0 = omps_visit_now();
    /* A state every team size shares is first touched by all the CPUs,
     * which is quicker than by the team that happens to need it first. */
    if (rc == OMPS_OK && v->set.share_states && key->kernel->ranked == OMPS_RANKED_NO)
        omp_set_num_threads(omp_get_num_procs());
    if (rc == OMPS_OK)
        rc = key->kernel->setup(&state, key->n, key->params);
    omp_set_num_threads(key->threads);
    v->time.setup += omps_visit_now() - t0;
    if (rc != OMPS_OK) {
        snprintf(why, why_len, "%s: setup at n=%llu failed: %s", key->kernel->name,
                 (unsigned long long)key->n, omps_strerror(rc));
        return NULL;
    }
    v->now_live = v->nlive;
    v->live[v->nlive++] = (struct omps_live){key, state, bytes, ++v->clock, 0, 0};
    v->live_bytes += bytes;
    return state;
}
