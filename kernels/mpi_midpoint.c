/*
 * mpi_midpoint: the midpoint rule for pi with the range split over MPI
 * ranks, each rank's share split again over its OpenMP team, and the
 * partial sums reduced to rank 0: Pool.map over sub-ranges, then sum().
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "mpi_common.h"
#include "pi_terms.h"

extern const struct omps_kernel omps_kernel_midpoint;

struct mpi_pi {
    struct omps_mpi_place place;
    int64_t n, lo, hi; /* all terms, and this rank's [lo, hi) */
    double partial;    /* this rank's sum times h */
    int64_t terms;     /* terms this rank summed in its last run */
    double result;     /* rank 0: the reduced integral */
};

static int mpi_midpoint_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct mpi_pi *m = calloc(1, sizeof *m);
    const int rc = omps_mpi_agree(m != NULL ? OMPS_OK : OMPS_ENOMEM);
    if (rc != OMPS_OK) {
        free(m);
        return rc;
    }
    m->place = omps_mpi_place();
    m->n = (int64_t)n;
    omps_mpi_share(m->n, m->place, &m->lo, &m->hi);
    *state = m;
    return OMPS_OK;
}

static void mpi_midpoint_run(void *state, struct omps_team *team)
{
    struct mpi_pi *m = state;
    const int64_t lo = m->lo, hi = m->hi;
    const double h = 1.0 / (double)m->n;
    double sum = 0.0;
    int64_t terms = 0;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for simd schedule(runtime) reduction(+ : sum, terms)
        for (int64_t i = lo; i < hi; i++) {
            sum += omps_pi_term(i, h);
            terms++;
        }
    }
    m->partial = sum * h;
    m->terms = terms;
    MPI_Reduce(&m->partial, &m->result, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
}

/*
 * This rank's part: it summed its own terms, and its partial integral is
 * 4 (atan(b) - atan(a)) over its sub-range within the midpoint rule's error
 * there, (b - a) h^2 max|f''| / 24 with max|f''| = 8, plus the worst-case
 * rounding of its m terms summed in any order, (m + 8) u times their sum,
 * which is at most 4 (b - a), plus a few ulps of the two arctangents.
 * Rank 0 also checks the whole (pi_terms.h).
 */
static int mpi_midpoint_verify(void *state, char *why, size_t why_len)
{
    const struct mpi_pi *m = state;
    const double h = 1.0 / (double)m->n, a = (double)m->lo * h, b = (double)m->hi * h;
    const double want = 4.0 * (atan(b) - atan(a));
    const double u = 0x1p-53, terms = (double)(m->hi - m->lo);
    const double bound = (b - a) * h * h / 3.0 + (terms + 8.0) * u * 4.0 * (b - a) +
                         16.0 * DBL_EPSILON;
    if (m->terms != m->hi - m->lo) {
        snprintf(why, why_len, "summed %lld terms of its %lld", (long long)m->terms,
                 (long long)(m->hi - m->lo));
        return -1;
    }
    if (!(fabs(m->partial - want) <= bound)) {
        snprintf(why, why_len, "partial integral over [%.17g, %.17g] is %.17g, want %.17g "
                 "within %.3g", a, b, m->partial, want, bound);
        return -1;
    }
    return m->place.rank == 0 ? omps_pi_verify(m->result, m->n, why, why_len) : 0;
}

static double mpi_midpoint_result(const void *state)
{
    const struct mpi_pi *m = state;
    return m->result;
}

/* Loses one term of this rank's share, as a lost chunk would. */
static void mpi_midpoint_corrupt(void *state)
{
    struct mpi_pi *m = state;
    if (m->hi > m->lo) {
        m->partial -= omps_pi_term(m->lo, 1.0 / (double)m->n) / (double)m->n;
        m->terms--;
    }
}

static void mpi_midpoint_poison(void *state)
{
    struct mpi_pi *m = state;
    m->partial = m->result = NAN;
    m->terms = -1;
}

static double mpi_midpoint_footprint(uint64_t n)
{
    (void)n;
    return (double)sizeof(struct mpi_pi);
}

static struct omps_work mpi_midpoint_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = OMPS_PI_FLOPS_PER_TERM * (double)n};
}

const struct omps_kernel omps_kernel_mpi_midpoint = {
    .name = "mpi_midpoint",
    .summary = "midpoint-rule pi split over ranks and their teams, partial sums "
               "reduced to rank 0: Pool.map over sub-ranges (process kernel)",
    .unit = OMPS_UNIT_GFLOPS,
    .bound = OMPS_BOUND_DIVISION,
    .scheduled = 1,
    .ranked = OMPS_RANKED_ANY,
    .thread_form = &omps_kernel_midpoint,
    .default_size = omps_pi_default_size,
    .footprint = mpi_midpoint_footprint,
    .setup = mpi_midpoint_setup,
    .run = mpi_midpoint_run,
    .verify = mpi_midpoint_verify,
    .poison = mpi_midpoint_poison,
    .teardown = free,
    .result = mpi_midpoint_result,
    .corrupt = mpi_midpoint_corrupt,
    .work = mpi_midpoint_work,
};
