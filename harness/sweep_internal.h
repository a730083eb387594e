/*
 * What the two sides of a sweep share (sweep.c, the parent's rounds and
 * visits; sweep_child.c, the side that runs in `ompscale child` and in each
 * rank of a group): the sweep's state and the steps both take.  Internal
 * to the harness.
 */
#ifndef OMPSCALE_SWEEP_INTERNAL_H
#define OMPSCALE_SWEEP_INTERNAL_H

#include <omp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "child.h"
#include "load.h"
#include "gbench_shim.h"
#include "ranks.h"
#include "sweep.h"

/* What the sweep knows of one configuration as it runs. */
struct tally {
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

/* A kernel state kept alive across rounds. */
struct live {
    const struct omps_key *key;
    void *state;
    double bytes;
    unsigned long long used; /* when it last served a visit */
    int poisoned;     /* its outputs are poisoned since its last run */
    int warm_threads; /* the team size of its last run here; 0: none */
};

struct omps_sweep {
    const struct omps_run_options *opts;
    const struct omps_plan *plan;
    struct tally *tally;
    size_t *group; /* each configuration's first config with its state */
    struct live *live;
    size_t nlive;
    size_t now_live; /* the live entry of the visit in progress */
    /* OMPSCALE_SKIP_RUNS, read once: a test's kernel whose runs do no work. */
    const char *skip_runs;
    /* How the visit in progress checks its outputs: 0, every one; else the
     * salt of a sampled check (kernel.h's verify_sample). */
    uint64_t check_salt;
    double live_bytes, live_cap;
    unsigned long long clock;
    struct omps_team team;
    volatile sig_atomic_t *stop;
    struct omps_journal *journal;
    struct omps_gb *gb;
    double started;
    int show_progress;
    struct omps_sweep_outcome *out;
    int io_failed;
    /* The visit in progress. */
    size_t current;
    void *state;
    long round;
    double probe_ns; /* the visit's cache-line round trip; NaN: none */
    double result;   /* the last verified batch's computed result; NaN: none */
    /* The machine's load when the batch in progress began (load.h), and the
     * process beside this one that runs it (0: none; -1: one not measured,
     * mpirun's ranks). */
    struct omps_load load_start;
    pid_t load_child;
    char runtime[64]; /* the runtime of the process the visit ran in */
    /* Environment groups (child.h): in the parent, which axes are swept and
     * where gcc+libomp finds libomp; in a child, where answers go. */
    int swept[OMPS_AXES];
    char libomp_dir[4096];
    FILE *answer;
    /* Groups of MPI ranks (ranks.h): in the parent, the launcher, and
     * whether one failed to start (which ends the sweep); in a rank, its
     * place in the group. */
    char mpirun[4096];
    int launch_failed;
    struct omps_ranks ranks;
    /* In the parent: the environment children kept for the whole sweep,
     * stopped (SIGSTOP) between their groups' visits. */
    struct kept_child *kept;
    size_t nkept, kept_cap;
};

/* An environment child that lives for the whole sweep: it keeps its states
 * set up across rounds, and is stopped while other children are timed so
 * that its threads (spinning under OMP_WAIT_POLICY=active) take no CPU. */
struct kept_child {
    struct omps_child child;
    size_t first;  /* a configuration of its group */
    int stopped;
    char runtime[64]; /* the runtime it reported loading */
};

/* What rank 0 relays to the other ranks of its group, which follow it step
 * by step: every rank calls the kernel's functions in the same order. */
enum relay_command { RELAY_VISIT = 1, RELAY_BATCH, RELAY_QUIT };

struct relay {
    int command;
    long runs;       /* RELAY_BATCH: the runs the batch times */
    char line[1024]; /* RELAY_VISIT: the visit line from the parent */
};

/* Ends this process as a crash would, for the tests' injected faults:
 * SIGABRT, because a sanitizer turns a SIGSEGV into an ordinary exit. */
void sweep_abort(void);

/* In rank 0 of a group of several, sends the others the next step. */
void sweep_relay(const struct omps_sweep *s, int command, long runs, const char *line);

/* The configuration being visited. */
const struct omps_config *sweep_current(const struct omps_sweep *s);

/* The Google Benchmark hooks (gbench_shim.h), which the ranks that follow
 * rank 0 also call, in its order. */
int sweep_hook_begin(void *ctx, long runs, char *why, size_t why_len);
void sweep_hook_prepare(void *ctx);
void sweep_hook_body(void *ctx);
int sweep_hook_end(void *ctx, char *why, size_t why_len);
extern const struct omps_gb_hooks omps_sweep_hooks;

/* Makes configuration i the one being visited and readies it for timing:
 * its team size and schedule, its state (set up or kept alive) and an
 * untimed run.  Rank 0 and the ranks that follow it take these steps in
 * this order.  Returns the state, or NULL with why set when none can be
 * made. */
void *sweep_start_visit(struct omps_sweep *s, size_t i, char *why, size_t why_len);

/* How the parent's visit of configuration i checks its outputs (the
 * sweep's check_salt): every one on its first visit and at random visits
 * (0), else at positions this salt chooses. */
uint64_t sweep_check_salt(const struct omps_sweep *s, size_t i);

/* Visits configuration i: one verified repetition, journaled.  Returns 0 or
 * an OMPS_E* code. */
int sweep_visit(struct omps_sweep *s, size_t i);

/* omp_get_wtime(): the clock every step of the sweep is timed with. */
static inline double sweep_now(void)
{
    return omp_get_wtime();
}

/* What the next visit of i should cost, from the plan's estimate or the
 * last visit (less its state's set-up). */
double sweep_visit_cost(const struct omps_sweep *s, size_t i);

/* Marks t, the current configuration, as one that could not run: error is
 * the line the run ends with (the first one's), reason what
 * machine.json's run.could_not_run records beside its name. */
void sweep_mark_dead(struct omps_sweep *s, struct tally *t, const char *error,
                     const char *reason);

/* Reports a verification failure of the current configuration. */
void sweep_note_failure(struct omps_sweep *s, const char *why);

/* Records a batch's repetitions for the current configuration: the tally,
 * the time account, the journal (in the parent) or the answer (in a
 * child).  The Google Benchmark report hook. */
void sweep_report(void *ctx, const struct omps_gb_result *r);

/* A visit's once-a-visit untimed seconds (poisoning, verification,
 * warm-up) from the account before (was) and after it; recorded apart for
 * sampled and full checks; and the iteration count adapted to them. */
double sweep_untimed_since(const struct omps_sweep_time *was, const struct omps_sweep_time *is);
void sweep_note_untimed(struct tally *t, double untimed, int sampled);
void sweep_adapt_iterations(struct tally *t, double min_time);

/* The progress line (a terminal only) for visit k of n, configuration i. */
void sweep_show_progress(const struct omps_sweep *s, size_t k, size_t n, size_t i);

/* The start of every visit, wherever it runs (here, in a kept child, in a
 * group of ranks): 0 when the visit of i would pass the budget, which is
 * then marked spent; else 1, after the progress line (visit k of n) and
 * the round's placement probe.  The one budget check of the rounds. */
int sweep_begin_visit(struct omps_sweep *s, size_t k, size_t n, size_t i);

/* The end of every visit that timed something: the next iteration count,
 * and what the visit cost from t0, less a state's set-up (s->out->time's
 * setup was setup_before when it began). */
void sweep_end_visit(struct omps_sweep *s, struct tally *t, double t0, double setup_before);

/* Records when every configuration first had its minimum repetitions. */
void sweep_note_minimum(struct omps_sweep *s);

/* Probes the placement before a visit into s->probe_ns (NaN: none). */
void sweep_probe_placement(struct omps_sweep *s);

/* Visits the round's configurations order[0..n) one group at a time (an
 * environment in its kept child, a rank count through mpirun), the groups
 * in the order their first configuration has in the shuffled round.
 * Returns 0, an error code, or 1 when the budget ended the round
 * (sweep_groups.c). */
int sweep_run_round_children(struct omps_sweep *s, size_t *order, size_t n);

/* Ends every kept child at the end of the sweep (killed if interrupted). */
void sweep_end_all_kept(struct omps_sweep *s);

/* Appends one repetition's seconds to t; 0 or OMPS_ENOMEM. */
int sweep_add_seconds(struct tally *t, double seconds);

/* Recomputes the relative half-width of t's median interval. */
void sweep_update_width(struct tally *t);

/* Returns c's state, set up under c's team size (the harness has already set
 * it) so that a kernel's parallel first touch places pages where this team
 * runs, and kept alive for later visits.  NULL with why set when setup
 * fails (sweep_states.c). */
void *sweep_ensure_state(struct omps_sweep *s, const struct omps_config *c, char *why,
                         size_t why_len);

/* Tears down the i-th live state. */
void sweep_drop_state(struct omps_sweep *s, size_t i);

/* Counts what a resumed run already holds (done: its journaled rows) as
 * repetitions taken; a row whose configuration is not in this plan is
 * OMPS_EINVAL with err naming it (sweep_resume.c). */
int sweep_load_done(struct omps_sweep *s, const struct omps_runs *done, char *err,
                    size_t err_len);

/* Allocates the per-configuration arrays for plan; 0 or OMPS_ENOMEM. */
int sweep_init(struct omps_sweep *s, const struct omps_plan *plan);

/* Frees them and every kernel state still alive. */
void sweep_free(struct omps_sweep *s);

#endif
