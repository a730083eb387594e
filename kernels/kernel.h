/*
 * The one interface every ompscale kernel implements.
 *
 * A kernel is a const table of functions over an opaque state.  The harness
 * calls setup once per (kernel, size, params), then for every timed run
 * prepare (untimed, may be NULL) and run, and verify after each repetition.
 * Every parallel loop inside run uses schedule(runtime): the harness sets the
 * team size and the schedule, and the kernel records what it really got with
 * omps_team_note() inside its parallel region.
 */
#ifndef OMPSCALE_KERNEL_H
#define OMPSCALE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include <omp.h>

#define OMPS_MAX_PARAMS 4
/* The largest team any kernel sizes its per-thread buffers for, and so the
 * largest thread count the harness accepts. */
#define OMPS_MAX_THREADS 1024
/* The most MPI ranks one configuration may start. */
#define OMPS_MAX_RANKS 4096

/* The work one run does; a kernel fills whichever applies and names the
 * unit of its rate: GFLOP/s counts flops, GB/s bytes, Mupdates/s items;
 * us/construct counts constructs per thread in items and is rated against
 * the kernel's reference (see harness/stats.h). */
struct omps_work {
    double flops;
    double bytes;
    double items;
};

/* The unit a kernel's rate is given in. */
enum omps_unit {
    OMPS_UNIT_GFLOPS,         /* "GFLOP/s": flops / 1e9 per second */
    OMPS_UNIT_GBPS,           /* "GB/s": bytes / 1e9 per second */
    OMPS_UNIT_MUPDATES,       /* "Mupdates/s": items / 1e6 per second */
    OMPS_UNIT_US_PER_CONSTRUCT, /* "us/construct": see struct omps_work */
    OMPS_UNIT_UNITS_PER_S      /* "units/s": items per second */
};

/* Returns the unit's name as summary.csv writes it. */
const char *omps_unit_name(enum omps_unit unit);

/* A kernel's own tunable, set with --set KERNEL.NAME=VALUE. */
struct omps_param_def {
    const char *name;
    double default_value;
    double min_value;
    double max_value;
    const char *help;
    /* The values a sweep takes when --set does not name the parameter (a
     * message-size sweep); NULL: the default alone. */
    const double *sweep;
    size_t nsweep;
};

/* What sizing needs to know about the machine. */
struct omps_sizing {
    uint64_t llc_bytes; /* the largest cache level's size in bytes */
    int quick;          /* a smoke sweep: small sizes */
};

/*
 * The team a run asked for and what the parallel region saw.  The harness
 * fills want_*; omps_team_note() fills the rest from inside the region.
 */
struct omps_team {
    int want_threads;
    omp_sched_t want_kind; /* 0 for kernels with no scheduled loop */
    int want_chunk;        /* 0: the runtime's default */
    int seen_threads;
    omp_sched_t seen_kind;
    int seen_chunk;
    long regions;    /* parallel regions noted since the last reset */
    long mismatches; /* regions whose team or schedule differed */
    /* The binding asked for (OMPS_BIND_*, from omps_bind_wanted) and the
     * threads that were not where it puts them. */
    int want_bind;
    long bind_mismatches;
    char bind_why[160];
};

/* want_bind: nothing asked (0), a value no runtime accepts, or the
 * omp_proc_bind_t asked for plus OMPS_BIND_OFFSET. */
#define OMPS_BIND_NONE 0
#define OMPS_BIND_INVALID (-1)
#define OMPS_BIND_OFFSET 1

/* What bounds a kernel's rate on the hardware, for bound_rate in
 * summary.csv. */
enum omps_bound {
    OMPS_BOUND_NONE,      /* contention and overhead kernels: no rate bound */
    OMPS_BOUND_DIVISION,  /* one double division per term: the division
                             throughput the run probes (machine.json) */
    OMPS_BOUND_BANDWIDTH, /* memory bandwidth: the ceiling kernel's rate */
    OMPS_BOUND_WAITS,     /* blocking waits: min(threads, n) units per wait,
                             the kernel's first parameter in microseconds */
};

/* What a kernel's numbers mean, and so how they are drawn: scaling kernels
 * do a fixed amount of work split over the team (speedup means something);
 * the others do work per thread, and are drawn in their own unit. */
enum omps_family {
    OMPS_FAMILY_SCALING,       /* the default: speedup, efficiency, fits */
    OMPS_FAMILY_OVERHEAD,      /* us per construct against threads */
    OMPS_FAMILY_CONTENTION,    /* one shared counter: time per update */
    OMPS_FAMILY_FALSE_SHARING, /* per-thread slots: time per update */
    OMPS_FAMILY_BLOCKING,      /* blocking waits: swept past the cores, not fitted */
};

/* How a kernel uses MPI ranks: an OpenMP kernel runs in one process; a
 * process kernel runs as ranks that mpirun starts (built only with MPI). */
enum omps_ranked {
    OMPS_RANKED_NO,    /* OpenMP only: one process, ranks = 1 */
    OMPS_RANKED_ANY,   /* every rank count of --ranks, threads per rank */
    OMPS_RANKED_PROCESSES, /* every rank count of --ranks, one thread each */
    OMPS_RANKED_PAIR,  /* exactly two ranks of one thread: a ping-pong */
    OMPS_RANKED_SPAWN, /* one rank that starts `ranks` more and times it */
};

/* Returns the family's name as the plot stage writes it. */
const char *omps_family_name(enum omps_family family);

struct omps_kernel {
    const char *name;
    const char *summary;   /* one line: what it measures or teaches */
    enum omps_unit unit;
    enum omps_family family;
    int scheduled;         /* 0: no loop schedule; runs once as "none" */
    /* The kernel an overhead is measured against (the EPCC method; the
     * reference points at itself), planned along with this one; or NULL. */
    const struct omps_kernel *reference;
    /* The bandwidth ceiling a GB/s kernel's rate is divided by for
     * copy_fraction; or NULL.  A bandwidth-bound kernel without one is
     * itself a ceiling (copy, read, update): its bound is the best of them. */
    const struct omps_kernel *ceiling;
    enum omps_bound bound;
    const struct omps_param_def *params;
    size_t nparams;
    /* The default problem size for this machine. */
    uint64_t (*default_size)(const struct omps_sizing *sizing);
    /* Bytes of memory setup allocates for size n (checked before setup). */
    double (*footprint)(uint64_t n);
    /* Kernels that name one state family (a name no kernel has) share one
     * set-up state at equal n and params (their setup, footprint and
     * teardown are the same functions, and each leaves the state fit for
     * the others: poisoned or verified); NULL: the kernel's states are its
     * own. */
    const char *state_family;
    /* Allocates and initialises; returns 0 or a negative OMPS_E* code. */
    int (*setup)(void **state, uint64_t n, const double *params);
    /* Untimed work before every run (restoring destroyed input); or NULL. */
    void (*prepare)(void *state);
    /* Untimed, before each batch of runs: poisons outputs so a run that
     * skips work cannot pass verification on a previous run's result. */
    void (*poison)(void *state);
    /* The timed body. */
    void (*run)(void *state, struct omps_team *team);
    /* Returns 0 when the last run's result is right, else writes why. */
    int (*verify)(void *state, char *why, size_t why_len);
    /* Verifies as verify does and leaves the outputs poisoned as poison
     * does, in one pass over them (a large state's verify and poison are
     * the sweep's costliest untimed steps); or NULL. */
    int (*verify_poison)(void *state, char *why, size_t why_len);
    /* The sampled check of a large state (or NULL): poison_sample poisons,
     * before a batch, and verify_sample verifies, after it, only the
     * outputs at positions salt chooses (at least one per page and both
     * ends of every chunk of `chunk` elements), where a lost or skipped
     * write must show; the sweep checks every output on a configuration's
     * first visit and at visits it draws at random. */
    void (*poison_sample)(void *state, uint64_t salt, int chunk);
    int (*verify_sample)(void *state, uint64_t salt, int chunk, char *why, size_t why_len);
    void (*teardown)(void *state);
    /* Damages the last result the smallest way a lost update or a race
     * would; tests use it to prove that verify catches such a result. */
    void (*corrupt)(void *state);
    struct omps_work (*work)(uint64_t n, const double *params);
    /* Returns 0 when params suit size n, else writes why (planning refuses
     * the run); or NULL when every value in the parameters' ranges does. */
    int (*check)(uint64_t n, const double *params, char *why, size_t why_len);
    /* The last run's floating-point result, recorded to full precision so
     * that the order of computation shows (runs.csv's result); or NULL. */
    double (*result)(const void *state);
    /* Process kernels (#9): how they use ranks, and the OpenMP kernel whose
     * lesson they teach with processes, drawn beside it at equal cores (or
     * NULL).  Every function above is then called on every rank in the
     * same order, so a kernel may use MPI_COMM_WORLD's collectives in
     * setup, run and teardown; verify checks this rank's part, and the
     * harness gathers the verdicts to rank 0. */
    enum omps_ranked ranked;
    const struct omps_kernel *thread_form;
};

/*
 * Records the team size and runtime schedule seen by the calling thread.
 * Call it inside the kernel's parallel region; only thread 0 writes them.
 * When a binding was asked for, every thread also checks that the runtime
 * reports that binding and that it runs on a CPU of its own place (a
 * mismatch is counted atomically).
 */
void omps_team_note(struct omps_team *team);

/* The last-level cache in bytes, past which copy writes with non-temporal
 * stores (the harness sets it from the machine; 32 MiB until then). */
void omps_set_last_level_cache(uint64_t bytes);

/* OMPSCALE_STORES as given ("auto" when unset), which forces copy's
 * stores to "streaming" or "ordinary"; NULL when it is none of the
 * three. */
const char *omps_stores_setting(void);

/*
 * The binding a team's threads must report inside a parallel region when
 * OMP_PROC_BIND is `text` (NULL: nothing asked): the list's second item,
 * or its only one, since entering a region moves bind-var one item along.
 * Returns an OMPS_BIND_* value.
 */
int omps_bind_wanted(const char *text);

/* Clears what was seen, keeping what was asked for. */
void omps_team_reset(struct omps_team *team);

/*
 * Returns 0 when every noted region ran with the team and schedule asked
 * for and at least one region was noted; otherwise writes why.
 */
int omps_team_check(const struct omps_team *team, char *why, size_t why_len);

#endif
