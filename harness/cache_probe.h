/*
 * The cache probe: read bandwidth against working-set size on this
 * process's CPUs, at one thread and at all of them, and the capacity knees
 * it shows.  lmbench's lat_mem_rd and likwid-bench's working-set sweeps
 * find knees the same way; they leave the reading to the user, the run
 * reads it here.  A probe is kept per machine fingerprint in the results
 * directory, so later runs on the machine pay nothing (run --reprobe
 * measures again).
 */
#ifndef OMPSCALE_CACHE_PROBE_H
#define OMPSCALE_CACHE_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "caches.h"

#define OMPS_CURVE_MAX 48

/* Read bandwidth against working set, sizes ascending. */
struct omps_cache_curve {
    size_t n;
    double bytes[OMPS_CURVE_MAX];
    double gbs[OMPS_CURVE_MAX]; /* gigabytes per second, the best pass */
};

/* What a curve shows: its last knee (the last level, the fall to memory)
 * and the knee before it (the level inside), 0 where none shows. */
struct omps_cache_knees {
    uint64_t last;   /* the last level's capacity, or a lower bound */
    int at_least;    /* no fall to memory within the sizes read */
    uint64_t inner;  /* the level before it */
};

struct omps_cache_probe {
    struct omps_cache_curve one, all; /* at one thread, at every usable CPU */
    int threads;                      /* the CPUs of the all-threads curve */
    uint64_t reach;                   /* the size the curves had to reach (knee rule) */
    struct omps_cache_knees one_knees, all_knees;
    double seconds;                   /* what measuring took */
    int reused;                       /* read from a kept probe, not measured now */
    char fingerprint[24];
};

/*
 * The knee rule (docs/methods.md, "Finding the caches"), on time per byte
 * t = 1 / bandwidth: the memory level is the last point.  Walking down
 * from the last point at least 1.5 times faster than memory, the plateau
 * is where the fall flattens (the next smaller size not more than 5%
 * faster).  The capacity is where the curve crosses half-way from the
 * plateau to memory, interpolated on a log axis.  With no point 1.5 times
 * faster than memory, or fewer than two points past the crossing within
 * 1.25 times of memory, the answer is a lower bound: the largest size, or
 * the plateau's.  The inner knee is the same rule applied to the points
 * up to the plateau.  The last plateau is taken for memory only where the
 * curve reached `reach` (twice the largest report) or its knee lies past
 * OMPS_L2_MOST: otherwise it may be a cache still, and the answer is the
 * lower bound of the largest size read, with that knee as the level
 * inside.
 */
struct omps_cache_knees omps_cache_knees(const struct omps_cache_curve *c, uint64_t reach);

/* No private L2 is larger (x86 cores today hold 0.5 to 4 MiB), so a knee
 * below it on a curve that stopped short of its reach is taken for one. */
#define OMPS_L2_MOST (6.0 * 1048576.0)

/*
 * Measures both curves, from 256 KiB up to `most` bytes, stopping once the
 * last three sizes (the last past `least`) read level with each other and
 * slower than the plateau, or when the next size would not fit 60% of
 * `seconds`; then reads the sizes up to four times the knee twice more,
 * keeping each one's best, until 85% of it.  Returns 0, or -1 when the
 * memory could not be had.
 */
int omps_cache_probe_measure(struct omps_cache_probe *p, uint64_t least, uint64_t most,
                             double seconds);

/* A fingerprint of the machine the reports describe: the CPU model, the
 * usable CPUs and every report, hashed. */
void omps_cache_fingerprint(const struct omps_cache_facts *f, const char *cpu_model,
                            const char *cpus, char *out, size_t len);

/*
 * The probe for this machine, whose fingerprint p holds: read from
 * DIR/cache-probe-FINGERPRINT.json (run.c passes results/.ompscale) when it
 * is there (mode 0 or 1), and
 * otherwise measured and kept there (mode 1 or 2; a directory that cannot
 * be written only loses the keeping).  Returns 0, or -1 when there is
 * none (mode 0) or it could not be measured.
 */
int omps_cache_probe_get(struct omps_cache_probe *p, const char *dir, int mode,
                         uint64_t largest_report);

/* Puts the probe's knees into the facts (the one-thread curve's into the
 * last level and the one before it) and chooses again. */
void omps_cache_probe_apply(const struct omps_cache_probe *p, struct omps_cache_facts *f);

/* machine.json's "cache_probe": the two curves, their knees, the time,
 * whether it was reused and the fingerprint.  NULL when out of memory. */
json_t *omps_cache_probe_json(const struct omps_cache_probe *p);

#endif
