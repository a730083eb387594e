/*
 * The machine's latency map: the round trip of one cache line between two
 * CPUs, each end a thread pinned to its CPU, passing a counter back and
 * forth.  On this kind of shared VM the answer is one of two values (about
 * 60 ns or 350 ns here) depending on where the host placed the vCPUs, and
 * it can change during a run, which is why each round probes again.
 */
#ifndef OMPSCALE_LATENCY_H
#define OMPSCALE_LATENCY_H

#include <stddef.h>

/* The most CPUs measured pair by pair; beyond it, a sample of this many. */
#define OMPS_LATENCY_MAX_CPUS 64

/* Round trips in one timed batch, and batches per pair (the median wins;
 * also the most omps_latency_pair takes). */
#define OMPS_LATENCY_TRIPS 200
#define OMPS_LATENCY_BATCHES 7

/*
 * Measures the round trip between CPUs a and b (OS indexes) in ns: the
 * median of `batches` (1 to OMPS_LATENCY_BATCHES) batches of
 * OMPS_LATENCY_TRIPS round trips.  Returns 0,
 * or -1 (*ns NaN) when a thread cannot be created or pinned, or when the
 * other end does not answer within a second (a CPU taken away).
 */
int omps_latency_pair(int a, int b, int batches, double *ns);

struct omps_latency_map {
    int count;                          /* CPUs measured */
    int cpus[OMPS_LATENCY_MAX_CPUS];    /* their OS indexes */
    double *ns;                         /* count x count, row-major; 0 on the
                                           diagonal, NaN where a pair failed */
};

/*
 * Measures every pair among cpus[0..n) (a spread sample of
 * OMPS_LATENCY_MAX_CPUS of them when n is larger).  Returns 0 or
 * OMPS_ENOMEM; free with omps_latency_map_free.
 */
int omps_latency_map_measure(const int *cpus, int n, struct omps_latency_map *map);

void omps_latency_map_free(struct omps_latency_map *map);

/* Fills out[0..cap) with the OS indexes of the CPUs this process may run
 * on, ascending; returns how many (0 when they cannot be read). */
int omps_latency_usable_cpus(int *out, int cap);

/* The pair a round probes: the first two usable CPUs, where a 2-thread
 * team starts under OMP_PROC_BIND=close (and where, on a 2-CPU machine,
 * every 2-thread team runs).  Returns 0, or -1 with fewer than two. */
int omps_latency_round_pair(int *a, int *b);

#endif
