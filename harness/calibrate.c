/* Measuring the cost model's rates on the machine at hand. */
#define _GNU_SOURCE
#include "calibrate.h"

#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <omp.h>

#include "common.h"
#include "errors.h"
#include "probe.h"

/* The model before anything is measured (and for a synthetic topology):
 * one core's first touch and stream, growing with the cores until about
 * eight streams fill a socket's memory channels. */
#define DEFAULT_TOUCH_BYTES_PER_S 4e9
#define DEFAULT_STREAM_BYTES_PER_S 10e9
#define DEFAULT_STREAMS 8
#define DEFAULT_CHILD_START_S 0.05

/* The calibration arrays: large enough that a copy runs at memory speed
 * once they are flushed from the caches, small enough to take milliseconds. */
#define CALIBRATION_DOUBLES (UINT64_C(8) << 20)
#define CHILD_STARTS 3

void omps_rates_default(struct omps_rates *r, int cores)
{
    const int streams = cores < 1 ? 1 : cores < DEFAULT_STREAMS ? cores : DEFAULT_STREAMS;
    *r = (struct omps_rates){
        .measured = 0, .cpus = streams, .touch_1 = DEFAULT_TOUCH_BYTES_PER_S,
        .touch_all = DEFAULT_TOUCH_BYTES_PER_S * streams,
        .stream_1 = DEFAULT_STREAM_BYTES_PER_S,
        .stream_all = DEFAULT_STREAM_BYTES_PER_S * streams,
        .check_1 = DEFAULT_STREAM_BYTES_PER_S, .check_all = DEFAULT_STREAM_BYTES_PER_S * streams,
        .child_start_s = DEFAULT_CHILD_START_S, .division_ns = NAN};
}

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* clflushopt, where the processor has it (CPUID leaf 7, EBX bit 23), is
 * weakly ordered and some fifty times quicker than clflush under a
 * hypervisor. */
static int has_clflushopt(void)
{
    unsigned a, b, c, d;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 23 & 1);
}

__attribute__((target("clflushopt"))) static void flush_opt(const double *a, uint64_t n)
{
    for (uint64_t i = 0; i < n; i += 64 / sizeof(double))
        __builtin_ia32_clflushopt((void *)&a[i]);
    __builtin_ia32_mfence();
}

/* Evicts a[0..n) from every cache level, so that the next pass over it
 * reads memory. */
static void flush(const double *a, uint64_t n)
{
    if (has_clflushopt()) {
        flush_opt(a, n);
        return;
    }
    for (uint64_t i = 0; i < n; i += 64 / sizeof(double))
        __builtin_ia32_clflush(&a[i]);
    __builtin_ia32_mfence();
}
#else
/* No portable flush elsewhere: the copies then run from whatever cache
 * holds the arrays, and the stream rates are upper bounds. */
static void flush(const double *a, uint64_t n)
{
    (void)a;
    (void)n;
}
#endif

/* Bytes per second `threads` threads fill into a's fresh pages. */
static double time_touch(double *a, uint64_t n, int threads)
{
    omp_set_num_threads(threads);
    const double t0 = omp_get_wtime();
    omps_fill_pattern(a, n);
    return (double)n * sizeof(double) / (omp_get_wtime() - t0);
}

/* The best of two copies of a into b by `threads` threads, each from
 * flushed caches, in STREAM's bytes per second. */
static double time_stream(double *b, const double *a, uint64_t n, int threads)
{
    double best = 0;
    omp_set_num_threads(threads);
    for (int r = 0; r < 2; r++) {
        flush(a, n);
        flush(b, n);
        const double t0 = omp_get_wtime();
        omps_copy_doubles(b, a, n);
        best = fmax(best, 2.0 * (double)n * sizeof(double) / (omp_get_wtime() - t0));
    }
    return best;
}

/* Starts `self_exe --version` with its output discarded and waits for it;
 * 0, or -1 when it could not be started.  (fork and exec rather than
 * posix_spawn: kernels/spawn.h, on the include path, hides <spawn.h>.) */
static int start_once(const char *self_exe)
{
    const pid_t pid = fork();
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        execl(self_exe, self_exe, "--version", (char *)NULL);
        _exit(127);
    }
    int status;
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
                   WEXITSTATUS(status) == 0
               ? 0
               : -1;
}

/* Bytes of the pair (a, b) per second `threads` threads verify as copy's
 * output and poison in one pass, from flushed caches. */
static double time_check(double *b, double *a, uint64_t n, int threads)
{
    struct omps_pair p = {.n = (int64_t)n, .a = a, .b = b, .cubings = OMPS_PAIR_STALE};
    char why[128];
    omp_set_num_threads(threads);
    omps_copy_doubles(b, a, n);
    flush(a, n);
    flush(b, n);
    const double t0 = omp_get_wtime();
    omps_pair_check(&p, OMPS_PAIR_COPY, 1, "b", why, sizeof why);
    return omps_pair_footprint(n) / (omp_get_wtime() - t0);
}

/* The median of CHILD_STARTS starts of self_exe, or NaN when it cannot be
 * started. */
static double time_child_start(const char *self_exe)
{
    double t[CHILD_STARTS];
    for (int i = 0; i < CHILD_STARTS; i++) {
        const double t0 = omp_get_wtime();
        if (start_once(self_exe) != 0)
            return NAN;
        t[i] = omp_get_wtime() - t0;
    }
    /* Three values: the median is the one neither smallest nor largest. */
    const double lo = fmin(t[0], fmin(t[1], t[2])), hi = fmax(t[0], fmax(t[1], t[2]));
    return t[0] + t[1] + t[2] - lo - hi;
}

int omps_rates_measure(struct omps_rates *r, int cpus, const char *self_exe)
{
    const double t0 = omp_get_wtime();
    const int team = omp_get_max_threads();
    const uint64_t n = CALIBRATION_DOUBLES;
    omps_rates_default(r, cpus);
    double *a = omps_alloc_doubles(n), *b = omps_alloc_doubles(n);
    if (a == NULL || b == NULL) {
        free(a);
        free(b);
        return OMPS_ENOMEM;
    }
    r->cpus = cpus < 1 ? 1 : cpus;
    r->touch_1 = time_touch(a, n, 1);
    r->touch_all = time_touch(b, n, r->cpus);
    r->stream_1 = time_stream(b, a, n, 1);
    r->stream_all = time_stream(b, a, n, r->cpus);
    r->check_1 = time_check(b, a, n, 1);
    r->check_all = time_check(b, a, n, r->cpus);
    free(a);
    free(b);
    omp_set_num_threads(team);
    const double start = self_exe ? time_child_start(self_exe) : NAN;
    if (isfinite(start))
        r->child_start_s = start;
    r->division_ns = omps_division_ns();
    r->measured = 1;
    r->seconds = omp_get_wtime() - t0;
    return OMPS_OK;
}

/* The one-thread rate, growing linearly to the all-CPU rate at cpus. */
static double rate_at(double one, double all, int cpus, int threads)
{
    if (threads <= 1 || cpus <= 1)
        return threads <= 1 ? one : fmax(one, all);
    const double share = fmin(1.0, (double)(threads - 1) / (double)(cpus - 1));
    return one + share * fmax(0.0, all - one);
}

double omps_rates_touch(const struct omps_rates *r, int threads)
{
    return rate_at(r->touch_1, r->touch_all, r->cpus, threads);
}

double omps_rates_stream(const struct omps_rates *r, int threads)
{
    return rate_at(r->stream_1, r->stream_all, r->cpus, threads);
}

double omps_rates_check(const struct omps_rates *r, int threads)
{
    return rate_at(r->check_1, r->check_all, r->cpus, threads);
}

json_t *omps_rates_json(const struct omps_rates *r)
{
    return json_pack("{s:b, s:i, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "measured",
                     r->measured, "cpus", r->cpus, "touch_1_bytes_per_s", r->touch_1,
                     "touch_all_bytes_per_s", r->touch_all, "stream_1_bytes_per_s",
                     r->stream_1, "stream_all_bytes_per_s", r->stream_all,
                     "check_1_bytes_per_s", r->check_1, "check_all_bytes_per_s", r->check_all,
                     "child_start_s", r->child_start_s, "seconds", r->seconds);
    /* division_ns is machine.json's own key; it is not repeated here. */
}
