/*
 * `ompscale history add`: records run directories in the store (history.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "history.h"
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "columns.h"
#include "errors.h"
#include "files.h"
#include "gate.h"
#include "machine_file.h"
#include "key_read.h"
#include "store.h"
#include "table.h"

static const char *text_of(json_t *m, const char *name, const char *absent)
{
    const char *s = json_string_value(json_object_get(m, name));
    return s != NULL ? s : absent;
}

/* Binds a number, NULL for NaN (a value summary.csv left empty). */
static void bind_number(sqlite3_stmt *st, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* Binds a JSON value as its compact text, NULL when absent. */
static void bind_json(sqlite3_stmt *st, int i, json_t *v)
{
    char *text = v != NULL ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
    if (text != NULL)
        sqlite3_bind_text(st, i, text, -1, free);
    else
        sqlite3_bind_null(st, i);
}

/* Steps a prepared insert once and finalizes it; 0 or OMPS_EIO. */
static int step_once(sqlite3 *db, sqlite3_stmt *st, char *err, size_t err_len)
{
    const int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        snprintf(err, err_len, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : OMPS_EIO;
}

/* The run's row: its commit, machine and environment, from machine.json. */
static int insert_run(sqlite3 *db, const struct omps_side *s, const char *identity,
                      long long *run, char *err, size_t err_len)
{
    static const char sql[] =
        "INSERT INTO runs (identity, git_commit, commit_time, git_dirty, run_date, machine,"
        " cpu_model, physical_cores, logical_cpus, omp_runtime, compiler, compiler_flags,"
        " ompscale_version, host, state, seed, omp_environment, system, machine_json, source,"
        " added) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st = NULL;
    if (omps_history_prepare(db, sql, &st, err, err_len) != 0)
        return OMPS_EIO;
    json_t *m = s->machine;
    char machine[512], added[32];
    omps_machine_fingerprint(m, machine, sizeof machine);
    const time_t now = time(NULL);
    strftime(added, sizeof added, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    const char *texts[] = {identity, text_of(m, "git_commit", "unknown"),
                           text_of(m, "git_commit_time", ""), NULL, text_of(m, "date", ""),
                           machine, text_of(m, "cpu_model", "")};
    for (int i = 0; i < 7; i++)
        sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, json_is_true(json_object_get(m, "git_dirty")));
    sqlite3_bind_int64(st, 8, json_integer_value(json_object_get(m, "physical_cores")));
    sqlite3_bind_int64(st, 9, json_integer_value(json_object_get(m, "logical_cpus")));
    const char *more[] = {"omp_runtime", "compiler", "compiler_flags", "ompscale_version", "host"};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_text(st, 10 + i, text_of(m, more[i], ""), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 15, s->state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 16, json_integer_value(json_object_get(m, "seed")));
    bind_json(st, 17, json_object_get(m, "omp_environment"));
    bind_json(st, 18, json_object_get(m, "system"));
    bind_json(st, 19, m);
    sqlite3_bind_text(st, 20, s->dir, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 21, added, -1, SQLITE_TRANSIENT);
    const int rc = step_once(db, st, err, err_len);
    *run = sqlite3_last_insert_rowid(db);
    return rc;
}

/* summary.csv's numbers of one configuration that the history keeps. */
enum { S_MEDIAN, S_LOW, S_HIGH, S_SPEEDUP, S_SPEEDUP_LOW, S_SPEEDUP_HIGH, S_EFFICIENCY, S_COUNT };
static const char *const summary_names[S_COUNT] = {
    "median_s", "ci_low_s", "ci_high_s", "speedup", "speedup_ci_low", "speedup_ci_high",
    "efficiency"};

/* The whole of DIR/summary.csv, its key columns and the columns above. */
struct summary {
    struct omps_table t;
    int key_col[OMPS_KC_COUNT];
    int col[S_COUNT];
    int runtime_col;
};

static int read_summary(const char *dir, struct summary *s, char *err, size_t err_len)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    int rc = omps_table_read(path, &s->t, err, err_len);
    if (rc != OMPS_OK)
        return rc;
    const int missing = omps_key_columns_find(&s->t, s->key_col);
    for (int c = 0; c < S_COUNT; c++)
        s->col[c] = omps_table_column(&s->t, summary_names[c]);
    s->runtime_col = omps_table_column(&s->t, "runtime");
    if (missing < 0 && s->col[S_MEDIAN] >= 0)
        return OMPS_OK;
    snprintf(err, err_len, "%.4000s: no column '%s'", path,
             missing >= 0 ? omps_key_column_names[missing] : "median_s");
    return OMPS_EFORMAT;
}

/* One configuration: its point row and its rounds. */
static int insert_point(sqlite3 *db, long long run, const struct summary *sum, size_t row,
                        const struct omps_rounds *set, char *err, size_t err_len)
{
    static const char sql[] =
        "INSERT INTO points (run, key, kernel, params, n, threads, schedule, chunk, bind,"
        " places, wait_policy, toolchain, ranks, runtime, median_s, ci_low_s, ci_high_s,"
        " speedup, speedup_ci_low, speedup_ci_high, efficiency)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st = NULL;
    if (omps_history_prepare(db, sql, &st, err, err_len) != 0)
        return OMPS_EIO;
    const struct omps_key *k = &set->key;
    char name[512];
    omps_key_name(k, name, sizeof name);
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, k->kernel->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, k->params_text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)k->n);
    sqlite3_bind_int(st, 6, k->threads);
    sqlite3_bind_text(st, 7, omps_schedule_name(k->schedule.kind), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, k->schedule.chunk);
    for (int a = 0; a < OMPS_AXES; a++)
        sqlite3_bind_text(st, 9 + a, omps_env_value(a, k->env.value[a]), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 13, omps_key_ranks(k));
    sqlite3_bind_text(st, 14, sum->runtime_col >= 0 ? omps_table_cell(&sum->t, row,
                      (size_t)sum->runtime_col) : "", -1, SQLITE_TRANSIENT);
    for (int c = 0; c < S_COUNT; c++)
        bind_number(st, 15 + c, omps_table_number(&sum->t, row, sum->col[c]));
    int rc = step_once(db, st, err, err_len);
    const long long point = sqlite3_last_insert_rowid(db);
    for (size_t r = 0; rc == 0 && r < set->count; r++) {
        rc = omps_history_prepare(db, "INSERT INTO rounds (point, round, seconds, probe_ns) VALUES (?,?,?,?)",
                     &st, err, err_len);
        if (rc != 0)
            break;
        sqlite3_bind_int64(st, 1, point);
        sqlite3_bind_int64(st, 2, set->round[r]);
        sqlite3_bind_double(st, 3, set->seconds[r]);
        bind_number(st, 4, set->probe[r]);
        rc = step_once(db, st, err, err_len);
    }
    return rc;
}

static const struct omps_rounds *find_rounds(const struct omps_side *s, const struct omps_key *k)
{
    for (size_t i = 0; i < s->nsets; i++) {
        if (omps_key_compare(&s->sets[i].key, k) == 0)
            return &s->sets[i];
    }
    return NULL;
}

/* Every verified configuration of summary.csv with its rounds; *skipped
 * counts those left out (a failed verification, or no rounds). */
static int insert_points(sqlite3 *db, long long run, const struct omps_side *s,
                         const struct summary *sum, size_t *skipped, char *err, size_t err_len)
{
    int rc = 0;
    for (size_t row = 0; rc == 0 && row < sum->t.nrows; row++) {
        struct omps_key k;
        const char *what = NULL;
        const int bad = omps_key_read(&sum->t, row, sum->key_col, &k, &what);
        if (bad >= 0) {
            snprintf(err, err_len, "%.3000s/summary.csv:%zu: %s %s", s->dir, sum->t.lines[row],
                     omps_key_column_names[bad], what);
            return OMPS_EFORMAT;
        }
        const struct omps_rounds *set = find_rounds(s, &k);
        if (set == NULL || set->unverified || set->count == 0) {
            (*skipped)++;
            continue;
        }
        rc = insert_point(db, run, sum, row, set, err, err_len);
    }
    return rc;
}

/* fit.csv's columns the history keeps, in the fits table's order after
 * its run (core/columns.h's constants: no reader indexes by number). */
static const int fit_kept[] = {OMPS_FIT_kernel,      OMPS_FIT_params,    OMPS_FIT_n,
                               OMPS_FIT_schedule,    OMPS_FIT_chunk,     OMPS_FIT_environment,
                               OMPS_FIT_threads_per_rank, OMPS_FIT_parameter, OMPS_FIT_value,
                               OMPS_FIT_ci_low,      OMPS_FIT_ci_high,   OMPS_FIT_points};
#define FIT_KEPT (sizeof fit_kept / sizeof fit_kept[0])

/* Inserts one amdahl row of fit.csv; 0 or OMPS_EIO. */
static int insert_fit(sqlite3 *db, long long run, const struct omps_table *t, size_t r,
                      const int *col, char *err, size_t err_len)
{
    static const char sql[] = "INSERT INTO fits (run, kernel, params, n, schedule, chunk,"
                              " environment, threads_per_rank, parameter, value, ci_low,"
                              " ci_high, points) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st = NULL;
    if (omps_history_prepare(db, sql, &st, err, err_len) != 0)
        return OMPS_EIO;
    sqlite3_bind_int64(st, 1, run);
    for (size_t c = 0; c < FIT_KEPT; c++) {
        const int at = col[fit_kept[c]];
        const char *cell = at >= 0 ? omps_table_cell(t, r, (size_t)at) : "0";
        /* An empty number (a fit that could not say) is NULL. */
        const int number = fit_kept[c] == OMPS_FIT_value || fit_kept[c] == OMPS_FIT_ci_low ||
                           fit_kept[c] == OMPS_FIT_ci_high || fit_kept[c] == OMPS_FIT_points;
        if (*cell == '\0' && number)
            sqlite3_bind_null(st, (int)c + 2);
        else
            sqlite3_bind_text(st, (int)c + 2, cell, -1, SQLITE_TRANSIENT);
    }
    return step_once(db, st, err, err_len);
}

/* fit.csv's Amdahl f of every series, when the run has a fit.csv. */
static int insert_fits(sqlite3 *db, long long run, const char *dir, int *have, char *err,
                       size_t err_len)
{
    static const char *const names[] = {OMPS_FIT_COLUMNS(OMPS_COLUMN_STRING)};
    char path[4200];
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    struct omps_table t = {0};
    *have = 0;
    FILE *probe = fopen(path, "r");
    if (probe == NULL)
        return 0;
    fclose(probe);
    int col[OMPS_FIT_NCOLUMNS];
    int rc = omps_table_read(path, &t, err, err_len);
    if (rc == OMPS_OK)
        omps_table_columns(&t, names, OMPS_FIT_NCOLUMNS, col);
    /* Every kept column but threads_per_rank, which older files lack. */
    for (size_t c = 0; rc == OMPS_OK && c < FIT_KEPT; c++) {
        if (col[fit_kept[c]] < 0 && fit_kept[c] != OMPS_FIT_threads_per_rank) {
            snprintf(err, err_len, "%.4000s: no column '%s'", path, names[fit_kept[c]]);
            rc = OMPS_EFORMAT;
        }
    }
    if (rc == OMPS_OK && col[OMPS_FIT_model] < 0) {
        snprintf(err, err_len, "%.4000s: no column 'model'", path);
        rc = OMPS_EFORMAT;
    }
    for (size_t r = 0; rc == OMPS_OK && r < t.nrows; r++) {
        if (strcmp(omps_table_cell(&t, r, (size_t)col[OMPS_FIT_model]), "amdahl") != 0)
            continue;
        rc = insert_fit(db, run, &t, r, col, err, err_len);
        *have = 1;
    }
    omps_table_free(&t);
    return rc;
}

/* The run's identity: machine.json's date and the hash of runs.csv. */
static int run_identity(const struct omps_side *s, char *buf, size_t len, char *err,
                        size_t err_len)
{
    char path[4200];
    uint64_t h = 0;
    snprintf(path, sizeof path, "%s/runs.csv", s->dir);
    if (omps_file_hash(path, &h) != 0) {
        snprintf(err, err_len, "%.4000s: cannot read", path);
        return OMPS_EIO;
    }
    snprintf(buf, len, "%s runs.csv:%016llx", text_of(s->machine, "date", "?"),
             (unsigned long long)h);
    return 0;
}

/* Returns the id of the run with this identity, or 0. */
static long long find_run(sqlite3 *db, const char *identity)
{
    sqlite3_stmt *st = NULL;
    long long id = 0;
    if (sqlite3_prepare_v2(db, "SELECT id FROM runs WHERE identity = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, identity, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return id;
}

/* Writes the run inside the open transaction; *added is its id, or 0 when
 * the history had it already (then *have_run is its id). */
static int insert_all(sqlite3 *db, const struct omps_side *s, const struct summary *sum,
                      const char *identity, struct omps_history_added *out, char *err,
                      size_t err_len)
{
    out->run = find_run(db, identity);
    if (out->run != 0) {
        out->already = 1;
        return 0;
    }
    int rc = insert_run(db, s, identity, &out->run, err, err_len);
    if (rc == 0)
        rc = insert_points(db, out->run, s, sum, &out->skipped, err, err_len);
    if (rc == 0)
        rc = insert_fits(db, out->run, s->dir, &out->fits, err, err_len);
    return rc;
}

/* A run directory read and checked for the store: its rounds and
 * machine.json, its summary and its identity. */
struct omps_history_input {
    struct omps_side side;
    struct summary sum;
    char identity[160];
};

void omps_history_input_free(struct omps_history_input *run)
{
    if (run == NULL)
        return;
    omps_table_free(&run->sum.t);
    omps_gate_free_side(&run->side);
    free(run);
}

int omps_history_read_dir(const char *dir, int allow_interrupted,
                          struct omps_history_input **out, char *err, size_t err_len)
{
    struct omps_history_input *run = calloc(1, sizeof *run);
    *out = NULL;
    if (run == NULL) {
        snprintf(err, err_len, "out of memory");
        return OMPS_ENOMEM;
    }
    int rc = omps_gate_load_side(&run->side, dir, err, err_len);
    if (rc == OMPS_OK && strcmp(run->side.state, "complete") != 0 && !allow_interrupted) {
        snprintf(err, err_len, "%.3000s: the run is %s, not complete (--allow-interrupted "
                 "records it anyway)", dir, run->side.state);
        rc = OMPS_EINVAL;
    }
    if (rc == OMPS_OK)
        rc = read_summary(dir, &run->sum, err, err_len);
    if (rc == OMPS_OK)
        rc = run_identity(&run->side, run->identity, sizeof run->identity, err, err_len);
    if (rc == OMPS_OK)
        *out = run;
    else
        omps_history_input_free(run);
    return rc;
}

int omps_history_add_run(sqlite3 *db, const struct omps_history_input *run,
                         struct omps_history_added *out, char *err, size_t err_len)
{
    *out = (struct omps_history_added){0};
    snprintf(out->identity, sizeof out->identity, "%s", run->identity);
    int rc = omps_store_exec(db, "BEGIN IMMEDIATE", err, err_len);
    if (rc == OMPS_OK) {
        rc = insert_all(db, &run->side, &run->sum, run->identity, out, err, err_len);
        rc = rc == 0 ? omps_store_exec(db, "COMMIT", err, err_len) : rc;
        if (rc != 0)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}
