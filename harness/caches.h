/*
 * The machine's caches as it reports them and as a probe measured them,
 * and the one rule that picks the last-level size a run sizes for.
 *
 * Three reports can say a cache's size: sysfs (the kernel's view of this
 * CPU), hwloc (sysfs again, or CPUID where sysfs is silent) and CPUID as
 * the C library reads it.  Cloud guests often get them wrong: no cache
 * files at all, a host's 512 MiB L3 passed to a guest whose two vCPUs sit
 * on two 32 MiB CCDs, every cache reported as 56 bytes.  The probe
 * (cache_probe.h) measures what this process's CPUs behave as having.
 * machine.json's top level, its nodes and the planner all take the size
 * from omps_cache_choose, so they cannot disagree.
 */
#ifndef OMPSCALE_CACHES_H
#define OMPSCALE_CACHES_H

#include <stdint.h>

#include <jansson.h>

#define OMPS_CACHE_LEVELS 4 /* L1 data to L4 */

/* The size assumed when nothing reports or measures one. */
#define OMPS_CACHE_ASSUMED (UINT64_C(32) << 20)

/* Reports and measurements differing more than this many times are a
 * finding, and a report this far from the measurement is not used. */
#define OMPS_CACHE_DISAGREE 2.0

#define OMPS_MAX_CACHES 8

/* One cache as sysfs lists it for the first usable CPU. */
struct omps_cache {
    int level;
    char type[16]; /* Data, Instruction or Unified */
    uint64_t size_bytes;
    int line_bytes;
    char shared_cpus[64];
};

struct omps_cache_level {
    uint64_t sysfs, hwloc, cpuid; /* each report's size; 0: not reported */
    uint64_t measured;            /* the probe's knee; 0: not measured */
    int at_least;                 /* measured is a lower bound: no knee below it */
};

struct omps_cache_facts {
    /* sysfs's entries (machine.json's "caches"), read once. */
    struct omps_cache sysfs[OMPS_MAX_CACHES];
    int nsysfs;
    /* levels[0] is L1 data, levels[1] L2, and so on. */
    struct omps_cache_level levels[OMPS_CACHE_LEVELS];
    int last;            /* the last level any report names; 3 when none does */
    int synthetic;       /* the reports describe a synthetic machine */
    uint64_t used;       /* the last level's size the run sizes for */
    char used_from[16];  /* "sysfs", "hwloc", "cpuid", "measured" or "assumed" */
    char why[240];       /* one sentence: why that figure */
    char finding[480];   /* the disagreement, one line; empty when none */
};

/*
 * Fills the reports: sysfs under root ("" for this machine's, a directory
 * that imitates /sys in tests; its entries kept as they are listed, for
 * the first usable CPU), hwloc's largest cache per level
 * (hwloc_bytes[0] is L1; 0: none) and, on this machine only, CPUID through
 * sysconf.  A synthetic topology describes another machine, so only its
 * own description (hwloc) counts there.  Nothing is measured or chosen.
 */
void omps_cache_reports(struct omps_cache_facts *f, const char *root,
                        const uint64_t hwloc_bytes[OMPS_CACHE_LEVELS], int synthetic);

/*
 * The rule (docs/methods.md, "Which cache size a run uses"): the report
 * is the first of sysfs, hwloc and CPUID that names the last level.  With
 * a measurement, the report is used when it lies within twice the
 * measured size (or at least half a lower bound); otherwise the measured
 * size is.  With no measurement the report is used, and with neither
 * OMPS_CACHE_ASSUMED.  Sets used, used_from, why and finding (any two
 * figures for the last level more than twice apart).  Pure.
 */
void omps_cache_choose(struct omps_cache_facts *f);

/* machine.json's "cache_levels": one object per level anything names,
 * {level, sysfs_bytes, hwloc_bytes, cpuid_bytes, measured_bytes,
 * measured_at_least}, null where a figure is missing, and on the last
 * level used_bytes, used_from and why.  NULL when out of memory. */
json_t *omps_cache_facts_json(const struct omps_cache_facts *f);

#endif
