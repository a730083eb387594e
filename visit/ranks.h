/*
 * MPI ranks for the process kernels (#9), the side that runs in them.  The
 * sweep starts each rank count as one group through `mpirun` (launch.h),
 * the same binary re-executed as `ompscale child --ranks`; rank 0 speaks
 * the child protocol with the parent and relays every step to the other
 * ranks, which follow it in lockstep.  This module is the only visit code
 * that calls MPI: without MPI (a build that did not find it) the rank
 * functions behave as one rank alone.
 */
#ifndef OMPSCALE_RANKS_H
#define OMPSCALE_RANKS_H

#include <stddef.h>
#include <stdint.h>

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
 * Gathers every rank's node record (protocol.h's node fields from HOST to
 * RUNTIME, each rank's own) to rank 0 (collective): each line of out is a
 * "node" line with the record and the ranks that gave it, one per distinct
 * record in rank order.  Other ranks get "".
 */
void omps_ranks_nodes(const char *record, char *out, size_t len);

/* A host that ranks ran on, as rank 0 of a group reported it: machine.json's
 * nodes. */
#define OMPS_MAX_NODES 64
struct omps_node {
    char host[64];
    char cpu_model[128];
    long logical_cpus;
    long cores, packages, numa_nodes, l3_domains; /* hwloc's counts there */
    uint64_t llc_bytes;   /* the largest data cache there; 0: unknown */
    char runtime[160];    /* the OpenMP runtime its ranks loaded */
    long ranks; /* the most ranks one group ran there */
};

#endif
