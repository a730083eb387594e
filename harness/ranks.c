/* MPI ranks: starting them, relaying to them and gathering from them. */
#define _DEFAULT_SOURCE
#include "ranks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef OMPS_HAVE_MPI
#include <mpi.h>
#endif

#include "errors.h"
#include "machine.h"
#include "protocol.h"
#include "topology.h"

/* The size of one rank's record when gathering nodes. */
#define NODE_RECORD 512

int omps_ranks_built(void)
{
#ifdef OMPS_HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

#ifdef OMPS_HAVE_MPI

int omps_ranks_init(int *argc, char ***argv, struct omps_ranks *r, char *why, size_t why_len)
{
    int provided = 0;
    /* Only the main thread calls MPI, outside the kernels' parallel
     * regions or in their master thread. */
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        snprintf(why, why_len, "MPI did not start");
        return OMPS_EINVAL;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &r->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &r->size);
    return OMPS_OK;
}

void omps_ranks_finalize(void)
{
    int started = 0, ended = 0;
    MPI_Initialized(&started);
    MPI_Finalized(&ended);
    if (started && !ended)
        MPI_Finalize();
}

void omps_ranks_share(void *buf, size_t len)
{
    MPI_Bcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD);
}

int omps_ranks_agree(int ok, char *why, size_t why_len)
{
    int rank, size, first;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int mine = ok ? size : rank;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == size)
        return 1;
    char text[512];
    if (rank == first)
        snprintf(text, sizeof text, "rank %d: %s", rank, why);
    if (first != 0 && rank == first)
        MPI_Send(text, sizeof text, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
    if (first != 0 && rank == 0)
        MPI_Recv(text, sizeof text, MPI_CHAR, first, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (rank == 0)
        snprintf(why, why_len, "%s", text);
    return 0;
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
static void node_record(char *out)
{
    char host[64] = "unknown", model[128], err[256];
    gethostname(host, sizeof host - 1);
    cpu_model(model, sizeof model);
    struct omps_topology t = {0};
    if (omps_topology_probe(&t, err, sizeof err) != OMPS_OK)
        t = (struct omps_topology){0};
    snprintf(out, NODE_RECORD, "%s\t%s\t%ld\t%d\t%d\t%d\t%d\t%.0f\t%s", host, model,
             sysconf(_SC_NPROCESSORS_ONLN), t.cores, t.packages, t.numa_nodes, t.l3_domains,
             t.llc_bytes, omps_openmp_runtime());
}

/* Appends each distinct record of all[0..n) with its count to out. */
static void distinct_nodes(const char *all, int n, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        const char *rec = all + (size_t)i * NODE_RECORD;
        int seen = 0, count = 0;
        for (int j = 0; j < n; j++) {
            seen |= j < i && strcmp(all + (size_t)j * NODE_RECORD, rec) == 0;
            count += strcmp(all + (size_t)j * NODE_RECORD, rec) == 0;
        }
        if (!seen && used < len) {
            omps_proto_node_line(out + used, len - used, rec, count);
            used += strlen(out + used);
        }
    }
}

void omps_ranks_nodes(char *out, size_t len)
{
    int rank, size;
    char mine[NODE_RECORD];
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    node_record(mine);
    char *all = rank == 0 ? calloc((size_t)size, NODE_RECORD) : NULL;
    MPI_Gather(mine, NODE_RECORD, MPI_CHAR, all, NODE_RECORD, MPI_CHAR, 0, MPI_COMM_WORLD);
    out[0] = '\0';
    if (all != NULL)
        distinct_nodes(all, size, out, len);
    free(all);
}

#else /* no MPI: one rank alone, and nothing to launch with */

int omps_ranks_init(int *argc, char ***argv, struct omps_ranks *r, char *why, size_t why_len)
{
    (void)argc;
    (void)argv;
    r->rank = 0;
    r->size = 1;
    snprintf(why, why_len, "this ompscale was built without MPI");
    return OMPS_EINVAL;
}

void omps_ranks_finalize(void)
{
}

void omps_ranks_share(void *buf, size_t len)
{
    (void)buf;
    (void)len;
}

int omps_ranks_agree(int ok, char *why, size_t why_len)
{
    (void)why;
    (void)why_len;
    return ok;
}

void omps_ranks_nodes(char *out, size_t len)
{
    if (len > 0)
        out[0] = '\0';
}

#endif

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
