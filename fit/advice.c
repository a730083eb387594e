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
 * How much faster line l's faster side b is than its slower w,
 * time(w) / time(b) - 1, with its interval: paired by round
 * (omps_line_estimate: 95%, over every pair where a side was chosen among
 * several) where both ran in PAIRED_ROUNDS rounds, else from the two
 * medians and their intervals (independent, on the log scale); and the
 * rounds behind it.  On the 2-vCPU Zen 3 guest the paired intervals were
 * 30-50% narrower.  The interval is NaN where neither can be had.
 */
static void gain_of(const struct omps_line *l, const struct omps_line_point *p,
                    const struct omps_fit_point *b, const struct omps_fit_point *w,
                    struct omps_advice_row *row)
{
    double d = log(w->median) - log(b->median);
    double h = sqrt(pow(log_half_width(b), 2) + pow(log_half_width(w), 2));
    double pd = NAN, ph = NAN;
    const size_t shared = omps_line_estimate(l, p, &pd, &ph);
    if (shared >= PAIRED_ROUNDS)
        d = pd, h = ph;
    row->gain = exp(d) - 1;
    row->lo = exp(d - h) - 1;
    row->hi = exp(d + h) - 1;
    row->rounds = (long)(shared >= PAIRED_ROUNDS ? shared
                         : b->nrounds < w->nrounds ? b->nrounds : w->nrounds);
    row->rounds_needed = NAN;
}

/* The rounds in all that would decide an undecided comparison at the
 * noise seen so far (core/lines.h's rule). */
static double rounds_to_decide(const struct omps_advice_row *row)
{
    const double half = (log1p(row->hi) - log1p(row->lo)) / 2;
    return omps_rounds_to_decide(log1p(row->gain), half, log1p(OMPS_SAME_MARGIN), row->rounds);
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
                 100 * OMPS_SAME_MARGIN);
    else
        snprintf(row->advice + n, sizeof row->advice - (size_t)n, ")");
}

/* The advice text, one of three outcomes: a recommendation where the
 * interval excludes zero, "the same" where it lies within the margin
 * (an equivalence test at 95%), else undecided. */
static void say(struct omps_advice_row *row, const char *what)
{
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
    const enum omps_verdict v = omps_verdict_of(
        log1p(row->gain), (log1p(row->hi) - log1p(row->lo)) / 2, log1p(OMPS_SAME_MARGIN));
    if (v == OMPS_VERDICT_NONE) {
        row->outcome = "none";
        snprintf(
            row->advice, sizeof row->advice,
            "%s: %s %.0f%% faster than %s, too few rounds for an interval (no advice)",
            row->kernel, row->better, 100 * row->gain, row->worse);
    } else if (v == OMPS_VERDICT_USE) {
        row->outcome = "use";
        snprintf(row->advice, sizeof row->advice,
                 "%s: %s %s, %.0f%% faster than %s [%.0f%%, "
                 "%.0f%%] at %ld threads",
                 row->kernel, what, row->better, 100 * row->gain, row->worse,
                 100 * row->lo, 100 * row->hi, row->threads);
    } else if (v == OMPS_VERDICT_SAME) {
        row->outcome = "same";
        char gain[96];
        const int n = snprintf(row->advice, sizeof row->advice,
                               "%s: %s and %s are the same within %.0f%% at %ld threads (%s)",
                               row->kernel, row->better, row->worse,
                               100 * OMPS_SAME_MARGIN, row->threads,
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

/* A binding as a setting: "OMP_PROC_BIND=close", or "OMP_PROC_BIND unset"
 * where it was left to the runtime. */
static void bind_setting(unsigned char value, char *buf, size_t len)
{
    if (value != 0)
        snprintf(buf, len, "OMP_PROC_BIND=%s", omps_env_value(OMPS_AXIS_BIND, value));
    else
        snprintf(buf, len, "OMP_PROC_BIND unset");
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

/* One comparison's advice row: the two settings as its topic names them,
 * the gain and its outcome. */
static void comparison_advice(FILE *f, const struct omps_fit_input *in,
                              const struct omps_line_point *p, const struct omps_line *l)
{
    const struct omps_fit_point *better = &in->points[l->faster];
    const struct omps_fit_point *worse = &in->points[l->slower];
    struct omps_advice_row row = {.topic = omps_line_topic_name(l->topic),
                                  .kernel = l->kernel->name,
                                  .threads = l->threads};
    const char *what = "use";
    if (l->topic == OMPS_LINE_BINDING) {
        bind_setting(better->key.env.value[OMPS_AXIS_BIND], row.better, sizeof row.better);
        bind_setting(worse->key.env.value[OMPS_AXIS_BIND], row.worse, sizeof row.worse);
    } else if (l->topic == OMPS_LINE_SCHEDULE) {
        schedule_text(better, row.better, sizeof row.better);
        schedule_text(worse, row.worse, sizeof row.worse);
    } else {
        snprintf(row.better, sizeof row.better, "%d threads", better->key.threads);
        snprintf(row.worse, sizeof row.worse, "%d threads", worse->key.threads);
    }
    gain_of(l, p, better, worse, &row);
    /* say() names the faster first, which the paired estimate may find to
     * be the side the medians did not. */
    const int smt_first = (better->key.threads == l->threads) != (row.gain < 0);
    if (l->topic == OMPS_LINE_SMT)
        what = smt_first ? "SMT threads help: use" : "SMT threads do not help: use";
    say(&row, what);
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

int omps_advice_write(const char *dir, const struct omps_fit_input *in,
                      const struct omps_fitted_series *s, size_t n)
{
    struct omps_outfile out;
    if (omps_outfile_open(&out, dir, "advice.csv") != OMPS_OK)
        return -1;
    fprintf(out.f, "%s\n", OMPS_ADVICE_HEADER);
    struct omps_line_point *p = calloc(in->count + 1, sizeof *p);
    struct omps_line *lines = calloc(omps_lines_most() + 1, sizeof *lines);
    if (p == NULL || lines == NULL) {
        free(p);
        free(lines);
        omps_outfile_abort(&out);
        return -1;
    }
    for (size_t i = 0; i < in->count; i++)
        p[i] = omps_fit_line_point(&in->points[i]);
    const size_t m = omps_lines_find(p, in->count, in->physical_cores, lines,
                                     omps_lines_most());
    for (size_t i = 0; i < m; i++) {
        if (lines[i].topic != OMPS_LINE_HEADLINE)
            comparison_advice(out.f, in, p, &lines[i]);
    }
    free(p);
    free(lines);
    for (size_t i = 0; i < n; i++)
        threads_advice(out.f, in, &s[i]);
    return omps_outfile_commit(&out) == OMPS_OK ? 0 : -1;
}
