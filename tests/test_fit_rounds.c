/*
 * The fits' intervals on synthetic runs with round-level noise: the
 * bootstrap over rounds holds the true parameters at its stated rate, and
 * runs that differ from run to run need pooling (--with) to be covered.
 * Usage: test_fit_rounds PLOT_SH
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv_write.h"
#include "stats.h"
#include "check.h"
#include "fit_support.h"
#include "rng.h"

struct rounds_synth {
    double alpha, beta;  /* USL (Amdahl: beta 0, alpha = f) */
    int max_threads;
    int rounds;
    double round_noise;  /* lognormal sigma of each configuration in each round */
    double drift;        /* lognormal sigma shared by a round's configurations */
    double run_effect;   /* lognormal sigma of each configuration for a whole run */
};

/*
 * A run directory as ompscale writes it, with round-level noise: runs.csv
 * (two repetitions per configuration per round), summary.csv from it, and
 * machine.json.  The kernel is serial_fraction [f=0.1] so runs.csv reads.
 */
static void write_rounds_run(const char *dir, const struct rounds_synth *s)
{
    char path[600];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    FILE *runs = fopen(path, "w");
    fprintf(runs, "%s\n", OMPS_RUNS_HEADER);
    double t[64][2 * 64], run_level[64];
    for (int n = 1; n <= s->max_threads; n++)
        run_level[n] = exp(s->run_effect * gaussian());
    for (int round = 0; round < s->rounds; round++) {
        const double shared = exp(s->drift * gaussian());
        for (int n = 1; n <= s->max_threads; n++) {
            const double level = usl_time(1e-3, s->alpha, s->beta, n) * shared *
                                 run_level[n] * exp(s->round_noise * gaussian());
            for (int r = 0; r < 2; r++) {
                double v = level * exp(0.002 * gaussian());
                t[n][2 * round + r] = v;
                char th[16], rep[16], sec[32], rd[16];
                snprintf(th, sizeof th, "%d", n);
                snprintf(rep, sizeof rep, "%d", 2 * round + r);
                snprintf(rd, sizeof rd, "%d", round);
                header_row(runs, OMPS_RUNS_HEADER,
                           (const char *const[]){"kernel", "serial_fraction", "params", "f=0.1",
                                                 "n", "1000", "threads", th, "schedule",
                                                 "static", "chunk", "0", "repetition", rep,
                                                 "seconds", num(sec, sizeof sec, v), "verified",
                                                 "1", "oversubscribed", "0", "round", rd,
                                                 "ranks", "1", NULL});
            }
        }
    }
    fclose(runs);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n", OMPS_SUMMARY_HEADER);
    const int reps = 2 * s->rounds;
    for (int n = 1; n <= s->max_threads; n++) {
        struct omps_stats st;
        omps_stats_describe(t[n], (size_t)reps, &st);
        char threads[16], count[16], m[32], mean[32], sd[32];
        snprintf(threads, sizeof threads, "%d", n);
        snprintf(count, sizeof count, "%d", reps);
        summary_row(f, (const char *const[]){
                           "kernel", "serial_fraction", "params", "f=0.1", "n", "1000",
                           "threads", threads, "schedule", "static", "chunk", "0",
                           "repetitions", count, "median_s", num(m, sizeof m, st.median),
                           "mean_s", num(mean, sizeof mean, st.mean),
                           "stddev_s", num(sd, sizeof sd, st.stddev), "rate_unit", "GFLOP/s",
                           "oversubscribed", "0", "ranks", "1", "cores", threads, NULL});
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    f = fopen(path, "w");
    fprintf(f, "{\"cpu_model\": \"Synthetic CPU\", \"physical_cores\": %d}\n", s->max_threads);
    fclose(f);
}

/*
 * Coverage of the bootstrap intervals: over `trials` seeded runs with
 * round-level noise, the 95% interval must hold the true value at least 90%
 * of the time.  Returns how many intervals held it.
 */
static int rounds_coverage(const char *name, const struct rounds_synth *s, const char *model,
                           const char *param, double truth, int trials, int *peaks)
{
    int inside = 0;
    *peaks = 0;
    for (int trial = 0; trial < trials; trial++) {
        char dir[512], note[512];
        snprintf(dir, sizeof dir, "%s/%s-%d", root, name, trial);
        rng_state = 0x51ED2700ULL + (uint64_t)trial * 7919;
        write_rounds_run(dir, s);
        double v = NAN, lo = NAN, hi = NAN, peak, plo, phi;
        if (run_plot_sh("--fit-only", dir) != 0 ||
            fit_interval(dir, model, param, &v, &lo, &hi, note, sizeof note) != 0)
            continue;
        inside += lo <= truth && truth <= hi;
        *peaks += fit_interval(dir, "usl", "peak_threads", &peak, &plo, &phi, note,
                               sizeof note) == 0;
    }
    printf("%s: %s %s interval held %g in %d of %d runs\n", name, model, param, truth, inside,
           trials);
    return inside;
}

static void test_bootstrap_coverage(void)
{
    int peaks;
    struct rounds_synth amdahl = {0.1, 0, 8, 8, 0.04, 0.02, 0};
    int in = rounds_coverage("boot-amdahl", &amdahl, "amdahl", "f", 0.1, 60, &peaks);
    CHECK_REPORT(in >= 54, "Amdahl f: %d of 60 intervals held the truth", in);
    /* Pure Amdahl data: a USL peak only when beta's interval excludes 0,
     * which it should not, except by chance. */
    struct rounds_synth pure = {0.1, 0, 16, 8, 0.03, 0.01, 0};
    in = rounds_coverage("boot-pure", &pure, "usl", "alpha", 0.1, 40, &peaks);
    CHECK_REPORT(in >= 36, "USL alpha: %d of 40 intervals held the truth", in);
    CHECK_REPORT(peaks <= 4, "%d of 40 pure Amdahl series got a USL peak", peaks);
    struct rounds_synth usl = {0.05, 0.002, 16, 8, 0.03, 0.01, 0};
    in = rounds_coverage("boot-usl", &usl, "usl", "beta", 0.002, 40, &peaks);
    CHECK_REPORT(in >= 36, "USL beta: %d of 40 intervals held the truth", in);
    CHECK_REPORT(peaks >= 30, "only %d of 40 USL series with a clear peak got one", peaks);
    /* A small f near the boundary gets an interval, never a refusal. */
    struct rounds_synth small = {0.01, 0, 4, 8, 0.10, 0, 0};
    in = rounds_coverage("boot-small", &small, "amdahl", "f", 0.01, 40, &peaks);
    CHECK_REPORT(in >= 36, "small f: %d of 40 intervals held the truth", in);
}

/* Fits DIR pooled with the runs in with[0..nwith), as `ompscale fit DIR
 * --with ...` does; returns its exit code. */
static int fit_pooled(const char *dir, char with[][512], int nwith)
{
    char cmd[8192];
    const char *bin = getenv("OMPSCALE");
    int len = snprintf(cmd, sizeof cmd, "%s fit %s", bin ? bin : "ompscale", dir);
    for (int i = 0; i < nwith; i++)
        len += snprintf(cmd + len, sizeof cmd - (size_t)len, " --with %s", with[i]);
    snprintf(cmd + len, sizeof cmd - (size_t)len, " >/dev/null 2>&1");
    const int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/*
 * Runs that differ from run to run (each configuration's level moves by 3%
 * for a whole run, as it does here between runs minutes apart) defeat any
 * interval computed inside one run: the same coverage check must fail on
 * single runs, and hold for four runs pooled with --with, whose bootstrap
 * resamples runs and then rounds.
 */
static void test_pooled_runs(void)
{
    enum { TRIALS = 30, RUNS = 4 };
    const struct rounds_synth s = {0.1, 0, 4, 8, 0.01, 0.005, 0.03};
    int single = 0, pooled = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
        char dirs[RUNS][512], note[512];
        rng_state = 0xB00750ULL + (uint64_t)trial * 104729;
        for (int r = 0; r < RUNS; r++) {
            snprintf(dirs[r], sizeof dirs[r], "%s/pool-%d-%d", root, trial, r);
            write_rounds_run(dirs[r], &s);
        }
        double v, lo = NAN, hi = NAN;
        if (fit_pooled(dirs[0], NULL, 0) == 0 &&
            fit_interval(dirs[0], "amdahl", "f", &v, &lo, &hi, note, sizeof note) == 0)
            single += lo <= 0.1 && 0.1 <= hi;
        lo = hi = NAN;
        if (fit_pooled(dirs[0], dirs + 1, RUNS - 1) == 0 &&
            fit_interval(dirs[0], "amdahl", "f", &v, &lo, &hi, note, sizeof note) == 0 &&
            strstr(note, "pooled over 4 runs") != NULL)
            pooled += lo <= 0.1 && 0.1 <= hi;
    }
    printf("run-level noise: single runs held f in %d of %d, four pooled in %d of %d\n",
           single, TRIALS, pooled, TRIALS);
    CHECK_REPORT(single < 0.8 * TRIALS, "single runs held f %d of %d times: the synthetic "
                 "runs lack the run-level noise this test is about", single, TRIALS);
    CHECK_REPORT(pooled >= 0.9 * TRIALS, "pooled runs held f only %d of %d times", pooled,
                 TRIALS);
    /* Runs from another CPU are not pooled. */
    char other[1][512];
    snprintf(other[0], sizeof other[0], "%s/pool-other", root);
    write_rounds_run(other[0], &s);
    char path[600];
    snprintf(path, sizeof path, "%s/machine.json", other[0]);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"cpu_model\": \"Another CPU\"}\n");
    fclose(f);
    char first[512];
    snprintf(first, sizeof first, "%s/pool-0-0", root);
    CHECK_INT_EQ(fit_pooled(first, other, 1), 2);
    snprintf(path, sizeof path, "%s/fit.csv", first);
    CHECK(access(path, F_OK) != 0); /* a failed fit leaves no fit.csv */
    /* Nor a directory without runs.csv, or one from before rounds. */
    snprintf(other[0], sizeof other[0], "%s/pool-none", root);
    CHECK_INT_EQ(fit_pooled(first, other, 1), 2);
    snprintf(other[0], sizeof other[0], "%s/pool-old", root);
    write_rounds_run(other[0], &s);
    char from[512];
    snprintf(from, sizeof from, "%s/pool-0-1/runs.csv", root);
    snprintf(path, sizeof path, "%s/runs.csv", other[0]);
    CHECK_INT_EQ(copy_columns_before(from, path, "round"), 0);
    CHECK_INT_EQ(fit_pooled(first, other, 1), 2);
}

int main(int argc, char **argv)
{
    if (fit_support_start(argc, argv) != 0)
        return 2;
    test_bootstrap_coverage();
    test_pooled_runs();
    if (fit_support_end() != 0)
        return 2;
    return CHECK_DONE();
}
