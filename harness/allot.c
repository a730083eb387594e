/* Where a sweep's rounds go past the minimum (allot.h). */
#include "allot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_write.h"
#include "errors.h"
#include "lines.h"
#include "stats.h"

/* The needs of the tiers, highest first: a configuration below its minimum
 * (INFINITY), one a decidable line reads, one an out-of-reach line reads,
 * one wider than --precision.  Within a tier the need is in (0, 1]. */
#define TIER_DECIDE 3.0
#define TIER_NARROW 2.0
#define TIER_PRECISION 1.0

/* The tallies as the lines see them, and the storage behind them. */
struct view {
    struct omps_line_point *p;
    size_t *rounds;
    double *values;
};

static void view_free(struct view *v)
{
    free(v->p);
    free(v->rounds);
    free(v->values);
}

/* Each live configuration's round medians and their median; a dead or
 * failed one has none, so no line chooses it. */
static int view_make(const struct omps_plan *plan, const struct omps_tally *tally,
                     struct view *v)
{
    size_t total = 0;
    for (size_t i = 0; i < plan->count; i++)
        total += tally[i].count;
    v->p = calloc(plan->count + 1, sizeof *v->p);
    v->rounds = malloc((total + 1) * sizeof *v->rounds);
    v->values = malloc((2 * total + 1) * sizeof *v->values);
    if (v->p == NULL || v->rounds == NULL || v->values == NULL)
        return OMPS_ENOMEM;
    double *scratch = v->values + total;
    for (size_t i = 0, at = 0; i < plan->count; i++) {
        const struct omps_tally *t = &tally[i];
        struct omps_line_point *p = &v->p[i];
        *p = (struct omps_line_point){&plan->configs[i].key, NAN, v->rounds + at, v->values + at,
                                      0};
        if (t->dead || t->failed || t->count == 0)
            continue;
        p->n = omps_tally_round_medians(t, v->rounds + at, v->values + at);
        memcpy(scratch, p->values, p->n * sizeof *scratch);
        p->median = omps_median_inplace(scratch, p->n);
        at += p->n;
    }
    return OMPS_OK;
}

/* An undecided line: the rounds it still needs and what one of them costs. */
struct pending {
    const struct omps_line *line;
    double more, cost;
};

static int by_cost_to_decide(const void *a, const void *b)
{
    const struct pending *x = a, *y = b;
    const double cx = x->more * x->cost, cy = y->more * y->cost;
    return (cx > cy) - (cx < cy);
}

/* Gives configuration i a need in tier (the higher need stays). */
static void raise_need(struct omps_allot *out, size_t i, double tier, double within, int why)
{
    const double need = tier + within;
    if (need > out[i].need)
        out[i].need = need, out[i].why = why;
}

/* Notes in the tallies that line l reads its two configurations and
 * needs `needed` rounds in all after `had` (omps_line_rounds_needed).
 * Returns what it still needs: 0 when decided, had + 1 when nothing is
 * known yet (below two rounds: one more tells), else needed. */
static double note_reads(struct omps_tally *tally, const struct omps_line *l, double needed,
                         size_t had)
{
    const size_t side[2] = {l->faster, l->slower};
    const double state = isnan(needed) ? (double)had + 1 : needed <= (double)had ? 0 : needed;
    for (int k = 0; k < 2; k++) {
        struct omps_tally *t = &tally[side[k]];
        t->reads |= 1u << l->topic;
        if (isnan(t->rounds_needed) || state > t->rounds_needed)
            t->rounds_needed = state;
    }
    return state;
}

/* The undecided lines among lines[0..n) that more visits can still help,
 * into pend; returns how many. */
static size_t undecided(const struct omps_line *lines, size_t n, const struct view *v,
                        struct omps_tally *tally, const struct omps_allot_settings *set,
                        struct pending *pend)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const struct omps_line *l = &lines[i];
        size_t had;
        const double needed = omps_line_rounds_needed(l, v->p, &had);
        const double state = note_reads(tally, l, needed, had);
        if (state == 0 || tally[l->faster].count >= OMPS_MAX_REPETITIONS ||
            tally[l->slower].count >= OMPS_MAX_REPETITIONS)
            continue;
        const double cost = set->cost(set->ctx, l->faster) + set->cost(set->ctx, l->slower);
        pend[m++] = (struct pending){l, isfinite(state) ? state - (double)had : 1, cost};
    }
    return m;
}

/* Spends the budget left on the undecided lines, the cheapest to decide
 * first: those the budget can decide together get TIER_DECIDE, the rest
 * TIER_NARROW; within a tier, the cheaper to decide the higher. */
static void allot_lines(struct pending *pend, size_t m, const struct omps_allot_settings *set,
                        struct omps_allot *out)
{
    qsort(pend, m, sizeof *pend, by_cost_to_decide);
    double spent = 0;
    for (size_t k = 0; k < m; k++) {
        const double cost = pend[k].more * pend[k].cost;
        spent += cost;
        const int reach = spent <= set->budget_left;
        const double within = 1.0 / (1.0 + cost);
        const int why = reach ? OMPS_WHY_DECIDE : OMPS_WHY_NARROW;
        const double tier = reach ? TIER_DECIDE : TIER_NARROW;
        raise_need(out, pend[k].line->faster, tier, within, why);
        raise_need(out, pend[k].line->slower, tier, within, why);
    }
}

/* Keeps only the highest tier past the minimum: lines that can be decided
 * before lines that cannot, and --precision only when no line needs a
 * round.  Returns the highest tier kept (0: none). */
static double keep_top_tier(struct omps_allot *out, size_t n)
{
    double top = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(out[i].need) && floor(out[i].need) > top)
            top = floor(out[i].need);
    }
    for (size_t i = 0; i < n; i++) {
        if (isfinite(out[i].need) && floor(out[i].need) < top)
            out[i].need = 0;
    }
    return top;
}

/* The lines the tallies support into *lines (freed by the caller, with
 * v), and how many into *n; 0 or OMPS_ENOMEM. */
static int find_lines(const struct omps_plan *plan, const struct omps_tally *tally,
                      struct view *v, struct omps_line **lines, size_t *n)
{
    *n = 0;
    *lines = calloc(omps_lines_most() + 1, sizeof **lines);
    if (*lines == NULL || view_make(plan, tally, v) != OMPS_OK)
        return OMPS_ENOMEM;
    *n = omps_lines_find(v->p, plan->count, plan->physical_cores, *lines, omps_lines_most());
    return OMPS_OK;
}

int omps_allot_round(const struct omps_plan *plan, struct omps_tally *tally,
                     const struct omps_allot_settings *set, struct omps_allot *out)
{
    struct view v = {0};
    struct omps_line *lines = NULL;
    struct pending *pend = calloc(omps_lines_most() + 1, sizeof *pend);
    size_t n = 0;
    int rc = pend != NULL ? find_lines(plan, tally, &v, &lines, &n) : OMPS_ENOMEM;
    if (rc == OMPS_OK) {
        for (size_t i = 0; i < plan->count; i++) {
            out[i] = (struct omps_allot){0, OMPS_WHY_MINIMUM};
            tally[i].reads = 0;
            tally[i].rounds_needed = NAN;
        }
        const size_t m = undecided(lines, n, &v, tally, set, pend);
        /* --precision none asks for the minimum and no more (a fixed
         * length, as the gate's sweeps and smoke runs want). */
        if (isfinite(set->precision))
            allot_lines(pend, m, set, out);
        const double top = keep_top_tier(out, plan->count);
        for (size_t i = 0; i < plan->count; i++) {
            const struct omps_tally *t = &tally[i];
            if (t->dead || t->failed || t->count >= OMPS_MAX_REPETITIONS)
                out[i].need = 0;
            else if (t->count < (size_t)set->minimum)
                out[i] = (struct omps_allot){INFINITY, OMPS_WHY_MINIMUM};
            else if (top == 0 && t->width > set->precision)
                raise_need(out, i, TIER_PRECISION,
                           isfinite(t->width) ? t->width / (1 + t->width) : 0.999,
                           OMPS_WHY_PRECISION);
        }
    }
    view_free(&v);
    free(lines);
    free(pend);
    return rc;
}

int omps_allot_decisions(const struct omps_plan *plan, const struct omps_tally *tally,
                         struct omps_decisions *d)
{
    struct view v = {0};
    struct omps_line *lines = NULL;
    size_t n = 0;
    const int rc = find_lines(plan, tally, &v, &lines, &n);
    *d = (struct omps_decisions){0};
    for (size_t i = 0; i < n; i++) {
        /* As the report judges it: at 95%, on every round. */
        double dv = NAN, h = NAN;
        const int yes = omps_line_estimate(&lines[i], v.p, &dv, &h) >= 2 &&
                        omps_line_decided(&lines[i], dv, h);
        if (lines[i].topic == OMPS_LINE_HEADLINE)
            d->headlines++, d->headed += (size_t)yes;
        else
            d->comparisons++, d->compared += (size_t)yes;
    }
    view_free(&v);
    free(lines);
    return rc;
}

/* ---- visits.csv --------------------------------------------------------- */

/* The lines that read t, "headline schedule", into buf. */
static const char *reads_text(const struct omps_tally *t, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int topic = 0; topic <= OMPS_LINE_HEADLINE; topic++) {
        if ((t->reads & (1u << topic)) && used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "",
                                     omps_line_topic_name((enum omps_line_topic)topic));
    }
    return buf;
}

/* Why t got the repetitions it got, in words. */
static const char *why_text(const struct omps_tally *t, int minimum, char *buf, size_t len)
{
    if (t->dead || t->failed)
        snprintf(buf, len, "%s", t->dead ? "it could not run" : "it failed verification");
    else if (t->reads == 0 && t->visits[OMPS_WHY_DECIDE] + t->visits[OMPS_WHY_NARROW] > 0)
        snprintf(buf, len, "a line read it until another configuration became the faster or "
                           "the headline's series; none reads it now");
    else if (t->reads == 0)
        snprintf(buf, len, "no line of the report reads it: its minimum and no more");
    else if (t->rounds_needed == 0)
        snprintf(buf, len, "every line that reads it is decided");
    else if (t->count >= OMPS_MAX_REPETITIONS)
        snprintf(buf, len, "undecided at the cap of %d repetitions", OMPS_MAX_REPETITIONS);
    else if (t->count < (size_t)minimum)
        snprintf(buf, len, "the sweep ended before its minimum");
    else
        snprintf(buf, len, "undecided when the budget ended: about %.0f rounds would decide it",
                 t->rounds_needed);
    return buf;
}

/* One visits.csv row (OMPS_VISITS_COLUMNS). */
struct omps_visits_row {
    const struct omps_key *key;
    const struct omps_tally *t;
    size_t total;
    const char *reads, *why;
};

static void write_visits_row(FILE *f, const struct omps_visits_row *row)
{
    int first = 1;
    OMPS_VISITS_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}

int omps_allot_write(const char *dir, const struct omps_plan *plan,
                     const struct omps_tally *tally, int minimum)
{
    struct omps_outfile out;
    if (omps_outfile_open(&out, dir, "visits.csv") != OMPS_OK)
        return -1;
    fprintf(out.f, "%s\n", OMPS_VISITS_HEADER);
    for (size_t i = 0; i < plan->count; i++) {
        char reads[64], why[160];
        const struct omps_tally *t = &tally[i];
        const struct omps_visits_row row = {&plan->configs[i].key, t, t->count,
                                            reads_text(t, reads, sizeof reads),
                                            why_text(t, minimum, why, sizeof why)};
        write_visits_row(out.f, &row);
    }
    return omps_outfile_commit(&out) == OMPS_OK ? 0 : -1;
}
