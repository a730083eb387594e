/*
 * mpi_cube_map: the input lives on rank 0, is scattered over the ranks,
 * cubed by each rank's team and gathered back: Pool.map(cube, data), whose
 * cost of passing the data made it slower than a serial loop.  Compare
 * mpi_cube_local, the same work on data already in place.
 */
#include "common.h"
#include "mpi_common.h"

extern const struct omps_kernel omps_kernel_cube_map;

static int mpi_cube_map_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    return omps_mpi_slices_setup(state, n, 1);
}

static void mpi_cube_map_run(void *state, struct omps_team *team)
{
    struct omps_mpi_slices *s = state;
    const int mine = (int)(s->hi - s->lo);
    MPI_Scatterv(s->whole_in, s->counts, s->displs, MPI_DOUBLE, s->in, mine, MPI_DOUBLE, 0,
                 MPI_COMM_WORLD);
    omps_mpi_slices_cube(s, team);
    MPI_Gatherv(s->out, mine, MPI_DOUBLE, s->whole_out, s->counts, s->displs, MPI_DOUBLE, 0,
                MPI_COMM_WORLD);
}

static double mpi_cube_map_footprint(uint64_t n)
{
    return omps_mpi_slices_footprint(n, 1);
}

const struct omps_kernel omps_kernel_mpi_cube_map = {
    .name = "mpi_cube_map",
    .summary = "out = in^3 with in on rank 0, scattered, cubed and gathered: "
               "Pool.map(cube), the cost of passing data (process kernel)",
    .unit = OMPS_UNIT_GBPS,
    .scheduled = 1,
    .ranked = OMPS_RANKED_ANY,
    .thread_form = &omps_kernel_cube_map,
    .default_size = omps_default_array_length,
    .footprint = mpi_cube_map_footprint,
    .setup = mpi_cube_map_setup,
    .poison = omps_mpi_slices_poison,
    .run = mpi_cube_map_run,
    .verify = omps_mpi_slices_verify,
    .poison_sample = omps_mpi_slices_poison_sample,
    .verify_sample = omps_mpi_slices_verify_sample,
    .teardown = omps_mpi_slices_teardown,
    .corrupt = omps_mpi_slices_corrupt,
    .work = omps_cube_work,
};
