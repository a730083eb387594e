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

static void check_runs_row(const struct omps_table *t, size_t r)
{
    const char *(c)[19];
    /* Another header was reported already; its cells are not these. */
    if (t->ncols != 19)
        return;
    for (size_t i = 0; i < 19; i++)
        c[i] = omps_table_cell(t, r, i);
    size_t line = t->lines[r];
    CHECK_REPORT(omps_kernel_find(c[0]) != NULL, "line %zu: kernel '%s'", line, c[0]);
    CHECK_REPORT(is_int(c[2], 1) && is_int(c[3], 1), "line %zu: n/threads", line);
    CHECK_REPORT(strstr(" static dynamic guided auto none ", c[4]) != NULL,
                 "line %zu: schedule '%s'", line, c[4]);
    CHECK_REPORT(is_int(c[5], 0) && is_int(c[6], 0), "line %zu: chunk/rep", line);
    CHECK_REPORT(is_num(c[7], 0) && strtod(c[7], NULL) > 0, "line %zu: seconds '%s'",
                 line, c[7]);
    CHECK_REPORT(strlen(c[7]) >= 10 || strtod(c[7], NULL) == atof(c[7]),
                 "line %zu: seconds printed with too few digits", line);
    CHECK_REPORT(!strcmp(c[8], "1"), "line %zu: verified '%s'", line, c[8]);
    CHECK_REPORT(!strcmp(c[9], "0") || !strcmp(c[9], "1"), "line %zu", line);
    CHECK_REPORT(is_int(c[10], 0), "line %zu: round '%s'", line, c[10]);
    CHECK_REPORT(is_num(c[11], 1) && (!*c[11] || strtod(c[11], NULL) > 0),
                 "line %zu: probe_ns '%s'", line, c[11]);
    probes_seen += *c[11] != '\0';
    /* Each environment column holds a value of its axis (empty: left to the
     * runtime), and the toolchain is always named. */
    for (int a = 0; a < OMPS_AXES; a++) {
        unsigned char v;
        CHECK_REPORT(omps_env_parse((enum omps_axis)a, c[12 + a], &v) == 0,
                     "line %zu: %s '%s'", line, omps_axis_column((enum omps_axis)a), c[12 + a]);
    }
    CHECK_REPORT(*c[15] != '\0', "line %zu: no toolchain", line);
    /* The pi kernels record their result to full precision; the others none. */
    const struct omps_kernel *rk = omps_kernel_find(c[0]);
    if (rk != NULL)
        CHECK_REPORT((rk->result != NULL) == (is_num(c[17], 0) && strlen(c[17]) >= 15),
                     "line %zu: %s result '%s'", line, c[0], c[17]);
    CHECK_REPORT(strstr(c[16], "omp") != NULL, "line %zu: runtime '%s'", line, c[16]);
    /* An OpenMP kernel runs as one process; a process kernel on its ranks. */
    if (rk != NULL)
        CHECK_REPORT(is_int(c[18], 1) && atoi(c[18]) >= 1 &&
                         (rk->ranked != OMPS_RANKED_NO || !strcmp(c[18], "1")),
                     "line %zu: %s ranks '%s'", line, c[0], c[18]);
    /* Kernels with no scheduled loop run once per thread count as "none". */
    const struct omps_kernel *k = omps_kernel_find(c[0]);
    if (k != NULL)
        CHECK_REPORT(k->scheduled == (strcmp(c[4], "none") != 0) &&
                         (k->scheduled || !strcmp(c[5], "0")),
                     "line %zu: %s with schedule %s:%s", line, c[0], c[4], c[5]);
}

/* The median of runs.csv's seconds for the summary row's configuration. */
static const char *const env_columns[] = {"bind",      "places", "wait_policy",
                                          "toolchain", "ranks",  NULL};

static double runs_median(const struct omps_table *runs, const struct omps_table *sum,
                          size_t row)
{
    double x[4096];
    size_t n = 0;
    for (size_t r = 0; r < runs->nrows && n < 4096; r++) {
        int same = 1;
        for (size_t col = 0; col < 6; col++)
            same &= !strcmp(omps_table_cell(runs, r, col), omps_table_cell(sum, row, col));
        /* The environment is part of the configuration too. */
        for (const char *const *c = env_columns; *c != NULL; c++)
            same &= !strcmp(omps_table_cell(runs, r, (size_t)omps_table_column(runs, *c)),
                            omps_table_cell(sum, row, (size_t)omps_table_column(sum, *c)));
        if (same)
            x[n++] = strtod(omps_table_cell(runs, r, 7), NULL);
    }
    return omps_median_inplace(x, n);
}

/* The median's interval (from six rounds on) holds the median, and the
 * speedup's interval holds the speedup. */
static void check_intervals(const struct omps_table *s, size_t r, double median)
{
    const size_t line = s->lines[r];
    const char *lo = omps_table_cell(s, r, 20), *hi = omps_table_cell(s, r, 21);
    const int rounds = atoi(omps_table_cell(s, r, 6));
    CHECK_REPORT(is_num(lo, rounds < 6) && is_num(hi, rounds < 6) && !*lo == !*hi,
                 "line %zu: interval '%s' '%s' with %d repetitions", line, lo, hi, rounds);
    if (*lo)
        CHECK_REPORT(strtod(lo, NULL) <= median && median <= strtod(hi, NULL),
                     "line %zu: median %g outside [%s, %s]", line, median, lo, hi);
    const char *sp = omps_table_cell(s, r, 13);
    const char *slo = omps_table_cell(s, r, 22), *shi = omps_table_cell(s, r, 23);
    CHECK_REPORT(is_num(slo, 1) && is_num(shi, 1), "line %zu: speedup interval", line);
    if (*sp && *slo && *shi)
        CHECK_REPORT(strtod(slo, NULL) <= strtod(sp, NULL) &&
                         strtod(sp, NULL) <= strtod(shi, NULL),
                     "line %zu: speedup %s outside [%s, %s]", line, sp, slo, shi);
}

/* The summary row's cores (ranks x threads): its `cores` column. */
static int cores_of(const struct omps_table *s, size_t r)
{
    const int c = omps_table_column(s, "cores");
    CHECK_REPORT(c >= 0, "summary.csv has no %s column", "cores");
    return c >= 0 ? atoi(omps_table_cell(s, r, (size_t)c)) : 0;
}

/* A kernel that records results says whether they were bitwise identical
 * and how far they lie from the 1-thread result, which lies 0 from itself;
 * the others leave both empty. */
static void check_results(const struct omps_table *s, size_t r)
{
    const size_t line = s->lines[r];
    const int bc = omps_table_column(s, "result_bitwise"), sc = omps_table_column(s, "result_spread");
    CHECK_REPORT(bc >= 0 && sc >= 0, "line %zu: no result columns", line);
    if (bc < 0 || sc < 0)
        return;
    const struct omps_kernel *k = omps_kernel_find(omps_table_cell(s, r, 0));
    const char *bitwise = omps_table_cell(s, r, (size_t)bc), *spread = omps_table_cell(s, r, (size_t)sc);
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
    const int ranks = atoi(omps_table_cell(s, r, (size_t)omps_table_column(s, "ranks")));
    CHECK_REPORT(ranks >= 1 && cores == ranks * atoi(omps_table_cell(s, r, 3)),
                 "line %zu: cores %d is not ranks %d x threads", line, cores, ranks);
    CHECK_REPORT(is_int(omps_table_cell(s, r, 6), 1), "line %zu: repetitions", line);
    /* stddev and cv need two repetitions; an interrupted run may hold one. */
    const int spread = atoi(omps_table_cell(s, r, 6)) >= 2;
    for (size_t col = 7; col <= 12; col++)
        CHECK_REPORT(is_num(omps_table_cell(s, r, col), !spread && (col == 9 || col == 10)),
                     "line %zu col %zu", line, col);
    for (size_t col = 13; col <= 16; col++)
        CHECK_REPORT(is_num(omps_table_cell(s, r, col), 1), "line %zu col %zu", line, col);
    /* Karp-Flatt is undefined at one core and wherever speedup is. */
    const int has_speedup = *omps_table_cell(s, r, 13) != '\0';
    CHECK_REPORT((cores == 1 || !has_speedup) == (*omps_table_cell(s, r, 15) == '\0'),
                 "line %zu: karp_flatt must be empty exactly at one core or without a "
                 "speedup", line);
    const char *unit = omps_table_cell(s, r, 17);
    CHECK_REPORT(strstr(" GFLOP/s GB/s Mupdates/s us/construct units/s ", unit) != NULL && *unit,
                 "line %zu: unit '%s'", line, unit);
    check_results(s, r);
    const double median = strtod(omps_table_cell(s, r, 7), NULL);
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
