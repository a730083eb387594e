/*
 * MPI ranks for the process kernels (#9).  The sweep starts each rank count
 * as one group through `mpirun`, the same binary re-executed as `ompscale
 * child --ranks`; rank 0 speaks the child protocol with the parent and
 * relays every step to the other ranks, which follow it in lockstep.  This
 * module is the only harness code that calls MPI: without MPI (a build that
 * did not find it) the rank functions behave as one rank alone and the
 * launcher reports what to install.
 */
#ifndef OMPSCALE_RANKS_H
#define OMPSCALE_RANKS_H

#include <stddef.h>

/* Returns 1 when this binary was built with MPI. */
int omps_ranks_built(void);

/* This process's place in its group: rank 0 of 1 outside a group. */
struct omps_ranks {
    int rank;
    int size;
};

/*
 * Starts MPI in a rank process (threads funnelled through the main one).
 * Returns 0, or OMPS_EINVAL with why set when the binary has no MPI or
 * MPI does not start.
 */
int omps_ranks_init(int *argc, char ***argv, struct omps_ranks *r, char *why, size_t why_len);

/* Ends MPI in a rank process; safe when it never started. */
void omps_ranks_finalize(void);

/* Copies len bytes at buf from rank 0 to every rank (collective). */
void omps_ranks_share(void *buf, size_t len);

/*
 * Combines every rank's verdict (collective): returns 1 when all were ok.
 * Otherwise rank 0's why names the lowest failing rank and its reason
 * ("rank 1: out[3] = ..."), and the other ranks' why is left as it was.
 */
int omps_ranks_agree(int ok, char *why, size_t why_len);

/*
 * Gathers every rank's node to rank 0 (collective): each line of out is
 * "node\tHOST\tCPU MODEL\tLOGICAL CPUS\tRANKS ON IT\n", one per distinct
 * host in rank order.  Other ranks get "".
 */
void omps_ranks_nodes(char *out, size_t len);

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
