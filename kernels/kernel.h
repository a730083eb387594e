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

/* The public part: struct omps_work, enum omps_unit and omps_family,
 * struct omps_param_def, struct omps_sizing, omps_team_note and the fields
 * every kernel has (OMPS_KERNEL_API_FIELDS), which a plugin uses too. */
#include <ompscale/kernel.h>

/* Returns the unit's name as summary.csv writes it. */
const char *omps_unit_name(enum omps_unit unit);

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

/* A kernel: the public fields (<ompscale/kernel.h>), which the built-in
 * kernels and a plugin's alike fill, then the internal extensions only the
 * built-in kernels use (a loaded kernel has them NULL or 0). */
struct omps_kernel {
    OMPS_KERNEL_API_FIELDS
    /* The kernel an overhead is measured against (the EPCC method; the
     * reference points at itself), planned along with this one; or NULL. */
    const struct omps_kernel *reference;
    /* The bandwidth ceiling a GB/s kernel's rate is divided by for
     * copy_fraction; or NULL.  A bandwidth-bound kernel without one is
     * itself a ceiling (copy, read, update): its bound is the best of them. */
    const struct omps_kernel *ceiling;
    enum omps_bound bound;
    /* Kernels that name one state family (a name no kernel has) share one
     * set-up state at equal n and params (their setup, footprint and
     * teardown are the same functions, and each leaves the state fit for
     * the others: poisoned or verified); NULL: the kernel's states are its
     * own. */
    const char *state_family;
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
    /* Damages the last result the smallest way a lost update or a race
     * would; tests use it to prove that verify catches such a result. */
    void (*corrupt)(void *state);
    /* Process kernels (#9): how they use ranks, and the OpenMP kernel whose
     * lesson they teach with processes, drawn beside it at equal cores (or
     * NULL).  Every function above is then called on every rank in the
     * same order, so a kernel may use MPI_COMM_WORLD's collectives in
     * setup, run and teardown; verify checks this rank's part, and the
     * harness gathers the verdicts to rank 0. */
    enum omps_ranked ranked;
    const struct omps_kernel *thread_form;
    /* The shared object a loaded kernel came from (registry.h); NULL for a
     * built-in one. */
    const char *origin;
    /* A program started by command (`run --command`, command.h): its shell
     * command line, the check run after each timed run, and the patterns
     * its own time and result are read from in its output (each NULL when
     * not given); command is NULL for every kernel of code.  Its functions
     * above are stubs: the harness's command venue starts the program. */
    const char *command;
    const char *command_check;
    const char *command_time_from;
    const char *command_result;
};



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
