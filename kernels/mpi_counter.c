/*
 * mpi_counter: one shared counter in an MPI window on rank 0, which every
 * rank updates with MPI_Fetch_and_op: multiprocessing's Lock around a
 * shared Value, or a Manager proxy, where every update is a message to the
 * process that owns it.  Beside counter_atomic and counter_lock, the cost
 * of one update across processes against across threads.  One thread per
 * rank: only the main thread calls MPI.
 */
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "mpi_common.h"

extern const struct omps_kernel omps_kernel_counter_atomic;

struct mpi_counter {
    struct omps_mpi_place place;
    int64_t n, lo, hi; /* updates in all, and this rank's share */
    MPI_Win win;       /* one int64_t, on rank 0 */
    int64_t *base;
    int64_t runs;      /* runs since the batch began */
    int64_t last;      /* the value this rank last fetched */
    int out_of_order;  /* a fetched value did not exceed the one before */
    int win_made;
};

static void mpi_counter_teardown(void *state)
{
    struct mpi_counter *c = state;
    if (c == NULL)
        return;
    if (c->win_made) {
        MPI_Win_unlock_all(c->win);
        MPI_Win_free(&c->win);
    }
    free(c);
}

static int mpi_counter_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct mpi_counter *c = calloc(1, sizeof *c);
    int rc = OMPS_ENOMEM;
    if (c != NULL) {
        c->place = omps_mpi_place();
        c->n = (int64_t)n;
        omps_mpi_share(c->n, c->place, &c->lo, &c->hi);
        const MPI_Aint bytes = c->place.rank == 0 ? (MPI_Aint)sizeof(int64_t) : 0;
        if (MPI_Win_allocate(bytes, sizeof(int64_t), MPI_INFO_NULL, MPI_COMM_WORLD, &c->base,
                             &c->win) == MPI_SUCCESS) {
            c->win_made = 1;
            if (c->place.rank == 0)
                *c->base = 0;
            MPI_Win_lock_all(0, c->win);
            rc = OMPS_OK;
        }
    }
    rc = omps_mpi_agree(rc);
    if (rc != OMPS_OK) {
        mpi_counter_teardown(c);
        return rc;
    }
    *state = c;
    return OMPS_OK;
}

/* Before a batch, on every rank together: the counter back to 0. */
static void mpi_counter_poison(void *state)
{
    struct mpi_counter *c = state;
    const int64_t zero = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    if (c->place.rank == 0) {
        MPI_Put(&zero, 1, MPI_INT64_T, 0, 0, 1, MPI_INT64_T, c->win);
        MPI_Win_flush(0, c->win);
    }
    c->runs = 0;
    c->last = -1;
    c->out_of_order = 0;
    MPI_Barrier(MPI_COMM_WORLD);
}

static void mpi_counter_run(void *state, struct omps_team *team)
{
    struct mpi_counter *c = state;
    const int64_t one = 1;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp master
        for (int64_t i = c->lo; i < c->hi; i++) {
            int64_t old;
            MPI_Fetch_and_op(&one, &old, MPI_INT64_T, 0, 0, MPI_SUM, c->win);
            MPI_Win_flush(0, c->win);
            c->out_of_order |= old <= c->last;
            c->last = old;
        }
    }
    c->runs++;
    /* A run ends when every rank's updates are done. */
    MPI_Barrier(MPI_COMM_WORLD);
}

/* Every rank: the values it fetched rose; rank 0: the count is every
 * update of every run since the batch began. */
static int mpi_counter_verify(void *state, char *why, size_t why_len)
{
    struct mpi_counter *c = state;
    if (c->runs == 0) {
        snprintf(why, why_len, "no run since the counter was reset");
        return -1;
    }
    if (c->out_of_order) {
        snprintf(why, why_len, "fetched a value no greater than its last (%lld): an update "
                 "was lost or repeated", (long long)c->last);
        return -1;
    }
    if (c->place.rank != 0)
        return 0;
    int64_t count = 0;
    MPI_Fetch_and_op(NULL, &count, MPI_INT64_T, 0, 0, MPI_NO_OP, c->win);
    MPI_Win_flush(0, c->win);
    if (count == c->runs * c->n)
        return 0;
    snprintf(why, why_len, "count %lld after %lld runs, want %lld", (long long)count,
             (long long)c->runs, (long long)(c->runs * c->n));
    return -1;
}

static void mpi_counter_corrupt(void *state)
{
    struct mpi_counter *c = state;
    c->out_of_order = 1;
}

static double mpi_counter_footprint(uint64_t n)
{
    (void)n;
    return (double)sizeof(struct mpi_counter);
}

/* Each update is a round trip to rank 0: about a microsecond in one node. */
static uint64_t mpi_counter_default_size(const struct omps_sizing *sizing)
{
    return sizing->quick ? UINT64_C(1) << 10 : UINT64_C(1) << 15;
}

static struct omps_work mpi_counter_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.items = (double)n};
}

const struct omps_kernel omps_kernel_mpi_counter = {
    .name = "mpi_counter",
    .summary = "one counter in an MPI window that every rank updates with "
               "MPI_Fetch_and_op: a Lock or Manager proxy (process kernel)",
    .unit = OMPS_UNIT_MUPDATES,
    .family = OMPS_FAMILY_CONTENTION,
    .ranked = OMPS_RANKED_PROCESSES,
    .thread_form = &omps_kernel_counter_atomic,
    .default_size = mpi_counter_default_size,
    .footprint = mpi_counter_footprint,
    .setup = mpi_counter_setup,
    .poison = mpi_counter_poison,
    .run = mpi_counter_run,
    .verify = mpi_counter_verify,
    .teardown = mpi_counter_teardown,
    .corrupt = mpi_counter_corrupt,
    .work = mpi_counter_work,
};
