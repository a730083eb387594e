/*
 * mpi_pipe: a ping-pong between two ranks, one message each way per run,
 * over a sweep of message sizes from 8 B to 16 MiB: multiprocessing's Pipe
 * and Queue, what it costs to pass data between processes.  Half a run is
 * the one-way latency; the rate is the bytes moved both ways per second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "mpi_common.h"

struct mpi_pipe {
    struct omps_mpi_place place;
    int bytes;
    unsigned char *send, *recv;
};

/* The message's byte i: a pattern no single flipped or stale byte keeps. */
static unsigned char pattern_byte(int i)
{
    return (unsigned char)(i * 31 + 7 + (i >> 8));
}

static void mpi_pipe_teardown(void *state)
{
    struct mpi_pipe *p = state;
    if (p == NULL)
        return;
    free(p->send);
    free(p->recv);
    free(p);
}

static int mpi_pipe_setup(void **state, uint64_t n, const double *params)
{
    (void)n;
    struct mpi_pipe *p = calloc(1, sizeof *p);
    int rc = OMPS_ENOMEM;
    if (p != NULL) {
        p->place = omps_mpi_place();
        p->bytes = (int)params[0];
        p->send = malloc((size_t)p->bytes);
        p->recv = malloc((size_t)p->bytes);
        rc = p->send && p->recv ? OMPS_OK : OMPS_ENOMEM;
        for (int i = 0; rc == OMPS_OK && i < p->bytes; i++)
            p->send[i] = pattern_byte(i);
    }
    rc = omps_mpi_agree(rc);
    if (rc != OMPS_OK) {
        mpi_pipe_teardown(p);
        return rc;
    }
    *state = p;
    return OMPS_OK;
}

static void mpi_pipe_poison(void *state)
{
    struct mpi_pipe *p = state;
    memset(p->recv, 0, (size_t)p->bytes);
}

/* Rank 0 sends and waits for the echo; rank 1 echoes what it received.
 * Ranks past the pair (none as planned) take no part. */
static void mpi_pipe_run(void *state, struct omps_team *team)
{
    struct mpi_pipe *p = state;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp master
        {
            if (p->place.rank == 0) {
                MPI_Send(p->send, p->bytes, MPI_BYTE, 1, 0, MPI_COMM_WORLD);
                MPI_Recv(p->recv, p->bytes, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else if (p->place.rank == 1) {
                MPI_Recv(p->recv, p->bytes, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                MPI_Send(p->recv, p->bytes, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
            }
        }
    }
}

/* Each of the pair received the whole message, byte for byte. */
static int mpi_pipe_verify(void *state, char *why, size_t why_len)
{
    const struct mpi_pipe *p = state;
    if (p->place.rank > 1)
        return 0;
    for (int i = 0; i < p->bytes; i++) {
        if (p->recv[i] != pattern_byte(i)) {
            snprintf(why, why_len, "byte %d of %d received as %u, sent as %u", i, p->bytes,
                     p->recv[i], pattern_byte(i));
            return -1;
        }
    }
    return 0;
}

static void mpi_pipe_corrupt(void *state)
{
    struct mpi_pipe *p = state;
    p->recv[p->bytes - 1] ^= 1;
}

static uint64_t mpi_pipe_default_size(const struct omps_sizing *sizing)
{
    (void)sizing;
    return 1;
}

/* Both buffers on each of the two ranks, at the largest message. */
static double mpi_pipe_footprint(uint64_t n)
{
    (void)n;
    return 4.0 * 16777216.0;
}

static struct omps_work mpi_pipe_work(uint64_t n, const double *params)
{
    (void)n;
    return (struct omps_work){.bytes = 2.0 * params[0]};
}

static int mpi_pipe_check(uint64_t n, const double *params, char *why, size_t why_len)
{
    (void)n;
    if (params[0] == (double)(int)params[0])
        return 0;
    snprintf(why, why_len, "mpi_pipe.bytes=%g is not a whole number of bytes", params[0]);
    return -1;
}

/* 8 B to 16 MiB in steps of 8x: latency-bound to bandwidth-bound. */
static const double message_sizes[] = {8, 64, 512, 4096, 32768, 262144, 2097152, 16777216};

static const struct omps_param_def mpi_pipe_params[] = {
    {"bytes", 8, 1, 16777216, "bytes in each message", message_sizes,
     sizeof message_sizes / sizeof message_sizes[0]},
};

const struct omps_kernel omps_kernel_mpi_pipe = {
    .name = "mpi_pipe",
    .summary = "ping-pong between two ranks, 8 B to 16 MiB messages: Pipe and "
               "Queue, latency and bandwidth (process kernel)",
    .unit = OMPS_UNIT_GBPS,
    .ranked = OMPS_RANKED_PAIR,
    .params = mpi_pipe_params,
    .nparams = 1,
    .default_size = mpi_pipe_default_size,
    .footprint = mpi_pipe_footprint,
    .setup = mpi_pipe_setup,
    .poison = mpi_pipe_poison,
    .run = mpi_pipe_run,
    .verify = mpi_pipe_verify,
    .teardown = mpi_pipe_teardown,
    .corrupt = mpi_pipe_corrupt,
    .work = mpi_pipe_work,
    .check = mpi_pipe_check,
};
