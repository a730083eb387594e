/* Groups of MPI ranks from the parent's side: finding mpirun, its command
 * line, and the record of this host that each rank reports. */
#define _DEFAULT_SOURCE
#include "launch.h"
#include "caches.h"
#include "system.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "machine.h"
#include "topology.h"

int omps_ranks_built(void)
{
#ifdef OMPS_HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

/* The CPU model /proc/cpuinfo names first. */
static void cpu_model(char *model, size_t len)
{
    char line[256];
    snprintf(model, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        const char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(model, len, "%s", colon + 2);
            model[strcspn(model, "\n\t")] = '\0';
            break;
        }
    }
    if (f != NULL)
        fclose(f);
}

/* This process's node as one record (protocol.h's node fields): host, CPU
 * model, logical CPUs, its topology from hwloc (cores, packages, NUMA
 * nodes, L3 domains, the largest cache) and the OpenMP runtime loaded, so
 * that nodes are compared by what they are, not only by name. */
void omps_launch_node_record(char *out, size_t len)
{
    char host[64] = "unknown", model[128], err[256];
    gethostname(host, sizeof host - 1);
    cpu_model(model, sizeof model);
    struct omps_topology t = {0};
    if (omps_topology_probe(&t, err, sizeof err) != OMPS_OK)
        t = (struct omps_topology){0};
    /* The last level's size by the rule the top level uses (caches.h),
     * from the node's reports: a node is not probed. */
    struct omps_cache_facts caches;
    omps_cache_reports(&caches, omps_system_root(), t.cache_bytes, t.synthetic);
    snprintf(out, len, "%s\t%s\t%ld\t%d\t%d\t%d\t%d\t%llu\t%s", host, model,
             sysconf(_SC_NPROCESSORS_ONLN), t.cores, t.packages, t.numa_nodes, t.l3_domains,
             (unsigned long long)caches.used, omps_openmp_runtime());
}

int omps_ranks_find_mpirun(char *path, size_t len, char *err, size_t err_len)
{
    const char *given = getenv("OMPSCALE_MPIRUN");
    if (given != NULL && *given) {
        snprintf(path, len, "%s", given);
        if (access(path, X_OK) == 0)
            return OMPS_OK;
        snprintf(err, err_len, "OMPSCALE_MPIRUN: '%s' is not an executable", given);
        return OMPS_EINVAL;
    }
    const char *dirs = getenv("PATH");
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", dirs ? dirs : "/usr/bin:/bin");
    for (char *p = copy, *dir; (dir = strsep(&p, ":")) != NULL;) {
        snprintf(path, len, "%s/mpirun", *dir ? dir : ".");
        if (access(path, X_OK) == 0)
            return OMPS_OK;
    }
    snprintf(err, err_len, "mpirun not found: the process kernels need Open MPI (install it "
             "with tools/deps.sh, or apt-get install openmpi-bin libopenmpi-dev)");
    return OMPS_EINVAL;
}

/* Appends one argument, copied into text. */
static void add(char **args, size_t *n, size_t cap, char *text, size_t *used, size_t len,
                const char *arg)
{
    if (*n >= cap || *used + strlen(arg) + 1 > len)
        return;
    args[(*n)++] = strcpy(text + *used, arg);
    *used += strlen(arg) + 1;
}

size_t omps_ranks_launch_args(const struct omps_launch *l, char **args, size_t cap,
                              char *text, size_t text_len)
{
    size_t n = 0, used = 0;
    char number[32], map[64];
    add(args, &n, cap, text, &used, text_len, l->mpirun);
    /* Open MPI refuses root unless told; nothing broader is set. */
    if (geteuid() == 0)
        add(args, &n, cap, text, &used, text_len, "--allow-run-as-root");
    snprintf(number, sizeof number, "%d", l->ranks);
    add(args, &n, cap, text, &used, text_len, "-np");
    add(args, &n, cap, text, &used, text_len, number);
    /* Ranks fill the nodes evenly; each gets its node's cores shared out. */
    const int nodes = l->nodes > 1 ? l->nodes : 1;
    const int per_node = (l->ranks + nodes - 1) / nodes;
    const int share = per_node > 0 ? l->cores / per_node : 0;
    if (l->oversubscribe || share < 1) {
        add(args, &n, cap, text, &used, text_len, "--oversubscribe");
        add(args, &n, cap, text, &used, text_len, "--bind-to");
        add(args, &n, cap, text, &used, text_len, "none");
    } else {
        if (nodes > 1)
            snprintf(map, sizeof map, "ppr:%d:node:PE=%d", per_node, share);
        else
            snprintf(map, sizeof map, "slot:PE=%d", share);
        add(args, &n, cap, text, &used, text_len, "--map-by");
        add(args, &n, cap, text, &used, text_len, map);
        add(args, &n, cap, text, &used, text_len, "--bind-to");
        add(args, &n, cap, text, &used, text_len, "core");
    }
    if (l->hostfile != NULL) {
        add(args, &n, cap, text, &used, text_len, "--hostfile");
        add(args, &n, cap, text, &used, text_len, l->hostfile);
    }
    for (size_t i = 0; l->variables != NULL && l->variables[i] != NULL; i++) {
        add(args, &n, cap, text, &used, text_len, "-x");
        add(args, &n, cap, text, &used, text_len, l->variables[i]);
    }
    return n;
}
