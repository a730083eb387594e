/* The headline (headline.h). */
#define _POSIX_C_SOURCE 200809L
#include "headline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_write.h"
#include "errors.h"
#include "registry.h"

/* How far a difference must go before the headline names it. */
#define AT_BOUND 0.8      /* of the hardware bound: the bound is the limit */
#define BETTER 1.10       /* one schedule's speedup over another's */
#define COSTLIER 1.10     /* one schedule's time at one thread over static's */
#define SCALES 0.90       /* efficiency that needs no explaining */
#define SERIAL_FLOOR 0.01 /* f's interval must lie above this */

/* The series' time at one core, or NaN. */
static double base_time(const struct omps_fit_input *in,
                        const struct omps_fitted_series *s)
{
    const struct omps_fit_point *one = omps_fit_one_core(in, s);
    return one != NULL ? one->median : NAN;
}

/* Whether a and b differ only in their schedule (and team sizes). */
static int other_schedule(const struct omps_fit_point *a,
                          const struct omps_fit_point *b)
{
    struct omps_key x = a->key, y = b->key;
    x.schedule = y.schedule;
    x.threads = y.threads;
    x.ranks = y.ranks;
    return omps_key_compare(&x, &y) == 0;
}

/* The static series beside best (the same configuration at static), or NULL. */
static const struct omps_fitted_series *
static_beside(const struct omps_fit_input *in, const struct omps_fitted_series *best,
              const struct omps_fitted_series *const *others, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct omps_fit_point *p = omps_fit_member(in, others[i], 0);
        if (p->key.schedule.kind == omp_sched_static &&
            other_schedule(p, omps_fit_member(in, best, 0)))
            return others[i];
    }
    return NULL;
}

/* The hardware bound, when the top point reaches AT_BOUND of it. */
static int at_bound(const struct omps_fit_point *top, char *buf, size_t len)
{
    const double bf = top->bound_fraction;
    if (!(isfinite(bf) && bf >= AT_BOUND))
        return 0;
    switch (top->key.kernel->bound) {
    case OMPS_BOUND_BANDWIDTH:
        /* The bound is the best of the ceiling kernels (copy, read and update);
         * the best of them is at it by definition. */
        if (top->key.kernel->ceiling == NULL)
            snprintf(buf, len, "memory bandwidth (%.0f%% of the best of copy, read and update: a "
                     "ceiling the maps are held to)", 100 * bf);
        else
            snprintf(buf, len, "memory bandwidth (%.0f%% of the best of copy, read and update)",
                     100 * bf);
        return 1;
    case OMPS_BOUND_DIVISION:
        snprintf(buf, len, "the division throughput (%.0f%% of it)", 100 * bf);
        return 1;
    case OMPS_BOUND_WAITS:
        snprintf(buf, len, "the waits (%.0f%% of every thread waiting at once)",
                 100 * bf);
        return 1;
    default:
        return 0;
    }
}

/* Load imbalance or scheduling overhead, from best against static. */
static int schedule_limit(const struct omps_fit_input *in,
                          const struct omps_fitted_series *best,
                          const struct omps_fitted_series *stat, char *buf, size_t len)
{
    if (stat == NULL || stat == best)
        return 0;
    const double sb = omps_fit_top_speedup(in, best), ss = omps_fit_top_speedup(in, stat);
    if (ss * BETTER < sb) {
        snprintf(buf, len, "load imbalance: static reaches speedup %.2f, %s %.2f", ss,
                 best->label, sb);
        return 1;
    }
    const double tb = base_time(in, best), ts = base_time(in, stat);
    if (isfinite(tb) && isfinite(ts) && tb > COSTLIER * ts) {
        snprintf(buf, len, "scheduling overhead: %s takes %+.0f%% at one thread",
                 best->label, 100 * (tb / ts - 1));
        return 1;
    }
    return 0;
}

/* A program (run --command) that did not run the team it was given: one
 * that used about one CPU and held one thread (it ignores OMP_NUM_THREADS
 * or has no parallel region), or one whose processes held fewer threads
 * than asked.  Its speedup is then not OpenMP's, and the headline says so
 * instead of explaining a poor speedup. */
static int team_ignored(const struct omps_fit_point *top, char *buf, size_t len)
{
    const double cpus = top->cpus, seen = top->threads_seen;
    const int ranks = omps_key_ranks(&top->key), launched = omps_key_launch_ranks(&top->key) > 0;
    if (!isfinite(cpus) || top->cores < 2)
        return 0;
    if (omps_process_serial(cpus, seen, top->key.threads, ranks, launched)) {
        snprintf(buf, len, "never went parallel: %.2f CPUs in use and %s at %d threads%s (it "
                 "ignores OMP_NUM_THREADS or has no parallel region)", cpus,
                 seen == 1 ? "1 thread seen" : launched ? "one thread a rank seen"
                                                        : "no second thread seen",
                 top->key.threads, launched ? " a rank" : "");
        return 1;
    }
    if (seen >= 1 && seen < (double)top->cores) {
        snprintf(buf, len, "a smaller team than asked: at most %.0f threads seen at %ld, "
                 "%.2f CPUs in use", seen, top->cores, cpus);
        return 1;
    }
    return 0;
}

void omps_headline_limit(const struct omps_fit_input *in,
                         const struct omps_fitted_series *best,
                         const struct omps_fitted_series *const *others, size_t nothers,
                         struct omps_headline_row *row)
{
    const struct omps_fit_point *top = omps_fit_top_point(in, best);
    char *buf = row->limit;
    const size_t len = sizeof row->limit;
    if (top == NULL) {
        snprintf(buf, len, "not measured");
    } else if (top->cores <= 1) {
        snprintf(buf, len, "one thread only: nothing to scale");
    } else if (team_ignored(top, buf, len)) {
        /* Named there. */
    } else if (top->speedup < 1) {
        snprintf(buf, len, "slower with more threads: speedup %.2f at %ld",
                 top->speedup, top->cores);
    } else if (at_bound(top, buf, len) ||
               schedule_limit(in, best, static_beside(in, best, others, nothers), buf,
                              len)) {
        /* Named by the rule that matched. */
    } else if (best->usl_selected && isfinite(best->peak)) {
        snprintf(buf, len, "contention: the USL peaks at %.1f threads", best->peak);
    } else if (isfinite(best->f_lo) && best->f_lo > SERIAL_FLOOR &&
               top->efficiency < SCALES) {
        snprintf(buf, len, "serial fraction: f = %.3f [%.3f, %.3f]", best->f,
                 best->f_lo, best->f_hi);
    } else if (top->efficiency >= SCALES) {
        snprintf(buf, len, "none seen: efficiency %.2f at %ld", top->efficiency,
                 top->cores);
    } else {
        snprintf(buf, len, "unexplained: efficiency %.2f at %ld", top->efficiency,
                 top->cores);
    }
}

static void write_row(FILE *f, const struct omps_headline_row *row)
{
    int first = 1;
    OMPS_HEADLINE_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}

/* The row's numbers at point top of series s. */
static void fill(struct omps_headline_row *row, const struct omps_fitted_series *s,
                 const struct omps_fit_point *top)
{
    const struct omps_kernel *k = top->key.kernel;
    *row = (struct omps_headline_row){.kernel = k->name,
                                      .family = omps_family_name(k->family),
                                      .series = s->label,
                                      .cores = top->cores,
                                      .speedup = top->speedup,
                                      .speedup_lo = top->speedup_lo,
                                      .speedup_hi = top->speedup_hi,
                                      .efficiency = top->efficiency,
                                      .f = s->f,
                                      .f_lo = s->f_lo,
                                      .f_hi = s->f_hi,
                                      .peak = s->usl_selected ? s->peak : NAN,
                                      .bound_fraction = top->bound_fraction,
                                      .rate = top->rate,
                                      .rate_lo = top->rate_lo,
                                      .rate_hi = top->rate_hi,
                                      .unit = omps_unit_name(k->unit),
                                      .versus_ideal = "",
                                      .rounds_needed = NAN};
}

/*
 * The speedup against ideal, one of the advice's three outcomes
 * (core/lines.h): within 5% of the cores ("ideal"), its interval wholly
 * below or above them, or undecided with about the rounds in all that
 * would decide it (twice the rounds estimated on, where the pick estimated
 * on half of them).
 */
static void versus_ideal(struct omps_headline_row *row, const struct omps_fit_pick *pick)
{
    const double d = log((double)row->cores / pick->speedup);
    const double h = (log(pick->hi) - log(pick->lo)) / 2, margin = log1p(OMPS_SAME_MARGIN);
    switch (omps_verdict_of(d, h, margin)) {
    case OMPS_VERDICT_SAME:
        row->versus_ideal = "ideal";
        break;
    case OMPS_VERDICT_USE:
        row->versus_ideal = d > 0 ? "below" : "above";
        break;
    case OMPS_VERDICT_UNDECIDED:
        row->versus_ideal = "undecided";
        row->rounds_needed = (pick->half >= 0 ? 2 : 1) *
                             omps_rounds_to_decide(d, h, margin, (long)pick->rounds);
        break;
    default:
        break;
    }
}

/* A kernel with no speedup to show (nothing at one core to compare with:
 * mpi_pipe's pair of ranks, one message size a series): what it measured,
 * its series with the highest rate at the most cores. */
static void measured_row(FILE *f, const struct omps_fit_input *in,
                         const struct omps_fitted_series *const *mine, size_t n)
{
    const struct omps_fitted_series *best = NULL;
    const struct omps_fit_point *top = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct omps_fit_point *p = omps_fit_top_point(in, mine[i]);
        if (p != NULL && isfinite(p->rate) && (top == NULL || p->rate > top->rate))
            best = mine[i], top = p;
    }
    if (top == NULL)
        return;
    struct omps_headline_row row;
    fill(&row, best, top);
    row.speedup = row.speedup_lo = row.speedup_hi = row.efficiency = NAN;
    snprintf(row.limit, sizeof row.limit,
             "no speedup: nothing at one core to compare with; it measured %.3g %s [%.3g, %.3g] "
             "at %ld cores (%s), its best of %zu series",
             top->rate, row.unit, top->rate_lo, top->rate_hi, top->cores, best->label, n);
    snprintf(row.picture, sizeof row.picture, "speedup-%s", row.kernel);
    write_row(f, &row);
}

/* A scaling (or blocking) kernel's row: its best series. */
static void scaling_row(FILE *f, const struct omps_fit_input *in,
                        const struct omps_fitted_series *const *mine, size_t n)
{
    const struct omps_fit_pick pick = omps_fit_pick(in, mine, n);
    if (pick.series < 0)
        return;
    if (!isfinite(pick.speedup)) {
        measured_row(f, in, mine, n);
        return;
    }
    const struct omps_fitted_series *best = mine[pick.series];
    struct omps_headline_row row;
    fill(&row, best, omps_fit_top_point(in, best));
    row.speedup = pick.speedup, row.speedup_lo = pick.lo, row.speedup_hi = pick.hi;
    row.efficiency = pick.speedup / (double)row.cores;
    versus_ideal(&row, &pick);
    omps_headline_limit(in, best, mine, n, &row);
    snprintf(row.picture, sizeof row.picture, "speedup-%s", row.kernel);
    write_row(f, &row);
}

/* The point of s at the most cores with a rate, and its rate at one core
 * (NaN when s has none). */
static const struct omps_fit_point *rated_top(const struct omps_fit_input *in,
                                              const struct omps_fitted_series *s,
                                              double *one)
{
    const struct omps_fit_point *top = NULL;
    *one = NAN;
    for (size_t i = 0; i < s->count; i++) {
        const struct omps_fit_point *p = omps_fit_member(in, s, i);
        if (!isfinite(p->rate))
            continue;
        if (p->cores == 1)
            *one = p->rate;
        if (top == NULL || p->cores > top->cores)
            top = p;
    }
    return top;
}

/* An overhead's answer: how its cost moves with the team, and what it is
 * in round trips of a cache line between these CPUs (the latency map's
 * median), which is what a contended construct must pay at least. */
static void overhead_limit(char *buf, size_t len, const struct omps_fit_point *top, double one,
                           double pair_ns)
{
    const int n = snprintf(buf, len, "%s: %.3g us at %ld threads, %.3g at 1",
                           top->rate > 1.5 * one ? "the construct costs more with more threads"
                                                 : "the construct's cost stays flat",
                           top->rate, top->cores, one);
    if (n > 0 && (size_t)n < len && isfinite(pair_ns) && pair_ns > 0)
        snprintf(buf + n, len - (size_t)n, "; %.2g round trips of a cache line between "
                 "these CPUs (%.0f ns)", 1000.0 * top->rate / pair_ns, pair_ns);
}

/* An overhead, contention or false-sharing kernel's row: its first
 * series' rate at the most threads, against one thread: an overhead's
 * cost growing, or the team's updates scaling (each thread's own work, so
 * ideally the rate times the threads). */
static void family_row(FILE *f, const struct omps_fit_input *in,
                       const struct omps_fitted_series *s)
{
    double one;
    const struct omps_fit_point *top = rated_top(in, s, &one);
    if (top == NULL)
        return;
    struct omps_headline_row row;
    fill(&row, s, top);
    /* Their work is per thread: no speedup, efficiency or fit to show. */
    row.speedup = row.speedup_lo = row.speedup_hi = row.efficiency = NAN;
    row.f = row.f_lo = row.f_hi = row.peak = NAN;
    const enum omps_family fam = top->key.kernel->family;
    static const char *const pictures[] = {"", "overheads", "contention",
                                           "false-sharing"};
    snprintf(row.picture, sizeof row.picture, "%s", fam <= 3 ? pictures[fam] : "");
    const double e = top->rate / (one * (double)top->cores);
    if (top->cores <= 1 || !isfinite(one))
        snprintf(row.limit, sizeof row.limit,
                 "measured at %ld core%s only: %.3g %s [%.3g, %.3g]; nothing at more cores to "
                 "compare with", top->cores, top->cores == 1 ? "" : "s", top->rate, row.unit,
                 top->rate_lo, top->rate_hi);
    else if (fam == OMPS_FAMILY_OVERHEAD)
        overhead_limit(row.limit, sizeof row.limit, top, one, in->pair_ns);
    else if (e < 0.5)
        snprintf(
            row.limit, sizeof row.limit,
            "updates serialise: %.2f of ideal at %ld threads, one cache line bounces "
            "between cores",
            e, top->cores);
    else
        snprintf(row.limit, sizeof row.limit,
                 "updates scale: %.2f of ideal at %ld threads", e, top->cores);
    write_row(f, &row);
}

/* One row per kernel, in order of first appearance. */
static void all_rows(FILE *f, const struct omps_fit_input *in,
                     const struct omps_fitted_series *s, size_t n,
                     const struct omps_fitted_series **mine)
{
    for (size_t i = 0; i < n; i++) {
        const struct omps_kernel *k = omps_fit_member(in, &s[i], 0)->key.kernel;
        size_t j = 0, count = 0;
        while (j < i && omps_fit_member(in, &s[j], 0)->key.kernel != k)
            j++;
        if (j < i || k->reference == k)
            continue;
        for (size_t m = i; m < n; m++) {
            if (omps_fit_member(in, &s[m], 0)->key.kernel == k)
                mine[count++] = &s[m];
        }
        if (k->family == OMPS_FAMILY_SCALING || k->family == OMPS_FAMILY_BLOCKING)
            scaling_row(f, in, mine, count);
        else
            family_row(f, in, mine[0]);
    }
}

int omps_headline_write(const char *dir, const struct omps_fit_input *in,
                        const struct omps_fitted_series *s, size_t n)
{
    const struct omps_fitted_series **mine = calloc(n + 1, sizeof *mine);
    struct omps_outfile out;
    if (mine == NULL || omps_outfile_open(&out, dir, "headline.csv") != OMPS_OK) {
        free(mine);
        return -1;
    }
    fprintf(out.f, "%s\n", OMPS_HEADLINE_HEADER);
    all_rows(out.f, in, s, n, mine);
    free(mine);
    return omps_outfile_commit(&out) == OMPS_OK ? 0 : -1;
}
