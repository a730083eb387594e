/*
 * The history's parts on their own: the t distribution, change points on
 * seeded series, the store's refusals and migration, and the exports
 * against the formats' published shapes.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "errors.h"
#include "history.h"
#include "rng.h"
#include "store.h"
#include "table.h"

static char tmp[256];

/* Student's t: two-sided p-values at tabulated quantiles. */
static void test_student_p(void)
{
    CHECK_NEAR(omps_student_p(12.706204736, 1), 0.05, 1e-6);
    CHECK_NEAR(omps_student_p(2.228138852, 10), 0.05, 1e-6);
    CHECK_NEAR(omps_student_p(-2.228138852, 10), 0.05, 1e-6);
    CHECK_NEAR(omps_student_p(3.169272667, 10), 0.01, 1e-6);
    CHECK_NEAR(omps_student_p(1.959963985, 1e7), 0.05, 1e-5);
    CHECK_NEAR(omps_student_p(0.0, 5), 1.0, 1e-12);
    CHECK(isnan(omps_student_p(1.0, 0.5)));
}

static void noisy(double *x, size_t n, double sd, size_t at, double step)
{
    for (size_t i = 0; i < n; i++)
        x[i] = exp(sd * gaussian()) * (i >= at ? 1.0 + step : 1.0);
}

/* A step is found where it is, with its size inside its interval; a flat
 * series gives none; two steps give two. */
static void test_change_points(void)
{
    struct omps_change c[64];
    double x[64];
    rng_state = 7;
    size_t found = 0, flat = 0, covered = 0;
    for (int t = 0; t < 50; t++) {
        noisy(x, 40, 0.02, 17, 0.10);
        const long n = omps_change_points(x, 40, 1, OMPS_CHANGE_ALPHA, c, 64);
        if (n == 1 && c[0].index >= 16 && c[0].index <= 18 && c[0].p < OMPS_CHANGE_ALPHA) {
            found++;
            covered += c[0].step_low <= 0.10 && 0.10 <= c[0].step_high;
        }
        noisy(x, 40, 0.02, 40, 0.0);
        flat += omps_change_points(x, 40, 1, OMPS_CHANGE_ALPHA, c, 64) == 0;
    }
    CHECK(found >= 48);
    CHECK(covered >= 44);
    CHECK(flat >= 46);
    noisy(x, 60, 0.01, 20, 0.10);
    for (size_t i = 40; i < 60; i++)
        x[i] *= 0.8;
    const long two = omps_change_points(x, 60, 1, OMPS_CHANGE_ALPHA, c, 64);
    CHECK_INT_EQ(two, 2);
    CHECK(two == 2 && c[0].index == 20 && c[0].step > 0.05 && c[1].index == 40 &&
          c[1].step < -0.1);
    /* A spurious split two runs before a 30% step at the newest run must
     * not cost the step its test (history.sh met this series once). */
    const double newest[] = {0.000338935, 0.000338864, 0.000339053, 0.000339102,
                             0.000342902, 0.000342663, 0.000438846};
    const long split = omps_change_points(newest, 7, 1, OMPS_CHANGE_ALPHA, c, 64);
    CHECK(split >= 1 && c[split - 1].index == 6 && c[split - 1].step > 0.25);
    /* On its own scale a step is a difference. */
    for (size_t i = 0; i < 30; i++)
        x[i] = 0.02 + 0.001 * gaussian() + (i >= 15 ? 0.05 : 0.0);
    const long lin = omps_change_points(x, 30, 0, OMPS_CHANGE_ALPHA, c, 64);
    CHECK(lin == 1 && fabs(c[0].step - 0.05) < 0.005 && c[0].index == 15);
    /* Steps below the resolution are never judged, even where the segments
     * hardly vary (a fit pinned at its bound); a value that is not there is
     * an error. */
    for (size_t i = 0; i < 20; i++)
        x[i] = i < 10 ? 1.0 : 1.0001;
    CHECK_INT_EQ(omps_change_points(x, 20, 1, OMPS_CHANGE_ALPHA, c, 64), 0);
    x[3] = NAN;
    CHECK_INT_EQ(omps_change_points(x, 20, 1, OMPS_CHANGE_ALPHA, c, 64), -1);
    x[3] = -1.0;
    CHECK_INT_EQ(omps_change_points(x, 20, 1, OMPS_CHANGE_ALPHA, c, 64), -1);
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* The file's bytes, for "never overwritten". */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 16);
    *len = f != NULL && buf != NULL ? fread(buf, 1, 1 << 16, f) : 0;
    if (f != NULL)
        fclose(f);
    return buf;
}

/* Opening path must fail with the reason containing `why`, leaving the
 * file's bytes as they were. */
static void expect_refused(const char *path, const char *why)
{
    size_t before_len, after_len;
    char *before = slurp(path, &before_len), err[512] = "";
    sqlite3 *db = NULL;
    const int rc = omps_store_open(path, 1, &db, err, sizeof err);
    CHECK(rc != 0 && db == NULL);
    CHECK_REPORT(strstr(err, why) != NULL, "'%s' lacks '%s'", err, why);
    char *after = slurp(path, &after_len);
    CHECK(before_len == after_len && memcmp(before, after, before_len) == 0);
    free(before);
    free(after);
}

static long long count_rows(sqlite3 *db, const char *table)
{
    char sql[128];
    sqlite3_stmt *st = NULL;
    long long n = -1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* A fresh store gets the schema; foreign, damaged and newer files are
 * refused untouched; a store from schema 0 (marked, empty) is migrated. */
static void test_store(void)
{
    char path[512], err[512];
    sqlite3 *db = NULL;
    snprintf(path, sizeof path, "%s/fresh.sqlite", tmp);
    CHECK_INT_EQ(omps_store_open(path, 0, &db, err, sizeof err), OMPS_EIO);
    CHECK(strstr(err, "no such history") != NULL);
    CHECK_INT_EQ(omps_store_open(path, 1, &db, err, sizeof err), 0);
    CHECK_INT_EQ(count_rows(db, "runs"), 0);
    sqlite3_close(db);
    CHECK_INT_EQ(omps_store_open(path, 0, &db, err, sizeof err), 0);
    sqlite3_close(db);

    snprintf(path, sizeof path, "%s/garbage.sqlite", tmp);
    write_file(path, "this is not a database, but a user's notes, and must stay so\n");
    expect_refused(path, "not a database");

    snprintf(path, sizeof path, "%s/foreign.sqlite", tmp);
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine')", NULL,
                 NULL, NULL);
    sqlite3_close(db);
    expect_refused(path, "not an ompscale history");

    snprintf(path, sizeof path, "%s/newer.sqlite", tmp);
    sqlite3_open(path, &db);
    char sql[200];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = 99;"
             " CREATE TABLE later (x)", OMPS_HISTORY_APPLICATION_ID);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    expect_refused(path, "newer than this build's");

    snprintf(path, sizeof path, "%s/old.sqlite", tmp);
    sqlite3_open(path, &db);
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = 0",
             OMPS_HISTORY_APPLICATION_ID);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    CHECK_INT_EQ(omps_store_open(path, 0, &db, err, sizeof err), OMPS_EFORMAT);
    CHECK(strstr(err, "older") != NULL);
    CHECK_INT_EQ(omps_store_open(path, 1, &db, err, sizeof err), 0);
    CHECK_INT_EQ(count_rows(db, "points"), 0);
    sqlite3_close(db);
}

/* A run directory with a summary.csv of two configurations. */
static void make_run(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "mkdir -p %s", dir);
    CHECK_INT_EQ(system(path), 0);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    write_file(path, "{\"date\": \"2026-12-01T10:00:00Z\", \"git_commit\": \"abc123\","
                     " \"cpu_model\": \"Test CPU\", \"state\": \"complete\"}\n");
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    write_file(path, "kernel,params,n,threads,schedule,chunk,repetitions,median_s,ci_low_s,"
                     "ci_high_s,speedup,cores\n"
                     "midpoint,,1024,1,static,0,8,0.002,0.0019,0.0021,1,1\n"
                     "midpoint,,1024,2,static,0,8,0.001,0.0009,,1.98,2\n");
}

static json_t *export_json(const char *dir, const char *format)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/export.json", tmp);
    FILE *f = fopen(path, "w");
    const int rc = omps_history_export(dir, format, f, err, sizeof err);
    fclose(f);
    CHECK_REPORT(rc == OMPS_OK, "export %s: %s", format, err);
    json_error_t jerr;
    return json_load_file(path, 0, &jerr);
}

/* Bencher Metric Format: {name: {measure: {value, lower_value?,
 * upper_value?}}}, numbers only, lower <= value <= upper. */
static void test_export_bencher(const char *dir)
{
    json_t *doc = export_json(dir, "bencher");
    CHECK(json_is_object(doc) && json_object_size(doc) == 2);
    const char *name;
    json_t *bench;
    json_object_foreach(doc, name, bench) {
        const char *measure;
        json_t *m;
        CHECK(json_is_object(json_object_get(bench, "latency")));
        json_object_foreach(bench, measure, m) {
            json_t *v = json_object_get(m, "value"), *lo = json_object_get(m, "lower_value"),
                   *hi = json_object_get(m, "upper_value");
            CHECK(json_is_number(v));
            CHECK((lo == NULL) == (hi == NULL));
            CHECK(lo == NULL || (json_number_value(lo) <= json_number_value(v) &&
                                 json_number_value(v) <= json_number_value(hi)));
            CHECK(json_object_size(m) == (lo != NULL ? 3u : 1u));
        }
    }
    json_t *one = json_object_get(json_object_get(doc, "midpoint/n:1024/threads:1/schedule:static:0"),
                                  "latency");
    CHECK_NEAR(json_number_value(json_object_get(one, "value")), 2e6, 1e-3);
    CHECK_NEAR(json_number_value(json_object_get(one, "lower_value")), 1.9e6, 1e-3);
    json_decref(doc);
}

/* github-action-benchmark: an array of {name, unit, value, range?, extra?}
 * with strings and a number, nothing else. */
static void test_export_action(const char *dir)
{
    json_t *doc = export_json(dir, "github-action-benchmark");
    CHECK(json_is_array(doc) && json_array_size(doc) == 2);
    size_t i;
    json_t *e;
    json_array_foreach(doc, i, e) {
        CHECK(json_is_string(json_object_get(e, "name")));
        CHECK(json_is_string(json_object_get(e, "unit")));
        CHECK(json_is_number(json_object_get(e, "value")));
        const char *key;
        json_t *v;
        json_object_foreach(e, key, v) {
            CHECK_REPORT(strcmp(key, "name") == 0 || strcmp(key, "unit") == 0 ||
                             strcmp(key, "value") == 0 || strcmp(key, "range") == 0 ||
                             strcmp(key, "extra") == 0, "unexpected field %s", key);
            CHECK(strcmp(key, "value") == 0 || json_is_string(v));
        }
    }
    /* The second has no interval (an empty ci_high_s): no range. */
    CHECK(json_object_get(json_array_get(doc, 0), "range") != NULL);
    CHECK(json_object_get(json_array_get(doc, 1), "range") == NULL);
    json_decref(doc);
}

/* Otava: a header with the time column and the commit attribute, then one
 * number per configuration. */
static void test_export_otava(const char *dir)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/otava.csv", tmp);
    FILE *f = fopen(path, "w");
    CHECK_INT_EQ(omps_history_export(dir, "otava", f, err, sizeof err), OMPS_OK);
    fclose(f);
    struct omps_table t;
    CHECK_INT_EQ(omps_table_read(path, &t, err, sizeof err), OMPS_OK);
    CHECK(t.ncols == 4 && t.nrows == 1);
    CHECK_STR_EQ(t.header[0], "time");
    CHECK_STR_EQ(t.header[1], "commit");
    CHECK_STR_EQ(omps_table_cell(&t, 0, 0), "2026-12-01T10:00:00Z");
    CHECK_NEAR(strtod(omps_table_cell(&t, 0, 3), NULL), 1e6, 1e-6);
    omps_table_free(&t);
    f = fopen(path, "w");
    CHECK_INT_EQ(omps_history_export(dir, "csv", f, err, sizeof err), OMPS_EINVAL);
    fclose(f);
}

/* Inserts run r (from 0) of a synthetic history: a 2-thread midpoint with
 * five rounds around `seconds`, their probes `probe_ns`. */
static void synthetic_run(sqlite3 *db, int r, double seconds, double probe_ns)
{
    char sql[600], err[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO runs (id, identity, git_commit, commit_time, run_date, machine, state,"
             " machine_json, source, added) VALUES (%d, 'run%d', 'commit%d', '',"
             " datetime('2026-01-01', '+%d days'), 'm', 'complete', '{}', '', '');"
             "INSERT INTO points (id, run, key, kernel, params, n, threads, schedule, chunk,"
             " ranks) VALUES (%d, %d, 'midpoint/n:4096/threads:2/schedule:static:0',"
             " 'midpoint', '', 4096, 2, 'static', 0, 1)", r + 1, r, r, r, r + 1, r + 1);
    CHECK_INT_EQ(omps_store_exec(db, sql, err, sizeof err), 0);
    for (int k = 0; k < 5; k++) {
        snprintf(sql, sizeof sql, "INSERT INTO rounds VALUES (%d, %d, %.17g, %.17g)", r + 1, k,
                 seconds * exp(0.01 * gaussian()), probe_ns * exp(0.1 * gaussian()));
        CHECK_INT_EQ(omps_store_exec(db, sql, err, sizeof err), 0);
    }
}

/* The seconds series of a history of `runs` runs where the runs in `other`
 * ran on the other placement (1.7 times slower, a third of the probe) and
 * the newest took `newest` times as long. */
static const struct omps_history_series *placement_history(struct omps_history *h, int runs,
                                                           const int *other, size_t nother,
                                                           double newest)
{
    sqlite3 *db = NULL;
    char err[256];
    CHECK_INT_EQ(omps_store_open(":memory:", 1, &db, err, sizeof err), 0);
    rng_state = 11;
    for (int r = 0; r < runs; r++) {
        int away = 0;
        for (size_t i = 0; i < nother; i++)
            away |= other[i] == r;
        synthetic_run(db, r, 1e-3 * (away ? 1.7 : 1.0) * (r == runs - 1 ? newest : 1.0),
                      away ? 60.0 : 180.0);
    }
    CHECK_INT_EQ(omps_history_load(db, OMPS_CHANGE_ALPHA, h, err, sizeof err), 0);
    sqlite3_close(db);
    for (size_t i = 0; h->count == 1 && i < h->machines[0].nseries; i++) {
        if (h->machines[0].series[i].measure == OMPS_MEASURE_SECONDS)
            return &h->machines[0].series[i];
    }
    CHECK(!"no seconds series");
    return NULL;
}

/* Runs on the other placement are left out of a 2-thread series, not
 * taken for a change; a newest run left out is not judged; a real step
 * on the usual placement is still found. */
static void test_placement(void)
{
    struct omps_history h;
    const int away[] = {3, 7, 11};
    const struct omps_history_series *s = placement_history(&h, 12, away, 3, 1.0);
    CHECK(s != NULL && s->count == 9 && s->other_placement == 3 && s->nchanges == 0 &&
          !s->judged);
    omps_history_free(&h);
    s = placement_history(&h, 12, away, 2, 1.3);
    CHECK(s != NULL && s->count == 10 && s->judged && s->nchanges == 1);
    CHECK(s != NULL && s->nchanges == 1 && s->points[s->changes[0].index].run == 11 &&
          omps_change_is_worse(s, &s->changes[0]) && fabs(s->changes[0].step - 0.3) < 0.03);
    /* One judged series: Holm leaves its p as it is, and confirms it. */
    CHECK_INT_EQ(omps_history_confirm(&h, 1), 1);
    CHECK(s != NULL && s->nchanges == 1 && s->changes[0].p_holm == s->changes[0].p);
    omps_history_free(&h);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/test_history.XXXXXX");
    if (mkdtemp(tmp) == NULL)
        return 2;
    test_student_p();
    test_change_points();
    test_store();
    test_placement();
    char run[512];
    snprintf(run, sizeof run, "%s/run", tmp);
    make_run(run);
    test_export_bencher(run);
    test_export_action(run);
    test_export_otava(run);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd) != 0)
        return 2;
    return CHECK_DONE();
}
