/* The hardware probes a run records beside its results. */
#include "probe.h"

#include <math.h>

#include <omp.h>

/*
 * One timing of LANES independent division chains: every lane divides once
 * per step and no division waits for another, so the loop runs at the
 * divider's throughput on the widest vectors this build uses.  The adds
 * that keep the lanes apart are cheaper than the divisions on every x86
 * core, so they hide behind them.
 */
static double division_once(long steps)
{
    enum { LANES = 64 };
    double x[LANES], s[LANES];
    for (int k = 0; k < LANES; k++) {
        x[k] = 1.0 + k / 128.0;
        s[k] = 0.0;
    }
    const double t0 = omp_get_wtime();
    for (long i = 0; i < steps; i++) {
#pragma omp simd
        for (int k = 0; k < LANES; k++) {
            s[k] += 1.0 / x[k];
            x[k] += 1e-9;
        }
    }
    const double t1 = omp_get_wtime();
    double total = 0.0;
    for (int k = 0; k < LANES; k++)
        total += s[k];
    /* The sum is used, so the loop cannot be removed. */
    volatile double sink = total;
    (void)sink;
    return (t1 - t0) / ((double)steps * LANES) * 1e9;
}

double omps_division_ns(void)
{
    double best = INFINITY;
    division_once(1L << 12); /* wakes the core up */
    for (int r = 0; r < 7; r++)
        best = fmin(best, division_once(1L << 15));
    return best;
}

/* The widest vector of doubles this build uses. */
#if defined(__AVX512F__)
#define VECTOR_BYTES 64
#elif defined(__AVX__)
#define VECTOR_BYTES 32
#else
#define VECTOR_BYTES 16
#endif
typedef double vector __attribute__((vector_size(VECTOR_BYTES)));

/*
 * One timing of CHAINS independent multiply-add chains of whole vectors:
 * enough chains to cover the fused multiply-add's latency on both ports
 * (4 cycles x 2 ports), few enough to stay in registers, so the loop runs
 * at the core's peak double-precision rate.  x * m + c is contracted to
 * one fused multiply-add where the target has it; either way it counts
 * two flops.  Returns GFLOP/s.  ISO C mode keeps gcc from contracting, so
 * this function asks for it (clang contracts within an expression anyway).
 */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("fp-contract=fast")))
#endif
static double fma_once(long steps)
{
    enum { CHAINS = 10, WIDTH = VECTOR_BYTES / sizeof(double) };
    vector x[CHAINS];
    const vector m = (vector){0} + 0.999999999, c = (vector){0} + 1e-9;
    for (int k = 0; k < CHAINS; k++)
        x[k] = (vector){0} + (1.0 + k / 16.0);
    const double t0 = omp_get_wtime();
    for (long i = 0; i < steps; i++) {
        for (int k = 0; k < CHAINS; k++)
            x[k] = x[k] * m + c;
    }
    const double t1 = omp_get_wtime();
    double total = 0.0;
    for (int k = 0; k < CHAINS; k++)
        for (int w = 0; w < (int)WIDTH; w++)
            total += x[k][w];
    volatile double sink = total;
    (void)sink;
    return 2.0 * (double)steps * CHAINS * WIDTH / (t1 - t0) * 1e-9;
}

double omps_fma_gflops(void)
{
    double best = 0.0;
    fma_once(1L << 12);
    for (int r = 0; r < 7; r++)
        best = fmax(best, fma_once(1L << 16));
    return best;
}
