/*
 * The plot stage on synthetic summary.csv files with known answers: Amdahl
 * and USL parameters recovered noise-free and within their reported 2-sigma
 * intervals under seeded noise; degenerate series skipped with a reason;
 * real PNG and SVG pictures; fit.csv parsing with its header.
 * Usage: test_fit PLOT_SH
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv_write.h"
#include "stats.h"
#include "table.h"
#include "check.h"
#include "rng.h"

static const char *plot_sh;
static char root[] = "/tmp/ompscale-test-fit-XXXXXX";


/* Time at N threads under USL (Amdahl when beta = 0). */
static double usl_time(double t1, double alpha, double beta, int n)
{
    return t1 * (1.0 + alpha * (n - 1) + beta * n * (n - 1.0)) / n;
}

struct synth {
    const char *kernel;
    double alpha, beta, noise; /* noise: relative sigma of each median */
    int max_threads;
    int physical_cores;
    int constant; /* every time equal */
};

/* Writes one summary.csv row by column name: cells holds name, value pairs
 * ending in NULL; every other column of OMPS_SUMMARY_HEADER is empty, so a
 * row stays right whatever columns the file gains. */
static void summary_row(FILE *f, const char *const *cells)
{
    char header[2048];
    int first = 1;
    snprintf(header, sizeof header, "%s", OMPS_SUMMARY_HEADER);
    for (char *name = strtok(header, ","); name != NULL; name = strtok(NULL, ",")) {
        const char *value = "";
        for (const char *const *c = cells; *c != NULL; c += 2) {
            if (strcmp(c[0], name) == 0)
                value = c[1];
        }
        omps_csv_put_TEXT(f, &first, value);
    }
    fputc('\n', f);
}

/* "%.17g" of v in buf. */
static const char *num(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.17g", v);
    return buf;
}

/* Writes DIR/summary.csv and DIR/machine.json for one synthetic series. */
static void write_run(const char *dir, const struct synth *s)
{
    char path[512];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n", OMPS_SUMMARY_HEADER);
    const int reps = 10;
    for (int n = 1; n <= s->max_threads; n++) {
        double t = s->constant ? 1.0 : usl_time(1.0, s->alpha, s->beta, n);
        double measured = t * (1.0 + s->noise * gaussian());
        double stddev = s->noise * t * sqrt(reps) / 1.2533;
        char threads[16], count[16], m[32], sd[32], sp[32];
        snprintf(threads, sizeof threads, "%d", n);
        snprintf(count, sizeof count, "%d", reps);
        num(m, sizeof m, measured);
        summary_row(f, (const char *const[]){
                           "kernel", s->kernel, "n", "1000", "threads", threads,
                           "schedule", "static", "chunk", "0", "repetitions", count,
                           "median_s", m, "mean_s", m, "stddev_s", num(sd, sizeof sd, stddev),
                           "min_s", m, "max_s", m, "speedup", num(sp, sizeof sp, 1.0 / measured),
                           "rate", "1", "rate_unit", "GFLOP/s", "oversubscribed", "0",
                           "ranks", "1", "cores", threads, NULL});
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    f = fopen(path, "w");
    fprintf(f, "{\n  \"date\": \"2026-01-01T00:00:00Z\",\n  \"cpu_model\": \"Synthetic CPU\",\n"
               "  \"physical_cores\": %d\n}\n", s->physical_cores);
    fclose(f);
}

static int run_plot_sh(const char *options, const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "bash %s %s %s >/dev/null 2>&1", plot_sh, options, dir);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int run_plots(const char *dir)
{
    return run_plot_sh("", dir);
}

/* Writes to `to` the columns of `from` that come before `column`, as a
 * runs.csv from before that column existed.  Returns 0, or -1. */
static int copy_columns_before(const char *from, const char *to, const char *column)
{
    struct omps_table t;
    char msg[512];
    if (omps_table_read(from, &t, msg, sizeof msg) != 0)
        return -1;
    const int end = omps_table_column(&t, column);
    FILE *f = end > 0 ? fopen(to, "w") : NULL;
    for (size_t r = 0; f != NULL && r <= t.nrows; r++) {
        for (int c = 0; c < end; c++) {
            if (c > 0)
                fputc(',', f);
            omps_csv_text(f, r == 0 ? t.header[c] : omps_table_cell(&t, r - 1, (size_t)c));
        }
        fputc('\n', f);
    }
    const int rc = f != NULL && fclose(f) == 0 ? 0 : -1;
    omps_table_free(&t);
    return rc;
}

/* One row of DIR/fit.csv, read by column name. */
struct fit_cells {
    double value, err, lo, hi;
    char note[256];
};

/* Finds (model, parameter) in DIR/fit.csv.  Returns 0 when found. */
static int fit_lookup(const char *dir, const char *model, const char *param, struct fit_cells *out)
{
    char path[512], msg[512];
    struct omps_table t;
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    if (omps_table_read(path, &t, msg, sizeof msg) != 0) {
        fprintf(stderr, "%s\n", msg);
        return -1;
    }
    static const char *const names[] = {"model", "parameter", "value", "stderr",
                                        "ci_low", "ci_high", "note"};
    int c[7], found = -1;
    for (int i = 0; i < 7; i++) {
        c[i] = omps_table_column(&t, names[i]);
        if (c[i] < 0)
            found = -2;
    }
    for (size_t r = 0; r < t.nrows && found == -1; r++) {
        const char *cell[7];
        for (int i = 0; i < 7; i++)
            cell[i] = omps_table_cell(&t, r, (size_t)c[i]);
        if (strcmp(cell[0], model) || strcmp(cell[1], param))
            continue;
        out->value = strtod(cell[2], NULL);
        out->err = strtod(cell[3], NULL);
        out->lo = strtod(cell[4], NULL);
        out->hi = strtod(cell[5], NULL);
        snprintf(out->note, sizeof out->note, "%s", cell[6]);
        found = 0;
    }
    omps_table_free(&t);
    return found;
}

/* Looks up (model, parameter) in DIR/fit.csv; returns 0 when found. */
static int fit_value(const char *dir, const char *model, const char *param,
                     double *value, double *err, char *note, size_t note_len)
{
    struct fit_cells f;
    if (fit_lookup(dir, model, param, &f) != 0)
        return -1;
    *value = f.value;
    *err = f.err;
    if (note)
        snprintf(note, note_len, "%s", f.note);
    return 0;
}

static void case_dir(char *dir, size_t len, const char *name)
{
    snprintf(dir, len, "%s/%s", root, name);
}

static void test_amdahl_noise_free(void)
{
    const double fs[] = {0.02, 0.1, 0.3, 0.5, 0.9};
    for (size_t i = 0; i < 5; i++) {
        char dir[512], name[32];
        snprintf(name, sizeof name, "amdahl-%zu", i);
        case_dir(dir, sizeof dir, name);
        struct synth s = {"midpoint", fs[i], 0, 0, 64, 64, 0};
        write_run(dir, &s);
        CHECK_INT_EQ(run_plot_sh("--fit-only", dir), 0);
        double f = NAN, err = NAN;
        CHECK_INT_EQ(fit_value(dir, "amdahl", "f", &f, &err, NULL, 0), 0);
        CHECK_NEAR(f, fs[i], 0.005);
    }
}

/* Over 20 seeds, the reported 2-sigma interval must hold the true value
 * about 95% of the time: at least 17 of 20, and 4 sigma every time. */
static void test_noisy_coverage(const char *model, const char *param, double alpha,
                                double beta, double truth)
{
    int inside2 = 0, inside4 = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        char dir[512], name[64];
        snprintf(name, sizeof name, "noisy-%s-%s-%llu", model, param, (unsigned long long)seed);
        case_dir(dir, sizeof dir, name);
        rng_state = seed * 0x9E3779B97F4A7C15ULL;
        struct synth s = {"midpoint", alpha, beta, 0.03, 64, 64, 0};
        write_run(dir, &s);
        double v = NAN, err = NAN;
        if (run_plot_sh("--fit-only", dir) != 0 || fit_value(dir, model, param, &v, &err, NULL, 0) != 0)
            continue;
        inside2 += fabs(v - truth) <= 2 * err;
        inside4 += fabs(v - truth) <= 4 * err;
    }
    printf("%s %s: %d of 20 seeds within 2 sigma, %d within 4\n", model, param, inside2, inside4);
    CHECK_REPORT(inside2 >= 17, "%s %s: %d of 20 within 2 sigma", model, param, inside2);
    CHECK_REPORT(inside4 == 20, "%s %s: %d of 20 within 4 sigma", model, param, inside4);
}

static void test_usl(void)
{
    char dir[512];
    case_dir(dir, sizeof dir, "usl");
    struct synth s = {"midpoint", 0.05, 0.001, 0, 64, 64, 0};
    write_run(dir, &s);
    CHECK_INT_EQ(run_plots(dir), 0);
    double a = NAN, b = NAN, err, peak = NAN, delta;
    CHECK_INT_EQ(fit_value(dir, "usl", "alpha", &a, &err, NULL, 0), 0);
    CHECK_INT_EQ(fit_value(dir, "usl", "beta", &b, &err, NULL, 0), 0);
    CHECK_NEAR(a, 0.05, 0.005);
    CHECK_NEAR(b, 0.001, 1e-5);
    CHECK_INT_EQ(fit_value(dir, "usl", "peak_threads", &peak, &err, NULL, 0), 0);
    CHECK_NEAR(peak, sqrt(0.95 / 0.001), 0.5);
    CHECK_INT_EQ(fit_value(dir, "selected", "usl", &delta, &err, NULL, 0), 0);
}

/* Points beyond the physical cores are drawn but not fitted. */
static void test_exclusion(void)
{
    char dir[512];
    case_dir(dir, sizeof dir, "excluded");
    struct synth s = {"midpoint", 0.1, 0, 0, 24, 16, 0};
    write_run(dir, &s);
    CHECK_INT_EQ(run_plots(dir), 0);
    double f = NAN, err;
    CHECK_INT_EQ(fit_value(dir, "amdahl", "f", &f, &err, NULL, 0), 0);
    CHECK_NEAR(f, 0.1, 0.005);
    struct omps_table t;
    char msg[256], path[600];
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    CHECK_INT_EQ(omps_table_read(path, &t, msg, sizeof msg), 0);
    CHECK_STR_EQ(omps_table_cell(&t, 0, 9), "16"); /* points used */
    omps_table_free(&t);
}

static void check_skipped(const char *name, const struct synth *s, const char *why)
{
    char dir[512], note[256] = "";
    double v, err;
    case_dir(dir, sizeof dir, name);
    write_run(dir, s);
    CHECK_INT_EQ(run_plots(dir), 0);
    CHECK_INT_EQ(fit_value(dir, "amdahl", "skipped", &v, &err, note, sizeof note), 0);
    CHECK_REPORT(strstr(note, why) != NULL, "%s: note '%s', want '%s'", name, note, why);
    char png[600];
    snprintf(png, sizeof png, "%s/speedup-midpoint.png", dir);
    struct stat st;
    CHECK_REPORT(stat(png, &st) == 0, "%s: no picture after a skipped fit", name);
}

static void test_degenerate(void)
{
    struct synth one = {"midpoint", 0.1, 0, 0, 1, 4, 0};
    check_skipped("one-thread", &one, "thread count");
    /* A flat series is wholly serial (f = 1), with no USL peak however
     * small its fitted beta. */
    char flatdir[512];
    struct synth flat = {"midpoint", 0.1, 0, 0, 8, 8, 1};
    case_dir(flatdir, sizeof flatdir, "all-equal");
    write_run(flatdir, &flat);
    CHECK_INT_EQ(run_plots(flatdir), 0);
    double fv = NAN, fe;
    CHECK_INT_EQ(fit_value(flatdir, "amdahl", "f", &fv, &fe, NULL, 0), 0);
    CHECK_NEAR(fv, 1.0, 1e-9);
    CHECK(fit_value(flatdir, "usl", "peak_threads", &fv, &fe, NULL, 0) != 0);
    struct synth slower = {"midpoint", 0.9, 0.2, 0, 8, 8, 0};
    check_skipped("slower", &slower, "no speedup");
    /* NaN medians are skipped, not fatal. */
    char dir[512], path[600];
    case_dir(dir, sizeof dir, "nan");
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n", OMPS_SUMMARY_HEADER);
    for (int n = 1; n <= 2; n++) {
        const char *threads = n == 1 ? "1" : "2";
        summary_row(f, (const char *const[]){
                           "kernel", "midpoint", "n", "1000", "threads", threads, "schedule", "static",
                           "chunk", "0", "repetitions", "10", "median_s", "nan",
                           "rate_unit", "GFLOP/s", "oversubscribed", "0", "ranks", "1",
                           "cores", threads, NULL});
    }
    fclose(f);
    CHECK_INT_EQ(run_plots(dir), 0);
    double v, err;
    char note[256] = "";
    CHECK_INT_EQ(fit_value(dir, "amdahl", "skipped", &v, &err, note, sizeof note), 0);
    CHECK(strstr(note, "no finite times") != NULL);
}

/* Kernels with no loop schedule come as schedule "none": fitted and drawn
 * like any other series. */
static void test_none_schedule(void)
{
    char dir[512], path[600];
    case_dir(dir, sizeof dir, "none");
    struct synth s = {"recursive_sum", 0.2, 0, 0, 4, 4, 0};
    write_run(dir, &s);
    snprintf(path, sizeof path, "sed -i 's/,static,0,/,none,0,/' %s/summary.csv", dir);
    CHECK_INT_EQ(system(path), 0);
    CHECK_INT_EQ(run_plots(dir), 0);
    double f = NAN, err;
    CHECK_INT_EQ(fit_value(dir, "amdahl", "f", &f, &err, NULL, 0), 0);
    CHECK_NEAR(f, 0.2, 0.005);
    struct omps_table t;
    char msg[256];
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    CHECK_INT_EQ(omps_table_read(path, &t, msg, sizeof msg), 0);
    CHECK_STR_EQ(omps_table_cell(&t, 0, 3), "none");
    omps_table_free(&t);
    snprintf(path, sizeof path, "%s/speedup-recursive_sum.png", dir);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size > 8000);
}

static void check_image(const char *dir, const char *name, const char *magic, long min_size)
{
    char path[600], head[8] = "";
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    FILE *f = fopen(path, "rb");
    CHECK_REPORT(f != NULL && stat(path, &st) == 0, "%s missing", path);
    if (f == NULL)
        return;
    size_t got = fread(head, 1, strlen(magic), f);
    fclose(f);
    CHECK_REPORT(got == strlen(magic) && memcmp(head, magic, got) == 0, "%s: bad signature", path);
    CHECK_REPORT(st.st_size >= min_size, "%s: only %ld bytes", path, (long)st.st_size);
}

static void test_images_and_bad_input(void)
{
    char dir[512];
    case_dir(dir, sizeof dir, "usl");
    static const char *const plots[] = {"speedup-midpoint", "efficiency-midpoint", "karp-flatt-midpoint", "overview"};
    for (size_t i = 0; i < 4; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.png", plots[i]);
        check_image(dir, name, "\x89PNG\r\n", 8000);
        snprintf(name, sizeof name, "%s.svg", plots[i]);
        check_image(dir, name, "<?xml", 4000);
    }
    struct omps_table t;
    char path[600], msg[256];
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    CHECK_INT_EQ(omps_table_read(path, &t, msg, sizeof msg), 0);
    CHECK_STR_EQ(t.header[0], "kernel");
    CHECK_INT_EQ(t.ncols, 15);
    CHECK_STR_EQ(t.header[11], "ci_low");
    CHECK_STR_EQ(t.header[13], "environment");
    CHECK_STR_EQ(t.header[14], "threads_per_rank");
    omps_table_free(&t);
    case_dir(dir, sizeof dir, "missing");
    CHECK_INT_EQ(run_plots(dir), 2);
    /* Threads that are not positive whole numbers, and a kernel this build
     * does not have, are bad input, and the fit.csv of an earlier, good
     * summary does not survive as if current. */
    static const char *const bad_rows[][2] = {
        {"midpoint", "two"}, {"midpoint", "0"}, {"midpoint", "-2"}, {"midpoint", "1.5"},
        {"no_such_kernel", "2"}};
    for (size_t i = 0; i < sizeof bad_rows / sizeof bad_rows[0]; i++) {
        case_dir(dir, sizeof dir, "malformed");
        struct synth good = {"midpoint", 0.1, 0, 0, 4, 4, 0};
        write_run(dir, &good);
        CHECK_INT_EQ(run_plot_sh("--fit-only", dir), 0);
        snprintf(path, sizeof path, "%s/summary.csv", dir);
        FILE *f = fopen(path, "a");
        summary_row(f, (const char *const[]){"kernel", bad_rows[i][0], "n", "1000", "threads",
                                             bad_rows[i][1], "schedule", "static", "chunk", "0",
                                             "repetitions", "10", "median_s", "1.0", "ranks",
                                             "1", NULL});
        fclose(f);
        CHECK_REPORT(run_plots(dir) == 2, "kernel '%s' threads '%s' was not refused",
                     bad_rows[i][0], bad_rows[i][1]);
        snprintf(path, sizeof path, "%s/fit.csv", dir);
        CHECK_REPORT(access(path, F_OK) != 0, "kernel '%s' threads '%s' left fit.csv behind",
                     bad_rows[i][0], bad_rows[i][1]);
    }
}

/* Finds (model, parameter) in DIR/fit.csv: value, interval and note.
 * Returns 0 when found. */
static int fit_interval(const char *dir, const char *model, const char *param, double *value,
                        double *lo, double *hi, char *note, size_t note_len)
{
    struct fit_cells f;
    if (fit_lookup(dir, model, param, &f) != 0)
        return -1;
    *value = f.value;
    *lo = f.lo;
    *hi = f.hi;
    snprintf(note, note_len, "%s", f.note);
    return 0;
}

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
                fprintf(runs, "serial_fraction,f=0.1,1000,%d,static,0,%d,%.17g,1,0,%d,,,,,,,,1\n", n,
                        2 * round + r, v, round);
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

static int exists(const char *dir, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* Each family in its own picture: speedup, efficiency and Karp-Flatt only
 * for scaling kernels (Karp-Flatt only with a thread count above 1), the
 * overheads, the shared counters and the false-sharing pair each on one
 * picture in their own unit, and an overview of scaling kernels only. */
static void test_family_pictures(void)
{
    char dir[512], cmd[2048];
    case_dir(dir, sizeof dir, "families");
    snprintf(cmd, sizeof cmd, "%s run --quick --kernels midpoint,overhead_barrier,counter_atomic,"
             "false_sharing_padded --threads 1,2 --out %s >/dev/null 2>&1", getenv("OMPSCALE"), dir);
    CHECK_INT_EQ(system(cmd), 0);
    CHECK_INT_EQ(run_plots(dir), 0);
    static const char *const present[] = {"speedup-midpoint.png", "efficiency-midpoint.png",
                                          "rate-midpoint.png",
                                          "karp-flatt-midpoint.png", "overview.svg",
                                          "overheads.png", "contention.svg", "false-sharing.png"};
    static const char *const absent[] = {"speedup-overhead_barrier.png",
                                         "speedup-counter_atomic.png",
                                         "efficiency-false_sharing_padded.png",
                                         "speedup-overhead_reference.png"};
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
        CHECK_REPORT(exists(dir, present[i]), "%s missing", present[i]);
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        CHECK_REPORT(!exists(dir, absent[i]), "%s drawn", absent[i]);
    /* One thread count: no Karp-Flatt picture. */
    case_dir(dir, sizeof dir, "one-thread");
    snprintf(cmd, sizeof cmd, "%s run --quick --kernels midpoint --threads 1 --out %s "
             ">/dev/null 2>&1", getenv("OMPSCALE"), dir);
    CHECK_INT_EQ(system(cmd), 0);
    CHECK_INT_EQ(run_plots(dir), 0);
    CHECK(exists(dir, "speedup-midpoint.png") && !exists(dir, "karp-flatt-midpoint.png"));
    /* Blocking waits: speedup and rate past the cores, no serial fraction,
     * no fit; a swept cutoff: time against it. */
    case_dir(dir, sizeof dir, "lessons");
    snprintf(cmd, sizeof cmd, "%s run --quick --kernels blocking_overlap,recursive_sum,imbalance "
             "--threads 1,2,4 --schedules static,dynamic:16,dynamic:256,dynamic:4096 "
             "--set recursive_sum.cutoff=256,4096,65536 --out %s >/dev/null 2>&1",
             getenv("OMPSCALE"), dir);
    CHECK_INT_EQ(system(cmd), 0);
    CHECK_INT_EQ(run_plots(dir), 0);
    CHECK(exists(dir, "speedup-blocking_overlap.png") && exists(dir, "rate-blocking_overlap.svg"));
    CHECK(!exists(dir, "karp-flatt-blocking_overlap.png"));
    CHECK(exists(dir, "cutoff-recursive_sum.png"));
    CHECK(exists(dir, "chunks-imbalance.png") && !exists(dir, "chunks-recursive_sum.png"));
    /* An earlier plot's pictures do not outlive it: one this stage names
     * by pattern, one the last plot listed, and nothing else removed. */
    static const char *const stale[] = {"speedup-gone.png", "grainsize-gone.svg", "mine.png"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "touch %s/%s && echo grainsize-gone >>%s/.pictures", dir,
                 stale[i], dir);
        CHECK_INT_EQ(system(cmd), 0);
    }
    CHECK_INT_EQ(run_plots(dir), 0);
    CHECK(!exists(dir, "speedup-gone.png") && !exists(dir, "grainsize-gone.svg"));
    CHECK(exists(dir, "mine.png") && exists(dir, "cutoff-recursive_sum.png"));
    char note[256];
    double f, err;
    CHECK_INT_EQ(fit_value(dir, "amdahl", "skipped", &f, &err, note, sizeof note), 0);
    CHECK_REPORT(strstr(note, "blocking waits overlap") != NULL, "blocking fit note '%s'", note);
}

/* One kernel under two wait policies with different serial fractions: two
 * series, each fitted on its own and named by its environment in fit.csv,
 * and the environments picture. */
static void test_environments(void)
{
    char dir[512], path[600], msg[256];
    const double fs[2] = {0.05, 0.3};
    const char *const waits[2] = {"active", "passive"};
    case_dir(dir, sizeof dir, "environments");
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n", OMPS_SUMMARY_HEADER);
    for (int e = 0; e < 2; e++) {
        for (int n = 1; n <= 16; n *= 2) {
            const double t = fs[e] + (1 - fs[e]) / n;
            char threads[16], m[32], sp[32], rate[32];
            snprintf(threads, sizeof threads, "%d", n);
            num(m, sizeof m, t);
            summary_row(f, (const char *const[]){
                               "kernel", "serial_fraction", "params", "f=0.1", "n", "1000",
                               "threads", threads, "schedule", "static", "chunk", "0",
                               "repetitions", "10", "median_s", m, "mean_s", m,
                               "stddev_s", "0.0001", "speedup", num(sp, sizeof sp, (fs[e] + 1 - fs[e]) / t),
                               "rate", num(rate, sizeof rate, 1 / t), "rate_unit", "GFLOP/s",
                               "oversubscribed", "0", "wait_policy", waits[e], "toolchain", "gcc",
                               "runtime", "libgomp.so.1", "ranks", "1", "cores", threads, NULL});
        }
    }
    fclose(f);
    CHECK_INT_EQ(run_plots(dir), 0);
    struct omps_table t;
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    CHECK_INT_EQ(omps_table_read(path, &t, msg, sizeof msg), 0);
    int found = 0;
    const int c_model = omps_table_column(&t, "model"), c_param = omps_table_column(&t, "parameter");
    const int c_env = omps_table_column(&t, "environment"), c_value = omps_table_column(&t, "value");
    CHECK(c_model >= 0 && c_param >= 0 && c_env >= 0 && c_value >= 0);
    for (size_t r = 0; c_model >= 0 && c_param >= 0 && c_env >= 0 && c_value >= 0 && r < t.nrows;
         r++) {
        if (strcmp(omps_table_cell(&t, r, (size_t)c_model), "amdahl") ||
            strcmp(omps_table_cell(&t, r, (size_t)c_param), "f"))
            continue;
        const char *env = omps_table_cell(&t, r, (size_t)c_env);
        const int e = strstr(env, "wait_policy=passive") != NULL;
        CHECK_REPORT(strstr(env, waits[e]) != NULL, "environment '%s'", env);
        CHECK_NEAR(atof(omps_table_cell(&t, r, (size_t)c_value)), fs[e], 0.005);
        found |= 1 << e;
    }
    CHECK_INT_EQ(found, 3);
    omps_table_free(&t);
    CHECK(exists(dir, "environments-serial_fraction.png"));
}

/* The latency map in machine.json becomes the heat map's data (one line
 * per pair, a blank line per row, the CPUs' OS indexes) and, drawn,
 * core-to-core.png; a run without one gets neither. */
static void test_latency_map(void)
{
    char dir[512], path[700], line[256];
    case_dir(dir, sizeof dir, "latency");
    struct synth s = {"midpoint", 0.1, 0, 0, 4, 4, 0};
    write_run(dir, &s);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"cpu_model\": \"Synthetic CPU\", \"physical_cores\": 4, \"core_to_core_ns\": "
               "{\"cpus\": [0, 2, 5], \"ns\": [[0, 60, 350], [60, 0, null], [350, null, 0]]}}\n");
    fclose(f);
    snprintf(path, sizeof path, "%s/work", dir);
    mkdir(path, 0777);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s fit %s --data %s/work >/dev/null 2>&1", getenv("OMPSCALE"), dir,
             dir);
    CHECK_INT_EQ(system(cmd), 0);
    snprintf(path, sizeof path, "%s/work/core-to-core.dat", dir);
    f = fopen(path, "r");
    int values = 0, blanks = 0, nans = 0;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        blanks += line[0] == '\n';
        values += line[0] != '\n';
        nans += strstr(line, "NaN") != NULL;
        if (strncmp(line, "0 2", 3) == 0)
            CHECK_REPORT(strtod(line + 3, NULL) == 350.0, "pair 0,2: '%s'", line);
    }
    if (f != NULL)
        fclose(f);
    CHECK_REPORT(values == 9 && blanks == 3 && nans == 2,
                 "core-to-core.dat: %d values, %d blank lines, %d NaN", values, blanks, nans);
    /* Every speedup's key names the base case's absolute time. */
    snprintf(cmd, sizeof cmd, "grep -q '|static  T(1) 1 s  f = 0.100' %s/work/titles.txt", dir);
    CHECK_INT_EQ(system(cmd), 0);
    CHECK_INT_EQ(run_plots(dir), 0);
    snprintf(path, sizeof path, "%s/core-to-core.png", dir);
    CHECK(access(path, F_OK) == 0);
    /* Without a map: no data and no picture. */
    case_dir(dir, sizeof dir, "no-latency");
    write_run(dir, &s);
    CHECK_INT_EQ(run_plots(dir), 0);
    snprintf(path, sizeof path, "%s/core-to-core.png", dir);
    CHECK(access(path, F_OK) != 0);
}

/* A model that cannot describe the points is flagged, not reported as if
 * it held: Amdahl on strongly retrograde USL data with small errors. */
static void test_bad_fit(void)
{
    char dir[512], note[512];
    double v, lo, hi;
    case_dir(dir, sizeof dir, "bad-fit");
    struct synth s = {"midpoint", 0.02, 0.01, 0.001, 16, 16, 0};
    write_run(dir, &s);
    CHECK_INT_EQ(run_plot_sh("--fit-only", dir), 0);
    int found = fit_interval(dir, "amdahl", "f", &v, &lo, &hi, note, sizeof note);
    if (found != 0)
        found = fit_interval(dir, "amdahl", "skipped", &v, &lo, &hi, note, sizeof note);
    CHECK_REPORT(found == 0 && (strstr(note, "bad fit") || strstr(note, "no speedup")),
                 "Amdahl on USL data: note '%s'", note);
    CHECK_INT_EQ(fit_interval(dir, "usl", "beta", &v, &lo, &hi, note, sizeof note), 0);
    CHECK_REPORT(strstr(note, "bad fit") == NULL, "USL on USL data flagged: '%s'", note);
}

int main(int argc, char **argv)
{
    if (argc < 2 || mkdtemp(root) == NULL)
        return 2;
    plot_sh = argv[1];
    test_amdahl_noise_free();
    test_noisy_coverage("amdahl", "f", 0.1, 0, 0.1);
    test_noisy_coverage("usl", "alpha", 0.05, 0.001, 0.05);
    test_noisy_coverage("usl", "beta", 0.05, 0.001, 0.001);
    test_usl();
    test_exclusion();
    test_degenerate();
    test_images_and_bad_input();
    test_none_schedule();
    test_bootstrap_coverage();
    test_pooled_runs();
    test_latency_map();
    test_family_pictures();
    test_environments();
    test_bad_fit();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    if (system(cmd) != 0)
        return 2;
    return CHECK_DONE();
}
