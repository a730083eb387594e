/*
 * How close ompscale's midpoint kernel comes to the plainest OpenMP loop:
 * a `parallel for simd reduction` compiled with the same flags.  Both run
 * interleaved (A B A B ...) at the same n and team size so machine drift hits
 * both; the ratio of medians is printed.  Usage:
 *   bench_midpoint_plain [THREADS] [N] [ROUNDS]
 * This is a benchmark, not a test: it prints numbers and exits 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <omp.h>

#include "stats.h"
#include "registry.h"

static double plain_midpoint(int64_t n)
{
    const double h = 1.0 / (double)n;
    double sum = 0.0;
#pragma omp parallel for simd reduction(+ : sum)
    for (int64_t i = 0; i < n; i++) {
        const double x = ((double)i + 0.5) * h;
        sum += 4.0 / (1.0 + x * x);
    }
    return sum * h;
}

int main(int argc, char **argv)
{
    const int threads = argc > 1 ? atoi(argv[1]) : 1;
    const int64_t n = argc > 2 ? atoll(argv[2]) : INT64_C(1) << 27;
    const int rounds = argc > 3 ? atoi(argv[3]) : 15;
    if (threads < 1 || n < 1 || rounds < 1 || rounds > 1000) {
        fprintf(stderr, "usage: bench_midpoint_plain [THREADS] [N] [ROUNDS]\n");
        return 2;
    }
    const struct omps_kernel *k = omps_kernel_find("midpoint");
    void *state = NULL;
    if (k->setup(&state, (uint64_t)n, NULL) != 0)
        return 2;
    omp_set_dynamic(0);
    omp_set_num_threads(threads);
    omp_set_schedule(omp_sched_static, 0);
    struct omps_team team = {.want_threads = threads, .want_kind = omp_sched_static};
    double plain[1000], ours[1000], sink = 0.0;
    char why[256];
    k->run(state, &team); /* warm-up, not recorded */
    sink += plain_midpoint(n);
    for (int r = 0; r < rounds; r++) {
        double t0 = omp_get_wtime();
        sink += plain_midpoint(n);
        double t1 = omp_get_wtime();
        k->run(state, &team);
        double t2 = omp_get_wtime();
        plain[r] = t1 - t0;
        ours[r] = t2 - t1;
        if (k->verify(state, why, sizeof why) != 0) {
            fprintf(stderr, "midpoint failed verification: %s\n", why);
            return 1;
        }
    }
    const double mp = omps_median_inplace(plain, (size_t)rounds);
    const double mo = omps_median_inplace(ours, (size_t)rounds);
    const double flops = 6.0 * (double)n;
    printf("threads=%d n=%lld rounds=%d\n", threads, (long long)n, rounds);
    printf("plain parallel for simd: median %.6f s, %.3f GFLOP/s per core\n", mp,
           flops / mp / 1e9 / threads);
    printf("ompscale midpoint:       median %.6f s, %.3f GFLOP/s per core\n", mo,
           flops / mo / 1e9 / threads);
    printf("ompscale / plain rate:   %.3f  (check value %.3f)\n", mp / mo, sink / (rounds + 1));
    k->teardown(state);
    return 0;
}
