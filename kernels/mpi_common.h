/*
 * What the process kernels (MPI ranks, each with an OpenMP team) share: how
 * n items are split over the ranks, how a set-up's outcome is agreed on, and
 * the slices of an array that one rank holds.  Every rank calls a process
 * kernel's functions in the same order (kernel.h), so these may use
 * MPI_COMM_WORLD's collectives.
 */
#ifndef OMPSCALE_MPI_COMMON_H
#define OMPSCALE_MPI_COMMON_H

#include <stdint.h>

#include <mpi.h>

#include "kernel.h"

/* This rank's place in MPI_COMM_WORLD. */
struct omps_mpi_place {
    int rank;
    int size;
};

/* Returns this rank's place. */
struct omps_mpi_place omps_mpi_place(void);

/* This rank's share [*lo, *hi) of n items split evenly over size ranks (the
 * first n % size ranks take one more). */
void omps_mpi_share(int64_t n, struct omps_mpi_place p, int64_t *lo, int64_t *hi);

/* Returns the first error any rank's set-up had (0 when none did), so that
 * every rank fails, and frees, together. */
int omps_mpi_agree(int rc);

/*
 * One array of n doubles split over the ranks: each holds its slice as
 * input and output; with `whole`, rank 0 also holds the whole input and
 * output, which a run scatters and gathers (counts and displs are then its
 * plan, in elements).
 */
struct omps_mpi_slices {
    struct omps_mpi_place place;
    int64_t n, lo, hi;
    double *in, *out;   /* this rank's slice */
    double *whole_in, *whole_out; /* rank 0 with `whole`; else NULL */
    int *counts, *displs;
    int whole; /* a run scatters the input and gathers the output */
};

/* Sets up slices of the pattern (common.h) for n elements; rank 0 holds the
 * whole arrays when whole.  Returns 0 or OMPS_ENOMEM (agreed over ranks). */
int omps_mpi_slices_setup(void **state, uint64_t n, int whole);

/* Frees what omps_mpi_slices_setup made. */
void omps_mpi_slices_teardown(void *state);

/* Fills every output (and with `whole` the slice's input, which a run
 * scatters into) with NaN before a batch. */
void omps_mpi_slices_poison(void *state);

/* Cubes this rank's slice in to out with the rank's OpenMP team. */
void omps_mpi_slices_cube(struct omps_mpi_slices *s, struct omps_team *team);

/* Checks this rank's slice of out (and on rank 0 with `whole`, the whole
 * gathered output) against the pattern cubed; 0 or -1 with why. */
int omps_mpi_slices_verify(void *state, char *why, size_t why_len);

/* Damages this rank's first output element. */
void omps_mpi_slices_corrupt(void *state);

/* The sampled checks (kernel.h's poison_sample and verify_sample) of this
 * rank's cubes and, on rank 0 of a gathering kernel, of the gathered
 * whole: common.h's positions, chunk ends within this rank's slice. */
void omps_mpi_slices_poison_sample(void *state, uint64_t salt, int chunk);
int omps_mpi_slices_verify_sample(void *state, uint64_t salt, int chunk, char *why,
                                  size_t why_len);

/* Bytes all ranks together allocate for n elements (whole: rank 0's copy
 * of the arrays as well). */
double omps_mpi_slices_footprint(uint64_t n, int whole);

#endif
