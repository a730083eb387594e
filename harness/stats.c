#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../kernels/errors.h"

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double omps_median_inplace(double *x, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(x, n, sizeof *x, compare_doubles);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

int omps_stats_describe(const double *x, size_t n, struct omps_stats *out)
{
    *out = (struct omps_stats){.count = n, .median = NAN, .mean = NAN,
                               .stddev = NAN, .cv = NAN, .min = NAN,
                               .max = NAN};
    if (n == 0)
        return OMPS_OK;
    double *sorted = malloc(n * sizeof *sorted);
    if (sorted == NULL)
        return OMPS_ENOMEM;
    memcpy(sorted, x, n * sizeof *sorted);
    out->median = omps_median_inplace(sorted, n);
    out->min = sorted[0];
    out->max = sorted[n - 1];
    free(sorted);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    out->mean = sum / (double)n;
    if (n < 2)
        return OMPS_OK;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - out->mean) * (x[i] - out->mean);
    out->stddev = sqrt(ss / (double)(n - 1));
    out->cv = out->stddev / out->mean;
    return OMPS_OK;
}

static int same_series(const struct omps_summary_row *a,
                       const struct omps_summary_row *b)
{
    return strcmp(a->kernel, b->kernel) == 0 &&
           strcmp(a->params, b->params) == 0 && a->n == b->n &&
           strcmp(a->schedule, b->schedule) == 0 && a->chunk == b->chunk;
}

/* Returns the one-thread row of r's series, or NULL. */
static const struct omps_summary_row *
find_serial(const struct omps_summary_row *rows, size_t count,
            const struct omps_summary_row *r)
{
    for (size_t i = 0; i < count; i++) {
        if (rows[i].threads == 1 && same_series(&rows[i], r))
            return &rows[i];
    }
    return NULL;
}

static const struct omps_summary_row *
find_copy(const struct omps_summary_row *rows, size_t count,
          const struct omps_summary_row *r)
{
    for (size_t i = 0; i < count; i++) {
        const struct omps_summary_row *c = &rows[i];
        if (strcmp(c->kernel, "copy") == 0 && c->n == r->n &&
            c->threads == r->threads && strcmp(c->schedule, r->schedule) == 0 &&
            c->chunk == r->chunk)
            return c;
    }
    return NULL;
}

static const struct omps_summary_row *
find_reference(const struct omps_summary_row *rows, size_t count,
               const struct omps_summary_row *r)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(rows[i].kernel, OMPS_OVERHEAD_REFERENCE) == 0 &&
            rows[i].threads == r->threads)
            return &rows[i];
    }
    return NULL;
}

/* Work per second in the unit's scale; NaN for an unknown unit. */
static double throughput(const struct omps_summary_row *r)
{
    const double m = r->stats.median;
    if (strcmp(r->rate_unit, "GFLOP/s") == 0)
        return r->work.flops / m / 1e9;
    if (strcmp(r->rate_unit, "GB/s") == 0)
        return r->work.bytes / m / 1e9;
    if (strcmp(r->rate_unit, "Mupdates/s") == 0)
        return r->work.items / m / 1e6;
    return NAN;
}

static double overhead_us(const struct omps_summary_row *rows, size_t count,
                          const struct omps_summary_row *r)
{
    const struct omps_summary_row *ref = find_reference(rows, count, r);
    if (ref == NULL)
        return NAN;
    return (r->stats.median / r->work.items - ref->stats.median / ref->work.items) * 1e6;
}

static void derive_one(const struct omps_summary_row *rows, size_t count,
                       struct omps_summary_row *r)
{
    const struct omps_summary_row *serial = find_serial(rows, count, r);
    const double p = (double)r->threads;
    r->speedup = serial ? serial->stats.median / r->stats.median : NAN;
    r->efficiency = r->speedup / p;
    r->karp_flatt = r->threads > 1
                        ? (1.0 / r->speedup - 1.0 / p) / (1.0 - 1.0 / p)
                        : NAN;
    r->rate = strcmp(r->rate_unit, OMPS_OVERHEAD_UNIT) == 0 ? overhead_us(rows, count, r)
                                                        : throughput(r);
    r->copy_fraction = NAN;
}

void omps_summary_derive(struct omps_summary_row *rows, size_t count)
{
    for (size_t i = 0; i < count; i++)
        derive_one(rows, count, &rows[i]);
    /* Copy's rates must all exist before any fraction is taken. */
    for (size_t i = 0; i < count; i++) {
        struct omps_summary_row *r = &rows[i];
        if (strcmp(r->rate_unit, "GB/s") != 0 || strcmp(r->kernel, "copy") == 0)
            continue;
        const struct omps_summary_row *c = find_copy(rows, count, r);
        if (c != NULL)
            r->copy_fraction = r->rate / c->rate;
    }
}
