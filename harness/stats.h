/*
 * Descriptive statistics of repetitions and the derived scaling columns of
 * summary.csv (speedup, efficiency, Karp-Flatt, rate).
 */
#ifndef OMPSCALE_STATS_H
#define OMPSCALE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "../kernels/kernel.h"

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
    struct omps_work work; /* per run */
    const char *rate_unit; /* see struct omps_work */
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
 * rate is the work in rate_unit per second (flops / 1e9, bytes / 1e9 or
 * items / 1e6), except for "us/construct": microseconds per construct per
 * thread, (median / items) less the same of the "overhead_reference" row at
 * the same thread count, the EPCC syncbench method.  copy_fraction compares
 * a GB/s kernel's rate with the "copy" kernel's at the same n, threads,
 * schedule and chunk.
 */
void omps_summary_derive(struct omps_summary_row *rows, size_t count);

#endif
