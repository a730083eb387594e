/*
 * Where a sweep's rounds go past the minimum: to the report's lines
 * (core/lines.h) that are still undecided, the cheapest to decide first,
 * and to no configuration that no line reads; then, with every line
 * decided or beyond the budget, to configurations wider than --precision.
 * Part of the rounds layer (sweep.c).  The rule is in docs/methods.md
 * ("Rounds where decisions are made").
 */
#ifndef OMPSCALE_ALLOT_H
#define OMPSCALE_ALLOT_H

#include <stddef.h>

#include "plan.h"
#include "tally.h"

/* One configuration's place in the next round. */
struct omps_allot {
    double need; /* 0: not visited; when the budget is short, the highest first */
    int why;     /* enum omps_visit_why */
};

/* What the next visit of configuration i costs, in seconds. */
typedef double (*omps_visit_cost_fn)(const void *ctx, size_t i);

/* The rounds' settings the allotment reads. */
struct omps_allot_settings {
    int minimum;        /* the minimum repetitions of every configuration */
    double precision;   /* --precision; INFINITY (none): the minimum only,
                           no round for a line either */
    double budget_left; /* seconds (INFINITY: no budget) */
    omps_visit_cost_fn cost;
    const void *ctx;
};

/*
 * Fills out[0..plan->count) for the next round from the tallies so far,
 * and notes in each tally the lines that read it and what they still need
 * (reads, rounds_needed).  Returns 0 or OMPS_ENOMEM.
 */
int omps_allot_round(const struct omps_plan *plan, struct omps_tally *tally,
                     const struct omps_allot_settings *set, struct omps_allot *out);

/* How many of the report's lines the rounds decided, judged as the report
 * judges them (95%, every round): comparisons that say use or the same,
 * headline speedups within OMPS_HEADLINE_HALF_WIDTH. */
struct omps_decisions {
    size_t comparisons, compared;
    size_t headlines, headed;
};

/* Fills d from the tallies; 0 or OMPS_ENOMEM. */
int omps_allot_decisions(const struct omps_plan *plan, const struct omps_tally *tally,
                         struct omps_decisions *d);

/*
 * Writes DIR/visits.csv (atomically): per configuration, its repetitions
 * by why they were taken, the lines that read it and what they still need.
 * minimum: the minimum repetitions.  Returns 0, or -1 when it cannot be
 * written.
 */
int omps_allot_write(const char *dir, const struct omps_plan *plan,
                     const struct omps_tally *tally, int minimum);

#endif
