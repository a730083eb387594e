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

#include "allot.h"
#include "cli.h"
#include "journal.h"
#include "plan.h"
#include "runs_read.h"
#include "ranks.h"
#include "visit.h"

/* A run's outcome, for the exit code and machine.json. */
struct omps_sweep_outcome {
    int interrupted;     /* stopped by a signal */
    int budget_spent;    /* the budget ended the sweep */
    int failures;        /* configurations that failed verification */
    int errors;          /* configurations that could not run at all */
    size_t below_minimum;  /* configurations short of the minimum repetitions */
    size_t imprecise;      /* configurations whose interval is wider than asked */
    double median_width;   /* the median interval, half-width over median, of the
                              configurations with one (NaN: none) */
    size_t with_interval;  /* configurations with an interval (6 rounds or more) */
    double median_repetitions; /* the median configuration's repetitions, of those
                                  with an interval (NaN: none) */
    struct omps_decisions decisions; /* the report's lines the rounds decided */
    double rounds_for_precision; /* about the repetitions in all each configuration
                                    would need for the precision asked at the
                                    noise seen, the median over them (NaN: none
                                    asked) */
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
    /* With programs by command: the median wall time of starting and
     * ending one that does nothing (true), part of each of their timed
     * runs; 0 without. */
    double command_start_s;
    double command_mpirun_start_s; /* the same under mpirun -np 1; 0: not measured */
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

#endif
