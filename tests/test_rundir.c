/*
 * Checks a run directory written by the real binary against the contract in
 * DESIGN.md: exact headers, every field parsing as its column says, the
 * summary's medians agreeing with runs.csv, and both JSON files parsing.
 * Usage: test_rundir DIR [EXPECT_ROWS_MULTIPLE]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csv_write.h"
#include "machine_file.h"
#include "stats.h"
#include "table.h"
#include "registry.h"
#include "check.h"

static const char *dir;
static size_t probes_seen; /* runs.csv rows with a placement probe */

/* CPUs this process may use, as the run saw them. */
static int usable_cpus(void)
{
    cpu_set_t set;
    return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
}

static int is_int(const char *s, long lo)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return *s && !*end && errno == 0 && v >= lo;
}

/* A number, or (when empty_ok) an empty field. */
static int is_num(const char *s, int empty_ok)
{
    if (*s == '\0')
        return empty_ok;
    char *end;
    double v = strtod(s, &end);
    return !*end && isfinite(v);
}

static void check_header(const struct omps_table *t, const char *want)
{
    char got[1024] = "";
    for (size_t i = 0; i < t->ncols; i++) {
        strcat(got, i ? "," : "");
        strncat(got, t->header[i], sizeof got - strlen(got) - 1);
    }
    CHECK_STR_EQ(got, want);
}

/* Row r's cell in the named column, or "" (and a report) when the file
 * lacks that column: every check reads by name, whatever the order. */
static const char *cell(const struct omps_table *t, size_t r, const char *name)
{
    const int c = omps_table_column(t, name);
    CHECK_REPORT(c >= 0, "no %s column", name);
    return c >= 0 ? omps_table_cell(t, r, (size_t)c) : "";
}

static void check_runs_row(const struct omps_table *t, size_t r)
{
    const char *kernel = cell(t, r, "kernel"), *schedule = cell(t, r, "schedule");
    const char *chunk = cell(t, r, "chunk"), *seconds = cell(t, r, "seconds");
    const char *probe = cell(t, r, "probe_ns"), *ranks = cell(t, r, "ranks");
    const char *result = cell(t, r, "result"), *runtime = cell(t, r, "runtime");
    const char *verified = cell(t, r, "verified"), *over = cell(t, r, "oversubscribed");
    const size_t line = t->lines[r];
    CHECK_REPORT(omps_kernel_find(kernel) != NULL, "line %zu: kernel '%s'", line, kernel);
    CHECK_REPORT(is_int(cell(t, r, "n"), 1) && is_int(cell(t, r, "threads"), 1),
                 "line %zu: n/threads", line);
    CHECK_REPORT(strstr(" static dynamic guided auto none ", schedule) != NULL,
                 "line %zu: schedule '%s'", line, schedule);
    CHECK_REPORT(is_int(chunk, 0) && is_int(cell(t, r, "repetition"), 0), "line %zu: chunk/rep",
                 line);
    CHECK_REPORT(is_num(seconds, 0) && strtod(seconds, NULL) > 0, "line %zu: seconds '%s'",
                 line, seconds);
    CHECK_REPORT(strlen(seconds) >= 10 || strtod(seconds, NULL) == atof(seconds),
                 "line %zu: seconds printed with too few digits", line);
    CHECK_REPORT(!strcmp(verified, "1"), "line %zu: verified '%s'", line, verified);
    CHECK_REPORT(!strcmp(over, "0") || !strcmp(over, "1"), "line %zu", line);
    CHECK_REPORT(is_int(cell(t, r, "round"), 0), "line %zu: round '%s'", line,
                 cell(t, r, "round"));
    CHECK_REPORT(is_num(probe, 1) && (!*probe || strtod(probe, NULL) > 0),
                 "line %zu: probe_ns '%s'", line, probe);
    probes_seen += *probe != '\0';
    /* Each environment column holds a value of its axis (empty: left to the
     * runtime), and the toolchain is always named. */
    for (int a = 0; a < OMPS_AXES; a++) {
        unsigned char v;
        const char *name = omps_axis_column((enum omps_axis)a), *value = cell(t, r, name);
        CHECK_REPORT(omps_env_parse((enum omps_axis)a, value, &v) == 0, "line %zu: %s '%s'",
                     line, name, value);
    }
    CHECK_REPORT(*cell(t, r, "toolchain") != '\0', "line %zu: no toolchain", line);
    /* The pi kernels record their result to full precision; the others none. */
    const struct omps_kernel *k = omps_kernel_find(kernel);
    if (k != NULL)
        CHECK_REPORT(k->command != NULL ||
                         (k->result != NULL) == (is_num(result, 0) && strlen(result) >= 15),
                     "line %zu: %s result '%s'", line, kernel, result);
    /* A program run by command names its venue: the runtime it loaded is
     * its own business. */
    CHECK_REPORT(k != NULL && k->command != NULL ? !strcmp(runtime, "command")
                                                 : strstr(runtime, "omp") != NULL,
                 "line %zu: runtime '%s'", line, runtime);
    /* An OpenMP kernel runs as one process; a process kernel on its ranks. */
    if (k != NULL)
        CHECK_REPORT(is_int(ranks, 1) && atoi(ranks) >= 1 &&
                         (k->ranked != OMPS_RANKED_NO || !strcmp(ranks, "1")),
                     "line %zu: %s ranks '%s'", line, kernel, ranks);
    /* Kernels with no scheduled loop run once per thread count as "none". */
    if (k != NULL)
        CHECK_REPORT(k->scheduled == (strcmp(schedule, "none") != 0) &&
                         (k->scheduled || !strcmp(chunk, "0")),
                     "line %zu: %s with schedule %s:%s", line, kernel, schedule, chunk);
}

/* The median of runs.csv's seconds for the summary row's configuration. */
static const char *const key_columns[] = {"kernel", "params", "n",     "threads",
                                          "schedule", "chunk", NULL};
static const char *const env_columns[] = {"bind",      "places", "wait_policy",
                                          "toolchain", "ranks",  NULL};

static double runs_median(const struct omps_table *runs, const struct omps_table *sum,
                          size_t row)
{
    double x[4096];
    size_t n = 0;
    for (size_t r = 0; r < runs->nrows && n < 4096; r++) {
        int same = 1;
        for (const char *const *c = key_columns; *c != NULL; c++)
            same &= !strcmp(cell(runs, r, *c), cell(sum, row, *c));
        /* The environment is part of the configuration too. */
        for (const char *const *c = env_columns; *c != NULL; c++)
            same &= !strcmp(cell(runs, r, *c), cell(sum, row, *c));
        if (same)
            x[n++] = strtod(cell(runs, r, "seconds"), NULL);
    }
    return omps_median_inplace(x, n);
}

/* The median's interval (from six rounds on) holds the median, and the
 * speedup's interval holds the speedup. */
static void check_intervals(const struct omps_table *s, size_t r, double median)
{
    const size_t line = s->lines[r];
    const char *lo = cell(s, r, "ci_low_s"), *hi = cell(s, r, "ci_high_s");
    const int rounds = atoi(cell(s, r, "repetitions"));
    CHECK_REPORT(is_num(lo, rounds < 6) && is_num(hi, rounds < 6) && !*lo == !*hi,
                 "line %zu: interval '%s' '%s' with %d repetitions", line, lo, hi, rounds);
    if (*lo)
        CHECK_REPORT(strtod(lo, NULL) <= median && median <= strtod(hi, NULL),
                     "line %zu: median %g outside [%s, %s]", line, median, lo, hi);
    const char *sp = cell(s, r, "speedup");
    const char *slo = cell(s, r, "speedup_ci_low"), *shi = cell(s, r, "speedup_ci_high");
    CHECK_REPORT(is_num(slo, 1) && is_num(shi, 1), "line %zu: speedup interval", line);
    if (*sp && *slo && *shi)
        CHECK_REPORT(strtod(slo, NULL) <= strtod(sp, NULL) &&
                         strtod(sp, NULL) <= strtod(shi, NULL),
                     "line %zu: speedup %s outside [%s, %s]", line, sp, slo, shi);
}

/* The summary row's cores (ranks x threads): its `cores` column. */
static int cores_of(const struct omps_table *s, size_t r)
{
    return atoi(cell(s, r, "cores"));
}

/* A kernel that records results says whether they were bitwise identical
 * and how far they lie from the 1-thread result, which lies 0 from itself;
 * the others leave both empty. */
static void check_results(const struct omps_table *s, size_t r)
{
    const size_t line = s->lines[r];
    const struct omps_kernel *k = omps_kernel_find(cell(s, r, "kernel"));
    const char *bitwise = cell(s, r, "result_bitwise"), *spread = cell(s, r, "result_spread");
    if (k == NULL || k->result == NULL) {
        CHECK_REPORT(!*bitwise && !*spread, "line %zu: %s has result columns", line, k ? k->name : "?");
        return;
    }
    CHECK_REPORT(!strcmp(bitwise, "0") || !strcmp(bitwise, "1"), "line %zu: result_bitwise '%s'",
                 line, bitwise);
    /* Empty only where the series has no 1-thread row (an interrupted run). */
    CHECK_REPORT(is_num(spread, 1) && strtod(spread, NULL) >= 0, "line %zu: result_spread '%s'",
                 line, spread);
    if (cores_of(s, r) == 1)
        CHECK_REPORT(!strcmp(bitwise, "1") && strtod(spread, NULL) == 0,
                     "line %zu: a 1-core %s: bitwise %s, spread %s", line, k->name, bitwise, spread);
}

static void check_summary_row(const struct omps_table *s, const struct omps_table *runs,
                              size_t r)
{
    size_t line = s->lines[r];
    const int cores = cores_of(s, r);
    const int ranks = atoi(cell(s, r, "ranks"));
    CHECK_REPORT(ranks >= 1 && cores == ranks * atoi(cell(s, r, "threads")),
                 "line %zu: cores %d is not ranks %d x threads", line, cores, ranks);
    CHECK_REPORT(is_int(cell(s, r, "repetitions"), 1), "line %zu: repetitions", line);
    /* stddev and cv need two repetitions; an interrupted run may hold one. */
    const int spread = atoi(cell(s, r, "repetitions")) >= 2;
    static const char *const times[] = {"median_s", "mean_s", "stddev_s", "cv", "min_s", "max_s"};
    for (size_t i = 0; i < 6; i++) {
        const int may_be_empty = !spread && (!strcmp(times[i], "stddev_s") || !strcmp(times[i], "cv"));
        CHECK_REPORT(is_num(cell(s, r, times[i]), may_be_empty), "line %zu: %s", line, times[i]);
    }
    static const char *const ratios[] = {"speedup", "efficiency", "karp_flatt", "rate"};
    for (size_t i = 0; i < 4; i++)
        CHECK_REPORT(is_num(cell(s, r, ratios[i]), 1), "line %zu: %s", line, ratios[i]);
    /* Karp-Flatt is undefined at one core and wherever speedup is. */
    const int has_speedup = *cell(s, r, "speedup") != '\0';
    CHECK_REPORT((cores == 1 || !has_speedup) == (*cell(s, r, "karp_flatt") == '\0'),
                 "line %zu: karp_flatt must be empty exactly at one core or without a "
                 "speedup", line);
    const char *unit = cell(s, r, "rate_unit");
    CHECK_REPORT(strstr(" GFLOP/s GB/s Mupdates/s us/construct units/s ", unit) != NULL && *unit,
                 "line %zu: unit '%s'", line, unit);
    check_results(s, r);
    const double median = strtod(cell(s, r, "median_s"), NULL);
    CHECK_NEAR(median, runs_median(runs, s, r), median * 1e-15);
    check_intervals(s, r, median);
}

static void check_json(const char *name, const char *key)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    CHECK_REPORT(root != NULL, "%s: %s", path, e.text);
    CHECK_REPORT(root && json_object_get(root, key) != NULL, "%s lacks %s", path, key);
    static const char *const machine_keys[] = {
        "date", "cpu_model", "physical_cores", "logical_cpus", "compiler",
        "openmp_version", "omp_runtime", "git_commit", "state", "seed", "topology"};
    for (size_t i = 0; root && !strcmp(name, "machine.json") && i < 11; i++)
        CHECK_REPORT(json_object_get(root, machine_keys[i]) != NULL, "machine.json lacks %s",
                     machine_keys[i]);
    /* Every key written is one of core/machine_keys.h's, and the whole file
     * passes the one loader's kinds. */
    const char *k;
    json_t *v;
    json_object_foreach(strcmp(name, "machine.json") == 0 ? root : NULL, k, v)
        CHECK_REPORT(omps_machine_key_known(k), "machine.json writes '%s', which "
                     "core/machine_keys.h lacks", k);
    char why[1024];
    json_t *loaded = strcmp(name, "machine.json") == 0 ? omps_machine_file_load(dir, why, sizeof why)
                                                      : NULL;
    CHECK_REPORT(loaded != NULL || strcmp(name, "machine.json") != 0, "%s", why);
    json_decref(loaded);
    json_decref(root);
}

/* With two usable CPUs or more (and a real topology), machine.json holds
 * core_to_core_ns: one entry per CPU measured (at most 64), a square
 * matrix of whole nanoseconds, 0 on the diagonal and positive elsewhere,
 * and runs.csv rows carry their round's probe. */
static void check_latency(int cpus)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/machine.json", dir);
    json_t *root = json_load_file(path, 0, NULL);
    json_t *map = json_object_get(root, "core_to_core_ns");
    const int synthetic = getenv("HWLOC_SYNTHETIC") != NULL;
    if (cpus < 2 || synthetic) {
        CHECK(map == NULL);
        json_decref(root);
        return;
    }
    json_t *ids = json_object_get(map, "cpus"), *ns = json_object_get(map, "ns");
    const size_t n = json_array_size(ids);
    CHECK_REPORT(n == (size_t)(cpus < 64 ? cpus : 64) && json_array_size(ns) == n,
                 "core_to_core_ns: %zu CPUs and %zu rows for %d usable", n,
                 json_array_size(ns), cpus);
    for (size_t i = 0; i < json_array_size(ns); i++) {
        json_t *row = json_array_get(ns, i);
        CHECK_REPORT(json_array_size(row) == n, "core_to_core_ns row %zu", i);
        for (size_t j = 0; j < json_array_size(row); j++) {
            json_t *v = json_array_get(row, j);
            CHECK_REPORT(json_is_integer(v) && (i == j ? json_integer_value(v) == 0
                                                       : json_integer_value(v) > 0),
                         "core_to_core_ns[%zu][%zu] not a positive whole number", i, j);
        }
    }
    CHECK_REPORT(probes_seen > 0, "%zu runs.csv rows have a probe_ns", probes_seen);
    json_decref(root);
}

/* machine.json's state: running, complete or interrupted. */
static const char *machine_state(void)
{
    static char state[32];
    char path[4096];
    snprintf(path, sizeof path, "%s/machine.json", dir);
    json_t *root = json_load_file(path, 0, NULL);
    const char *s = json_string_value(json_object_get(root, "state"));
    snprintf(state, sizeof state, "%s", s ? s : "");
    json_decref(root);
    CHECK_REPORT(!strcmp(state, "running") || !strcmp(state, "complete") ||
                     !strcmp(state, "interrupted"),
                 "machine.json: state '%s'", state);
    return state;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    dir = argv[1];
    char path[4096], err[512];
    /* The run's plugins and programs are kernels of their own name again. */
    CHECK_REPORT(omps_run_dir_load_plugins(dir, err, sizeof err) == 0, "%s", err);
    struct omps_table runs, sum;
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    CHECK_REPORT(omps_table_read(path, &runs, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    CHECK_REPORT(omps_table_read(path, &sum, err, sizeof err) == 0, "%s", err);
    if (check_failed)
        return CHECK_DONE();
    check_header(&runs, OMPS_RUNS_HEADER);
    check_header(&sum, OMPS_SUMMARY_HEADER);
    CHECK(runs.nrows > 0 && sum.nrows > 0);
    for (size_t r = 0; r < runs.nrows; r++)
        check_runs_row(&runs, r);
    for (size_t r = 0; r < sum.nrows; r++)
        check_summary_row(&sum, &runs, r);
    if (argc > 2)
        CHECK_INT_EQ(runs.nrows % (size_t)atoi(argv[2]), 0);
    check_json("machine.json", "run");
    check_latency(usable_cpus());
    /* Google Benchmark's JSON is whole only once the run ended: a killed
     * run has none, which is the journal's point. */
    if (strcmp(machine_state(), "running") != 0)
        check_json("gbench.json", "benchmarks");
    omps_table_free(&runs);
    omps_table_free(&sum);
    return CHECK_DONE();
}
