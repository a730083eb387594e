/* Resuming a sweep: the rows an interrupted run journaled, matched to this
 * plan's configurations by key, count as repetitions already taken. */
#include "sweep_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "errors.h"

static const struct omps_plan *index_plan;

static int by_key(const void *a, const void *b)
{
    return omps_key_compare(&index_plan->configs[*(const size_t *)a].key,
                            &index_plan->configs[*(const size_t *)b].key);
}

static int find_config(const struct omps_plan *plan, const size_t *sorted,
                       const struct omps_key *key)
{
    size_t lo = 0, hi = plan->count;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int c = omps_key_compare(&plan->configs[sorted[mid]].key, key);
        if (c == 0)
            return (int)sorted[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int sweep_load_done(struct omps_sweep *s, const struct omps_runs *done, char *err,
                     size_t err_len)
{
    size_t *sorted = malloc((s->plan->count + 1) * sizeof *sorted);
    if (sorted == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < s->plan->count; i++)
        sorted[i] = i;
    index_plan = s->plan;
    qsort(sorted, s->plan->count, sizeof *sorted, by_key);
    int rc = OMPS_OK;
    for (size_t r = 0; rc == OMPS_OK && r < done->count; r++) {
        const struct omps_run_record *row = &done->rows[r];
        const int i = find_config(s->plan, sorted, &row->key);
        if (i < 0) {
            char name[256];
            omps_key_name(&row->key, name, sizeof name);
            snprintf(err, err_len, "runs.csv:%zu: %s is not in this run's plan", row->line,
                     name);
            rc = OMPS_EINVAL;
            break;
        }
        rc = sweep_add_seconds(&s->tally[i], row->seconds);
        s->tally[i].failed |= !row->verified;
        if (row->round + 1 > s->round)
            s->round = row->round + 1;
    }
    for (size_t i = 0; rc == OMPS_OK && i < s->plan->count; i++) {
        sweep_update_width(&s->tally[i]);
        if (s->tally[i].failed) {
            s->current = i;
            sweep_note_failure(s, "a journaled repetition did not verify");
        }
    }
    free(sorted);
    return rc;
}
