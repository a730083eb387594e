#include "stats.h"

#include "pi_terms.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

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

/* P(B <= k) for B ~ Binomial(n, 1/2), by the recurrence on the
 * probabilities in log space so that large n does not underflow. */
static double binomial_half_cdf(size_t n, size_t k)
{
    double log_p = (double)n * log(0.5), sum = 0.0;
    for (size_t i = 0; i <= k; i++) {
        sum += exp(log_p);
        log_p += log((double)(n - i) / (double)(i + 1));
    }
    return sum;
}

int omps_median_interval(const double *sorted, size_t n, double *lo, double *hi)
{
    *lo = *hi = NAN;
    size_t k = 0; /* lower bound is sorted[k - 1] (1-based x(k)) */
    while (k + 1 <= n / 2 && 2.0 * binomial_half_cdf(n, k) <= 0.05)
        k++;
    if (k == 0)
        return -1;
    *lo = sorted[k - 1];
    *hi = sorted[n - k];
    return 0;
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

double omps_ulps(double x, double ref)
{
    const double ulp = nextafter(fabs(ref), INFINITY) - fabs(ref);
    return fabs(x - ref) / ulp;
}

/* Returns the one-thread row of r's series, or NULL. */
static const struct omps_summary_row *
find_serial(const struct omps_summary_row *rows, size_t count,
            const struct omps_summary_row *r)
{
    /* A process kernel's base case is one rank of one thread. */
    struct omps_key base = r->key;
    base.ranks = 1;
    for (size_t i = 0; i < count; i++) {
        if (rows[i].key.threads == 1 && omps_key_ranks(&rows[i].key) == 1 &&
            omps_key_same_series(&rows[i].key, &base))
            return &rows[i];
    }
    return NULL;
}

/* Whether c ran at r's n, threads, ranks, schedule and environment. */
static int same_point(const struct omps_key *c, const struct omps_key *r)
{
    return c->n == r->n && c->threads == r->threads && omps_key_ranks(c) == omps_key_ranks(r) &&
           c->schedule.kind == r->schedule.kind && c->schedule.chunk == r->schedule.chunk &&
           omps_env_compare(&c->env, &r->env) == 0;
}

/* Returns the row of kernel k at r's n, threads, schedule and environment,
 * or NULL. */
static const struct omps_summary_row *
find_ceiling(const struct omps_summary_row *rows, size_t count,
             const struct omps_summary_row *r, const struct omps_kernel *k)
{
    for (size_t i = 0; i < count; i++) {
        if (rows[i].key.kernel == k && same_point(&rows[i].key, &r->key))
            return &rows[i];
    }
    return NULL;
}

/* The best rate among the bandwidth ceilings (kernels bound by bandwidth
 * that name no ceiling of their own: copy, read and update) at r's n, threads,
 * schedule and environment; NaN when none ran there. */
static double best_ceiling_rate(const struct omps_summary_row *rows, size_t count,
                                const struct omps_summary_row *r)
{
    double best = NAN;
    for (size_t i = 0; i < count; i++) {
        const struct omps_kernel *k = rows[i].key.kernel;
        if (k->bound != OMPS_BOUND_BANDWIDTH || k->ceiling != NULL ||
            !same_point(&rows[i].key, &r->key))
            continue;
        if (isnan(best) || rows[i].rate > best)
            best = rows[i].rate;
    }
    return best;
}

static const struct omps_summary_row *
find_reference(const struct omps_summary_row *rows, size_t count,
               const struct omps_summary_row *r)
{
    for (size_t i = 0; i < count; i++) {
        if (rows[i].key.kernel == r->key.kernel->reference &&
            rows[i].key.threads == r->key.threads &&
            omps_env_compare(&rows[i].key.env, &r->key.env) == 0)
            return &rows[i];
    }
    return NULL;
}

static struct omps_work row_work(const struct omps_summary_row *r)
{
    return r->key.kernel->work(r->key.n, r->key.params);
}

/* Work per second in the unit's scale; NaN for an overhead. */
static double throughput(const struct omps_summary_row *r)
{
    const double m = r->stats.median;
    const struct omps_work w = row_work(r);
    switch (r->key.kernel->unit) {
    case OMPS_UNIT_GFLOPS:
        return w.flops / m / 1e9;
    case OMPS_UNIT_GBPS:
        return w.bytes / m / 1e9;
    case OMPS_UNIT_MUPDATES:
        return w.items / m / 1e6;
    case OMPS_UNIT_UNITS_PER_S:
        return w.items / m;
    case OMPS_UNIT_US_PER_CONSTRUCT:
        /* Only a cost measured without a reference (spawn) comes here. */
        return m / w.items * 1e6;
    }
    return NAN;
}

/* a * r's minus b * ref's per-round medians, paired by round: fills d[]
 * and returns how many rounds both ran. */
static size_t paired_differences(const struct omps_summary_row *r, double a,
                                 const struct omps_summary_row *ref, double b, double *d)
{
    size_t m = 0;
    for (size_t i = 0, j = 0; i < r->rounds && j < ref->rounds;) {
        if (r->round_ids[i] < ref->round_ids[j]) {
            i++;
        } else if (r->round_ids[i] > ref->round_ids[j]) {
            j++;
        } else {
            d[m++] = a * r->round_seconds[i++] - b * ref->round_seconds[j++];
        }
    }
    return m;
}

/* The overhead's estimate and interval in microseconds per construct. */
static void overhead_us(const struct omps_summary_row *r, const struct omps_summary_row *ref,
                        double *est, double *lo, double *hi)
{
    /* Seconds per run to microseconds per construct. */
    const double a = 1e6 / row_work(r).items, b = 1e6 / row_work(ref).items;
    const size_t most = r->rounds < ref->rounds ? r->rounds : ref->rounds;
    double *d = most >= 6 ? malloc(most * sizeof *d) : NULL;
    const size_t m = d ? paired_differences(r, a, ref, b, d) : 0;
    if (m >= 6) {
        *est = omps_median_inplace(d, m);
        omps_median_interval(d, m, lo, hi);
    } else {
        /* Too few shared rounds: two independent 95% intervals, crosswise. */
        *est = a * r->stats.median - b * ref->stats.median;
        *lo = a * r->ci_low - b * ref->ci_high;
        *hi = a * r->ci_high - b * ref->ci_low;
    }
    free(d);
}

/* Fills rate, its interval and note for an overhead row. */
static void derive_overhead(const struct omps_summary_row *rows, size_t count,
                            struct omps_summary_row *r)
{
    const struct omps_summary_row *ref = find_reference(rows, count, r);
    r->rate = r->rate_ci_low = r->rate_ci_high = NAN;
    if (ref == NULL)
        return;
    if (ref->key.kernel == r->key.kernel) {
        r->rate = r->rate_ci_low = r->rate_ci_high = 0.0; /* by definition */
        return;
    }
    double est, lo, hi;
    overhead_us(r, ref, &est, &lo, &hi);
    /* A construct cannot cost less than nothing: an interval that reaches
     * zero means this cost is below what the run could resolve. */
    if (lo <= 0.0 || est <= 0.0)
        r->note = "below_resolution";
    r->rate = est > 0.0 ? est : NAN;
    r->rate_ci_low = lo > 0.0 ? lo : isnan(lo) ? NAN : 0.0;
    r->rate_ci_high = hi > 0.0 ? hi : isnan(hi) ? NAN : 0.0;
}

/* A throughput's interval: its work over the ends of the time's interval. */
static void derive_throughput(struct omps_summary_row *r)
{
    r->rate = throughput(r);
    if (r->key.kernel->unit == OMPS_UNIT_US_PER_CONSTRUCT) {
        /* A cost grows with the time, not against it. */
        r->rate_ci_low = r->rate * r->ci_low / r->stats.median;
        r->rate_ci_high = r->rate * r->ci_high / r->stats.median;
        return;
    }
    r->rate_ci_low = r->rate * r->stats.median / r->ci_high;
    r->rate_ci_high = r->rate * r->stats.median / r->ci_low;
}

static void derive_one(const struct omps_summary_row *rows, size_t count,
                       struct omps_summary_row *r)
{
    const struct omps_summary_row *serial = find_serial(rows, count, r);
    const double p = (double)omps_key_cores(&r->key);
    r->speedup = serial ? serial->stats.median / r->stats.median : NAN;
    r->speedup_ci_low = serial ? serial->ci_low / r->ci_high : NAN;
    r->speedup_ci_high = serial ? serial->ci_high / r->ci_low : NAN;
    r->efficiency = r->speedup / p;
    r->karp_flatt = p > 1
                        ? (1.0 / r->speedup - 1.0 / p) / (1.0 - 1.0 / p)
                        : NAN;
    r->result_spread = NAN;
    if (serial != NULL && isfinite(serial->result_low) && isfinite(r->result_low))
        r->result_spread = fmax(omps_ulps(r->result_low, serial->result_low),
                                omps_ulps(r->result_high, serial->result_low));
    r->note = NULL;
    if (r->key.kernel->unit == OMPS_UNIT_US_PER_CONSTRUCT && r->key.kernel->reference != NULL)
        derive_overhead(rows, count, r);
    else
        derive_throughput(r);
    r->copy_fraction = NAN;
}

/* The rate row r's bound allows (NaN: no bound, or unknown). */
static double bound_rate(const struct omps_summary_row *rows, size_t count,
                         const struct omps_summary_row *r, double division_ns)
{
    const struct omps_kernel *k = r->key.kernel;
    switch (k->bound) {
    case OMPS_BOUND_DIVISION:
        return OMPS_PI_FLOPS_PER_TERM / division_ns * (double)omps_key_cores(&r->key);
    case OMPS_BOUND_BANDWIDTH:
        return best_ceiling_rate(rows, count, r);
    case OMPS_BOUND_WAITS:
        return fmin((double)r->key.threads, (double)r->key.n) / (r->key.params[0] * 1e-6);
    case OMPS_BOUND_NONE:
        break;
    }
    return NAN;
}

void omps_summary_derive(struct omps_summary_row *rows, size_t count, double division_ns)
{
    for (size_t i = 0; i < count; i++)
        derive_one(rows, count, &rows[i]);
    /* Every ceiling's rate must exist before any fraction is taken. */
    for (size_t i = 0; i < count; i++) {
        struct omps_summary_row *r = &rows[i];
        const struct omps_kernel *ceiling = r->key.kernel->ceiling;
        const struct omps_summary_row *c =
            ceiling ? find_ceiling(rows, count, r, ceiling) : NULL;
        if (c != NULL)
            r->copy_fraction = r->rate / c->rate;
        r->bound_rate = bound_rate(rows, count, r, division_ns);
        r->bound_fraction = r->rate / r->bound_rate;
    }
}

int omps_process_serial(double cpus, double threads_seen, int threads, int ranks, int launched)
{
    if (threads < 2)
        return 0;
    if (launched)
        return threads_seen >= 1 && threads_seen <= ranks;
    return cpus <= OMPS_SERIAL_CPUS && !(threads_seen > 1);
}

double omps_t975(int ndf)
{
    /* The expansion runs 0.7% low at 3 degrees of freedom; below 31 the
     * exact quantile is cheap. */
    if (ndf <= 30)
        return omps_t_two_sided(0.95, ndf);
    const double z = 1.959963985, v = ndf, z2 = z * z;
    return z + z * (z2 + 1) / (4 * v) + z * (5 * z2 * z2 + 16 * z2 + 3) / (96 * v * v) +
           z * (3 * z2 * z2 * z2 + 19 * z2 * z2 + 17 * z2 - 15) / (384 * v * v * v);
}

/* P(|T| < t) for Student's t with ndf degrees of freedom, by the finite
 * sums for a whole number of them (Abramowitz and Stegun 26.7.3, 26.7.4). */
static double t_central(double t, int ndf)
{
    const double theta = atan(t / sqrt(ndf)), c = cos(theta), c2 = c * c;
    double sum = 0, term;
    if (ndf % 2 == 1) {
        term = c;
        for (int k = 1; k <= (ndf - 1) / 2; k++) {
            if (k > 1)
                term *= c2 * (2.0 * (k - 1)) / (2.0 * (k - 1) + 1);
            sum += term;
        }
        return 2 / 3.14159265358979323846 * (theta + sin(theta) * sum);
    }
    term = 1;
    for (int k = 0; k <= (ndf - 2) / 2; k++) {
        if (k > 0)
            term *= c2 * (2.0 * k - 1) / (2.0 * k);
        sum += term;
    }
    return sin(theta) * sum;
}

double omps_t_two_sided(double level, int ndf)
{
    if (ndf < 1)
        ndf = 1;
    double lo = 0, hi = 1;
    while (t_central(hi, ndf) < level && hi < 1e12)
        hi *= 2;
    for (int i = 0; i < 100; i++) {
        const double mid = (lo + hi) / 2;
        *(t_central(mid, ndf) < level ? &lo : &hi) = mid;
    }
    return (lo + hi) / 2;
}
