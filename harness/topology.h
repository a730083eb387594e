/*
 * The machine's shape from hwloc, counted over the CPUs this process may run
 * on, and the default thread list it implies.  Under HWLOC_SYNTHETIC the
 * synthetic machine is described instead, so a plan can be checked for
 * hardware that is not here.
 */
#ifndef OMPSCALE_TOPOLOGY_H
#define OMPSCALE_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* At most this many counts in a default thread list. */
#define OMPS_MAX_DEFAULT_THREADS 12

struct omps_topology {
    int synthetic;      /* 1 under HWLOC_SYNTHETIC (or another foreign source) */
    char source[160];   /* "this system" or the synthetic description */
    int packages;       /* each count: objects with a usable CPU */
    int numa_nodes;
    int l3_domains;
    int cores;
    int pus;
    int cores_per_l3;   /* the most usable cores one L3 domain holds */
    int cores_per_numa;
    int cores_per_package;
    char cpuset[256];   /* usable PUs as a list, "0-15,32-47" */
    uint64_t cache_bytes[4]; /* the largest L1 data, L2, L3 and L4 cache hwloc
                                describes; 0: none (caches.h chooses among them) */
};

/* Probes the topology with hwloc.  Returns 0, or OMPS_EIO with err set when
 * hwloc cannot load one (a bad HWLOC_SYNTHETIC, say). */
int omps_topology_probe(struct omps_topology *t, char *err, size_t err_len);

/*
 * Fills out (room for OMPS_MAX_DEFAULT_THREADS) with the default thread
 * list: 1, 2, 4, ... up to the cores, plus every natural boundary (the cores
 * of one L3 domain, of one NUMA node, of one package, all cores, and all PUs
 * where there is SMT), ascending.  Returns the number of counts.
 */
size_t omps_topology_threads(const struct omps_topology *t, int *out);

/* Sorts v[0..n) ascending and removes repeats in place; returns the new
 * count.  Thread lists, from the topology or the command line, use it. */
size_t omps_sort_unique(int *v, size_t n);

/* Returns a new JSON object describing t; NULL when out of memory. */
json_t *omps_topology_json(const struct omps_topology *t);

#endif
