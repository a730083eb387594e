/*
 * Descriptive statistics of repetitions and the derived scaling columns of
 * summary.csv (speedup, efficiency, Karp-Flatt, rate).
 */
#ifndef OMPSCALE_STATS_H
#define OMPSCALE_STATS_H

#include <stddef.h>
#include <stdint.h>

struct omps_stats {
    size_t count;
    double median;
    double mean;
    double stddev; /* sample standard deviation (n - 1); NaN below 2 */
    double cv;     /* stddev / mean */
    double min;
    double max;
};

/*
 * Describes x[0..n).  x is not modified; n may be 0 (every field NaN).
 * Returns 0, or OMPS_ENOMEM when the scratch copy cannot be allocated.
 */
int omps_stats_describe(const double *x, size_t n, struct omps_stats *out);

/* Returns the median of x[0..n) by sorting x in place (NaN for n = 0). */
double omps_median_inplace(double *x, size_t n);

/* One configuration's row of summary.csv.  The caller fills the identity,
 * stats, threads and work; omps_summary_derive fills the rest. */
struct omps_summary_row {
    const char *kernel;
    const char *params;
    uint64_t n;
    int threads;
    const char *schedule;
    int chunk;
    struct omps_stats stats;
    double work;           /* flops or bytes per run, in rate_unit's sense */
    const char *rate_unit; /* "GFLOP/s" or "GB/s" */
    int oversubscribed;
    /* Derived; NaN where undefined. */
    double speedup;
    double efficiency;
    double karp_flatt;
    double rate;
    double copy_fraction; /* a GB/s kernel's rate over copy's */
};

/*
 * Fills the derived fields of every row.  speedup divides the median at one
 * thread of the same kernel, params, n, schedule and chunk by this row's
 * median; efficiency = speedup / threads; karp_flatt =
 * (1/speedup - 1/threads) / (1 - 1/threads), undefined at one thread;
 * rate = work / median / 1e9; copy_fraction compares a GB/s kernel's rate
 * with the "copy" kernel's at the same n, threads, schedule and chunk.
 */
void omps_summary_derive(struct omps_summary_row *rows, size_t count);

#endif
