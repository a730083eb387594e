/*
 * Descriptive statistics of repetitions and the derived scaling columns of
 * summary.csv (speedup, efficiency, Karp-Flatt, rate).
 */
#ifndef OMPSCALE_STATS_H
#define OMPSCALE_STATS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "key.h"

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

/*
 * The distribution-free 95% interval of the median from sorted[0..n): the
 * order statistics x(k) and x(n+1-k) with the largest k whose binomial
 * coverage is still at least 95%.  Returns 0, or -1 (both bounds NaN) when
 * n < 6, too few for any such interval.
 */
int omps_median_interval(const double *sorted, size_t n, double *lo, double *hi);

/* Returns the median of x[0..n) by sorting x in place (NaN for n = 0). */
double omps_median_inplace(double *x, size_t n);

/* What a program started by command (`run --command`) used in one run,
 * from wait4's rusage and samples of /proc while it ran; every field is
 * "not measured" (NaN, -1, 0) for a kernel, which runs inside ompscale. */
struct omps_process_use {
    double user_s;    /* user CPU time of the program and its children */
    double system_s;  /* system CPU time */
    double cpus;      /* (user + system) / the process's wall time */
    long max_rss_kb;  /* the largest resident set of its processes; -1 */
    int threads_seen; /* the most threads its processes held at a sample; 0 */
    int exit_status;  /* as a shell's $?: the exit code, 128 + N for signal N; -1 */
};

/* The "not measured" value of every field. */
#define OMPS_PROCESS_USE_NONE                                                  \
    ((struct omps_process_use){.user_s = NAN, .system_s = NAN, .cpus = NAN,     \
                               .max_rss_kb = -1, .threads_seen = 0, .exit_status = -1})

/* A program's CPUs in use at or below which, with no second thread seen,
 * it ran one thread. */
#define OMPS_SERIAL_CPUS 1.2

/*
 * Whether a program given `threads` threads (2 or more) in each of `ranks`
 * processes ran serially: it used about one CPU and no second thread was
 * seen (NaN cpus or threads_seen 0: not seen); under mpirun (launched),
 * whose own CPU time is in cpus, when no rank was seen with a second
 * thread.  It ignores OMP_NUM_THREADS or has no parallel region.
 */
int omps_process_serial(double cpus, double threads_seen, int threads, int ranks, int launched);

/* One configuration's row of summary.csv.  The caller fills the identity,
 * stats, threads and work; omps_summary_derive fills the rest. */
struct omps_summary_row {
    struct omps_key key;
    struct omps_stats stats;
    int oversubscribed;
    /* The 95% interval of the median over rounds (NaN below six rounds). */
    double ci_low;
    double ci_high;
    /* Derived; NaN where undefined. */
    double speedup;
    double speedup_ci_low;  /* serial ci_low / this ci_high */
    double speedup_ci_high; /* serial ci_high / this ci_low */
    double efficiency;
    double karp_flatt;
    double rate;
    double copy_fraction; /* a GB/s kernel's rate over copy's */
    double bound_rate;     /* the rate the kernel's bound allows (same unit) */
    double bound_fraction; /* rate / bound_rate */
    double rate_ci_low;    /* the 95% interval of rate (NaN where unknown) */
    double rate_ci_high;
    const char *note;      /* "below_resolution" or NULL */
    int placement_modes;   /* 1 or 2 (omps_placement_modes); 0: unknown */
    double others_busy;    /* the median share of the CPUs other work took
                              during its rows' batches (NaN: not measured) */
    const char *runtime;   /* the OpenMP runtime its rows ran under, or NULL */
    /* A program's use (run --command) over its verified rows: the median
     * CPUs, the largest resident set and the most threads seen; not
     * measured for a kernel. */
    double cpus;
    long max_rss_kb;
    int threads_seen;
    /* The computed results of its verified repetitions (NaN: the kernel
     * records none): the least and greatest, whether every one had the same
     * bits (-1: no results), and the distance of the farthest from the
     * 1-thread row's least, in units in the last place of that one. */
    double result_low, result_high;
    int result_bitwise;
    double result_spread;
    /* Per-round medians of seconds in ascending round order (set by the
     * caller; none when rounds is 0), so that an overhead can be paired with
     * its reference round by round. */
    const long *round_ids;
    const double *round_seconds;
    size_t rounds;
};

/* |x - ref| in units in the last place of ref. */
double omps_ulps(double x, double ref);

/*
 * Fills the derived fields of every row.  speedup divides the median at one
 * thread of the same series (every key field but threads; for a process
 * kernel, one rank of one thread) by this row's
 * median, and its interval divides the ends of the two medians' intervals
 * crosswise (both hold with 95% each, so it holds with at least 90%, and in
 * practice more); efficiency = speedup / cores (ranks x threads); karp_flatt =
 * (1/speedup - 1/cores) / (1 - 1/cores), undefined at one core;
 * rate is the kernel's work in its unit per second (flops / 1e9, bytes / 1e9
 * or items / 1e6), except for us/construct: microseconds per construct per
 * thread, (seconds / items) less the same of the kernel's reference at the
 * same thread count, the EPCC syncbench method.  With at least six rounds
 * that both ran, that difference is taken round by round and the rate is
 * the median of the differences with its order-statistic interval;
 * otherwise it is the difference of the medians with the crosswise
 * interval.  Where
 * that interval reaches zero the row's note is "below_resolution"; a
 * negative estimate leaves rate NaN, and the interval is cut at zero, since
 * no construct costs less than nothing.  A throughput's interval is its
 * work over the ends of the time's interval.  copy_fraction divides a
 * kernel's rate by its ceiling kernel's at the same n, threads, schedule and
 * chunk.
 */
/*
 * bound_rate follows the kernel's declared bound: for a division-bound
 * kernel, OMPS_PI_FLOPS_PER_TERM flops per division_ns nanoseconds on each
 * thread (division_ns from the run's probe; NaN leaves it empty); for a
 * bandwidth-bound kernel, the best rate of the bandwidth ceilings (copy,
 * read and update: the bandwidth kernels that name no ceiling) at the same n, threads,
 * schedule and chunk; none otherwise.
 */
void omps_summary_derive(struct omps_summary_row *rows, size_t count, double division_ns);

/* The 97.5% quantile of Student's t with ndf >= 1 degrees of freedom
 * (exact to 30, Cornish-Fisher beyond, within 0.01%). */
double omps_t975(int ndf);

/* The t with P(|T| < t) = level for Student's T with ndf >= 1 degrees of
 * freedom (the half-width factor of a two-sided interval at that level),
 * exact to the bisection's precision. */
double omps_t_two_sided(double level, int ndf);

#endif
