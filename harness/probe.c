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
