/* Each configuration's tally, and resuming one from the journal: the rows
 * an interrupted run journaled, matched to this plan's configurations by
 * key, count as repetitions already taken. */
#include "tally.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "stats.h"

int omps_tally_add(struct omps_tally *t, double seconds, size_t round)
{
    if (t->count == t->cap) {
        const size_t cap = t->cap ? 2 * t->cap : 16;
        double *grown = realloc(t->seconds, cap * sizeof *grown);
        if (grown != NULL)
            t->seconds = grown;
        size_t *when = grown != NULL ? realloc(t->rounds, cap * sizeof *when) : NULL;
        if (when == NULL)
            return OMPS_ENOMEM;
        t->rounds = when;
        t->cap = cap;
    }
    t->rounds[t->count] = round;
    t->seconds[t->count++] = seconds;
    return OMPS_OK;
}

size_t omps_tally_round_medians(const struct omps_tally *t, size_t *rounds, double *values)
{
    size_t n = 0;
    /* A round's repetitions are appended together; a resumed run's come in
     * the journal's order, which is the rounds' too, so a round is one
     * stretch of the list (a stretch seen again only adds a value). */
    for (size_t i = 0, j; i < t->count; i = j) {
        for (j = i; j < t->count && t->rounds[j] == t->rounds[i]; j++)
            values[n + j - i] = t->seconds[j];
        rounds[n] = t->rounds[i];
        values[n] = omps_median_inplace(&values[n], j - i);
        n++;
    }
    return n;
}

void omps_tally_update_width(struct omps_tally *t)
{
    t->width = INFINITY;
    if (t->count == 0)
        return;
    double *sorted = malloc(t->count * sizeof *sorted);
    if (sorted == NULL)
        return;
    memcpy(sorted, t->seconds, t->count * sizeof *sorted);
    double lo, hi;
    const double median = omps_median_inplace(sorted, t->count);
    if (omps_median_interval(sorted, t->count, &lo, &hi) == 0 && median > 0)
        t->width = 0.5 * (hi - lo) / median;
    free(sorted);
}

void omps_tally_note_untimed(struct omps_tally *t, double untimed, int sampled)
{
    if (sampled)
        t->sampled_s = untimed;
    else
        t->untimed_s = untimed;
}

/* The untimed seconds a visit of t costs on average: a full check one
 * time in OMPS_FULL_CHECK_EVERY where a sampled one has been seen, else
 * every time. */
static double expected_untimed(const struct omps_tally *t)
{
    if (t->sampled_s <= 0)
        return t->untimed_s;
    return (t->untimed_s + (OMPS_FULL_CHECK_EVERY - 1) * t->sampled_s) / OMPS_FULL_CHECK_EVERY;
}

void omps_tally_adapt_iterations(struct omps_tally *t, double min_time)
{
    if (t->count == 0 || t->iterations <= 0)
        return;
    const double per_run = t->seconds[t->count - 1];
    const double want = fmax(min_time, OMPS_TIMED_PER_UNTIMED * expected_untimed(t));
    const double runs = fmax(1.0, round(want / per_run));
    if (runs < 0.8 * (double)t->iterations || runs > 1.25 * (double)t->iterations)
        t->iterations = (long)runs;
}

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

int omps_tally_load_done(struct omps_tally *tally, const struct omps_plan *plan,
                         const struct omps_runs *done, long *round, char *err, size_t err_len)
{
    size_t *sorted = malloc((plan->count + 1) * sizeof *sorted);
    if (sorted == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < plan->count; i++)
        sorted[i] = i;
    index_plan = plan;
    qsort(sorted, plan->count, sizeof *sorted, by_key);
    int rc = OMPS_OK;
    for (size_t r = 0; rc == OMPS_OK && r < done->count; r++) {
        const struct omps_run_record *row = &done->rows[r];
        const int i = find_config(plan, sorted, &row->key);
        if (i < 0) {
            char name[256];
            omps_key_name(&row->key, name, sizeof name);
            snprintf(err, err_len, "runs.csv:%zu: %s is not in this run's plan", row->line,
                     name);
            rc = OMPS_EINVAL;
            break;
        }
        rc = omps_tally_add(&tally[i], row->seconds, (size_t)row->round);
        tally[i].visits[OMPS_WHY_RESUMED]++;
        tally[i].failed |= !row->verified;
        if (row->round + 1 > *round)
            *round = row->round + 1;
    }
    for (size_t i = 0; rc == OMPS_OK && i < plan->count; i++)
        omps_tally_update_width(&tally[i]);
    free(sorted);
    return rc;
}
