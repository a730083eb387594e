/*
 * What the harness knows about the machine it runs on: core counts, caches,
 * affinity and the OpenMP runtime, and the machine.json that records them.
 */
#ifndef OMPSCALE_MACHINE_H
#define OMPSCALE_MACHINE_H

#include <stdint.h>

#include <jansson.h>

#include "cache_probe.h"
#include "caches.h"
#include "calibrate.h"
#include "latency.h"
#include "topology.h"

struct omps_machine {
    char cpu_model[256];
    struct omps_topology topology;
    int physical_cores; /* usable cores, from the topology */
    int logical_cpus;   /* online (the synthetic machine's PUs under one) */
    int usable_cpus;    /* PUs this process may run on */
    char affinity[256];
    /* Every report of every cache level (sysfs's entries among them), the
     * probe's knees and the size chosen (caches.h); llc_bytes is that size. */
    struct omps_cache_facts cache_facts;
    struct omps_cache_probe cache_probe;
    int cache_probed; /* cache_probe holds a probe, measured or kept */
    uint64_t llc_bytes;
    int line_bytes;
    double memory_bytes; /* physical memory; INFINITY when unknown */
    double division_ns;  /* one core's time per double division (probe.h);
                            NaN until a run measures it */
    double fma_gflops;   /* one core's peak double-precision rate (probe.h);
                            NaN until a run measures it */
    /* Cache-line round trips between the usable CPUs (latency.h); count 0
     * until a run measures it, and never under a synthetic topology. */
    struct omps_latency_map latency;
    /* The cost model's rates (calibrate.h): measured before planning, or
     * the defaults under a synthetic topology. */
    struct omps_rates rates;
};

/* Reads the topology with hwloc, the caches' reports (sysfs under
 * omps_system_root(), hwloc, CPUID) and the size they choose; missing facts
 * fall back to sysconf or "unknown".  Nothing is measured here: run.c
 * settles the caches with the probe once it knows where to keep it.  Returns 0, or OMPS_EIO with err set when
 * hwloc cannot load a topology. */
int omps_machine_probe(struct omps_machine *m, char *err, size_t err_len);

/*
 * Returns a new JSON object with every machine.json key: the machine, the
 * build (compiler, flags, OpenMP version and runtime), the environment's
 * OMP_/GOMP_/KMP_ variables and the git commit.  The caller owns the
 * reference; NULL when out of memory.
 */
json_t *omps_machine_json(const struct omps_machine *m);

/*
 * Measures the caches (cache_probe.h), or reads the probe kept in dir,
 * and chooses the size again: mode 0 only reads a kept probe, 1 reads or
 * measures, 2 measures again.  Not under a synthetic topology.  The run
 * prints the facts' finding, when there is one, before its sweep.
 */
void omps_machine_settle_caches(struct omps_machine *m, const char *dir, int mode);

/* Returns the path of the loaded OpenMP runtime library, or "unknown". */
const char *omps_openmp_runtime(void);

#endif
