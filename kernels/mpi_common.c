#include "mpi_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "errors.h"

struct omps_mpi_place omps_mpi_place(void)
{
    struct omps_mpi_place p;
    MPI_Comm_rank(MPI_COMM_WORLD, &p.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &p.size);
    return p;
}

void omps_mpi_share(int64_t n, struct omps_mpi_place p, int64_t *lo, int64_t *hi)
{
    const int64_t base = n / p.size, extra = n % p.size;
    *lo = p.rank * base + (p.rank < extra ? p.rank : extra);
    *hi = *lo + base + (p.rank < extra);
}

int omps_mpi_agree(int rc)
{
    int first = rc;
    /* Error codes are negative: the least is an error whenever one exists. */
    MPI_Allreduce(&rc, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return first;
}

/* Rank 0's scatter plan: each rank's count and first element. */
static int plan_scatter(struct omps_mpi_slices *s)
{
    s->counts = malloc((size_t)s->place.size * sizeof *s->counts);
    s->displs = malloc((size_t)s->place.size * sizeof *s->displs);
    if (s->counts == NULL || s->displs == NULL)
        return OMPS_ENOMEM;
    for (int r = 0; r < s->place.size; r++) {
        int64_t lo, hi;
        omps_mpi_share(s->n, (struct omps_mpi_place){r, s->place.size}, &lo, &hi);
        s->counts[r] = (int)(hi - lo);
        s->displs[r] = (int)lo;
    }
    return OMPS_OK;
}

static int alloc_slices(struct omps_mpi_slices *s, int whole)
{
    const uint64_t mine = (uint64_t)(s->hi - s->lo);
    s->in = omps_alloc_doubles(mine ? mine : 1);
    s->out = omps_alloc_doubles(mine ? mine : 1);
    if (s->in == NULL || s->out == NULL)
        return OMPS_ENOMEM;
    omps_fill_pattern_from(s->in, mine, (uint64_t)s->lo);
    omps_fill_nan(s->out, mine);
    if (!whole || s->place.rank != 0)
        return OMPS_OK;
    s->whole_in = omps_alloc_doubles((uint64_t)s->n);
    s->whole_out = omps_alloc_doubles((uint64_t)s->n);
    if (s->whole_in == NULL || s->whole_out == NULL)
        return OMPS_ENOMEM;
    omps_fill_pattern(s->whole_in, (uint64_t)s->n);
    omps_fill_nan(s->whole_out, (uint64_t)s->n);
    return plan_scatter(s);
}

int omps_mpi_slices_setup(void **state, uint64_t n, int whole)
{
    struct omps_mpi_slices *s = calloc(1, sizeof *s);
    int rc = OMPS_ENOMEM;
    if (s != NULL) {
        s->place = omps_mpi_place();
        s->n = (int64_t)n;
        s->whole = whole;
        omps_mpi_share(s->n, s->place, &s->lo, &s->hi);
        rc = alloc_slices(s, whole);
    }
    rc = omps_mpi_agree(rc);
    if (rc != OMPS_OK) {
        omps_mpi_slices_teardown(s);
        return rc;
    }
    *state = s;
    return OMPS_OK;
}

void omps_mpi_slices_teardown(void *state)
{
    struct omps_mpi_slices *s = state;
    if (s == NULL)
        return;
    free(s->in);
    free(s->out);
    free(s->whole_in);
    free(s->whole_out);
    free(s->counts);
    free(s->displs);
    free(s);
}

void omps_mpi_slices_poison(void *state)
{
    struct omps_mpi_slices *s = state;
    omps_fill_nan(s->out, (uint64_t)(s->hi - s->lo));
    /* Where a run scatters the input, a run that did not leaves NaN. */
    if (s->whole)
        omps_fill_nan(s->in, (uint64_t)(s->hi - s->lo));
    if (s->whole_out != NULL)
        omps_fill_nan(s->whole_out, (uint64_t)s->n);
}

void omps_mpi_slices_cube(struct omps_mpi_slices *s, struct omps_team *team)
{
    const int64_t n = s->hi - s->lo;
    const double *restrict in = s->in;
    double *restrict out = s->out;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for simd schedule(runtime)
        for (int64_t i = 0; i < n; i++)
            out[i] = in[i] * in[i] * in[i];
    }
}

/* Checks out[0..n) against the pattern from element first, cubed. */
static int check_cubes(const double *out, int64_t n, int64_t first, const char *what,
                       char *why, size_t why_len)
{
    for (int64_t i = 0; i < n; i++) {
        const double x = omps_pattern_at((uint64_t)(first + i));
        if (out[i] != x * x * x) {
            snprintf(why, why_len, "%s[%lld] = %.17g, want %.17g", what,
                     (long long)(first + i), out[i], x * x * x);
            return -1;
        }
    }
    return 0;
}

int omps_mpi_slices_verify(void *state, char *why, size_t why_len)
{
    const struct omps_mpi_slices *s = state;
    if (check_cubes(s->out, s->hi - s->lo, s->lo, "out", why, why_len) != 0)
        return -1;
    if (s->whole_out != NULL)
        return check_cubes(s->whole_out, s->n, 0, "gathered out", why, why_len);
    return 0;
}

/* The sampled positions of one array: its values, its first element's
 * index in the whole, and whether this pass poisons (else checks). */
struct slice_samples {
    double *a;
    int64_t first;
    int poison;
};

static int sample_one(void *obj, int64_t i, const void *ctx)
{
    const struct slice_samples *w = obj;
    (void)ctx;
    if (w->poison) {
        w->a[i] = nan("");
        return 1;
    }
    const double x = omps_pattern_at((uint64_t)(w->first + i));
    return w->a[i] == x * x * x;
}

/* Poisons, or checks, the sampled positions of out[0..n); the index of
 * the first wrong one, or n. */
static int64_t slice_samples(double *out, int64_t n, int64_t first, uint64_t salt, int chunk,
                             int poison)
{
    struct slice_samples w = {out, first, poison};
    return omps_visit_samples(n, salt, chunk, sample_one, &w, NULL);
}

void omps_mpi_slices_poison_sample(void *state, uint64_t salt, int chunk)
{
    struct omps_mpi_slices *s = state;
    const int64_t mine = s->hi - s->lo;
    slice_samples(s->out, mine, s->lo, salt, chunk, 1);
    /* Where a run scatters the input, a run that did not leaves NaN there. */
    if (s->whole)
        slice_samples(s->in, mine, s->lo, salt, chunk, 1);
    if (s->whole_out != NULL)
        slice_samples(s->whole_out, s->n, 0, salt, 0, 1);
}

int omps_mpi_slices_verify_sample(void *state, uint64_t salt, int chunk, char *why,
                                  size_t why_len)
{
    struct omps_mpi_slices *s = state;
    const int64_t mine = s->hi - s->lo;
    int64_t bad = slice_samples(s->out, mine, s->lo, salt, chunk, 0);
    const char *what = "out";
    double *a = s->out;
    int64_t first = s->lo;
    if (bad == mine && s->whole_out != NULL) {
        bad = slice_samples(s->whole_out, s->n, 0, salt, 0, 0);
        what = "gathered out", a = s->whole_out, first = 0;
        if (bad == s->n)
            return 0;
    } else if (bad == mine) {
        return 0;
    }
    const double x = omps_pattern_at((uint64_t)(first + bad));
    snprintf(why, why_len, "%s[%lld] = %.17g, want %.17g (a sampled check)", what,
             (long long)(first + bad), a[bad], x * x * x);
    return -1;
}

void omps_mpi_slices_corrupt(void *state)
{
    struct omps_mpi_slices *s = state;
    if (s->hi > s->lo)
        s->out[0] = nextafter(s->out[0], INFINITY);
}

double omps_mpi_slices_footprint(uint64_t n, int whole)
{
    return (whole ? 4.0 : 2.0) * (double)n * sizeof(double);
}
