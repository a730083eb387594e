/*
 * What the rounds know of each configuration as the sweep goes: its
 * repetitions' seconds, the iteration count its visits use, what its last
 * visit cost and how precise its median is.  Part of the rounds layer
 * (sweep.c); a venue never sees it.
 */
#ifndef OMPSCALE_TALLY_H
#define OMPSCALE_TALLY_H

#include <stddef.h>

#include "plan.h"
#include "runs_read.h"

struct omps_tally {
    double *seconds;
    size_t count, cap;
    long iterations; /* kernel runs per repetition; 0 until the first visit */
    double visit_s;  /* what the last visit cost, all told; 0 before one */
    double untimed_s; /* of that, poisoning, verification and warm-up: the
                         last visit that checked every output's */
    double sampled_s; /* the same, of the last visit that checked samples */
    double width;    /* the median interval's half-width / median */
    int failed;      /* a repetition failed verification */
    int dead;        /* the configuration could not run */
};

/* Appends one repetition's seconds to t; 0 or OMPS_ENOMEM. */
int omps_tally_add(struct omps_tally *t, double seconds);

/* Recomputes the relative half-width of t's median interval. */
void omps_tally_update_width(struct omps_tally *t);

/* Records a visit's once-a-visit untimed seconds, apart for full and
 * sampled checks. */
void omps_tally_note_untimed(struct omps_tally *t, double untimed, int sampled);

/* Keeps a repetition near its length, the larger of the asked length
 * (min_time) and OMPS_TIMED_PER_UNTIMED times the visit's untimed seconds:
 * later visits reuse the first visit's iteration count until the count that
 * length needs differs from it by more than a quarter. */
void omps_tally_adapt_iterations(struct omps_tally *t, double min_time);

/*
 * Counts what a resumed run already holds (done: its journaled rows) as
 * repetitions taken in tally[0..plan->count), and the round they reached
 * into *round.  A row whose configuration is not in this plan is
 * OMPS_EINVAL with err naming it.  A configuration with a journaled
 * repetition that did not verify is marked failed.
 */
int omps_tally_load_done(struct omps_tally *tally, const struct omps_plan *plan,
                         const struct omps_runs *done, long *round, char *err, size_t err_len);

#endif
