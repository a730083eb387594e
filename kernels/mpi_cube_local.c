/*
 * mpi_cube_local: mpi_cube_map's work on data that already lives where it
 * is cubed: each rank cubes its own slice, then the ranks meet at a
 * barrier.  mpi_cube_map's time less this one is the cost of passing data.
 */
#include "common.h"
#include "mpi_common.h"

extern const struct omps_kernel omps_kernel_cube_map;

static int mpi_cube_local_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    return omps_mpi_slices_setup(state, n, 0);
}

static void mpi_cube_local_run(void *state, struct omps_team *team)
{
    omps_mpi_slices_cube(state, team);
    /* A run ends when every rank's slice is done. */
    MPI_Barrier(MPI_COMM_WORLD);
}

static double mpi_cube_local_footprint(uint64_t n)
{
    return omps_mpi_slices_footprint(n, 0);
}

const struct omps_kernel omps_kernel_mpi_cube_local = {
    .name = "mpi_cube_local",
    .summary = "out = in^3 on slices already on their ranks: mpi_cube_map "
               "without passing data (process kernel)",
    .unit = OMPS_UNIT_GBPS,
    .scheduled = 1,
    .ranked = OMPS_RANKED_ANY,
    .thread_form = &omps_kernel_cube_map,
    .default_size = omps_default_array_length,
    .footprint = mpi_cube_local_footprint,
    .setup = mpi_cube_local_setup,
    .poison = omps_mpi_slices_poison,
    .run = mpi_cube_local_run,
    .verify = omps_mpi_slices_verify,
    .poison_sample = omps_mpi_slices_poison_sample,
    .verify_sample = omps_mpi_slices_verify_sample,
    .teardown = omps_mpi_slices_teardown,
    .corrupt = omps_mpi_slices_corrupt,
    .work = omps_cube_work,
};
