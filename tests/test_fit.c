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

#include "../harness/csv_write.h"
#include "../harness/table.h"
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
        fprintf(f, "%s,,1000,%d,static,0,%d,%.17g,%.17g,%.17g,,%.17g,%.17g,%.17g,,,1,GFLOP/s,,0\n",
                s->kernel, n, reps, measured, measured, stddev, measured, measured,
                1.0 / measured);
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

/* Looks up (model, parameter) in DIR/fit.csv; returns 0 when found. */
static int fit_value(const char *dir, const char *model, const char *param,
                     double *value, double *err, char *note, size_t note_len)
{
    char path[512], msg[512];
    struct omps_table t;
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    if (omps_table_read(path, &t, msg, sizeof msg) != 0) {
        fprintf(stderr, "%s\n", msg);
        return -1;
    }
    int found = -1;
    for (size_t r = 0; r < t.nrows && found < 0; r++) {
        if (strcmp(omps_table_cell(&t, r, 5), model) || strcmp(omps_table_cell(&t, r, 6), param))
            continue;
        *value = strtod(omps_table_cell(&t, r, 7), NULL);
        *err = strtod(omps_table_cell(&t, r, 8), NULL);
        if (note)
            snprintf(note, note_len, "%s", omps_table_cell(&t, r, 10));
        found = 0;
    }
    omps_table_free(&t);
    return found;
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
        struct synth s = {"k", fs[i], 0, 0, 64, 64, 0};
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
        struct synth s = {"k", alpha, beta, 0.03, 64, 64, 0};
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
    struct synth s = {"k", 0.05, 0.001, 0, 64, 64, 0};
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
    struct synth s = {"k", 0.1, 0, 0, 24, 16, 0};
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
    snprintf(png, sizeof png, "%s/speedup-k.png", dir);
    struct stat st;
    CHECK_REPORT(stat(png, &st) == 0, "%s: no picture after a skipped fit", name);
}

static void test_degenerate(void)
{
    struct synth one = {"k", 0.1, 0, 0, 1, 4, 0};
    check_skipped("one-thread", &one, "thread count");
    struct synth flat = {"k", 0.1, 0, 0, 8, 8, 1};
    check_skipped("all-equal", &flat, "all points equal");
    struct synth slower = {"k", 0.9, 0.2, 0, 8, 8, 0};
    check_skipped("slower", &slower, "no speedup");
    /* NaN medians are skipped, not fatal. */
    char dir[512], path[600];
    case_dir(dir, sizeof dir, "nan");
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\nk,,1000,1,static,0,10,nan,,,,,,,,,,GFLOP/s,,0\n"
               "k,,1000,2,static,0,10,nan,,,,,,,,,,GFLOP/s,,0\n", OMPS_SUMMARY_HEADER);
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
    struct synth s = {"counter_x", 0.2, 0, 0, 4, 4, 0};
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
    snprintf(path, sizeof path, "%s/speedup-counter_x.png", dir);
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
    static const char *const plots[] = {"speedup-k", "efficiency-k", "karp-flatt-k", "overview"};
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
    CHECK_INT_EQ(t.ncols, 11);
    omps_table_free(&t);
    case_dir(dir, sizeof dir, "missing");
    CHECK_INT_EQ(run_plots(dir), 2);
    case_dir(dir, sizeof dir, "malformed");
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\nk,,1000,two,static,0,10,1.0,,,,,,,,,,GFLOP/s,,0\n", OMPS_SUMMARY_HEADER);
    fclose(f);
    CHECK_INT_EQ(run_plots(dir), 2);
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
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    if (system(cmd) != 0)
        return 2;
    return CHECK_DONE();
}
