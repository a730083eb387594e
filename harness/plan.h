/*
 * Planning a sweep: which configurations run, at which sizes, with which
 * repetition length, and what the minimum costs in time.  Planning runs no
 * kernel, so `ompscale run --dry-run` can show any machine's plan.
 */
#ifndef OMPSCALE_PLAN_H
#define OMPSCALE_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "key.h"
#include "machine.h"

/* The steps that trim a default plan (no --kernels, --threads or
 * --schedules) that would not fit its budget, taken in this order, each
 * on top of those before it, until it fits. */
enum omps_trim {
    OMPS_TRIM_NONE,
    OMPS_TRIM_MEMORY_STATIC,  /* the memory-bound kernels at static only */
    OMPS_TRIM_ENVIRONMENTS,   /* without --auto-environments' close and spread */
    OMPS_TRIM_PROCESSES,      /* the process kernels left out (unless --ranks) */
    OMPS_TRIM_SCHEDULES,      /* static and dynamic only */
    OMPS_TRIM_PARAMS,         /* each kernel's parameter sweep at its first value */
    OMPS_TRIM_THREADS_POWERS, /* thread counts: powers of two and all cores */
    OMPS_TRIM_MEMORY_SIZE,    /* memory-bound arrays at the cache's size, not 4x */
    OMPS_TRIM_THREADS_SPARSE, /* every other power of two (1, 4, 16, ...) */
    OMPS_TRIM_THREADS_ENDS,   /* one thread and all cores */
    OMPS_TRIMS
};

/* Says what a trim step leaves out, for the plan line and machine.json. */
const char *omps_trim_text(int step);

/* Whether opts asks for the default plan, which is trimmed rather than
 * refused. */
int omps_plan_is_default(const struct omps_run_options *opts);

/* One visit in this many, drawn at random, checks every output of a kernel
 * that can check samples (kernel.h's verify_sample); so does every
 * configuration's first visit.  The sweep does it; the plan counts on it. */
#define OMPS_FULL_CHECK_EVERY 4

/* A repetition lasts at least this many times what its visit spends
 * untimed once (poisoning, verification, warm-up), so that a large state's
 * checks, which take about as long as one run of it, cost at most about a
 * third of its visits.  Prepare steps are left out: they come with every
 * run, and a longer repetition would only need more of them. */
#define OMPS_TIMED_PER_UNTIMED 2.0

/* One planned configuration. */
struct omps_config {
    struct omps_key key;
    int oversubscribed; /* more threads than usable CPUs */
};

struct omps_plan {
    struct omps_config *configs; /* kernel, then schedule, then threads */
    size_t count;
    double state_bytes; /* the memory all distinct kernel states take together */
    double setup_seconds; /* their estimated set-up time */
    double memory_bytes;  /* the machine's physical memory (INFINITY: unknown) */
    uint64_t llc_bytes;   /* the largest cache's size; 0: unknown */
    int physical_cores;   /* the machine's cores (SMT advice); 0: unknown */
    struct omps_rates rates; /* the cost model's rates (calibrate.h) */
    int share_states;     /* one state serves every team size (one NUMA
                             node: first touch places pages nowhere in
                             particular); else one per team size */
    double min_time;    /* the repetition length in force, seconds */
    size_t environments; /* distinct environments in the plan */
    int children;       /* every visit runs in a child process per environment */
    int swept[OMPS_AXES]; /* the axes whose variables the children set */
    size_t rank_groups; /* process kernels' groups (environment, ranks) started
                           through mpirun; 0: none */
    int ranks_kept;     /* the groups are kept for the sweep (every rank on this
                           host); else started, and set up, each round */
    int node_cores;     /* the cores of one node, shared out among its ranks */
    double ranks_start_s; /* the estimated seconds to start every group once */
    double ranks_setup_s; /* of setup_seconds, the groups' (paid every round
                             unless they are kept) */
    unsigned trimmed_steps; /* 1 << step for each trim that took
                               configurations away */
    double untrimmed_estimate; /* the whole default plan's estimate, seconds */
    double estimate;    /* seconds for the minimum repetitions */
};

/*
 * Plans opts on machine m.  The thread list is --threads or the topology's
 * default; the repetition length is --min-time, or 0.1 s shortened (to no
 * less than 0.01 s) so that the minimum repetitions take at most half the
 * budget.  A default plan that would not fit the budget is trimmed (enum
 * omps_trim) until its estimate is within 80% of the budget.
 * Returns 0, OMPS_EINVAL (err names the bad size) or OMPS_ENOMEM; free the
 * plan with omps_plan_free.
 */
int omps_plan_make(const struct omps_run_options *opts, const struct omps_machine *m,
                   struct omps_plan *plan, char *err, size_t err_len);

/* Frees the plan's configurations; safe on a zeroed plan. */
void omps_plan_free(struct omps_plan *plan);

/* Estimates the seconds the minimum of `repetitions` visits per
 * configuration takes at repetition length min_time, set-up included. */
double omps_plan_estimate(const struct omps_plan *plan, double min_time, int repetitions);

/* Estimates the seconds one visit of c takes, a first visit (which finds
 * an iteration count) or a later one. */
double omps_plan_estimate_visit(const struct omps_plan *plan, const struct omps_config *c,
                                int first);

/* Sums the memory and set-up time of the distinct kernel states into plan
 * (kernel, params, n, threads); sorted, so that a plan of tens of thousands
 * of configurations is counted in n log n rather than n^2.  Returns 0 or
 * OMPS_ENOMEM (plan_estimate.c, as the rest of the time model). */
int omps_plan_count_states(struct omps_plan *plan);

/* Counts the distinct groups of the process kernels into plan (environment,
 * launched ranks, and whether the kernel spawns more), each one mpirun per
 * round, and estimates the seconds to start them all once. */
void omps_plan_count_rank_groups(struct omps_plan *plan);

/* Whether a visit to a state of `bytes` warms it with an untimed run: one
 * of at least 1 MiB that twice the largest cache can hold; a smaller state
 * reloads in a moment and a larger one cannot be held, so for them only the
 * team is started. */
int omps_plan_warms_data(const struct omps_plan *plan, double bytes);

/* Returns 0 when the estimate fits opts->budget, else OMPS_EINVAL with err
 * saying by how much and what to drop. */
int omps_plan_check_budget(const struct omps_plan *plan,
                           const struct omps_run_options *opts, char *err,
                           size_t err_len);

/* Writes the one line that describes the plan (configurations, repetitions,
 * estimate, budget) to f. */
void omps_plan_describe(const struct omps_plan *plan, const struct omps_run_options *opts,
                        FILE *f);

/* Writes the plan as CSV with summary.csv's key columns. */
void omps_plan_write_csv(const struct omps_plan *plan, FILE *f);

/* Formats seconds as "1h02m", "2m05s", "42s" or "none" (infinite). */
void omps_format_duration(double seconds, char *buf, size_t len);

#endif
