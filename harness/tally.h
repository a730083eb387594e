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

/* No configuration is visited more often than this, whatever its noise. */
#define OMPS_MAX_REPETITIONS 100

/* Why a configuration was visited (visits.csv; docs/methods.md, "Rounds
 * where decisions are made"). */
enum omps_visit_why {
    OMPS_WHY_MINIMUM,   /* below the minimum repetitions */
    OMPS_WHY_DECIDE,    /* a line that reads it is undecided, and the budget
                           left can decide it */
    OMPS_WHY_NARROW,    /* a line that reads it is undecided beyond the
                           budget: its interval is narrowed all the same */
    OMPS_WHY_PRECISION, /* every line is decided or out of reach, and its
                           interval is wider than --precision */
    OMPS_WHY_RESUMED,   /* journaled by the run this one resumes */
    OMPS_WHY_COUNT
};

struct omps_tally {
    double *seconds;
    size_t *rounds; /* each repetition's round */
    size_t count, cap;
    long iterations; /* kernel runs per repetition; 0 until the first visit */
    double visit_s;  /* what the last visit cost, all told; 0 before one */
    double untimed_s; /* of that, poisoning, verification and warm-up: the
                         last visit that checked every output's */
    double sampled_s; /* the same, of the last visit that checked samples */
    double width;    /* the median interval's half-width / median */
    size_t visits[OMPS_WHY_COUNT]; /* visits, by why */
    unsigned reads;  /* 1 << topic for each report line that reads it (lines.h) */
    double rounds_needed; /* its least-decided line's rounds in all to decide
                             (lines.h); 0: every line is decided; NaN: none
                             reads it */
    int failed;      /* a repetition failed verification */
    int dead;        /* the configuration could not run */
};

/* Appends one repetition's seconds, taken in round, to t; 0 or
 * OMPS_ENOMEM. */
int omps_tally_add(struct omps_tally *t, double seconds, size_t round);

/* Each round's median of t's repetitions into rounds[] and values[] (room
 * for t->count each), in round order; returns how many rounds. */
size_t omps_tally_round_medians(const struct omps_tally *t, size_t *rounds, double *values);

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
