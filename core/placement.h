/*
 * Placements from the rounds' probes: which rounds of a 2-thread team ran
 * with its two CPUs in the same relation to each other (on this project's
 * VM: the two vCPUs on one physical core, about 60 ns, or on two, about
 * 150-400 ns; the compute kernels run 1.4-1.8 times slower on one).
 */
#ifndef OMPSCALE_PLACEMENT_H
#define OMPSCALE_PLACEMENT_H

#include <stddef.h>

/* Two placements' typical probes (their medians) lie at least this factor
 * apart, */
#define OMPS_PLACEMENT_RATIO 2.0
/* with an empty stretch between them: neighbouring probes this factor
 * apart. */
#define OMPS_PLACEMENT_GAP 1.25
/* A placement holds at least this share of the probes (and one). */
#define OMPS_PLACEMENT_MIN_SHARE 0.05

/*
 * Sorts probe_ns[0..n) into placements: splits the sorted finite probes
 * where two neighbours lie OMPS_PLACEMENT_GAP apart and the medians of the
 * two sides OMPS_PLACEMENT_RATIO apart (the widest such gap first, then
 * again within each side), so a probe that noise made slower joins its
 * placement instead of making one.  Writes each probe's placement into
 * class_of[0..n) (0 the fastest, then in order; -1 for NaN or not
 * positive) and returns how many placements there are (0 without a finite
 * probe).  Returns -1 when out of memory.
 */
int omps_placement_classes(const double *probe_ns, size_t n, int *class_of);

/* How many placements the probes show: omps_placement_classes's count, or
 * 0 with fewer than two finite probes (or out of memory). */
int omps_placement_modes(const double *probe_ns, size_t n);

/* The placement most of class_of[0..n) hold (omps_placement_classes's
 * classes, the first of equals), or -1 when there are fewer than two
 * placements: then every probe's round counts.  The history and the fleet
 * keep a series' rounds on it, as the gate keeps pairs on one placement. */
int omps_placement_usual(const int *class_of, size_t n, int classes);

#endif
