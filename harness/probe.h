/* The hardware probes a run records in machine.json. */
#ifndef OMPSCALE_PROBE_H
#define OMPSCALE_PROBE_H

/*
 * Nanoseconds per double-precision division on one core at full
 * throughput, with the vector width this build uses: the best of 7 short
 * timings (about 15 ms in all).  The pi kernels do one division per term,
 * so this bounds their rate.
 */
double omps_division_ns(void);

/*
 * One core's peak double-precision rate in GFLOP/s: fused multiply-adds
 * on the widest vectors this build uses, in enough independent chains to
 * hide their latency, the best of 7 short timings (about 5 ms in all).
 * The roofline's compute ceiling; no kernel here reaches it (the pi
 * kernels divide, the maps stream).
 */
double omps_fma_gflops(void);

#endif
