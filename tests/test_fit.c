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
#include "table.h"
#include "check.h"
#include "fit_support.h"

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
        fit_support_seed(seed * 0x9E3779B97F4A7C15ULL);
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
    /* Every speedup's key names the base case's absolute time, and the
     * catalogue lists the map with the CPUs' OS indexes. */
    snprintf(cmd, sizeof cmd, "grep -q '^\"static  T(1) 1 s  f = 0.100' %s/work/p1.dat", dir);
    CHECK_INT_EQ(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "grep -q \"^core-to-core,machine,,heatmap.gp,.*CPUS='0 2 5'\" "
             "%s/pictures.csv", dir);
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
    if (fit_support_start(argc, argv) != 0)
        return 2;
    test_amdahl_noise_free();
    test_noisy_coverage("amdahl", "f", 0.1, 0, 0.1);
    test_noisy_coverage("usl", "alpha", 0.05, 0.001, 0.05);
    test_noisy_coverage("usl", "beta", 0.05, 0.001, 0.001);
    test_usl();
    test_exclusion();
    test_degenerate();
    test_images_and_bad_input();
    test_none_schedule();
    test_latency_map();
    test_family_pictures();
    test_environments();
    test_bad_fit();
    if (fit_support_end() != 0)
        return 2;
    return CHECK_DONE();
}
