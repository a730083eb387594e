/*
 * Groups of MPI ranks for the process kernels (#9), the parent's side: the
 * sweep starts each rank count as one group through `mpirun`, the same
 * binary re-executed as `ompscale child --ranks` (visit/ranks.h is the side
 * that runs in the ranks).  Without MPI the launcher reports what to
 * install.
 */
#ifndef OMPSCALE_LAUNCH_H
#define OMPSCALE_LAUNCH_H

#include <stddef.h>

/* Returns 1 when this binary was built with MPI. */
int omps_ranks_built(void);

/* This host as one node record (protocol.h's node fields from HOST to
 * RUNTIME): host, CPU model, logical CPUs, its topology from hwloc (cores,
 * packages, NUMA nodes, L3 domains, the largest cache) and the OpenMP
 * runtime loaded, so that nodes are compared by what they are, not only by
 * name.  Each rank of a group reports its own (ranks.h). */
void omps_launch_node_record(char *out, size_t len);

/* What launching a group needs from the run. */
struct omps_launch {
    const char *mpirun;   /* the launcher's path */
    const char *hostfile; /* --hostfile, or NULL */
    int ranks;            /* processes to start */
    int cores;            /* cores on each node for the whole group */
    int nodes;            /* the hostfile's hosts; 1 without one */
    int oversubscribe;    /* more ranks than cores was asked for */
    const char *const *variables; /* NULL-ended: passed to remote ranks */
};

/*
 * Finds mpirun on PATH (or $OMPSCALE_MPIRUN).  Returns 0 and its path, or
 * OMPS_EINVAL with err saying what to install.
 */
int omps_ranks_find_mpirun(char *path, size_t len, char *err, size_t err_len);

/*
 * Writes into args (cap entries) the launcher's arguments up to the program:
 * mpirun, -np, each rank bound to its own share of the cores (cores / ranks
 * of them, or unbound when oversubscribed), the hostfile, and what running
 * as root needs.  The caller appends the program and its arguments and a
 * NULL.  Returns how many were written; text holds their storage.
 */
size_t omps_ranks_launch_args(const struct omps_launch *l, char **args, size_t cap,
                              char *text, size_t text_len);

#endif
