#define _POSIX_C_SOURCE 200809L
#include "topology.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwloc.h>

#include "errors.h"

/* The usable PUs: what hwloc allows, narrowed to this process's binding
 * when the topology is this machine's. */
static hwloc_bitmap_t usable_set(hwloc_topology_t topo)
{
    hwloc_bitmap_t use = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(topo));
    if (use == NULL || !hwloc_topology_is_thissystem(topo))
        return use;
    hwloc_bitmap_t bound = hwloc_bitmap_alloc();
    if (bound != NULL && hwloc_get_cpubind(topo, bound, HWLOC_CPUBIND_PROCESS) == 0 &&
        hwloc_bitmap_intersects(bound, use))
        hwloc_bitmap_and(use, use, bound);
    hwloc_bitmap_free(bound);
    return use;
}

/* The largest topology planned: 16,384 PUs plan in under a second, and
 * hwloc's own build of a synthetic topology grows faster than its size
 * (65,536 PUs: a minute and 3.6 GB). */
#define OMPS_MAX_PUS 16384

/* The object of type that holds core c: an ancestor, or for a NUMA node
 * (a memory child in hwloc 2) one attached to an ancestor; NULL if none. */
static hwloc_obj_t holder_of(hwloc_obj_t c, hwloc_obj_type_t type)
{
    for (hwloc_obj_t p = c; p != NULL; p = p->parent) {
        if (p->type == type)
            return p;
        for (hwloc_obj_t m = p->memory_first_child; type == HWLOC_OBJ_NUMANODE && m != NULL;
             m = m->next_sibling) {
            if (m->type == type && m->cpuset != NULL && hwloc_bitmap_isincluded(c->cpuset,
                                                                                 m->cpuset))
                return m;
        }
    }
    return NULL;
}

/* Counts objects of a type that hold a usable PU; *most gets the most usable
 * cores one of them holds (when most is not NULL).  Each core is assigned
 * to its holder once, so the cost grows with the cores, not their square
 * (16,384 PUs took 20 s the other way). */
static int count_type(hwloc_topology_t topo, hwloc_const_bitmap_t use,
                      hwloc_obj_type_t type, int *most)
{
    int count = 0, best = 0;
    for (hwloc_obj_t o = hwloc_get_next_obj_by_type(topo, type, NULL); o != NULL;
         o = hwloc_get_next_obj_by_type(topo, type, o))
        count += o->cpuset != NULL && hwloc_bitmap_intersects(o->cpuset, use);
    const int n = hwloc_get_nbobjs_by_type(topo, type);
    int *cores = most != NULL && n > 0 ? calloc((size_t)n, sizeof *cores) : NULL;
    for (hwloc_obj_t c = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_CORE, NULL);
         cores != NULL && c != NULL; c = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_CORE, c)) {
        const hwloc_obj_t o = hwloc_bitmap_intersects(c->cpuset, use) ? holder_of(c, type) : NULL;
        if (o != NULL && o->logical_index < (unsigned)n && ++cores[o->logical_index] > best)
            best = cores[o->logical_index];
    }
    free(cores);
    if (most != NULL)
        *most = best;
    return count;
}

static void fill_counts(struct omps_topology *t, hwloc_topology_t topo,
                        hwloc_const_bitmap_t use)
{
    t->pus = hwloc_bitmap_weight(use);
    t->cores = count_type(topo, use, HWLOC_OBJ_CORE, NULL);
    if (t->cores <= 0 || t->cores > t->pus)
        t->cores = t->pus; /* no core objects: count every PU as a core */
    t->packages = count_type(topo, use, HWLOC_OBJ_PACKAGE, &t->cores_per_package);
    t->numa_nodes = count_type(topo, use, HWLOC_OBJ_NUMANODE, &t->cores_per_numa);
    t->l3_domains = count_type(topo, use, HWLOC_OBJ_L3CACHE, &t->cores_per_l3);
    /* A level hwloc does not see spans the whole machine. */
    if (t->packages == 0 || t->cores_per_package == 0)
        t->packages = 1, t->cores_per_package = t->cores;
    if (t->numa_nodes == 0 || t->cores_per_numa == 0)
        t->numa_nodes = 1, t->cores_per_numa = t->cores;
    if (t->l3_domains == 0 || t->cores_per_l3 == 0)
        t->l3_domains = 1, t->cores_per_l3 = t->cores;
    for (hwloc_obj_type_t type = HWLOC_OBJ_L1CACHE; type <= HWLOC_OBJ_L5CACHE; type++) {
        hwloc_obj_t c = hwloc_get_next_obj_by_type(topo, type, NULL);
        if (c == NULL || c->attr == NULL)
            continue;
        const int level = (int)c->attr->cache.depth;
        if (level >= 1 && level <= 4)
            t->cache_bytes[level - 1] = c->attr->cache.size;
    }
}

/* The PUs a synthetic description makes: the product of every level's
 * count ("pack:2 l3:8(size=32MB) core:8 pu:2" makes 256); 0 when it names
 * none, for hwloc to refuse. */
static double synthetic_pus(const char *syn)
{
    double pus = 0;
    for (const char *p = strchr(syn, ':'); p != NULL; p = strchr(p + 1, ':')) {
        char *end;
        const long n = strtol(p + 1, &end, 10);
        if (end != p + 1 && n > 0)
            pus = (pus > 0 ? pus : 1) * (double)n;
    }
    return pus;
}

int omps_topology_probe(struct omps_topology *t, char *err, size_t err_len)
{
    memset(t, 0, sizeof *t);
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0) {
        snprintf(err, err_len, "hwloc: cannot initialise a topology");
        return OMPS_EIO;
    }
    /* hwloc itself falls back to this machine when the variable holds a bad
     * description; a plan for the wrong machine must not pass as the asked
     * one, so the description is applied, and checked, here. */
    const char *syn = getenv("HWLOC_SYNTHETIC");
    const double pus = syn != NULL ? synthetic_pus(syn) : 0;
    if (pus > OMPS_MAX_PUS) {
        snprintf(err, err_len, "HWLOC_SYNTHETIC: '%.200s' has %.0f PUs; ompscale plans for at most "
                 "%d (hwloc alone takes minutes and gigabytes to build more)", syn, pus,
                 OMPS_MAX_PUS);
        hwloc_topology_destroy(topo);
        return OMPS_EINVAL;
    }
    if (syn != NULL && *syn != '\0' && hwloc_topology_set_synthetic(topo, syn) != 0) {
        snprintf(err, err_len, "HWLOC_SYNTHETIC: '%s' is not a synthetic topology hwloc "
                 "accepts (for example \"pack:2 l3:8 core:8 pu:2\")", syn);
        hwloc_topology_destroy(topo);
        return OMPS_EIO;
    }
    if (hwloc_topology_load(topo) != 0) {
        snprintf(err, err_len, "hwloc: cannot load the topology%s%s%s",
                 syn ? " (HWLOC_SYNTHETIC='" : "", syn ? syn : "", syn ? "')" : "");
        hwloc_topology_destroy(topo);
        return OMPS_EIO;
    }
    hwloc_bitmap_t use = usable_set(topo);
    if (use == NULL || hwloc_bitmap_iszero(use)) {
        snprintf(err, err_len, "hwloc: no usable CPU");
        hwloc_bitmap_free(use);
        hwloc_topology_destroy(topo);
        return OMPS_EIO;
    }
    t->synthetic = !hwloc_topology_is_thissystem(topo);
    snprintf(t->source, sizeof t->source, "%s",
             t->synthetic ? (syn ? syn : "foreign") : "this system");
    fill_counts(t, topo, use);
    hwloc_bitmap_list_snprintf(t->cpuset, sizeof t->cpuset, use);
    hwloc_bitmap_free(use);
    hwloc_topology_destroy(topo);
    return OMPS_OK;
}

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

size_t omps_sort_unique(int *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_ints);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k == 0 || v[k - 1] != v[i])
            v[k++] = v[i];
    }
    return k;
}

static int is_boundary(const int *b, size_t nb, int v)
{
    for (size_t i = 0; i < nb; i++) {
        if (b[i] == v)
            return 1;
    }
    return 0;
}

/* Drops the power of two (never 1 or a boundary) whose neighbours are
 * closest in ratio, so the survivors stay evenly spread on a log axis. */
static size_t thin_once(int *v, size_t n, const int *b, size_t nb)
{
    size_t drop = 0;
    double best = 0.0;
    for (size_t i = 1; i + 1 < n; i++) {
        if (is_boundary(b, nb, v[i]))
            continue;
        const double span = (double)v[i + 1] / (double)v[i - 1];
        if (drop == 0 || span < best)
            drop = i, best = span;
    }
    if (drop == 0)
        return n - 1; /* only boundaries left: drop the largest below all */
    memmove(&v[drop], &v[drop + 1], (n - drop - 1) * sizeof *v);
    return n - 1;
}

size_t omps_topology_threads(const struct omps_topology *t, int *out)
{
    int v[64], b[5];
    size_t n = 0, nb = 0;
    b[nb++] = t->cores;
    b[nb++] = t->cores_per_l3;
    b[nb++] = t->cores_per_numa;
    b[nb++] = t->cores_per_package;
    if (t->pus > t->cores)
        b[nb++] = t->pus;
    for (int p = 1; p <= t->cores && n < 40; p *= 2)
        v[n++] = p;
    memcpy(&v[n], b, nb * sizeof *b);
    n = omps_sort_unique(v, n + nb);
    while (n > OMPS_MAX_DEFAULT_THREADS)
        n = thin_once(v, n, b, nb);
    memcpy(out, v, n * sizeof *v);
    return n;
}

json_t *omps_topology_json(const struct omps_topology *t)
{
    return json_pack("{s:s, s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:s}",
                     "source", t->source, "synthetic", t->synthetic, "packages",
                     t->packages, "numa_nodes", t->numa_nodes, "l3_domains",
                     t->l3_domains, "cores", t->cores, "pus", t->pus, "cores_per_l3",
                     t->cores_per_l3, "cores_per_numa", t->cores_per_numa,
                     "cores_per_package", t->cores_per_package, "cpuset", t->cpuset);
}
