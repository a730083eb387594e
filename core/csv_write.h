/*
 * Writers for runs.csv and summary.csv (RFC 4180, one header row, full
 * precision numbers) and files that appear only when complete.
 */
#ifndef OMPSCALE_CSV_H
#define OMPSCALE_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "key.h"
#include "stats.h"

#define OMPS_KEY_HEADER "kernel,params,n,threads,schedule,chunk"
/* The environment columns runs.csv and summary.csv append after the rest. */
#define OMPS_ENV_HEADER "bind,places,wait_policy,toolchain,runtime"
#define OMPS_RUNS_HEADER                                                       \
    OMPS_KEY_HEADER ",repetition,seconds,verified,oversubscribed,round,probe_ns," \
    OMPS_ENV_HEADER ",result,ranks"
#define OMPS_SUMMARY_HEADER                                                    \
    OMPS_KEY_HEADER ",repetitions,median_s,mean_s,"                            \
    "stddev_s,cv,min_s,max_s,speedup,efficiency,karp_flatt,rate,rate_unit,"    \
    "copy_fraction,oversubscribed,ci_low_s,ci_high_s,speedup_ci_low,"         \
    "speedup_ci_high,bound_rate,bound_fraction,rate_ci_low,rate_ci_high,note,"   \
    "placement_modes," OMPS_ENV_HEADER ",result_bitwise,result_spread,ranks,cores"

/*
 * A file written under a temporary name in its final directory and renamed
 * into place by omps_outfile_commit, so readers never see half a file.
 */
struct omps_outfile {
    char path[4096];
    char tmp[4096];
    FILE *f;
};

/* Creates DIR/NAME's temporary file.  Returns 0 or OMPS_EIO (errno set). */
int omps_outfile_open(struct omps_outfile *o, const char *dir, const char *name);

/* Flushes, closes and renames into place.  Returns 0 or OMPS_EIO; on error
 * the temporary file is removed. */
int omps_outfile_commit(struct omps_outfile *o);

/* Closes and removes the temporary file; safe on a file never opened. */
void omps_outfile_abort(struct omps_outfile *o);

/* One row of runs.csv. */
struct omps_run_row {
    const struct omps_key *key;
    int repetition;
    double seconds;
    int verified;
    int oversubscribed;
    long round;
    double probe_ns; /* the round's cache-line round trip; NaN: none */
    const char *runtime; /* the OpenMP runtime the process loaded */
    double result;       /* the computed result; NaN: the kernel has none */
};

/* Writes s as one CSV field, quoted when it holds a comma, quote or newline. */
void omps_csv_text(FILE *f, const char *s);

/* Writes v with 17 significant digits; NaN is written as an empty field. */
void omps_csv_number(FILE *f, double v);

/* Writes the key's six columns (no newline). */
void omps_csv_key(FILE *f, const struct omps_key *k);

/* Writes ",bind,places,wait_policy,toolchain,runtime" (no newline). */
void omps_csv_env(FILE *f, const struct omps_key *k, const char *runtime);

/* Writes one runs.csv row, newline included. */
void omps_csv_run_row(FILE *f, const struct omps_run_row *r);

/* Writes one summary.csv row, newline included. */
void omps_csv_summary_row(FILE *f, const struct omps_summary_row *r);

#endif
