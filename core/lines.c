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

/* The points, and the kernel whose lines are sought. */
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
 * holds, by median; n when none.  *among counts the candidates. */
static size_t fastest(const struct points *s, int threads, keep_fn keep, const void *arg,
                      int *among)
{
    size_t best = s->n;
    *among = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct omps_line_point *p = &s->p[i];
        if (p->key->kernel != s->k || p->key->threads != threads || !isfinite(p->median) ||
            !keep(p, arg))
            continue;
        (*among)++;
        if (best == s->n || p->median < s->p[best].median)
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

/* Adds the line between points a and b, the faster by median first.  pairs:
 * the comparisons the two were chosen from, as the fastest of each side's
 * candidates; the line's interval covers them all (Bonferroni), since the
 * fastest of several equal candidates looks faster than it is (the
 * winner's curse). */
static size_t add(const struct points *s, enum omps_line_topic topic, int threads, size_t a,
                  size_t b, int pairs, struct omps_line *out, size_t cap, size_t n)
{
    if (a == s->n || b == s->n || a == b || n >= cap)
        return n;
    const int swap = s->p[b].median < s->p[a].median;
    out[n] = (struct omps_line){topic, s->k, threads, swap ? b : a, swap ? a : b, -1,
                                pairs > 1 ? pairs : 1};
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
    int nc, ns;
    size_t c = fastest(s, t, bound_as, &close, &nc), o = fastest(s, t, bound_as, &spread, &ns);
    int pairs = nc * ns;
    if (s->k->command != NULL && (c = fastest(s, t, any, NULL, &nc)) != s->n) {
        o = fastest(s, t, bound_otherwise, &s->p[c].key->env.value[OMPS_AXIS_BIND], &ns);
        /* At most every two of the program's configurations. */
        pairs = nc * (nc - 1) / 2;
    }
    return add(s, OMPS_LINE_BINDING, t, c, o, pairs, out, cap, n);
}

/* Schedule: a scheduled kernel's fastest schedule at its most threads
 * against the fastest of the other side of static in its environment. */
static size_t schedule(const struct points *s, struct omps_line *out, size_t cap, size_t n)
{
    if (!s->k->scheduled || s->k->family != OMPS_FAMILY_SCALING)
        return n;
    const int t = top_threads(s);
    int all, others;
    const size_t best = fastest(s, t, any, NULL, &all);
    if (best == s->n)
        return n;
    const struct omps_key *b = s->p[best].key;
    const struct schedule_filter other = {b->schedule.kind != omp_sched_static, &b->env};
    const size_t o = fastest(s, t, scheduled_as, &other, &others);
    return add(s, OMPS_LINE_SCHEDULE, t, best, o, (all - others) * others, out, cap, n);
}

/* SMT: a kernel's fastest at all logical CPUs against its fastest at one
 * thread per physical core, where the run went past the cores. */
static size_t smt(const struct points *s, int cores, struct omps_line *out, size_t cap,
                  size_t n)
{
    const int t = top_threads(s);
    if (cores <= 0 || t <= cores || s->k->family != OMPS_FAMILY_SCALING)
        return n;
    int nt, nc;
    const size_t top = fastest(s, t, any, NULL, &nt);
    const size_t one = fastest(s, cores, any, NULL, &nc);
    return add(s, OMPS_LINE_SMT, t, top, one, nt * nc, out, cap, n);
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

/* A series' speedup on the choosing rounds as the fits' pick has it
 * (fit/series.c): the mean over the even rounds of log(one / top), paired
 * by round; below two such rounds, the ratio of their medians. */
static double choice_speedup(const struct points *s, size_t one, size_t top)
{
    double mean, h;
    if (omps_paired_log_ratio(&s->p[one], &s->p[top], 0, &mean, &h) >= 2)
        return exp(mean);
    return s->p[one].median / s->p[top].median;
}

/* The headline: the kernel's series with the highest speedup on the
 * choosing rounds, as the fits choose among its series, between its
 * one-core and its top point; estimated on the odd rounds when it has
 * several. */
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
        const double speedup = choice_speedup(s, one, top);
        if (best_one == s->n || speedup > best)
            best_one = one, best_top = top, best = speedup;
    }
    if (best_one == s->n)
        return n;
    out[n] = (struct omps_line){OMPS_LINE_HEADLINE, k, s->p[best_top].key->threads, best_top,
                                best_one, series > 1 ? 1 : -1, 1};
    return n + 1;
}

size_t omps_lines_most(void)
{
    /* Per kernel: binding, schedule, SMT and the headline. */
    return 4 * omps_kernel_count();
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

/* Line l's half-width at two-sided level 1 - alpha over its pairs, from
 * the 95% half-width h of n rounds. */
static double half_width_at(const struct omps_line *l, double h, size_t n, double alpha)
{
    return h * omps_t_two_sided(1 - alpha / l->pairs, (int)n - 1) / omps_t975((int)n - 1);
}

size_t omps_line_estimate(const struct omps_line *l, const struct omps_line_point *p, double *d,
                          double *h)
{
    const size_t n = omps_paired_log_ratio(&p[l->slower], &p[l->faster], l->half, d, h);
    if (n > 1 && l->pairs > 1)
        *h = half_width_at(l, *h, n, 0.05);
    return n;
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

int omps_line_decided(const struct omps_line *l, double d, double h)
{
    if (l->topic == OMPS_LINE_HEADLINE)
        return h <= log1p(OMPS_HEADLINE_HALF_WIDTH);
    const enum omps_verdict v = omps_verdict_of(d, h, log1p(OMPS_SAME_MARGIN));
    return v == OMPS_VERDICT_USE || v == OMPS_VERDICT_SAME;
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
    const size_t used = omps_paired_log_ratio(&p[l->slower], &p[l->faster], l->half, &d, &h);
    /* Estimated on half the rounds, a line needs twice the rounds. */
    const double per = l->half >= 0 ? 2.0 : 1.0;
    *had = (size_t)(per * (double)used);
    if (used < 2 || !isfinite(h))
        return NAN;
    const double n = (double)used;
    h = half_width_at(l, h, used, 0.001);
    if (omps_line_decided(l, d, h))
        return per * n;
    const double needed =
        l->topic == OMPS_LINE_HEADLINE
            ? ceil(n * pow(h / log1p(OMPS_HEADLINE_HALF_WIDTH), 2))
            : omps_rounds_to_decide(d, h, log1p(OMPS_SAME_MARGIN), (long)used);
    return per * fmax(n + 1, needed);
}
