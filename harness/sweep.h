/*
 * The sweep behind `ompscale run`: repetitions taken in rounds.  Each round
 * visits every configuration still in need (below the minimum repetitions,
 * or with a median less precise than asked) in a freshly shuffled order;
 * each visit times one repetition through Google Benchmark, verifies it, and
 * appends it to the journal before the next begins.
 */
#ifndef OMPSCALE_SWEEP_H
#define OMPSCALE_SWEEP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "journal.h"
#include "plan.h"
#include "runs_read.h"

/* A host that ranks ran on, as rank 0 of a group reported it: machine.json's
 * nodes. */
#define OMPS_MAX_NODES 64
struct omps_node {
    char host[64];
    char cpu_model[128];
    long logical_cpus;
    long cores, packages, numa_nodes, l3_domains; /* hwloc's counts there */
    long long llc_bytes;  /* the largest data cache there; 0: unknown */
    char runtime[160];    /* the OpenMP runtime its ranks loaded */
    long ranks; /* the most ranks one group ran there */
};

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

/* The sum of every field but timed: the accounted overhead. */
double omps_sweep_time_overhead(const struct omps_sweep_time *t);

/* A run's outcome, for the exit code and machine.json. */
struct omps_sweep_outcome {
    int interrupted;     /* stopped by a signal */
    int budget_spent;    /* the budget ended the sweep */
    int failures;        /* configurations that failed verification */
    int errors;          /* configurations that could not run at all */
    size_t below_minimum;  /* configurations short of the minimum repetitions */
    size_t imprecise;      /* configurations whose interval is wider than asked */
    size_t visits;       /* repetitions taken by this process */
    size_t kept;         /* configurations with at least one repetition */
    long rounds;         /* the last round number reached, plus one */
    double seconds;      /* wall time of the sweep */
    struct omps_sweep_time time; /* where that wall time went */
    /* Seconds from the sweep's start until every configuration that could
     * run had its minimum repetitions; NaN when that never happened. */
    double minimum_s;
    char error[512];     /* the first configuration that could not run */
    /* Every configuration that could not run, one "NAME\tWHY" line each
     * (machine.json's run.could_not_run); cut short past its size. */
    char dead[8192];
    /* The nodes groups of ranks ran on, one per host (none without process
     * kernels). */
    struct omps_node nodes[OMPS_MAX_NODES];
    size_t nnodes;
};

/*
 * Runs plan under opts, appending to the journal j (already started or
 * reopened).  done holds rows already journaled (a resumed run) or is NULL;
 * their repetitions count, and rounds continue after theirs.  json_path
 * receives Google Benchmark's JSON.  stop is polled between and during
 * runs.  Returns 0, or OMPS_EIO when the journal or the JSON could not be
 * written, OMPS_EINVAL when done holds a configuration the plan lacks (err
 * names its line), OMPS_ENOMEM; the outcome is filled either way.
 */
int omps_sweep_run(const struct omps_run_options *opts, const struct omps_plan *plan,
                   const struct omps_runs *done, struct omps_journal *j,
                   const char *json_path, const char *argv0,
                   volatile sig_atomic_t *stop, struct omps_sweep_outcome *out,
                   char *err, size_t err_len);

/*
 * `ompscale child`, run by the sweep itself (never by a user) for each
 * environment group of a round: reads visits from standard input, times and
 * verifies each as the sweep would in its own process, and answers on
 * standard output.  Returns the process exit code.
 */
int omps_sweep_child(int argc, char **argv, const char *argv0);

#endif
