/*
 * mpi_shared_array: the ranks of one node cube their slices of one MPI-3
 * shared-memory window in place (MPI_Win_allocate_shared), each slice with
 * its rank's team: multiprocessing.Array, one array in memory that several
 * processes write.  As in shared_array, the slice is restored (untimed)
 * from its pristine copy before the run that would cube it a seventh
 * time, so values in (1, 2) stay finite and normal; restoring before every
 * run cost more untimed time than the runs took.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "errors.h"
#include "mpi_common.h"

extern const struct omps_kernel omps_kernel_shared_array;

struct mpi_shared {
    struct omps_mpi_place place;
    int64_t n, lo, hi;
    MPI_Comm node; /* the ranks that share this node's memory */
    MPI_Win win;   /* the node's array: the slices of its ranks, in order */
    double *mine;  /* this rank's slice of the window */
    double *pristine;
    int win_made;
    int cubings; /* runs since the last restore; OMPS_PAIR_STALE: restore first */
};

static int make_window(struct mpi_shared *s)
{
    const int64_t count = s->hi - s->lo;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL,
                            &s->node) != MPI_SUCCESS)
        return OMPS_ENOMEM;
    if (MPI_Win_allocate_shared((MPI_Aint)(count * (int64_t)sizeof(double)), sizeof(double),
                                MPI_INFO_NULL, s->node, &s->mine, &s->win) != MPI_SUCCESS)
        return OMPS_ENOMEM;
    s->win_made = 1;
    /* One passive epoch for the window's life: MPI_Win_sync then orders
     * each run's stores for the other processes. */
    MPI_Win_lock_all(MPI_MODE_NOCHECK, s->win);
    s->pristine = omps_alloc_doubles(count ? (uint64_t)count : 1);
    if (s->pristine == NULL)
        return OMPS_ENOMEM;
    omps_fill_pattern_from(s->pristine, (uint64_t)count, (uint64_t)s->lo);
    return OMPS_OK;
}

static void mpi_shared_teardown(void *state)
{
    struct mpi_shared *s = state;
    if (s == NULL)
        return;
    if (s->win_made) {
        MPI_Win_unlock_all(s->win);
        MPI_Win_free(&s->win);
    }
    if (s->node != MPI_COMM_NULL)
        MPI_Comm_free(&s->node);
    free(s->pristine);
    free(s);
}

static int mpi_shared_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct mpi_shared *s = calloc(1, sizeof *s);
    int rc = OMPS_ENOMEM;
    if (s != NULL) {
        s->node = MPI_COMM_NULL;
        s->cubings = OMPS_PAIR_STALE;
        s->place = omps_mpi_place();
        s->n = (int64_t)n;
        omps_mpi_share(s->n, s->place, &s->lo, &s->hi);
        rc = make_window(s);
    }
    rc = omps_mpi_agree(rc);
    if (rc != OMPS_OK) {
        mpi_shared_teardown(s);
        return rc;
    }
    *state = s;
    return OMPS_OK;
}

/* Before every run: restore the slice when it is stale or cubed
 * OMPS_MAX_CUBINGS times (common.h). */
static void mpi_shared_prepare(void *state)
{
    struct mpi_shared *s = state;
    if (omps_cubing_restore(&s->cubings))
        omps_copy_doubles(s->mine, s->pristine, (uint64_t)(s->hi - s->lo));
}

/* Before a batch: the slice's outputs are its next run's inputs, so no NaN
 * is left in them; it is marked stale, and the first run's prepare step
 * restores it whole. */
static void mpi_shared_poison(void *state)
{
    struct mpi_shared *s = state;
    s->cubings = OMPS_PAIR_STALE;
}

static void mpi_shared_run(void *state, struct omps_team *team)
{
    struct mpi_shared *s = state;
    const int64_t n = s->hi - s->lo;
    double *restrict a = s->mine;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for simd schedule(runtime)
        for (int64_t i = 0; i < n; i++)
            a[i] = a[i] * a[i] * a[i];
    }
    MPI_Win_sync(s->win);
    /* A run ends when every rank's slice is done. */
    MPI_Barrier(MPI_COMM_WORLD);
}

static int mpi_shared_verify(void *state, char *why, size_t why_len)
{
    const struct mpi_shared *s = state;
    if (s->cubings < 1) {
        snprintf(why, why_len, "no run cubed the array since it was restored");
        return -1;
    }
    for (int64_t i = 0; i < s->hi - s->lo; i++) {
        const double want = omps_cubed(s->pristine[i], s->cubings);
        if (s->mine[i] != want || !isnormal(s->mine[i])) {
            snprintf(why, why_len, "a[%lld] = %.17g, want %.17g (cubed %d times)",
                     (long long)(s->lo + i), s->mine[i], want, s->cubings);
            return -1;
        }
    }
    return 0;
}

static void mpi_shared_corrupt(void *state)
{
    struct mpi_shared *s = state;
    if (s->hi > s->lo)
        s->mine[0] = nextafter(s->mine[0], INFINITY);
}

static double mpi_shared_footprint(uint64_t n)
{
    return 2.0 * (double)n * sizeof(double);
}

const struct omps_kernel omps_kernel_mpi_shared_array = {
    .name = "mpi_shared_array",
    .summary = "a[i] = a[i]^3 in place on one MPI-3 shared-memory window, each "
               "rank its slice: multiprocessing.Array (process kernel)",
    .unit = OMPS_UNIT_GBPS,
    .scheduled = 1,
    .ranked = OMPS_RANKED_ANY,
    .thread_form = &omps_kernel_shared_array,
    .default_size = omps_default_array_length,
    .footprint = mpi_shared_footprint,
    .setup = mpi_shared_setup,
    .prepare = mpi_shared_prepare,
    .poison = mpi_shared_poison,
    .run = mpi_shared_run,
    .verify = mpi_shared_verify,
    .teardown = mpi_shared_teardown,
    .corrupt = mpi_shared_corrupt,
    .work = omps_cube_work,
};
