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

#endif
