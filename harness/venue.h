/*
 * Venues: the places a configuration runs.  The rounds (sweep.c) choose
 * which configurations a round visits and in what order, check the budget,
 * show progress and probe the placement; a venue makes the visits and hands
 * back each one's answer (visit.h), which the rounds record the same way
 * wherever it ran.  Visits come in groups that share one venue's process
 * (one environment's kept child, one launch of MPI ranks; in this process,
 * every configuration is one group).  A venue never calls back into the
 * rounds: what it needs comes in omps_venue_context and in each call.
 *
 *   venue_local.c     this process (a visitor of its own)
 *   venue_children.c  a kept child per environment, a group of ranks per
 *                     launch (`ompscale child`, protocol.h)
 *   venue_command.c   a program started by command, a whole process a
 *                     repetition (`run --command`)
 *   venue_imitate.c   the test venue: imitated timings and faults, no
 *                     kernel run (OMPSCALE_VENUE=imitate)
 */
#ifndef OMPSCALE_VENUE_H
#define OMPSCALE_VENUE_H

#include <signal.h>
#include <stddef.h>

#include "cli.h"
#include "plan.h"
#include "sweep.h"
#include "visit.h"

/* What every venue is given when the sweep opens it. */
struct omps_venue_context {
    const struct omps_run_options *opts;
    const struct omps_plan *plan;
    const char *run_dir;   /* the run directory (children's JSON go under it) */
    const char *json_path; /* this process's Google Benchmark JSON */
    const char *argv0;
    double live_bytes;     /* the memory kept states may take in all */
    volatile sig_atomic_t *stop;
    /* Where the venue adds what only it sees: the nodes groups of ranks ran
     * on, and the time spent starting and ending processes. */
    struct omps_sweep_outcome *out;
};

/* What starting a group said. */
enum omps_group_ready {
    OMPS_GROUP_READY = 1,
    OMPS_GROUP_FAILED = 0,  /* its environment failed its check: every visit fails */
    OMPS_GROUP_DEAD = -1    /* it could not start: no visit can run */
};

/* What a visit gave back. */
enum omps_visit_got {
    OMPS_GOT_ANSWER = 1,     /* the answer is filled */
    OMPS_GOT_ENDED = 0,      /* the venue's process ended mid-visit */
    OMPS_GOT_HUNG = -1,      /* it went silent past its limit, and was killed */
    OMPS_GOT_INTERRUPTED = -2
};

struct omps_venue;

struct omps_venue_ops {
    /* Opens the venue for the sweep: 0, or OMPS_E* with err set. */
    int (*open)(struct omps_venue *v, const struct omps_venue_context *c, char *err,
                size_t err_len);
    /* Whether configurations a and b run in one group.  NULL: every
     * configuration is in one group, which is always ready and ends cleanly
     * (begin_group and end_group may then be NULL too), and the venue never
     * breaks (broken NULL). */
    int (*same_group)(const struct omps_venue *v, size_t a, size_t b);
    /* Readies the group of configuration first for n visits in round;
     * ran_before says a configuration of it has repetitions already, and
     * limit_s how long its process may stay silent.  Returns an
     * omps_group_ready with why set unless ready. */
    int (*begin_group)(struct omps_venue *v, size_t first, size_t n, long round,
                       int ran_before, double limit_s, char *why, size_t why_len);
    /* Visits configuration i as q asks; limit_s as above.  Returns an
     * omps_visit_got; *rc an OMPS_E* code that ends the sweep (0: none). */
    int (*visit)(struct omps_venue *v, size_t i, const struct omps_visit_request *q,
                 double limit_s, struct omps_visit_answer *a, int *rc);
    /* Ends the group of first after its visits (got: the last visit's
     * omps_visit_got; the group is kept for the next round when it can be).
     * Returns 1 when it ended cleanly; else why says what happened, a whole
     * sentence for got ENDED or HUNG, how it ended otherwise. */
    int (*end_group)(struct omps_venue *v, size_t first, int got, char *why, size_t why_len);
    /* The OpenMP runtime the group's visits ran under (runs.csv's runtime). */
    const char *(*runtime)(const struct omps_venue *v);
    /* Whether the venue can take no more groups (mpirun cannot start
     * ranks), which ends the sweep. */
    int (*broken)(const struct omps_venue *v);
    /* Ends the venue at the end of the sweep, adding its last time to
     * *account.  Returns 0, or OMPS_EIO when its JSON could not be written. */
    int (*close)(struct omps_venue *v, struct omps_sweep_time *account);
};

struct omps_venue {
    const struct omps_venue_ops *ops;
    const char *name; /* "this process", "a child", "an imitation" */
    void *self;
};

/* The venues (each file above): fill v; self is allocated by open and
 * freed by close. */
void omps_venue_local(struct omps_venue *v);
void omps_venue_children(struct omps_venue *v);
void omps_venue_command(struct omps_venue *v);
void omps_venue_imitate(struct omps_venue *v);

#endif
