/*
 * The report's lines that rounds can decide, in one place for the fits
 * and the sweep: which comparisons the advice makes (binding, schedule,
 * SMT), which configurations each kernel's headline speedup reads, and
 * the one rule that says whether a comparison is decided and how many
 * rounds would decide it.  The fits write advice.csv from these lines;
 * the sweep (harness/sweep.c) spends its rounds past the minimum on the
 * lines still undecided, so both agree on what a line needs.  The rules
 * are in docs/methods.md ("Rounds where decisions are made", "Advice").
 */
#ifndef OMPSCALE_LINES_H
#define OMPSCALE_LINES_H

#include <stddef.h>

#include "key.h"

/* Two settings whose times are within this share of each other, with 95%
 * confidence, are the same (an equivalence test, as compare's unchanged). */
#define OMPS_SAME_MARGIN 0.05

/* A headline speedup is decided once its 95% interval's half-width is
 * within this share: narrow enough to act on. */
#define OMPS_HEADLINE_HALF_WIDTH 0.10

/* One configuration as the lines see it: its median so far and its
 * per-round medians. */
struct omps_line_point {
    const struct omps_key *key;
    double median;        /* NaN: none yet */
    const size_t *rounds; /* the round of each value */
    const double *values; /* each round's median seconds */
    size_t n;
};

enum omps_line_topic { OMPS_LINE_BINDING, OMPS_LINE_SCHEDULE, OMPS_LINE_SMT, OMPS_LINE_HEADLINE };

/*
 * A line: the two configurations it compares, as indexes into the points.
 * A side chosen as the fastest of several candidates looks faster than it
 * is (the winner's curse): a comparison's interval covers every pair it
 * could have chosen (pairs, Bonferroni), and a headline chosen among
 * several series is chosen on the even rounds and estimated on the odd
 * ones, as the fits' pick does (fit/series.c).
 */
struct omps_line {
    enum omps_line_topic topic;
    const struct omps_kernel *kernel;
    int threads;   /* the team size compared at */
    size_t faster; /* by median; a headline: its series' top point */
    size_t slower; /* a headline: its series' one-core point */
    int half;      /* the rounds it is estimated on: 1 odd, -1 all */
    int pairs;     /* the comparisons its sides were chosen from; 1: none */
};

/* The topic's name as advice.csv and visits.csv write it. */
const char *omps_line_topic_name(enum omps_line_topic t);

/*
 * Finds the lines the points p[0..n) support, at most cap into out: per
 * kernel, in the registry's order, its binding, schedule and SMT
 * comparisons (physical_cores: the machine's; 0 unknown), then every
 * scaling or blocking kernel's headline (its series with the highest
 * speedup by medians, between its one-core and its top point).  Returns
 * how many.
 */
size_t omps_lines_find(const struct omps_line_point *p, size_t n, int physical_cores,
                       struct omps_line *out, size_t cap);

/* The most lines omps_lines_find can find: room enough for all of them. */
size_t omps_lines_most(void);

/*
 * The mean of log(num / den) over the rounds both ran (of parity half
 * only, or all when half is -1) and its 95% t interval's half-width *h
 * (NaN below two rounds).  Returns the rounds used.
 */
size_t omps_paired_log_ratio(const struct omps_line_point *num,
                             const struct omps_line_point *den, int half, double *mean,
                             double *h);

/* Line l's log time ratio, slower over faster, paired by round on its
 * rounds (omps_paired_log_ratio): *d, and *h the half-width of its 95%
 * interval over its pairs (each at 1 - 0.05 / pairs); returns the rounds
 * used. */
size_t omps_line_estimate(const struct omps_line *l, const struct omps_line_point *p, double *d,
                          double *h);

enum omps_verdict {
    OMPS_VERDICT_NONE,
    OMPS_VERDICT_USE,
    OMPS_VERDICT_SAME,
    OMPS_VERDICT_UNDECIDED
};

/*
 * A comparison's outcome from its log time ratio d and its 95% interval's
 * half-width h: use the faster where the interval excludes zero, the same
 * where it lies within +-margin (log1p of OMPS_SAME_MARGIN), undecided
 * otherwise, none where h is not finite.
 */
enum omps_verdict omps_verdict_of(double d, double h, double margin);

/* Whether line l is decided at d +- h: a comparison that says use or the
 * same, a headline within OMPS_HEADLINE_HALF_WIDTH. */
int omps_line_decided(const struct omps_line *l, double d, double h);

/*
 * The rounds in all that would decide a comparison now at d +- h after
 * `rounds`: the interval narrows as one over the square root of the
 * rounds, and it decides once h is below |d| (a difference) or below the
 * margin less |d| (the same), whichever comes first.  NaN when rounds is 0.
 */
double omps_rounds_to_decide(double d, double h, double margin, long rounds);

/*
 * The rounds in all line l needs at the noise its points show before the
 * sweep may stop visiting it: at most *had (the rounds its two points
 * share, counting both halves where it is estimated on one) when decided,
 * more when not, NaN below two rounds used.  The
 * sweep looks at every line every round, and stopping at the first look
 * whose 95% interval decides would decide too often by chance; so it stops
 * only once the line's 99.9% interval (over its pairs) decides (Haybittle
 * and Peto's rule:
 * strict looks on the way, the report's 95% at the end), and a line the
 * budget ends is reported as its last look finds it.
 */
double omps_line_rounds_needed(const struct omps_line *l, const struct omps_line_point *p,
                               size_t *had);

#endif
