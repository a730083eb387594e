/* Advice (advice.h). */
#define _POSIX_C_SOURCE 200809L
#include "advice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_write.h"
#include "errors.h"
#include "models.h"
#include "registry.h"

/* A 95% interval's half-width on the log scale (z = 1.96). */
static double log_half_width(const struct omps_fit_point *p)
{
    if (!(p->ci_low > 0 && p->ci_high > 0))
        return NAN;
    return (log(p->ci_high) - log(p->ci_low)) / 2;
}

/* The fewest rounds both sides must share for the paired interval. */
#define PAIRED_ROUNDS 4

/*
 * The paired interval of log(time(w) / time(b)) (omps_fit_paired_log_ratio
 * over every round both ran).  On the 2-vCPU Zen 3 guest the intervals were
 * 30-50% narrower than combining the two medians' intervals.  Returns the
 * rounds used; below PAIRED_ROUNDS the interval is not set.
 */
static size_t paired(const struct omps_fit_point *b, const struct omps_fit_point *w, double *d,
                     double *h)
{
    double mean = NAN, half = NAN;
    const size_t n = omps_fit_paired_log_ratio(w, b, -1, &mean, &half);
    if (n >= PAIRED_ROUNDS)
        *d = mean, *h = half;
    return n;
}

/*
 * How much faster b is than w, time(w) / time(b) - 1, with a 95% interval:
 * paired by round where both sides share PAIRED_ROUNDS rounds, else from
 * the two medians and their intervals (independent, on the log scale); and
 * the rounds behind it.  The interval is NaN where neither can be had.
 */
static void gain_of(const struct omps_fit_point *b, const struct omps_fit_point *w,
                    struct omps_advice_row *row)
{
    double d = log(w->median) - log(b->median);
    double h = sqrt(pow(log_half_width(b), 2) + pow(log_half_width(w), 2));
    const size_t shared = paired(b, w, &d, &h);
    row->gain = exp(d) - 1;
    row->lo = exp(d - h) - 1;
    row->hi = exp(d + h) - 1;
    row->rounds = (long)(shared >= PAIRED_ROUNDS ? shared
                         : b->nrounds < w->nrounds ? b->nrounds : w->nrounds);
    row->rounds_needed = NAN;
}

/*
 * The rounds in all that would decide an undecided comparison at the noise
 * seen so far: the interval narrows as one over the square root of the
 * rounds, and it decides once its half-width is below the gain (a
 * difference) or below the margin less the gain (the same), whichever
 * comes first.  NaN when the rounds so far are not known.
 */
static double rounds_to_decide(const struct omps_advice_row *row)
{
    const double half = (log1p(row->hi) - log1p(row->lo)) / 2, gap = fabs(log1p(row->gain));
    const double target = fmax(gap, log1p(OMPS_ADVICE_SAME_MARGIN) - gap);
    return row->rounds > 0 ? ceil((double)row->rounds * pow(half / target, 2)) : NAN;
}

/* A signed gain "(+3% [-2%, +9%])" into buf: whole percents, with one
 * decimal below one percent, so a bound just under zero does not read
 * "-0%". */
static const char *gain_text(const struct omps_advice_row *row, char *buf, size_t len)
{
    const double v[3] = {100 * row->gain, 100 * row->lo, 100 * row->hi};
    char t[3][24];
    for (int i = 0; i < 3; i++)
        snprintf(t[i], sizeof t[i], fabs(v[i]) < 0.95 ? "%+.1f%%" : "%+.0f%%", v[i]);
    snprintf(buf, len, "%s [%s, %s]", t[0], t[1], t[2]);
    return buf;
}

/* Says the undecided outcome, with what would decide it. */
static void say_undecided(struct omps_advice_row *row)
{
    row->outcome = "undecided";
    row->rounds_needed = rounds_to_decide(row);
    char gain[96];
    const int n = snprintf(row->advice, sizeof row->advice,
                           "%s: undecided between %s and %s at %ld threads (%s", row->kernel,
                           row->better, row->worse, row->threads,
                           gain_text(row, gain, sizeof gain));
    if (n < 0 || (size_t)n >= sizeof row->advice)
        return;
    if (isfinite(row->rounds_needed))
        snprintf(row->advice + n, sizeof row->advice - (size_t)n,
                 " after %ld rounds): about %.0f rounds would tell a difference from the "
                 "same within %.0f%%", row->rounds, row->rounds_needed,
                 100 * OMPS_ADVICE_SAME_MARGIN);
    else
        snprintf(row->advice + n, sizeof row->advice - (size_t)n, ")");
}

/* The advice text, one of three outcomes: a recommendation where the
 * interval excludes zero, "the same" where it lies within the margin
 * (an equivalence test at 95%), else undecided. */
static void say(struct omps_advice_row *row, const char *what)
{
    const double margin = log1p(OMPS_ADVICE_SAME_MARGIN);
    /* The sides were named by their medians; the paired rounds may find
     * the other one faster, and the row names the faster first. */
    if (row->gain < 0) {
        char first[sizeof row->better];
        memcpy(first, row->better, sizeof first);
        memcpy(row->better, row->worse, sizeof first);
        memcpy(row->worse, first, sizeof first);
        const double lo = row->lo;
        row->gain = 1 / (1 + row->gain) - 1;
        row->lo = 1 / (1 + row->hi) - 1;
        row->hi = 1 / (1 + lo) - 1;
    }
    if (!isfinite(row->lo)) {
        row->outcome = "none";
        snprintf(
            row->advice, sizeof row->advice,
            "%s: %s %.0f%% faster than %s, too few rounds for an interval (no advice)",
            row->kernel, row->better, 100 * row->gain, row->worse);
    } else if (row->lo > 0) {
        row->outcome = "use";
        snprintf(row->advice, sizeof row->advice,
                 "%s: %s %s, %.0f%% faster than %s [%.0f%%, "
                 "%.0f%%] at %ld threads",
                 row->kernel, what, row->better, 100 * row->gain, row->worse,
                 100 * row->lo, 100 * row->hi, row->threads);
    } else if (log1p(row->lo) >= -margin && log1p(row->hi) <= margin) {
        row->outcome = "same";
        char gain[96];
        const int n = snprintf(row->advice, sizeof row->advice,
                               "%s: %s and %s are the same within %.0f%% at %ld threads (%s)",
                               row->kernel, row->better, row->worse,
                               100 * OMPS_ADVICE_SAME_MARGIN, row->threads,
                               gain_text(row, gain, sizeof gain));
        /* Settings' names long enough to fill the line cut its end. */
        if (n < 0 || (size_t)n >= sizeof row->advice)
            row->advice[sizeof row->advice - 1] = '\0';
    } else {
        say_undecided(row);
    }
}

static void write_row(FILE *f, const struct omps_advice_row *row)
{
    int first = 1;
    OMPS_ADVICE_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}

/* The most threads kernel k ran at with a finite median (1 process). */
static int top_threads(const struct omps_fit_input *in, const struct omps_kernel *k)
{
    int top = 0;
    for (size_t i = 0; i < in->count; i++) {
        const struct omps_fit_point *p = &in->points[i];
        if (p->key.kernel == k && isfinite(p->median) && p->key.threads > top)
            top = p->key.threads;
    }
    return top;
}

/* The fastest point of kernel k at threads for which keep(p) holds. */
static const struct omps_fit_point *
fastest(const struct omps_fit_input *in, const struct omps_kernel *k, int threads,
        int (*keep)(const struct omps_fit_point *, const void *), const void *arg)
{
    const struct omps_fit_point *best = NULL;
    for (size_t i = 0; i < in->count; i++) {
        const struct omps_fit_point *p = &in->points[i];
        if (p->key.kernel == k && p->key.threads == threads && isfinite(p->median) &&
            keep(p, arg) && (best == NULL || p->median < best->median))
            best = p;
    }
    return best;
}

/* A binding as a setting: "OMP_PROC_BIND=close", or "OMP_PROC_BIND unset"
 * where it was left to the runtime. */
static void bind_setting(unsigned char value, char *buf, size_t len)
{
    if (value != 0)
        snprintf(buf, len, "OMP_PROC_BIND=%s", omps_env_value(OMPS_AXIS_BIND, value));
    else
        snprintf(buf, len, "OMP_PROC_BIND unset");
}

static int bound_as(const struct omps_fit_point *p, const void *bind)
{
    return p->key.env.value[OMPS_AXIS_BIND] == *(const unsigned char *)bind;
}

/* A schedule that is (or is not) static, in one environment. */
struct schedule_filter {
    int is_static;
    const struct omps_env *env;
};

static int scheduled_as(const struct omps_fit_point *p, const void *arg)
{
    const struct schedule_filter *w = arg;
    return (p->key.schedule.kind == omp_sched_static) == w->is_static &&
           omps_env_compare(&p->key.env, w->env) == 0;
}

static int any(const struct omps_fit_point *p, const void *unused)
{
    (void)p;
    (void)unused;
    return 1;
}

/* A schedule's name as a setting: "dynamic:64". */
static void schedule_text(const struct omps_fit_point *p, char *buf, size_t len)
{
    if (p->key.schedule.chunk > 0)
        snprintf(buf, len, "%s:%d", omps_schedule_name(p->key.schedule.kind),
                 p->key.schedule.chunk);
    else
        snprintf(buf, len, "%s", omps_schedule_name(p->key.schedule.kind));
}

static int bound_otherwise(const struct omps_fit_point *p, const void *bind)
{
    return p->key.env.value[OMPS_AXIS_BIND] != *(const unsigned char *)bind;
}

/* Binding: a memory-bound kernel's fastest close against its fastest
 * spread at its most threads; a program's (run --command) fastest binding
 * against its fastest other one, whichever --bind swept, since how a
 * program's threads share the caches is not known in advance. */
static void binding_advice(FILE *f, const struct omps_fit_input *in,
                           const struct omps_kernel *k)
{
    unsigned char close, spread;
    if ((k->bound != OMPS_BOUND_BANDWIDTH && k->command == NULL) ||
        omps_env_parse(OMPS_AXIS_BIND, "close", &close) ||
        omps_env_parse(OMPS_AXIS_BIND, "spread", &spread))
        return;
    const int t = top_threads(in, k);
    const struct omps_fit_point *c = fastest(in, k, t, bound_as, &close);
    const struct omps_fit_point *s = fastest(in, k, t, bound_as, &spread);
    if (k->command != NULL && (c = fastest(in, k, t, any, NULL)) != NULL)
        s = fastest(in, k, t, bound_otherwise, &c->key.env.value[OMPS_AXIS_BIND]);
    if (c == NULL || s == NULL)
        return;
    const int second_wins = s->median < c->median;
    const struct omps_fit_point *better = second_wins ? s : c, *worse = second_wins ? c : s;
    struct omps_advice_row row = {.topic = "binding", .kernel = k->name, .threads = t};
    bind_setting(better->key.env.value[OMPS_AXIS_BIND], row.better, sizeof row.better);
    bind_setting(worse->key.env.value[OMPS_AXIS_BIND], row.worse, sizeof row.worse);
    gain_of(better, worse, &row);
    say(&row, "use");
    write_row(f, &row);
}

/* Schedule: a scheduled kernel's fastest schedule at its most threads
 * against the fastest of the other side of static in its environment. */
static void schedule_advice(FILE *f, const struct omps_fit_input *in, const struct omps_kernel *k)
{
    if (!k->scheduled || k->family != OMPS_FAMILY_SCALING)
        return;
    const int t = top_threads(in, k);
    const struct omps_fit_point *best = fastest(in, k, t, any, NULL);
    if (best == NULL)
        return;
    const int best_static = best->key.schedule.kind == omp_sched_static;
    const struct schedule_filter other_side = {!best_static, &best->key.env};
    const struct omps_fit_point *other = fastest(in, k, t, scheduled_as, &other_side);
    if (other == NULL)
        return;
    struct omps_advice_row row = {.topic = "schedule", .kernel = k->name, .threads = t};
    schedule_text(best, row.better, sizeof row.better);
    schedule_text(other, row.worse, sizeof row.worse);
    gain_of(best, other, &row);
    say(&row, "use");
    write_row(f, &row);
}

/* Threads: where a series' USL peak and its interval lie inside the run's
 * range, more threads than that only slow it down. */
static void threads_advice(FILE *f, const struct omps_fit_input *in,
                           const struct omps_fitted_series *s)
{
    const struct omps_fit_point *first = &in->points[s->members[0]];
    long most = 0;
    for (size_t i = 0; i < s->count; i++)
        most = in->points[s->members[i]].cores > most ? in->points[s->members[i]].cores
                                                      : most;
    if (!s->usl_selected || !isfinite(s->peak) || !(s->peak_hi < most) ||
        !(s->peak_lo >= 1))
        return;
    struct omps_advice_row row = {.topic = "threads",
                                  .kernel = first->key.kernel->name,
                                  .threads = most,
                                  .gain = NAN,
                                  .lo = NAN,
                                  .hi = NAN,
                                  .outcome = "use",
                                  .rounds_needed = NAN};
    snprintf(row.better, sizeof row.better, "%.0f threads", floor(s->peak));
    snprintf(row.worse, sizeof row.worse, "%ld threads", most);
    snprintf(row.advice, sizeof row.advice,
             "%s %s: it stops gaining past %.1f threads "
             "(USL peak [%.1f, %.1f]); more than that only slows it",
             row.kernel, s->label, s->peak, s->peak_lo, s->peak_hi);
    write_row(f, &row);
}

/* SMT: a kernel's fastest at all logical CPUs against its fastest at one
 * thread per physical core, where the run went past the cores. */
static void smt_advice(FILE *f, const struct omps_fit_input *in,
                       const struct omps_kernel *k)
{
    const int cores = in->physical_cores, t = top_threads(in, k);
    if (cores <= 0 || t <= cores || k->family != OMPS_FAMILY_SCALING)
        return;
    const struct omps_fit_point *smt = fastest(in, k, t, any, NULL);
    const struct omps_fit_point *one = fastest(in, k, cores, any, NULL);
    if (smt == NULL || one == NULL)
        return;
    const int smt_wins = smt->median < one->median;
    struct omps_advice_row row = {.topic = "smt", .kernel = k->name, .threads = t};
    snprintf(row.better, sizeof row.better, "%d threads", smt_wins ? t : cores);
    snprintf(row.worse, sizeof row.worse, "%d threads", smt_wins ? cores : t);
    gain_of(smt_wins ? smt : one, smt_wins ? one : smt, &row);
    say(&row, smt_wins ? "SMT threads help: use" : "SMT threads do not help: use");
    write_row(f, &row);
}

int omps_advice_write(const char *dir, const struct omps_fit_input *in,
                      const struct omps_fitted_series *s, size_t n)
{
    struct omps_outfile out;
    if (omps_outfile_open(&out, dir, "advice.csv") != OMPS_OK)
        return -1;
    fprintf(out.f, "%s\n", OMPS_ADVICE_HEADER);
    for (size_t i = 0; i < omps_kernel_count(); i++) {
        const struct omps_kernel *k = omps_kernel_at(i);
        binding_advice(out.f, in, k);
        schedule_advice(out.f, in, k);
        smt_advice(out.f, in, k);
    }
    for (size_t i = 0; i < n; i++)
        threads_advice(out.f, in, &s[i]);
    return omps_outfile_commit(&out) == OMPS_OK ? 0 : -1;
}
