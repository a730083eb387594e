/*
 * The visit layer: one visit of one configuration in this process.  A
 * visitor sets up the configuration's kernel state (or finds it kept from
 * an earlier visit), sets the team and schedule, warms up, poisons the
 * outputs, times one batch through the Google Benchmark shim, verifies it
 * and accounts for where the time went.  It knows nothing of plans, rounds
 * or options: the rounds (harness/sweep.c) hand it a request and record its
 * answer, and `ompscale child` (child_main.c) does the same for a parent in
 * another process.  Versioned with the binary; internal to ompscale.
 */
#ifndef OMPSCALE_VISIT_H
#define OMPSCALE_VISIT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gbench_shim.h"
#include "kernel.h"
#include "key.h"
#include "load.h"
#include "ranks.h"
#include "stats.h"

/* Where a sweep's wall time went, in seconds, summed over this process and
 * its children (machine.json's run.time).  What none of these covers (the
 * parent's own bookkeeping, journaling, waiting on pipes) is the rest. */
struct omps_sweep_time {
    double timed;    /* Google Benchmark's iterations x real time, reported */
    double setup;    /* kernel states set up and torn down */
    double poison;   /* outputs poisoned before a batch */
    double prepare;  /* the untimed prepare step before every run */
    double verify;   /* verification (with the poisoning done in its pass) */
    double warmup;   /* the untimed run or team start before a visit */
    double search;   /* the rest of Google Benchmark's batches: finding an
                        iteration count, its own work and reporting */
    double children; /* starting and ending child processes and mpirun */
    double probes;   /* the latency probe at the start of each round */
};

/* Adds every field of b to a. */
void omps_sweep_time_add(struct omps_sweep_time *a, const struct omps_sweep_time *b);

/* Every field of is less was's, into d. */
void omps_sweep_time_since(const struct omps_sweep_time *was, const struct omps_sweep_time *is,
                           struct omps_sweep_time *d);

/* The sum of every field but timed: the accounted overhead. */
double omps_sweep_time_overhead(const struct omps_sweep_time *t);

/* A visit's once-a-visit untimed seconds: poisoning, verification and
 * warm-up (what the iteration count is adapted to). */
double omps_sweep_time_untimed(const struct omps_sweep_time *t);

/* What every visit in one process shares: what `ompscale child`'s command
 * line carries (protocol.h). */
struct omps_visit_settings {
    double min_time;     /* seconds one batch should take at least */
    uint64_t llc_bytes;  /* the last-level cache; 0: unknown */
    double live_bytes;   /* the memory kept states may take together */
    int share_states;    /* one state for every team size (key.h) */
    int measure_load;    /* read the machine's load around each batch */
};

/* One visit asked of a visitor (or of a venue, harness/venue.h). */
struct omps_visit_request {
    const struct omps_key *key; /* lives as long as the visitor keeps its state */
    int oversubscribed;         /* more threads than usable CPUs */
    long iterations;            /* runs a repetition times; 0: let Google Benchmark search */
    uint64_t salt;              /* 0: check every output; else the sampled check's salt */
    size_t done;                /* repetitions the configuration already has */
};

/* The most repetitions one visit answers with. */
#define OMPS_VISIT_REPETITIONS 64

/* What one visit gave. */
struct omps_visit_answer {
    int repetitions;
    long iterations;                          /* runs in each repetition */
    double seconds[OMPS_VISIT_REPETITIONS];   /* one run's wall time, per repetition */
    int verified[OMPS_VISIT_REPETITIONS];     /* 1 or 0, per repetition */
    double result;                            /* the computed result; NaN: none */
    struct omps_process_use use;              /* a program's (run --command) */
    char failure[512];                        /* why a repetition did not verify; "" */
    char error[512];                          /* why the configuration could not run; "" */
    int sampled;                              /* the outputs were checked at samples */
    struct omps_sweep_time time;              /* where the visit's time went */
    /* The machine's load when the batch began, and the process beside this
     * one that ran it (0: none; -1: one not measured, mpirun's ranks). */
    struct omps_load load_start;
    pid_t load_child;
};

/* Clears a for a new visit. */
void omps_visit_answer_clear(struct omps_visit_answer *a);

/* A kernel state kept alive across visits. */
struct omps_live {
    const struct omps_key *key;
    void *state;
    double bytes;
    unsigned long long used; /* when it last served a visit */
    int poisoned;     /* its outputs are poisoned since its last run */
    int warm_threads; /* the team size of its last run here; 0: none */
};

/* One process's visits: its settings, its Google Benchmark session, its
 * kept states and its account of time. */
struct omps_visitor {
    struct omps_visit_settings set;
    struct omps_gb *gb;
    struct omps_team team;
    struct omps_ranks ranks; /* rank 0 of 1 outside a group of ranks */
    volatile sig_atomic_t *stop;
    const char *skip_runs;   /* OMPSCALE_SKIP_RUNS, read once */
    struct omps_live *live;
    size_t nlive, live_cap;
    double live_bytes;
    unsigned long long clock;
    struct omps_sweep_time time; /* every visit's, and the states' teardown */
    /* The visit in progress. */
    const struct omps_visit_request *q;
    struct omps_visit_answer *a;
    size_t now_live;
    void *state;
};

/*
 * Opens a visitor: its settings, Google Benchmark writing its JSON to
 * json_path (argv0 names the executable there; NULL: no session, for a
 * rank that follows rank 0), stop polled during batches.  Sets the kernels' last-level cache (kernels/common.h) from the
 * settings: the one place it is set.  Returns 0, or OMPS_EIO (json_path
 * cannot be written) or OMPS_ENOMEM.
 */
int omps_visitor_open(struct omps_visitor *v, const struct omps_visit_settings *set,
                      const char *argv0, const char *json_path, volatile sig_atomic_t *stop);

/* One visit: fills a.  Returns 0, or an OMPS_E* code from Google
 * Benchmark (the visit's answer is filled all the same). */
int omps_visitor_visit(struct omps_visitor *v, const struct omps_visit_request *q,
                       struct omps_visit_answer *a);

/* Tears down every kept state (its time in v->time.setup) and closes the
 * JSON.  Returns 0, or OMPS_EIO when the JSON could not be written. */
int omps_visitor_close(struct omps_visitor *v);

/* ---- the steps of a visit, for the ranks that follow rank 0 ----------- */

/* Makes q the visit in progress and readies it for timing: its team size
 * and schedule, its state (set up or kept alive) and an untimed run.
 * Returns the state, or NULL with why set when none can be made. */
void *omps_visitor_start(struct omps_visitor *v, const struct omps_visit_request *q,
                         struct omps_visit_answer *a, char *why, size_t why_len);

/* Returns the state for key, set up under key's team size (already set)
 * so that a kernel's parallel first touch places pages where this team
 * runs, and kept alive for later visits; the least recently used states are
 * torn down first when the settings' memory would be passed.  NULL with why
 * set when setup fails (states.c). */
void *omps_visitor_state(struct omps_visitor *v, const struct omps_key *key, char *why,
                         size_t why_len);

/* Tears down the i-th kept state. */
void omps_visitor_drop_state(struct omps_visitor *v, size_t i);

/* Whether a visit to a state of `bytes` warms it with an untimed run: one
 * of at least 1 MiB that twice the largest cache (llc_bytes; 0: unknown)
 * can hold; a smaller state reloads in a moment and a larger one cannot be
 * held, so for them only the team is started. */
int omps_visit_warms_data(uint64_t llc_bytes, double bytes);

/* One batch of runs as Google Benchmark would call it, untimed: what a
 * rank that follows rank 0 does when rank 0 times one. */
void omps_visitor_follow_batch(struct omps_visitor *v, long runs);

/* What rank 0 relays to the other ranks of its group, which follow it step
 * by step: every rank calls the kernel's functions in the same order. */
enum omps_relay_command { OMPS_RELAY_VISIT = 1, OMPS_RELAY_BATCH, OMPS_RELAY_QUIT };

struct omps_relay {
    int command;
    long runs;       /* OMPS_RELAY_BATCH: the runs the batch times */
    char line[1024]; /* OMPS_RELAY_VISIT: the visit line from the parent */
};

/* In rank 0 of a group of several, sends the others the next step. */
void omps_visitor_relay(const struct omps_visitor *v, int command, long runs, const char *line);

/* Ends this process as a crash would, for the tests' injected faults:
 * SIGABRT, because a sanitizer turns a SIGSEGV into an ordinary exit. */
void omps_visit_abort(void);

/* omp_get_wtime(): the clock every step of a sweep is timed with. */
double omps_visit_now(void);

#endif
