/*
 * Judging each configuration: the evidence at each look (a rank test of the
 * shifted hypothesis and the Hodges-Lehmann estimate that belongs to it),
 * the decisions replayed look by look, and Holm's correction for confirmed
 * regressions.
 *
 * Error control: each look spends alpha / OMPS_MAX_LOOKS (Bonferroni over
 * the looks, so any number of looks up to that is covered, whenever the
 * budget stops them).  "Slower than the threshold" names configurations, so
 * it is Holm-corrected over all of them at every look; "within the
 * threshold" matters only when every configuration has it (the PASS), an
 * intersection-union claim that needs no correction across configurations.
 */
#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "gate.h"
#include "mwu.h"
#include "placement.h"
#include "stats.h"

/* The values of one side's rounds up to `limit`, as logs. */
static size_t logs_upto(const struct omps_rounds *s, long limit, double *out)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count && s->round[i] <= limit; i++)
        out[n++] = log(s->seconds[i]);
    return n;
}

/* Paired when both sides hold exactly the same rounds up to limit. */
static int same_rounds(const struct omps_rounds *a, const struct omps_rounds *b, long limit)
{
    size_t i = 0;
    for (; i < a->count && a->round[i] <= limit; i++) {
        if (i >= b->count || b->round[i] != a->round[i])
            return 0;
    }
    return i == b->count || b->round[i] > limit;
}

/* The placements of both sides' first n rounds: class_of[i] for BASE's
 * round i, class_of[n + i] for NEW's.  Returns -1 when out of memory. */
static int pair_placements(const struct omps_judgement *j, size_t n, int *class_of)
{
    double *probes = malloc((2 * n + 1) * sizeof *probes);
    if (probes == NULL)
        return -1;
    memcpy(probes, j->base->probe, n * sizeof *probes);
    memcpy(probes + n, j->new->probe, n * sizeof *probes);
    const int rc = omps_placement_classes(probes, 2 * n, class_of);
    free(probes);
    return rc < 0 ? -1 : 0;
}

/*
 * Like with like: of paired rounds of a configuration whose threads talk to
 * each other, leaves out the pairs whose two rounds ran on different
 * placements (omps_placement_classes over both sides' probes of these
 * rounds), so the host moving a vCPU between A and B is not read as a code
 * change.  Compacts x and y (n pairs); returns the pairs kept, or SIZE_MAX
 * when out of memory.
 */
static size_t same_placement(struct omps_judgement *j, double *x, double *y, size_t n)
{
    j->mismatched = 0;
    if (j->base->key.threads < 2)
        return n;
    int *class_of = malloc((2 * n + 1) * sizeof *class_of);
    if (class_of == NULL || pair_placements(j, n, class_of) != 0) {
        free(class_of);
        return SIZE_MAX;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const int a = class_of[i], b = class_of[n + i];
        if (a >= 0 && b >= 0 && a != b) {
            j->mismatched++;
            continue;
        }
        x[kept] = x[i];
        y[kept++] = y[i];
    }
    free(class_of);
    return kept;
}

static double median_exp(const double *logs, size_t n)
{
    double *v = malloc((n + 1) * sizeof *v);
    if (v == NULL)
        return NAN;
    memcpy(v, logs, n * sizeof *v);
    double m = exp(omps_median_inplace(v, n));
    free(v);
    return m;
}

/* The evidence from paired rounds: d = log NEW - log BASE. */
static int weigh_paired(struct omps_judgement *j, double *x, const double *y, size_t n,
                        double shift, double detect_level)
{
    struct omps_wsr d;
    if (omps_wsr_init(&d, n) != OMPS_OK)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < n; i++)
        x[i] = x[i] - y[i] - shift;
    j->p_beyond = omps_wsr_p_greater(&d, omps_wsr_statistic(x, n));
    for (size_t i = 0; i < n; i++)
        x[i] = -x[i];
    j->p_within = omps_wsr_p_greater(&d, omps_wsr_statistic(x, n));
    for (size_t i = 0; i < n; i++)
        x[i] = shift - x[i];
    double est = NAN, lo_detect = NAN, ignored;
    int rc = omps_walsh_interval(&d, x, 0.95, &j->lo, &est, &j->hi);
    if (rc == OMPS_OK)
        rc = omps_walsh_interval(&d, x, detect_level, &lo_detect, &est, &ignored);
    j->ratio = est;
    j->detectable = est - lo_detect;
    omps_wsr_free(&d);
    return rc;
}

/* The evidence from independent rounds: Mann-Whitney on the logs. */
static int weigh_unpaired(struct omps_judgement *j, double *x, size_t m, const double *y,
                          size_t n, double shift, double detect_level)
{
    struct omps_mwu d;
    if (omps_mwu_init(&d, m, n) != OMPS_OK)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < m; i++)
        x[i] -= shift;
    const double u = omps_mwu_statistic(x, m, y, n);
    j->p_beyond = omps_mwu_p_greater(&d, u);
    j->p_within = omps_mwu_p_greater(&d, (double)(m * n) - u);
    for (size_t i = 0; i < m; i++)
        x[i] += shift;
    double est = NAN, lo_detect = NAN, ignored;
    int rc = omps_shift_interval(&d, x, y, 0.95, &j->lo, &est, &j->hi);
    if (rc == OMPS_OK)
        rc = omps_shift_interval(&d, x, y, detect_level, &lo_detect, &est, &ignored);
    j->ratio = est;
    j->detectable = est - lo_detect;
    omps_mwu_free(&d);
    return rc;
}

/*
 * Weighs one configuration with the rounds up to limit.  detect_level is the
 * two-sided level whose lower bound a regression must clear (Holm's
 * strictest step), from which the detectable slowdown follows.  Fills the
 * estimate and interval as ratios.
 */
static int weigh(struct omps_judgement *j, long limit, double shift, double detect_level)
{
    double *x = malloc((j->new->count + 1) * sizeof *x);
    double *y = malloc((j->base->count + 1) * sizeof *y);
    int rc = x && y ? OMPS_OK : OMPS_ENOMEM;
    if (rc == OMPS_OK) {
        j->n_new = logs_upto(j->new, limit, x);
        j->n_base = logs_upto(j->base, limit, y);
        j->paired = same_rounds(j->base, j->new, limit);
        const size_t kept = j->paired ? same_placement(j, x, y, j->n_new) : j->n_new;
        rc = kept == SIZE_MAX ? OMPS_ENOMEM : OMPS_OK;
        if (j->paired && rc == OMPS_OK)
            j->n_new = j->n_base = kept;
        j->new_s = median_exp(x, j->n_new);
        j->base_s = median_exp(y, j->n_base);
        j->p_beyond = j->p_within = 1.0;
        j->ratio = j->lo = j->hi = j->detectable = NAN;
    }
    if (rc == OMPS_OK && j->n_new > 0 && j->n_base > 0) {
        rc = j->paired ? weigh_paired(j, x, y, j->n_new, shift, detect_level)
                       : weigh_unpaired(j, x, j->n_new, y, j->n_base, shift, detect_level);
        j->ratio = exp(j->ratio);
        j->lo = exp(j->lo);
        j->hi = exp(j->hi);
        j->detectable = exp(shift + j->detectable) - 1.0; /* NaN/inf: none */
    }
    free(x);
    free(y);
    return rc;
}

static int comparable(const struct omps_judgement *j)
{
    return j->base != NULL && j->new != NULL && !j->new->unverified && j->new->count > 0 &&
           j->base->count > 0;
}

/* ", N on different placements left out", or "". */
static const char *left_out(const struct omps_judgement *j)
{
    static char text[80];
    text[0] = '\0';
    if (j->mismatched > 0)
        snprintf(text, sizeof text, ", %zu on different placements left out", j->mismatched);
    return text;
}

static void decide_within(struct omps_judgement *j, int look, double a,
                          const struct omps_compare_options *o)
{
    if (j->look != 0 || !(j->p_within < a))
        return;
    j->look = look;
    j->verdict = j->hi < 1.0 - o->threshold ? "improvement" : "unchanged";
    snprintf(j->reason, sizeof j->reason,
             "within +%.3g%%: p = %.2g at look %d (%zu rounds%s%s)", o->threshold * 100,
             j->p_within, look, j->n_new, j->paired ? ", paired" : "", left_out(j));
}

/* Holm over every comparable configuration at level a; rejections that are
 * still undecided become regressions. */
static int decide_beyond(struct omps_judgement *v, size_t k, int look, double a)
{
    double *p = malloc((2 * k + 1) * sizeof *p);
    size_t *at = malloc((k + 1) * sizeof *at);
    size_t m = 0;
    int rc = p && at ? OMPS_OK : OMPS_ENOMEM;
    for (size_t i = 0; rc == OMPS_OK && i < k; i++) {
        if (comparable(&v[i])) {
            at[m] = i;
            p[m++] = v[i].p_beyond;
        }
    }
    if (rc == OMPS_OK && m > 0)
        rc = omps_holm(p, m, p + k);
    for (size_t i = 0; rc == OMPS_OK && i < m; i++) {
        struct omps_judgement *j = &v[at[i]];
        if (j->look == 0 || j->look == look)
            j->p_beyond_holm = p[k + i];
        if (j->look != 0 || !(p[k + i] < a))
            continue;
        j->look = look;
        j->verdict = "regression";
        snprintf(j->reason, sizeof j->reason,
                 "slower than the threshold: p = %.2g after Holm at look %d (%zu rounds%s%s)",
                 p[k + i], look, j->n_new, j->paired ? ", paired" : "", left_out(j));
    }
    free(p);
    free(at);
    return rc;
}

static size_t count_comparable(const struct omps_judgement *v, size_t k)
{
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        m += comparable(&v[i]);
    return m;
}

/* One look: weigh what is undecided with the rounds up to limit, then decide. */
static int look_once(struct omps_judgement *v, size_t k, int look, long limit, double a,
                     const struct omps_compare_options *o)
{
    const size_t m = count_comparable(v, k);
    const double shift = log1p(o->threshold);
    const double detect_level = 1.0 - 2.0 * a / (double)(m ? m : 1);
    for (size_t i = 0; i < k; i++) {
        if (comparable(&v[i]) && v[i].look == 0 && weigh(&v[i], limit, shift, detect_level))
            return OMPS_ENOMEM;
    }
    for (size_t i = 0; i < k; i++) {
        if (comparable(&v[i]))
            decide_within(&v[i], look, a, o);
    }
    return decide_beyond(v, k, look, a);
}

/* The verdict of a configuration that no look decided. */
static void undecided(struct omps_judgement *j, const struct omps_compare_options *o)
{
    if (j->new == NULL) {
        j->verdict = "missing";
        snprintf(j->reason, sizeof j->reason, "NEW has no such configuration");
    } else if (j->base == NULL) {
        j->verdict = "added";
        snprintf(j->reason, sizeof j->reason, "only in NEW: nothing to compare with");
    } else if (j->new->unverified) {
        j->verdict = "unverified";
        snprintf(j->reason, sizeof j->reason, "NEW has repetitions that failed verification");
    } else if (!comparable(j)) {
        j->verdict = "missing";
        snprintf(j->reason, sizeof j->reason, "a side has no verified repetitions");
    } else if (isfinite(j->detectable)) {
        j->verdict = "inconclusive";
        snprintf(j->reason, sizeof j->reason,
                 "undecided after %zu rounds%s: could confirm slowdowns beyond +%.3g%%",
                 j->n_new, left_out(j), j->detectable * 100);
    } else {
        j->verdict = "inconclusive";
        snprintf(j->reason, sizeof j->reason,
                 "undecided: %zu vs %zu rounds%s cannot reach p < %.2g; more rounds needed",
                 j->n_base, j->n_new, left_out(j), o->alpha);
    }
}

/*
 * A configuration that crashed, hung or could not start on a side is
 * undecided whatever its other rounds said: the rounds it lost are not
 * random, so what is left is not a fair sample.  A confirmed regression and
 * a failed verification stay: a fault does not excuse either.
 */
static void faulted(struct omps_judgement *j)
{
    const struct omps_rounds *at = j->base && j->base->fault[0] ? j->base
                                   : j->new && j->new->fault[0]   ? j->new
                                                                  : NULL;
    if (at == NULL || strcmp(j->verdict, "regression") == 0 ||
        strcmp(j->verdict, "unverified") == 0)
        return;
    j->verdict = "faulted";
    j->look = 0;
    snprintf(j->reason, sizeof j->reason, "%s %s", at == j->base ? "BASE" : "NEW", at->fault);
}

static int severity(const char *verdict)
{
    static const char *const order[] = {"unverified", "regression", "faulted", "missing",
                                        "inconclusive", "improvement", "unchanged", "added"};
    const int n = (int)(sizeof order / sizeof order[0]);
    for (int i = 0; i < n; i++) {
        if (strcmp(verdict, order[i]) == 0)
            return i;
    }
    return n;
}

static int by_severity(const void *a, const void *b)
{
    const struct omps_judgement *x = a, *y = b;
    int s = severity(x->verdict) - severity(y->verdict);
    if (s != 0)
        return s;
    const double rx = isnan(x->ratio) ? 0 : x->ratio, ry = isnan(y->ratio) ? 0 : y->ratio;
    return (rx < ry) - (rx > ry);
}

/* One judgement per configuration of either side. */
static struct omps_judgement *pair_up(const struct omps_side *base,
                                      const struct omps_side *new, size_t *count)
{
    struct omps_judgement *v = calloc(base->nsets + new->nsets + 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; v != NULL && i < base->nsets; i++) {
        v[k] = (struct omps_judgement){.base = &base->sets[i]};
        for (size_t n = 0; n < new->nsets; n++) {
            if (omps_key_compare(&new->sets[n].key, &base->sets[i].key) == 0)
                v[k].new = &new->sets[n];
        }
        k++;
    }
    for (size_t n = 0; v != NULL && n < new->nsets; n++) {
        int found = 0;
        for (size_t i = 0; i < base->nsets && !found; i++)
            found = omps_key_compare(&new->sets[n].key, &base->sets[i].key) == 0;
        if (!found)
            v[k++] = (struct omps_judgement){.new = &new->sets[n]};
    }
    for (size_t i = 0; i < k; i++)
        v[i].ratio = v[i].lo = v[i].hi = v[i].base_s = v[i].new_s = NAN;
    *count = k;
    return v;
}

int omps_gate_judge(const struct omps_side *base, const struct omps_side *new,
                    const struct omps_compare_options *o, struct omps_judgement **out,
                    size_t *count)
{
    size_t k;
    struct omps_judgement *v = pair_up(base, new, &k);
    if (v == NULL)
        return OMPS_ENOMEM;
    const size_t looks = o->nlooks ? o->nlooks : 1;
    const double a = o->alpha / (o->nlooks ? OMPS_MAX_LOOKS : 1);
    int rc = OMPS_OK;
    for (size_t l = 0; rc == OMPS_OK && l < looks; l++)
        rc = look_once(v, k, (int)l + 1, o->nlooks ? o->looks[l] : LONG_MAX, a, o);
    if (rc != OMPS_OK) {
        free(v);
        return rc;
    }
    for (size_t i = 0; i < k; i++) {
        if (v[i].look == 0)
            undecided(&v[i], o);
        faulted(&v[i]);
    }
    qsort(v, k, sizeof *v, by_severity);
    *out = v;
    *count = k;
    return OMPS_OK;
}
