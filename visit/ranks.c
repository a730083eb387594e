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
#include "protocol.h"

/* The size of one rank's record when gathering nodes. */
#define NODE_RECORD 512

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

void omps_ranks_nodes(const char *record, char *out, size_t len)
{
    int rank, size;
    char mine[NODE_RECORD];
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    snprintf(mine, sizeof mine, "%s", record);
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

void omps_ranks_nodes(const char *record, char *out, size_t len)
{
    (void)record;
    if (len > 0)
        out[0] = '\0';
}

#endif
