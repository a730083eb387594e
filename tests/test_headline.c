/*
 * The headline's rules on synthetic summaries whose answer is known: a
 * kernel that scales, one held by its serial fraction, one past its USL
 * peak, one at its memory bound, load imbalance under static, scheduling
 * overhead, one that slows down, and a shared counter whose updates
 * serialise.  Each writes DIR/summary.csv, runs the fit, and reads
 * DIR/headline.csv's limit by column name.
 * Usage: test_headline PLOT_SH
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv_write.h"
#include "table.h"
#include "check.h"
#include "fit.h"
#include "fit_support.h"
#include "rng.h"
#include "stats.h"

/* One synthetic series: USL times from t1, or a rate per thread count. */
struct line {
    const char *kernel, *schedule, *chunk;
    double t1, alpha, beta;
    double bound_top;  /* bound_fraction at the most threads (NaN: none) */
    double rate1, rate_scale; /* rate at 1 thread; rate at N = rate1 * N^rate_scale */
};

static void write_line(FILE *f, const struct line *l, int threads)
{
    for (int n = 1; n <= threads; n++) {
        const double t = l->t1 * usl_time(1.0, l->alpha, l->beta, n);
        const double rate = l->rate1 * pow(n, l->rate_scale);
        char th[16], med[32], sp[32], eff[32], bf[32] = "", r[32];
        snprintf(th, sizeof th, "%d", n);
        num(med, sizeof med, t);
        num(sp, sizeof sp, l->t1 / t);
        num(eff, sizeof eff, l->t1 / t / n);
        if (isfinite(l->bound_top))
            num(bf, sizeof bf, l->bound_top * (0.5 + 0.5 * (n - 1) / (threads - 1.0)));
        num(r, sizeof r, rate);
        summary_row(f, (const char *const[]){
                           "kernel", l->kernel, "n", "1000", "threads", th, "schedule",
                           l->schedule, "chunk", l->chunk, "repetitions", "10", "median_s", med,
                           "stddev_s", "0", "speedup", sp, "efficiency", eff, "rate", r,
                           "bound_fraction", bf, "oversubscribed", "0", "ranks", "1", "cores",
                           th, NULL});
    }
}

/* The limit headline.csv gives kernel after a fit of lines[0..n). */
static void limit_of(const char *name, const struct line *lines, size_t n, int threads,
                     const char *kernel, char *limit, size_t len)
{
    char dir[512], path[600], msg[512];
    case_dir(dir, sizeof dir, name);
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n", OMPS_SUMMARY_HEADER);
    for (size_t i = 0; i < n; i++)
        write_line(f, &lines[i], threads);
    fclose(f);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    f = fopen(path, "w");
    fprintf(f, "{\"cpu_model\": \"Synthetic CPU\", \"physical_cores\": %d}\n", threads);
    fclose(f);
    *limit = '\0';
    CHECK_INT_EQ(run_plot_sh("--fit-only", dir), 0);
    snprintf(path, sizeof path, "%s/headline.csv", dir);
    struct omps_table t;
    if (omps_table_read(path, &t, msg, sizeof msg) != 0) {
        CHECK_REPORT(0, "%s: %s", name, msg);
        return;
    }
    const int kc = omps_table_column(&t, "kernel"), lc = omps_table_column(&t, "limit");
    for (size_t r = 0; kc >= 0 && lc >= 0 && r < t.nrows; r++) {
        if (strcmp(omps_table_cell(&t, r, (size_t)kc), kernel) == 0)
            snprintf(limit, len, "%s", omps_table_cell(&t, r, (size_t)lc));
    }
    omps_table_free(&t);
}

static void expect(const char *name, const struct line *lines, size_t n, int threads,
                   const char *kernel, const char *words)
{
    char limit[256];
    limit_of(name, lines, n, threads, kernel, limit, sizeof limit);
    CHECK_REPORT(strstr(limit, words) != NULL, "%s: limit '%s', not '%s...'", name, limit,
                 words);
    printf("%s: %s\n", name, limit);
}

/* ---- the winner's curse ------------------------------------------------ */

#define SERIES 8
#define MOST_ROUNDS 16

/* One simulated kernel: SERIES series of a one-thread and a two-thread
 * point, every one with the same true speedup, each point's round medians
 * drawn with lognormal round noise sigma. */
struct curse {
    struct omps_fit_point points[2 * SERIES];
    size_t members[2 * SERIES];
    struct omps_fitted_series series[SERIES];
    const struct omps_fitted_series *list[SERIES];
    double values[2 * SERIES][MOST_ROUNDS];
    size_t index[MOST_ROUNDS];
};

/* The medians and today's intervals (the summary's) of one point. */
static void summarise(struct omps_fit_point *p, size_t rounds)
{
    double sorted[MOST_ROUNDS];
    memcpy(sorted, p->round_values, rounds * sizeof *sorted);
    p->median = omps_median_inplace(sorted, rounds);
    omps_median_interval(sorted, rounds, &p->ci_low, &p->ci_high);
}

static void simulate(struct curse *c, double speedup, double sigma, size_t rounds)
{
    memset(c, 0, sizeof *c);
    for (size_t r = 0; r < rounds; r++)
        c->index[r] = r;
    for (size_t i = 0; i < 2 * SERIES; i++) {
        struct omps_fit_point *p = &c->points[i];
        p->cores = i % 2 ? 2 : 1;
        for (size_t r = 0; r < rounds; r++)
            c->values[i][r] = (p->cores == 1 ? 1.0 : 1.0 / speedup) * exp(sigma * gaussian());
        p->round_values = c->values[i];
        p->round_index = c->index;
        p->nrounds = rounds;
        summarise(p, rounds);
        c->members[i] = i;
    }
    for (size_t k = 0; k < SERIES; k++) {
        struct omps_fit_point *one = &c->points[2 * k], *two = &c->points[2 * k + 1];
        two->speedup = one->median / two->median;
        two->speedup_lo = one->ci_low / two->ci_high;
        two->speedup_hi = one->ci_high / two->ci_low;
        c->series[k] = (struct omps_fitted_series){.members = &c->members[2 * k], .count = 2};
        c->list[k] = &c->series[k];
    }
}

/*
 * 200 seeds of SERIES equal series: the median relative bias of the
 * reported speedup and how often its interval covers the truth, by the
 * headline's rule (omps_fit_pick) and by the rule it replaced (the largest
 * of the series' estimates on all rounds, with its summary interval).
 */
static void curse_trial(double sigma, size_t rounds, double *bias, double *cover,
                        double *old_bias, double *old_cover, double *width, double *old_width)
{
    static struct curse c;
    const double truth = 1.6;
    double got[200], old[200], half[200], old_half[200];
    int in = 0, old_in = 0;
    struct omps_fit_input input = {.points = c.points, .count = 2 * SERIES};
    rng_state = 41 + (uint64_t)(100 * sigma) + rounds;
    for (int seed = 0; seed < 200; seed++) {
        simulate(&c, truth, sigma, rounds);
        const struct omps_fit_pick pick = omps_fit_pick(&input, c.list, SERIES);
        got[seed] = pick.speedup / truth - 1;
        half[seed] = sqrt(pick.hi / pick.lo) - 1;
        in += pick.lo <= truth && truth <= pick.hi;
        const struct omps_fit_point *top = NULL;
        for (size_t k = 0; k < SERIES; k++) {
            const struct omps_fit_point *p = &c.points[2 * k + 1];
            if (top == NULL || p->speedup > top->speedup)
                top = p;
        }
        old[seed] = top->speedup / truth - 1;
        old_in += top->speedup_lo <= truth && truth <= top->speedup_hi;
        old_half[seed] = sqrt(top->speedup_hi / top->speedup_lo) - 1;
    }
    *width = omps_median_inplace(half, 200), *old_width = omps_median_inplace(old_half, 200);
    *bias = omps_median_inplace(got, 200), *cover = in / 200.0;
    *old_bias = omps_median_inplace(old, 200), *old_cover = old_in / 200.0;
}

/* The headline free of the winner's curse: at this machine's round noise,
 * the reported speedup's median bias within 3% and its interval covering
 * the truth in at least 93% of 200 seeds. */
static void test_winners_curse(void)
{
    const double sigmas[] = {0.15, 0.20};
    const size_t rounds[] = {8, 12};
    for (size_t i = 0; i < 2; i++) {
        double bias, cover, old_bias, old_cover, width, old_width;
        curse_trial(sigmas[i], rounds[i], &bias, &cover, &old_bias, &old_cover, &width,
                    &old_width);
        printf("winner's curse, %zu series, %zu rounds, noise %.2f: bias %+.1f%%, coverage "
               "%.1f%%, interval +-%.0f%% (the largest estimate with its summary interval: "
               "bias %+.1f%%, coverage %.1f%%, interval +-%.0f%%)\n", (size_t)SERIES, rounds[i],
               sigmas[i], 100 * bias, 100 * cover, 100 * width, 100 * old_bias,
               100 * old_cover, 100 * old_width);
        CHECK_REPORT(fabs(bias) <= 0.03, "median bias %+.3f at noise %.2f", bias, sigmas[i]);
        CHECK_REPORT(cover >= 0.93, "coverage %.3f at noise %.2f", cover, sigmas[i]);
    }
}

int main(int argc, char **argv)
{
    test_winners_curse();
    if (fit_support_start(argc, argv) != 0)
        return 2;
    const double none = NAN;
    const struct line scales = {"midpoint", "static", "0", 1, 0.0, 0, none, 1, 1};
    expect("scales", &scales, 1, 8, "midpoint", "none seen");
    const struct line serial = {"serial_fraction", "static", "0", 1, 0.2, 0, none, 1, 1};
    expect("serial", &serial, 1, 8, "serial_fraction", "serial fraction: f = 0.200");
    const struct line peak = {"midpoint", "static", "0", 1, 0.02, 0.01, none, 1, 1};
    expect("usl-peak", &peak, 1, 16, "midpoint", "contention: the USL peaks at");
    const struct line memory = {"cube_map", "static", "0", 1, 0.3, 0, 0.95, 1, 1};
    expect("memory", &memory, 1, 8, "cube_map", "memory bandwidth (95% of the best of copy, read and update)");
    const struct line imbalance[] = {{"imbalance", "static", "0", 1, 0.5, 0, none, 1, 1},
                                     {"imbalance", "dynamic", "64", 1, 0.02, 0, none, 1, 1}};
    expect("imbalance", imbalance, 2, 8, "imbalance", "load imbalance: static reaches");
    const struct line overhead[] = {{"imbalance", "static", "0", 1, 0.1, 0, none, 1, 1},
                                    {"imbalance", "dynamic", "1", 1.2, 0.09, 0, none, 1, 1}};
    expect("overhead", overhead, 2, 8, "imbalance", "scheduling overhead: dynamic:1 takes +20%");
    const struct line slower = {"tasks", "none", "0", 1, 1.5, 0, none, 1, 1};
    expect("slower", &slower, 1, 4, "tasks", "slower with more threads");
    const struct line counter = {"counter_atomic", "none", "0", 1, 0, 0, none, 100, -0.5};
    expect("counter", &counter, 1, 4, "counter_atomic", "updates serialise");
    const struct line padded = {"false_sharing_padded", "none", "0", 1, 0, 0, none, 100, 1};
    expect("padded", &padded, 1, 4, "false_sharing_padded", "updates scale: 1.00 of ideal");
    if (fit_support_end() != 0)
        return 2;
    return CHECK_DONE();
}
