/* The report's lines that rounds can decide (lines.h). */
#include "lines.h"

#include <math.h>

#include "env.h"
#include "registry.h"
#include "stats.h"

const char *omps_line_topic_name(enum omps_line_topic t)
{
    static const char *const names[] = {"binding", "schedule", "smt", "headline"};
    return t <= OMPS_LINE_HEADLINE ? names[t] : "";
}

/* ---- which configurations each line compares -------------------------- */

/* The points of one kernel, and a filter on them. */
struct points {
    const struct omps_line_point *p;
    size_t n;
    const struct omps_kernel *k;
};

typedef int (*keep_fn)(const struct omps_line_point *, const void *);

/* The most threads kernel k ran at with a finite median. */
static int top_threads(const struct points *s)
{
    int top = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct omps_line_point *p = &s->p[i];
        if (p->key->kernel == s->k && isfinite(p->median) && p->key->threads > top)
            top = p->key->threads;
    }
    return top;
}

/* The index of kernel k's fastest point at threads for which keep(p, arg)
 * holds; n when none. */
static size_t fastest(const struct points *s, int threads, keep_fn keep, const void *arg)
{
    size_t best = s->n;
    for (size_t i = 0; i < s->n; i++) {
        const struct omps_line_point *p = &s->p[i];
        if (p->key->kernel == s->k && p->key->threads == threads && isfinite(p->median) &&
            keep(p, arg) && (best == s->n || p->median < s->p[best].median))
            best = i;
    }
    return best;
}

static int any(const struct omps_line_point *p, const void *unused)
{
    (void)p;
    (void)unused;
    return 1;
}

static int bound_as(const struct omps_line_point *p, const void *bind)
{
    return p->key->env.value[OMPS_AXIS_BIND] == *(const unsigned char *)bind;
}

static int bound_otherwise(const struct omps_line_point *p, const void *bind)
{
    return !bound_as(p, bind);
}

/* A schedule that is (or is not) static, in one environment. */
struct schedule_filter {
    int is_static;
    const struct omps_env *env;
};

static int scheduled_as(const struct omps_line_point *p, const void *arg)
{
    const struct schedule_filter *w = arg;
    return (p->key->schedule.kind == omp_sched_static) == w->is_static &&
           omps_env_compare(&p->key->env, w->env) == 0;
}

/* Adds the line between points a and b, the faster by median first. */
static size_t add(const struct points *s, enum omps_line_topic topic, int threads, size_t a,
                  size_t b, struct omps_line *out, size_t cap, size_t n)
{
    if (a == s->n || b == s->n || n >= cap)
        return n;
    const int swap = s->p[b].median < s->p[a].median;
    out[n] = (struct omps_line){topic, s->k, threads, swap ? b : a, swap ? a : b, 0};
    return n + 1;
}

/* Binding: a memory-bound kernel's fastest close against its fastest
 * spread at its most threads; a program's (run --command) fastest binding
 * against its fastest other one, whichever --bind swept, since how a
 * program's threads share the caches is not known in advance. */
static size_t binding(const struct points *s, struct omps_line *out, size_t cap, size_t n)
{
    unsigned char close, spread;
    if ((s->k->bound != OMPS_BOUND_BANDWIDTH && s->k->command == NULL) ||
        omps_env_parse(OMPS_AXIS_BIND, "close", &close) ||
        omps_env_parse(OMPS_AXIS_BIND, "spread", &spread))
        return n;
    const int t = top_threads(s);
    size_t c = fastest(s, t, bound_as, &close), o = fastest(s, t, bound_as, &spread);
    if (s->k->command != NULL && (c = fastest(s, t, any, NULL)) != s->n)
        o = fastest(s, t, bound_otherwise, &s->p[c].key->env.value[OMPS_AXIS_BIND]);
    return add(s, OMPS_LINE_BINDING, t, c, o, out, cap, n);
}

/* Schedule: a scheduled kernel's fastest schedule at its most threads
 * against the fastest of the other side of static in its environment. */
static size_t schedule(const struct points *s, struct omps_line *out, size_t cap, size_t n)
{
    if (!s->k->scheduled || s->k->family != OMPS_FAMILY_SCALING)
        return n;
    const int t = top_threads(s);
    const size_t best = fastest(s, t, any, NULL);
    if (best == s->n)
        return n;
    const struct omps_key *b = s->p[best].key;
    const struct schedule_filter other = {b->schedule.kind != omp_sched_static, &b->env};
    return add(s, OMPS_LINE_SCHEDULE, t, best, fastest(s, t, scheduled_as, &other), out, cap,
               n);
}

/* SMT: a kernel's fastest at all logical CPUs against its fastest at one
 * thread per physical core, where the run went past the cores. */
static size_t smt(const struct points *s, int cores, struct omps_line *out, size_t cap,
                  size_t n)
{
    const int t = top_threads(s);
    if (cores <= 0 || t <= cores || s->k->family != OMPS_FAMILY_SCALING)
        return n;
    return add(s, OMPS_LINE_SMT, t, fastest(s, t, any, NULL), fastest(s, cores, any, NULL),
               out, cap, n);
}

/* Whether points a and b are one series: everything but the threads (a
 * process kernel's: its ranks at one thread count). */
static int same_series(const struct omps_line_point *a, const struct omps_line_point *b)
{
    return a->key->kernel->ranked != OMPS_RANKED_NO
               ? omps_key_same_rank_series(a->key, b->key)
               : omps_key_same_series(a->key, b->key);
}

/* The series of point first: its one-core point and its point at the most
 * cores (each s->n when none), and whether first is the series' first point. */
static int series_ends(const struct points *s, size_t first, size_t *one, size_t *top)
{
    *one = *top = s->n;
    for (size_t i = 0; i < s->n; i++) {
        const struct omps_line_point *p = &s->p[i];
        if (!same_series(p, &s->p[first]))
            continue;
        if (i < first)
            return 0;
        if (!isfinite(p->median) || !(p->median > 0))
            continue;
        if (omps_key_cores(p->key) == 1)
            *one = i;
        if (*top == s->n || omps_key_cores(p->key) > omps_key_cores(s->p[*top].key))
            *top = i;
    }
    return 1;
}

/* The headline: the kernel's series with the highest speedup by medians,
 * as the fits choose among its series (fit/series.c), between its one-core
 * and its top point; estimated on half the rounds when it has several. */
static size_t headline(const struct points *s, struct omps_line *out, size_t cap, size_t n)
{
    const struct omps_kernel *k = s->k;
    if ((k->family != OMPS_FAMILY_SCALING && k->family != OMPS_FAMILY_BLOCKING) ||
        k->reference == k || n >= cap)
        return n;
    size_t best_one = s->n, best_top = s->n, series = 0;
    double best = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t one, top;
        if (s->p[i].key->kernel != k || !series_ends(s, i, &one, &top))
            continue;
        series++;
        if (one == s->n || top == one)
            continue;
        const double speedup = s->p[one].median / s->p[top].median;
        if (best_one == s->n || speedup > best)
            best_one = one, best_top = top, best = speedup;
    }
    if (best_one == s->n)
        return n;
    out[n] = (struct omps_line){OMPS_LINE_HEADLINE, k, s->p[best_top].key->threads, best_top,
                                best_one, series > 1};
    return n + 1;
}

size_t omps_lines_find(const struct omps_line_point *p, size_t n, int physical_cores,
                       struct omps_line *out, size_t cap)
{
    size_t count = 0;
    for (size_t i = 0; i < omps_kernel_count(); i++) {
        const struct points s = {p, n, omps_kernel_at(i)};
        count = binding(&s, out, cap, count);
        count = schedule(&s, out, cap, count);
        count = smt(&s, physical_cores, out, cap, count);
    }
    for (size_t i = 0; i < omps_kernel_count(); i++) {
        const struct points s = {p, n, omps_kernel_at(i)};
        count = headline(&s, out, cap, count);
    }
    return count;
}

/* ---- whether a line is decided ----------------------------------------- */

size_t omps_paired_log_ratio(const struct omps_line_point *num,
                             const struct omps_line_point *den, int half, double *mean,
                             double *h)
{
    double sum = 0, sum2 = 0;
    size_t n = 0;
    for (size_t i = 0; i < den->n; i++) {
        if (half >= 0 && (int)(den->rounds[i] % 2) != half)
            continue;
        for (size_t j = 0; j < num->n; j++) {
            if (num->rounds[j] != den->rounds[i] ||
                !(num->values[j] > 0 && den->values[i] > 0))
                continue;
            const double x = log(num->values[j] / den->values[i]);
            sum += x, sum2 += x * x, n++;
        }
    }
    if (n == 0)
        return 0;
    *mean = sum / (double)n;
    const double var = n > 1 ? fmax(0, (sum2 - (double)n * *mean * *mean) / (double)(n - 1)) : NAN;
    *h = n > 1 ? omps_t975((int)n - 1) * sqrt(var / (double)n) : NAN;
    return n;
}

enum omps_verdict omps_verdict_of(double d, double h, double margin)
{
    if (!isfinite(h) || !isfinite(d))
        return OMPS_VERDICT_NONE;
    if (fabs(d) > h)
        return OMPS_VERDICT_USE;
    if (fabs(d) + h <= margin)
        return OMPS_VERDICT_SAME;
    return OMPS_VERDICT_UNDECIDED;
}

double omps_rounds_to_decide(double d, double h, double margin, long rounds)
{
    const double target = fmax(fabs(d), margin - fabs(d));
    return rounds > 0 ? ceil((double)rounds * pow(h / target, 2)) : NAN;
}

double omps_line_rounds_needed(const struct omps_line *l, const struct omps_line_point *p,
                               size_t *had)
{
    double d = NAN, h = NAN;
    *had = omps_paired_log_ratio(&p[l->slower], &p[l->faster], -1, &d, &h);
    if (*had < 2 || !isfinite(h))
        return NAN;
    const double n = (double)*had;
    h *= omps_t9995((int)*had - 1) / omps_t975((int)*had - 1);
    if (l->topic == OMPS_LINE_HEADLINE) {
        /* Estimated on half the rounds, its interval is wider by about the
         * square root of two. */
        const double width = h * (l->halved ? sqrt(2.0) : 1.0);
        const double target = log1p(OMPS_HEADLINE_HALF_WIDTH);
        return width <= target ? n : fmax(n + 1, ceil(n * pow(width / target, 2)));
    }
    const double margin = log1p(OMPS_SAME_MARGIN);
    if (omps_verdict_of(d, h, margin) != OMPS_VERDICT_UNDECIDED)
        return n;
    return fmax(n + 1, omps_rounds_to_decide(d, h, margin, (long)*had));
}
