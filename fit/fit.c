/*
 * Fitting every series and writing fit.csv.
 *
 * Intervals: a bootstrap that resamples whole rounds (the level at which a
 * shared machine's state varies; one round holds every configuration once),
 * refits each resample, and reads the 95% interval off the resampled
 * parameters with Hesterberg's expanded percentiles (tails at
 * Phi(-sqrt(R/(R-1)) t(R-1)) rather than 2.5%), which keeps coverage with the
 * handful of rounds a quick run has.  Without rounds (fewer than 3, or a
 * summary with no runs.csv) the interval is the fit's linearised standard
 * error times Student's t.
 *
 * Rounds of one run share that run's state (the host's placement of the
 * vCPUs, its neighbours, the build's code layout), which a later run does
 * not: one run's interval is about that run.  With --with, several runs are
 * pooled and the bootstrap resamples at both levels (Kalibera and Jones):
 * runs with replacement, then each drawn run's rounds.  With a handful of
 * runs no percentile of the resamples can reach past the most extreme run
 * (with four runs, the truth lies outside their range one time in eight),
 * so a pooled interval is the estimate +- t(K-1) sqrt(K/(K-1)) times the
 * resamples' standard deviation, K the number of runs: Student's interval
 * with the bootstrap's standard error, corrected for its K-1 over K bias.
 */
#define _POSIX_C_SOURCE 200809L
#include "fit.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errors.h"
#include "parse.h"
#include "registry.h"
#include "csv_write.h"
#include "models.h"
#include "advice.h"
#include "headline.h"
#include "pictures.h"
#include "stats.h"

#define RESAMPLES 2000

/* One series: the points that share everything but threads. */
struct series {
    size_t *members; /* indexes into the input's points */
    size_t count;
    char label[320];  /* schedule, then the detail */
    char detail[300]; /* params, ranks, environment: "[f=0.1] spread" */
    char legend[600]; /* the label, T(1), and f with its interval */
    struct omps_fitted_series fitted; /* what the pictures and headline use */
};

/* A parameter's estimate, standard error and interval. */
struct estimate {
    double value, stderr_, lo, hi;
};

/* One model's outcome for a series. */
struct outcome {
    int ok;
    char why[200];          /* when not ok */
    struct omps_model_fit fit;
    struct estimate p[3];   /* Amdahl: f; USL: alpha, beta, peak */
    double aicc, chi2_p;
    size_t points;
};

struct fit_ctx {
    const struct omps_fit_input *in;
    FILE *csv;
    uint64_t seed;
};

static uint64_t next_random(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A process kernel's series is its ranks of one thread count each, over
 * cores: ranks of one thread are processes alone (the seed's Pool), and a
 * split of the cores into fewer, wider ranks is a series of its own. */
static int same_series(const struct omps_fit_point *a, const struct omps_fit_point *b)
{
    return a->ranked ? omps_key_same_rank_series(&a->key, &b->key)
                     : omps_key_same_series(&a->key, &b->key);
}

/* The included points of series s, with the times given (NaN: left out). */
static size_t gather(const struct fit_ctx *c, const struct series *s, const double *times,
                     struct omps_point *out)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++) {
        const struct omps_fit_point *p = &c->in->points[s->members[i]];
        if (p->excluded == 0 && isfinite(times[i]))
            out[n++] = (struct omps_point){(double)p->cores, times[i], p->sigma};
    }
    return n;
}

/* A point's median over a bootstrap resample: cnt[g] copies of round g. */
static double resampled_median(const struct omps_fit_point *p, const unsigned *cnt,
                               double *scratch)
{
    size_t k = 0;
    for (size_t i = 0; i < p->nrounds; i++) {
        for (unsigned j = 0; j < cnt[p->round_index[i]]; j++)
            scratch[k++] = p->round_values[i];
    }
    return k ? omps_median_inplace(scratch, k) : NAN;
}

/* The parameters a model yields, in the order of struct outcome's p. */
static void parameters(enum omps_model m, const struct omps_model_fit *f, double out[3])
{
    out[0] = m == OMPS_AMDAHL ? f->f : f->alpha;
    out[1] = m == OMPS_AMDAHL ? NAN : f->beta;
    out[2] = m == OMPS_USL && f->beta > 0 && f->alpha < 1 ? sqrt((1 - f->alpha) / f->beta)
                                                          : INFINITY;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Expanded percentile bounds of sorted v[0..n) for R rounds. */
static void percentile_bounds(double *v, size_t n, size_t rounds, double *lo, double *hi)
{
    qsort(v, n, sizeof *v, by_value);
    const double r = (double)rounds;
    const double tail = omps_phi(-sqrt(r / (r - 1.0)) * omps_t975((int)rounds - 1));
    size_t k = (size_t)floor(tail * (double)n);
    if (k >= n)
        k = n - 1;
    *lo = v[k];
    *hi = v[n - 1 - k];
}

/* Draws one resample into cnt[0..rounds): rounds with replacement, or,
 * over pooled runs, runs with replacement and then each drawn run's rounds. */
static void resample(const struct omps_fit_input *in, unsigned *cnt, uint64_t *rng)
{
    const size_t R = in->rounds;
    memset(cnt, 0, R * sizeof *cnt);
    if (in->runs < 2) {
        for (size_t i = 0; i < R; i++)
            cnt[next_random(rng) % R]++;
        return;
    }
    for (size_t k = 0; k < in->runs; k++) {
        const size_t j = next_random(rng) % in->runs;
        const size_t first = in->run_first[j], n = in->run_rounds[j];
        for (size_t i = 0; i < n; i++)
            cnt[first + next_random(rng) % n]++;
    }
}

/* The pooled interval of the comment at the top, from draws v[0..n) over
 * K runs; returns -1 when a draw is not finite (an unbounded USL peak). */
static int student_bounds(const double *v, size_t n, size_t runs, double value, double *lo,
                          double *hi)
{
    double sum = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            return -1;
        sum += v[i];
    }
    const double mean = sum / (double)n, k = (double)runs;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    const double half = omps_t975((int)runs - 1) * sqrt(k / (k - 1.0)) *
                        sqrt(ss / (double)(n - 1));
    *lo = value - half;
    *hi = value + half;
    return 0;
}

/* Refits model on RESAMPLES resamples of rounds; fills each parameter's
 * interval.  Returns 0, or -1 when too many resamples could not be fitted. */
static int bootstrap(const struct fit_ctx *c, const struct series *s, enum omps_model m,
                     struct outcome *o)
{
    const size_t R = c->in->rounds;
    /* The units the expanded percentiles count: runs when pooled. */
    const size_t units = c->in->runs >= 2 ? c->in->runs : R;
    unsigned *cnt = calloc(R + 1, sizeof *cnt);
    double *times = malloc((s->count + 1) * sizeof *times);
    /* A pooled resample can draw the longest run every time. */
    size_t longest = 0;
    for (size_t j = 0; j < c->in->runs; j++)
        longest = c->in->run_rounds[j] > longest ? c->in->run_rounds[j] : longest;
    const size_t most = c->in->runs >= 2 ? longest * c->in->runs : R;
    double *scratch = malloc((most + 1) * sizeof *scratch);
    double *draws = malloc(3 * RESAMPLES * sizeof *draws);
    struct omps_point *pts = malloc((s->count + 1) * sizeof *pts);
    size_t good = 0;
    uint64_t rng = c->seed ^ (uint64_t)s->members[0] * 0xD1B54A32D192ED03ULL ^ (uint64_t)m;
    int rc = cnt && times && scratch && draws && pts ? 0 : -1;
    for (int b = 0; rc == 0 && b < RESAMPLES; b++) {
        resample(c->in, cnt, &rng);
        for (size_t i = 0; i < s->count; i++)
            times[i] = resampled_median(&c->in->points[s->members[i]], cnt, scratch);
        struct omps_model_fit f;
        double v[3];
        if (omps_model_fit(m, pts, gather(c, s, times, pts), &f) != 0)
            continue;
        parameters(m, &f, v);
        for (int j = 0; j < 3; j++)
            draws[j * RESAMPLES + good] = v[j];
        good++;
    }
    if (rc == 0 && good >= RESAMPLES * 9 / 10) {
        for (int j = 0; j < 3; j++) {
            double *v = draws + j * RESAMPLES;
            if (c->in->runs < 2 ||
                student_bounds(v, good, units, o->p[j].value, &o->p[j].lo, &o->p[j].hi) != 0)
                percentile_bounds(v, good, units, &o->p[j].lo, &o->p[j].hi);
        }
    } else {
        rc = -1;
    }
    free(cnt);
    free(times);
    free(scratch);
    free(draws);
    free(pts);
    return rc;
}

/* Intervals without rounds: estimate +- t(ndf) standard errors. */
static void linear_bounds(struct outcome *o, int nparams)
{
    const double t = omps_t975(o->fit.ndf > 0 ? o->fit.ndf : 1000);
    for (int j = 0; j < nparams; j++) {
        o->p[j].lo = o->p[j].value - t * o->p[j].stderr_;
        o->p[j].hi = o->p[j].value + t * o->p[j].stderr_;
    }
    o->p[2].lo = o->p[2].hi = NAN;
}

/* Fits one model to a series: the estimate, errors, interval, AICc and the
 * chi-square test of the fit. */
static void fit_model(const struct fit_ctx *c, const struct series *s, enum omps_model m,
                      struct outcome *o)
{
    struct omps_point *pts = malloc((s->count + 1) * sizeof *pts);
    double *times = malloc((s->count + 1) * sizeof *times);
    memset(o, 0, sizeof *o);
    if (pts == NULL || times == NULL) {
        snprintf(o->why, sizeof o->why, "out of memory");
        free(pts);
        free(times);
        return;
    }
    for (size_t i = 0; i < s->count; i++)
        times[i] = c->in->points[s->members[i]].median;
    o->points = gather(c, s, times, pts);
    const int k = m == OMPS_AMDAHL ? 2 : 3;
    if (o->points == 0)
        snprintf(o->why, sizeof o->why, "no finite times to fit");
    else if (omps_model_fit(m, pts, o->points, &o->fit) != 0)
        snprintf(o->why, sizeof o->why, "%s", m == OMPS_AMDAHL
                 ? "only one thread count, or times that do not follow T(N) = T1 (f + (1-f)/N)"
                 : "needs 4 thread counts, or times that USL cannot follow");
    else
        o->ok = 1;
    free(pts);
    free(times);
    if (!o->ok)
        return;
    const double scale = o->fit.ndf > 0 ? fmax(1.0, sqrt(o->fit.chi2 / o->fit.ndf)) : 1.0;
    double v[3];
    parameters(m, &o->fit, v);
    for (int j = 0; j < 3; j++)
        o->p[j].value = v[j];
    for (int j = 0; j < k - 1; j++)
        o->p[j].stderr_ = omps_model_stderr(m, &o->fit, j) * scale;
    if (c->in->rounds < 3 || bootstrap(c, s, m, o) != 0)
        linear_bounds(o, k - 1);
    o->aicc = omps_aicc(o->fit.chi2, o->points, k);
    o->chi2_p = omps_chi2_upper(o->fit.chi2, o->fit.ndf);
}

static void row(const struct fit_ctx *c, const struct series *s, const char *model,
                const char *param, double value, double err, size_t points, const char *note,
                double lo, double hi)
{
    const struct omps_fit_point *p = &c->in->points[s->members[0]];
    /* A pooled fit says so on every row, so fit.csv cannot be mistaken for
     * one run's. */
    char pooled[600], env[160];
    if (c->in->runs >= 2) {
        snprintf(pooled, sizeof pooled, "%s%spooled over %zu runs", note, *note ? "; " : "",
                 c->in->runs);
        note = pooled;
    }
    omps_env_text(&p->key.env, 1, env, sizeof env);
    const struct omps_fit_row fit_row = {
        .point = p, .model = model, .parameter = param, .value = value, .err = err,
        .points = points, .note = note, .lo = lo, .hi = hi, .environment = env,
        .threads_per_rank = p->ranked ? p->key.threads : 0};
    const struct omps_fit_row *row = &fit_row;
    FILE *f = c->csv;
    int first = 1;
    OMPS_FIT_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}

static const char *kernel_of(const struct fit_ctx *c, const struct series *s)
{
    return c->in->points[s->members[0]].key.kernel->name;
}

/* A note for every parameter row of a fit that the chi-square test rejects. */
static void fit_note(const struct outcome *o, char *note, size_t len)
{
    *note = '\0';
    if (o->chi2_p < 0.001)
        snprintf(note, len, "bad fit: chi2 %.3g on %d degrees of freedom; the model does not "
                            "describe these points", o->fit.chi2, o->fit.ndf);
}

/* Amdahl's rows.  f outside [0, 1] is reported at the boundary it crossed,
 * with its interval clipped to [0, 1], never refused: a small true f with
 * noise lands below 0 about half the time. */
static void amdahl_rows(const struct fit_ctx *c, const struct series *s, struct outcome *o)
{
    char note[300];
    if (!o->ok) {
        row(c, s, "amdahl", "skipped", NAN, NAN, o->points, o->why, NAN, NAN);
        fprintf(stderr, "plots: %s %s: Amdahl fit skipped: %s\n", kernel_of(c, s), s->label,
                o->why);
        return;
    }
    struct estimate *f = &o->p[0];
    if (f->value > 1 && (f->lo > 1 || o->chi2_p < 0.001)) {
        snprintf(o->why, sizeof o->why, "no speedup: time grows as threads are added (f = %.3g, "
                 "interval [%.3g, %.3g]; see USL)", f->value, f->lo, f->hi);
        o->ok = 0;
        row(c, s, "amdahl", "skipped", NAN, NAN, o->points, o->why, NAN, NAN);
        fprintf(stderr, "plots: %s %s: Amdahl fit skipped: %s\n", kernel_of(c, s), s->label,
                o->why);
        return;
    }
    fit_note(o, note, sizeof note);
    if (!*note && (f->value < 0 || f->value > 1))
        snprintf(note, sizeof note, "estimate %.4g clipped to [0, 1]%s", f->value,
                 f->value > 1 ? ": time does not fall as threads are added" : "");
    f->value = fmin(1.0, fmax(0.0, f->value));
    f->lo = fmin(1.0, fmax(0.0, f->lo));
    f->hi = fmin(1.0, fmax(0.0, f->hi));
    row(c, s, "amdahl", "f", f->value, f->stderr_, o->points, note, f->lo, f->hi);
    row(c, s, "amdahl", "T1", o->fit.t1, NAN, o->points, "", NAN, NAN);
    char ndf[64];
    snprintf(ndf, sizeof ndf, "%d degrees of freedom; p = %.3g", o->fit.ndf, o->chi2_p);
    row(c, s, "amdahl", "chi2", o->fit.chi2, NAN, o->points, ndf, NAN, NAN);
    row(c, s, "amdahl", "aicc", o->aicc, NAN, o->points, "", NAN, NAN);
    fprintf(stderr, "plots: %s %s: Amdahl f = %.4f, 95%% interval [%.4f, %.4f] (%zu points)%s%s\n",
            kernel_of(c, s), s->label, f->value, f->lo, f->hi, o->points, *note ? ": " : "", note);
}

/* USL's rows; the peak only when beta's interval excludes 0. */
static void usl_rows(const struct fit_ctx *c, const struct series *s, const struct outcome *o)
{
    char note[300];
    if (!o->ok) {
        row(c, s, "usl", "skipped", NAN, NAN, o->points, o->why, NAN, NAN);
        return;
    }
    fit_note(o, note, sizeof note);
    row(c, s, "usl", "alpha", o->p[0].value, o->p[0].stderr_, o->points, note, o->p[0].lo,
        o->p[0].hi);
    row(c, s, "usl", "beta", o->p[1].value, o->p[1].stderr_, o->points, note, o->p[1].lo,
        o->p[1].hi);
    row(c, s, "usl", "T1", o->fit.t1, NAN, o->points, "", NAN, NAN);
    char ndf[64];
    snprintf(ndf, sizeof ndf, "%d degrees of freedom; p = %.3g", o->fit.ndf, o->chi2_p);
    row(c, s, "usl", "chi2", o->fit.chi2, NAN, o->points, ndf, NAN, NAN);
    row(c, s, "usl", "aicc", o->aicc, NAN, o->points, "", NAN, NAN);
    if (o->p[1].lo > 0 && o->p[0].value < 1)
        row(c, s, "usl", "peak_threads", o->p[2].value, NAN, o->points,
            "N* = sqrt((1-alpha)/beta); beta's interval excludes 0", o->p[2].lo, o->p[2].hi);
    fprintf(stderr, "plots: %s %s: USL alpha = %.4g [%.4g, %.4g], beta = %.3g [%.3g, %.3g]\n",
            kernel_of(c, s), s->label, o->p[0].value, o->p[0].lo, o->p[0].hi, o->p[1].value, o->p[1].lo,
            o->p[1].hi);
}

/* The "selected" row: the lower AICc, or the only model fitted. */
static void select_row(const struct fit_ctx *c, const struct series *s, const struct outcome *a,
                       const struct outcome *u)
{
    if (a->ok && u->ok && isfinite(a->aicc) && isfinite(u->aicc)) {
        const int usl = u->aicc < a->aicc;
        row(c, s, "selected", usl ? "usl" : "amdahl", fabs(a->aicc - u->aicc), NAN, a->points,
            usl ? "AICc lower than Amdahl by this much" : "AICc lower than USL by this much",
            NAN, NAN);
    } else if (a->ok) {
        row(c, s, "selected", "amdahl", NAN, NAN, a->points,
            "the only model with enough points for AICc", NAN, NAN);
    } else if (u->ok) {
        row(c, s, "selected", "usl", NAN, NAN, u->points, "Amdahl could not be fitted", NAN,
            NAN);
    }
}

/* Groups the points into series, in order of first appearance. */
static struct series *group(const struct omps_fit_input *in, size_t *count)
{
    struct series *s = calloc(in->count + 1, sizeof *s);
    size_t n = 0;
    for (size_t i = 0; s != NULL && i < in->count; i++) {
        size_t j = 0;
        while (j < n && !same_series(&in->points[s[j].members[0]], &in->points[i]))
            j++;
        if (j == n) {
            s[n].members = malloc((in->count + 1) * sizeof *s[n].members);
            if (s[n].members == NULL)
                break;
            const struct omps_fit_point *p = &in->points[i];
            const struct omps_key *k = &p->key;
            char chunk[24] = "";
            if (k->schedule.chunk > 0)
                snprintf(chunk, sizeof chunk, ":%d", k->schedule.chunk);
            char env[128], ranks[48] = "";
            omps_fit_env_label(in, p, env, sizeof env);
            if (p->ranked)
                snprintf(ranks, sizeof ranks, " ranks of %d thread%s", k->threads,
                         k->threads == 1 ? "" : "s");
            snprintf(s[n].detail, sizeof s[n].detail, "%s%s%s%s%s%s",
                     *k->params_text ? "[" : "", k->params_text, *k->params_text ? "]" : "",
                     ranks, *env ? " " : "", env);
            const char *detail = s[n].detail + (*s[n].detail == ' ');
            memmove(s[n].detail, detail, strlen(detail) + 1);
            snprintf(s[n].label, sizeof s[n].label, "%s%s%s%s",
                     omps_schedule_name(k->schedule.kind), chunk, *s[n].detail ? " " : "",
                     s[n].detail);
            n++;
        }
        s[j].members[s[j].count++] = i;
    }
    *count = n;
    return s;
}

static size_t distinct_included(const struct omps_fit_input *in, const struct series *s)
{
    size_t d = 0;
    for (size_t i = 0; i < s->count; i++) {
        const struct omps_fit_point *p = &in->points[s->members[i]];
        size_t j = 0;
        while (j < i && in->points[s->members[j]].cores != p->cores)
            j++;
        d += j == i && p->excluded == 0;
    }
    return d;
}

/* A time with the unit that keeps three or four digits: "40.1 ms". */
static void format_seconds(double s, char *buf, size_t len)
{
    if (s >= 1.0)
        snprintf(buf, len, "%.3g s", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.3g ms", s * 1e3);
    else if (s >= 1e-6)
        snprintf(buf, len, "%.3g us", s * 1e6);
    else
        snprintf(buf, len, "%.3g ns", s * 1e9);
}

/* The legend of series s, and the fits its pictures draw. */
static void series_legend(const struct omps_fit_input *in, struct series *s,
                          const struct outcome *a, const struct outcome *u)
{
    size_t used = (size_t)snprintf(s->legend, sizeof s->legend, "%s", s->label);
    /* Hoefler and Belli: the base case's absolute time beside every speedup. */
    for (size_t i = 0; i < s->count && used < sizeof s->legend; i++) {
        const struct omps_fit_point *p = &in->points[s->members[i]];
        if (p->cores == 1 && isfinite(p->median)) {
            char t1[32];
            format_seconds(p->median, t1, sizeof t1);
            used += (size_t)snprintf(s->legend + used, sizeof s->legend - used, "  T(1) %s", t1);
        }
    }
    if (a->ok && used < sizeof s->legend)
        snprintf(s->legend + used, sizeof s->legend - used, "  f = %.3f [%.3f, %.3f]%s",
                 a->p[0].value, a->p[0].lo, a->p[0].hi, a->chi2_p < 0.001 ? " (bad fit)" : "");
    struct omps_fitted_series *f = &s->fitted;
    *f = (struct omps_fitted_series){s->members, s->count, s->label, s->detail, s->legend,
                                     NAN, NAN, NAN, NAN, NAN, 0, NAN, NAN, NAN};
    if (a->ok) {
        f->f = a->p[0].value;
        f->f_lo = a->p[0].lo;
        f->f_hi = a->p[0].hi;
    }
    if (u->ok) {
        f->alpha = u->p[0].value;
        f->beta = u->p[1].value;
        f->usl_selected = !a->ok || (isfinite(a->aicc) && isfinite(u->aicc) && u->aicc < a->aicc);
    }
    /* The same condition as fit.csv's peak_threads row. */
    if (u->ok && u->p[1].lo > 0 && u->p[0].value < 1) {
        f->peak = u->p[2].value;
        f->peak_lo = u->p[2].lo;
        f->peak_hi = u->p[2].hi;
    }
}

/* Blocking waits overlap past the cores: speedup there is not parallel
 * work, so neither model describes the series (the kernel's picture shows
 * it against the waits instead). */
static int unfitted(const struct fit_ctx *c, const struct series *s)
{
    return c->in->points[s->members[0]].key.kernel->family == OMPS_FAMILY_BLOCKING;
}

static void skip_series(struct fit_ctx *c, struct series *s, struct outcome *a,
                        struct outcome *u)
{
    memset(a, 0, sizeof *a);
    memset(u, 0, sizeof *u);
    a->points = u->points = distinct_included(c->in, s);
    snprintf(a->why, sizeof a->why, "blocking waits overlap past the cores: not an Amdahl or "
             "USL series");
    row(c, s, "amdahl", "skipped", NAN, NAN, a->points, a->why, NAN, NAN);
    row(c, s, "usl", "skipped", NAN, NAN, u->points, a->why, NAN, NAN);
}

/* Fits every series, writing fit.csv rows and each series' legend. */
static void fit_all(struct fit_ctx *c, struct series *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct outcome a, u;
        if (unfitted(c, &s[i])) {
            skip_series(c, &s[i], &a, &u);
            series_legend(c->in, &s[i], &a, &u);
            continue;
        }
        fit_model(c, &s[i], OMPS_AMDAHL, &a);
        amdahl_rows(c, &s[i], &a);
        const size_t distinct = distinct_included(c->in, &s[i]);
        if (distinct >= 4) {
            fit_model(c, &s[i], OMPS_USL, &u);
        } else {
            memset(&u, 0, sizeof u);
            u.points = a.points;
            snprintf(u.why, sizeof u.why, "needs 4 thread counts; has %zu", distinct);
        }
        usl_rows(c, &s[i], &u);
        select_row(c, &s[i], &a, &u);
        series_legend(c->in, &s[i], &a, &u);
    }
}

/* What `fit` was asked: the run, the runs pooled with it, the options. */
struct fit_args {
    const char *dir;
    const char *with[OMPS_FIT_MAX_RUNS];
    size_t nwith;
    const char *work; /* --data: where the pictures' data go */
    long seed;        /* --seed: the bootstrap's */
    int seed_given;
};

static int set_with(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct fit_args *a = cmd;
    if (a->nwith + 1 >= OMPS_FIT_MAX_RUNS) {
        snprintf(err, len, "%s: given more than %d times", name, OMPS_FIT_MAX_RUNS - 2);
        return -1;
    }
    a->with[a->nwith++] = value;
    return 0;
}

static int set_seed(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct fit_args *a = cmd;
    a->seed_given = 1;
    if (omps_parse_long(value, 0, 0x7fffffffffffffffL, &a->seed) == 0)
        return 0;
    snprintf(err, len, "%s: '%s' is not a whole number from 0 to 2^63-1", name, value);
    return -1;
}

const struct omps_option omps_fit_options[] = {
    OMPS_OPTION_SET("--with", set_with, "[--with DIR2]...", 0),
    OMPS_OPTION_TEXT("--data", struct fit_args, work, "[--data WORK]", 0),
    OMPS_OPTION_SET("--seed", set_seed, "[--seed N]", 0),
};
const size_t omps_fit_option_count = sizeof omps_fit_options / sizeof omps_fit_options[0];

/* The run directory: the one argument that is not an option. */
static int set_dir(void *cmd, const char *arg, char *err, size_t len)
{
    struct fit_args *a = cmd;
    if (a->dir == NULL) {
        a->dir = arg;
        return 0;
    }
    snprintf(err, len, "unexpected argument '%s' (see 'ompscale --help')", arg);
    return -1;
}

static int parse_fit_args(int argc, char **argv, struct fit_args *a, uint64_t *seed)
{
    char err[512];
    const struct omps_command_line line = {omps_fit_options, omps_fit_option_count, -1, set_dir};
    if (omps_options_parse(&line, argc, argv, a, err, sizeof err) != 0) {
        fprintf(stderr, "ompscale: fit: %s\n", err);
        return -1;
    }
    if (a->seed_given)
        *seed = (uint64_t)a->seed;
    if (a->dir != NULL)
        return 0;
    fprintf(stderr, "ompscale: fit needs a run directory\n");
    return -1;
}

/* The headline (headline.h), the advice (advice.h) and, with WORK, the pictures' catalogue and
 * data (pictures.h), from the fitted series. */
static int write_outputs(const char *dir, const char *work, const struct omps_fit_input *in,
                         const struct series *s, size_t n)
{
    struct omps_fitted_series *f = calloc(n + 1, sizeof *f);
    if (f == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        f[i] = s[i].fitted;
    int rc = omps_headline_write(dir, in, f, n);
    if (rc == 0)
        rc = omps_advice_write(dir, in, f, n);
    if (rc == 0 && work != NULL)
        rc = omps_pictures_write(dir, work, in, f, n);
    free(f);
    return rc;
}

static int write_fits(const char *dir, struct fit_ctx *c, const char *work)
{
    size_t n = 0;
    struct series *s = group(c->in, &n);
    struct omps_outfile out;
    int rc = s == NULL || omps_outfile_open(&out, dir, "fit.csv") != OMPS_OK ? -1 : 0;
    if (rc == 0) {
        c->csv = out.f;
        fprintf(out.f, "%s\n", OMPS_FIT_HEADER);
        fit_all(c, s, n);
        rc = omps_outfile_commit(&out) == OMPS_OK ? 0 : -1;
    }
    if (rc == 0)
        rc = write_outputs(dir, work, c->in, s, n);
    for (size_t i = 0; s != NULL && i < n; i++)
        free(s[i].members);
    free(s);
    return rc;
}

/* Reads DIR and pools every --with run into in. */
static int read_input(const struct fit_args *a, struct omps_fit_input *in, char *err,
                      size_t err_len)
{
    int rc = omps_fit_read(a->dir, in, err, err_len);
    for (size_t i = 0; rc == OMPS_OK && i < a->nwith; i++)
        rc = omps_fit_add_run(in, a->with[i], err, err_len);
    if (rc == OMPS_OK && a->nwith > 0)
        omps_fit_pool_medians(in);
    if (rc != OMPS_OK && a->nwith > 0)
        omps_fit_input_free(in);
    return rc;
}

int omps_cmd_fit(int argc, char **argv)
{
    struct fit_args a = {0};
    struct fit_ctx c = {.seed = 20261125};
    if (parse_fit_args(argc, argv, &a, &c.seed) != 0)
        return 2;
    const char *dir = a.dir;
    /* A fit.csv, headline.csv or advice.csv from an earlier summary must not
     * outlive a failed fit. */
    char path[4200], err[4600] = "";
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/headline.csv", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/advice.csv", dir);
    remove(path);
    struct omps_fit_input in;
    int rc = read_input(&a, &in, err, sizeof err);
    if (rc != OMPS_OK) {
        fprintf(stderr, "ompscale: fit: %s\n", *err ? err : omps_strerror(rc));
        return 2;
    }
    c.in = &in;
    rc = write_fits(dir, &c, a.work);
    if (rc != 0) {
        const int e = errno != 0 ? errno : EIO;
        fprintf(stderr, "ompscale: fit: cannot write fit.csv, headline.csv, advice.csv or "
                "pictures.csv in '%s'%s%s%s: %s\n", dir, a.work ? " or the data in '" : "",
                a.work ? a.work : "", a.work ? "'" : "", strerror(e));
    }
    omps_fit_input_free(&in);
    return rc == 0 ? 0 : 2;
}
