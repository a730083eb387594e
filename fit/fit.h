/*
 * `ompscale fit DIR`: Amdahl and USL fits of every series in DIR/summary.csv,
 * with 95% intervals from a bootstrap over DIR/runs.csv's rounds, written to
 * DIR/fit.csv; with --data WORK, also the files plots/draw.sh draws from.
 */
#ifndef OMPSCALE_FIT_H
#define OMPSCALE_FIT_H

#include <stddef.h>
#include <stdint.h>
#include "env.h"
#include "key.h"
#include "lines.h"
#include "options.h"

/* One configuration (a point of a series) as read from summary.csv, with
 * its rounds from runs.csv when they are there. */
struct omps_fit_point {
    struct omps_key key;       /* the configuration, as summary.csv names it */
    long cores;                /* ranks x threads: the fits' and pictures' x */
    int ranked;                /* a process kernel's row: its series are rank counts */
    double median, sigma;      /* sigma: the median's standard error */
    double speedup, efficiency, karp_flatt, speedup_lo, speedup_hi;
    double ci_low, ci_high;    /* the median's 95% interval (NaN: none) */
    double rate, rate_lo, rate_hi; /* in the kernel's unit, with its interval */
    double bound_rate;         /* the hardware bound at this point (NaN: none) */
    double bound_fraction;     /* rate / bound_rate */
    double cpus;               /* a program's median CPUs in use (NaN: a kernel) */
    double threads_seen;       /* the most threads a program held (NaN: a kernel) */
    int excluded;              /* 0 fitted; 1 drawn only; 2 not even drawn */
    size_t line;
    double *round_values;      /* each round's median, in round order */
    size_t *round_index;       /* the round of each value, into the run's list */
    size_t nrounds;
};

/* One fitted series, as the pictures and the headline use it. */
struct omps_fitted_series {
    const size_t *members; /* indexes into the input's points */
    size_t count;
    const char *label;     /* schedule, params, ranks, environment */
    const char *detail;    /* the label without the schedule */
    const char *legend;    /* label, T(1), and f with its interval */
    double f, alpha, beta; /* the Amdahl and USL fits; NaN where not fitted */
    double f_lo, f_hi;     /* f's 95% interval */
    int usl_selected;      /* the USL had the lower AICc */
    double peak, peak_lo, peak_hi; /* the USL's peak threads, where beta's
                                      interval excludes 0; else NaN */
};

/* One row of fit.csv (core/columns.h's OMPS_FIT_COLUMNS): a parameter of
 * one model fitted to the series that `point` heads. */
struct omps_fit_row {
    const struct omps_fit_point *point;
    const char *model, *parameter;
    double value, err;
    size_t points;
    const char *note;
    double lo, hi;           /* the 95% interval */
    const char *environment; /* the axes that were set, as text */
    long threads_per_rank;   /* a process kernel's series; 0 otherwise */
};

/* The most runs one fit pools (DIR and its --with directories). */
#define OMPS_FIT_MAX_RUNS 64

struct omps_fit_input {
    struct omps_fit_point *points;
    size_t count;
    size_t rounds;             /* distinct rounds over every run; 0 without them */
    /* Runs whose rounds are pooled: run j holds rounds [run_first[j],
     * run_first[j] + run_rounds[j]).  0 when DIR's runs.csv has no rounds. */
    size_t runs;
    size_t run_first[OMPS_FIT_MAX_RUNS];
    size_t run_rounds[OMPS_FIT_MAX_RUNS];
    int physical_cores;        /* 0: unknown */
    double division_ns;        /* machine.json's probes (NaN: not there): */
    double fma_gflops;         /* one core's division time, peak GFLOP/s */
    double pair_ns;            /* the median round trip of a cache line between
                                  two CPUs (core_to_core_ns); NaN: not there */
    int env_varies[OMPS_AXES]; /* the points differ on this environment axis */
    char dir[4096];            /* the first run's directory */
    char cpu_model[256];       /* from machine.json; empty when unknown */
    char caption[512];         /* "CPU model, date" for the pictures */
};

/* Series i's i-th point. */
const struct omps_fit_point *omps_fit_member(const struct omps_fit_input *in,
                                             const struct omps_fitted_series *s, size_t i);

/* The first of s's points at the most cores that was fitted and has a
 * median; NULL when none. */
const struct omps_fit_point *omps_fit_top_point(const struct omps_fit_input *in,
                                                const struct omps_fitted_series *s);

/* The point of s at one core with a positive median (the speedup's
 * reference); NULL when none. */
const struct omps_fit_point *omps_fit_one_core(const struct omps_fit_input *in,
                                               const struct omps_fitted_series *s);

/* The speedup at that point; 0 when there is none or it is not finite. */
double omps_fit_top_speedup(const struct omps_fit_input *in, const struct omps_fitted_series *s);

/* Point p as the report's lines see it (core/lines.h). */
struct omps_line_point omps_fit_line_point(const struct omps_fit_point *p);

/*
 * The log of num's time over den's, paired by round (core/lines.h's
 * omps_paired_log_ratio): the mean over the rounds both ran (of parity
 * `half` of the round's index: 0 even, 1 odd, -1 any) of log(num's round
 * median / den's) into *mean, and its 95% t half-width into *h (NaN from
 * one round).  A round's noise moves both sides of it alike, and pairing
 * takes it out.  Returns the rounds used (0: neither output set).
 */
size_t omps_fit_paired_log_ratio(const struct omps_fit_point *num,
                                 const struct omps_fit_point *den, int half, double *mean,
                                 double *h);

/* A kernel's headline series and its speedup at the most cores. */
struct omps_fit_pick {
    long series;               /* an index into the series; -1: none */
    double speedup, lo, hi;    /* with its 95% interval */
    size_t rounds;             /* the rounds it was estimated on */
    int half;                  /* their parity (1: the odd), or -1: every round */
    const char *how;           /* how it was chosen and estimated */
};

/*
 * The headline's rule, free of the winner's curse (docs/methods.md, "The
 * headline"): among several series, the one whose speedup at its most
 * cores is highest on the even rounds (paired by round with its one-core
 * point), its speedup then estimated on the odd rounds alone, paired by
 * round with a t interval, so the choice does not inflate what is
 * reported.  One series is estimated on every round.  Without two rounds in
 * each half, the largest point estimate and its summary interval (the old
 * rule, biased high), said in `how`.
 */
struct omps_fit_pick omps_fit_pick(const struct omps_fit_input *in,
                                   const struct omps_fitted_series *const *series, size_t n);

/* omps_fit_pick's series: the headline, the overview and the roofline all
 * choose by it, so they name the same series. */
long omps_fit_best_of(const struct omps_fit_input *in,
                      const struct omps_fitted_series *const *series, size_t n);

/*
 * Reads DIR/summary.csv (by header name), DIR/machine.json (optional) and
 * DIR/runs.csv (optional: the rounds).  Threads must be positive whole
 * numbers, medians positive or empty/NaN.  Returns 0, or OMPS_EFORMAT /
 * OMPS_EIO / OMPS_ENOMEM with err "PATH:LINE: what".  Free with
 * omps_fit_input_free.
 */
int omps_fit_read(const char *dir, struct omps_fit_input *in, char *err, size_t err_len);

/*
 * Pools another run of the same plan into in: DIR/runs.csv's rounds are
 * appended to the points they belong to (matched by key; configurations
 * that in lacks are ignored) as one more run.  DIR must have rounds and the
 * same CPU model.  Returns 0, or OMPS_EFORMAT / OMPS_EIO / OMPS_EINVAL /
 * OMPS_ENOMEM with err naming the file.  After the last one, call
 * omps_fit_pool_medians.
 */
int omps_fit_add_run(struct omps_fit_input *in, const char *dir, char *err, size_t err_len);

/* Makes each point's median the median of its pooled per-round medians. */
void omps_fit_pool_medians(struct omps_fit_input *in);

void omps_fit_input_free(struct omps_fit_input *in);

/* The environment of p as a label: only the axes on which in's points
 * differ, as "spread/passive/clang" ("default" where the runtime chose;
 * empty when every point ran in one environment). */
void omps_fit_env_label(const struct omps_fit_input *in, const struct omps_fit_point *p,
                        char *buf, size_t len);

/* fit's options (core/options.h): what the parser accepts and the usage
 * shows. */
extern const struct omps_option omps_fit_options[];
extern const size_t omps_fit_option_count;

/* The command: parses argv after "fit", fits, writes; returns the exit code
 * (0, or 2 with a one-line message for bad usage or input). */
int omps_cmd_fit(int argc, char **argv);

#endif
