#include "runs_read.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "parse.h"
#include "columns.h"
#include "key_read.h"
#include "table.h"

/* runs.csv's columns by name (core/columns.h); besides the key's, these
 * must be there. */
static const char *const column_names[OMPS_RUNS_NCOLUMNS] = {
    OMPS_RUNS_COLUMNS(OMPS_COLUMN_STRING)};
static const int required[] = {OMPS_RUNS_seconds, OMPS_RUNS_verified};

struct reader {
    const struct omps_table *t;
    int key_col[OMPS_KC_COUNT];
    int col[OMPS_RUNS_NCOLUMNS];
    const char *path;
    char *err;
    size_t err_len;
};

/* Writes "PATH:LINE: COLUMN 'VALUE' WHAT" for column index `index` (of the
 * table) and returns OMPS_EFORMAT. */
static int bad_cell(const struct reader *r, size_t row, const char *name, int index,
                    const char *what)
{
    snprintf(r->err, r->err_len, "%s:%zu: %s '%s' %s", r->path, r->t->lines[row], name,
             omps_table_cell(r->t, row, (size_t)index), what);
    return OMPS_EFORMAT;
}

static int bad(const struct reader *r, size_t row, int c, const char *what)
{
    return bad_cell(r, row, column_names[c], r->col[c], what);
}

/* Parses whole number column c into [lo, hi]; an absent column gives 0. */
static int whole(const struct reader *r, size_t row, int c, long lo, long hi, long *out)
{
    *out = 0;
    if (r->col[c] < 0)
        return OMPS_OK;
    if (omps_parse_long(omps_table_cell(r->t, row, (size_t)r->col[c]), lo, hi, out) == 0)
        return OMPS_OK;
    return bad(r, row, c, "is not a whole number in range");
}

/* Parses optional number column c into *out (NaN when absent or empty);
 * it must be at least 0. */
static int optional_number(const struct reader *r, size_t row, int c, double *out)
{
    const char *cell = r->col[c] < 0 ? "" : omps_table_cell(r->t, row, (size_t)r->col[c]);
    *out = NAN;
    if (*cell && (omps_parse_double(cell, out) != 0 || *out < 0))
        return bad(r, row, c, "is not a number of at least 0");
    return OMPS_OK;
}

/* Parses optional whole number column c into [0, hi], or `none` when
 * absent or empty. */
static int optional_whole(const struct reader *r, size_t row, int c, long hi, long none,
                          long *out)
{
    const char *cell = r->col[c] < 0 ? "" : omps_table_cell(r->t, row, (size_t)r->col[c]);
    *out = none;
    if (*cell && omps_parse_long(cell, 0, hi, out) != 0)
        return bad(r, row, c, "is not a whole number in range");
    return OMPS_OK;
}

/* A program's use (run --command); every field "not measured" in a
 * kernel's row or a file from before these columns. */
static int read_use(const struct reader *r, size_t row, struct omps_process_use *u)
{
    long rss, threads, status;
    *u = OMPS_PROCESS_USE_NONE;
    if (optional_number(r, row, OMPS_RUNS_user_s, &u->user_s) ||
        optional_number(r, row, OMPS_RUNS_system_s, &u->system_s) ||
        optional_number(r, row, OMPS_RUNS_cpus, &u->cpus) ||
        optional_whole(r, row, OMPS_RUNS_max_rss_kb, 1L << 50, -1, &rss) ||
        optional_whole(r, row, OMPS_RUNS_threads_seen, 1L << 20, 0, &threads) ||
        optional_whole(r, row, OMPS_RUNS_exit_status, 255, -1, &status))
        return OMPS_EFORMAT;
    u->max_rss_kb = rss;
    u->threads_seen = (int)threads;
    u->exit_status = (int)status;
    return OMPS_OK;
}

static int read_key(const struct reader *r, size_t row, struct omps_key *k)
{
    const char *what;
    const int c = omps_key_read(r->t, row, r->key_col, k, &what);
    return c < 0 ? OMPS_OK : bad_cell(r, row, omps_key_column_names[c], r->key_col[c], what);
}

static int read_row(const struct reader *r, size_t row, struct omps_run_record *out)
{
    long rep, verified, over, round;
    int rc = read_key(r, row, &out->key);
    if (rc != OMPS_OK)
        return rc;
    if (omps_parse_double(omps_table_cell(r->t, row, (size_t)r->col[OMPS_RUNS_seconds]),
                          &out->seconds) != 0 || !(out->seconds > 0))
        return bad(r, row, OMPS_RUNS_seconds, "is not a positive time");
    if (whole(r, row, OMPS_RUNS_verified, 0, 1, &verified) ||
        whole(r, row, OMPS_RUNS_repetition, 0, 1L << 30, &rep) ||
        whole(r, row, OMPS_RUNS_oversubscribed, 0, 1, &over) ||
        whole(r, row, OMPS_RUNS_round, 0, 1L << 40, &round))
        return OMPS_EFORMAT;
    out->verified = (int)verified;
    /* Without a repetition column each row is its own repetition, so no two
     * rows look like the same one. */
    out->repetition = r->col[OMPS_RUNS_repetition] < 0 ? (int)row : (int)rep;
    out->oversubscribed = (int)over;
    out->round = round;
    out->line = r->t->lines[row];
    /* The probe is optional and may be empty (no pair to probe). */
    const char *probe = r->col[OMPS_RUNS_probe_ns] < 0 ? "" : omps_table_cell(r->t, row, (size_t)r->col[OMPS_RUNS_probe_ns]);
    out->probe_ns = NAN;
    if (*probe && (omps_parse_double(probe, &out->probe_ns) != 0 || !(out->probe_ns > 0)))
        return bad(r, row, OMPS_RUNS_probe_ns, "is not a positive time");
    const char *runtime = r->col[OMPS_RUNS_runtime] < 0 ? "" : omps_table_cell(r->t, row, (size_t)r->col[OMPS_RUNS_runtime]);
    if (strlen(runtime) >= sizeof out->runtime)
        return bad(r, row, OMPS_RUNS_runtime, "is too long");
    snprintf(out->runtime, sizeof out->runtime, "%s", runtime);
    const char *result = r->col[OMPS_RUNS_result] < 0 ? "" : omps_table_cell(r->t, row, (size_t)r->col[OMPS_RUNS_result]);
    out->result = NAN;
    if (*result && omps_parse_double(result, &out->result) != 0)
        return bad(r, row, OMPS_RUNS_result, "is not a finite number");
    const int oc = r->col[OMPS_RUNS_others_busy];
    const char *busy = oc < 0 ? "" : omps_table_cell(r->t, row, (size_t)oc);
    out->others_busy = NAN;
    if (*busy && (omps_parse_double(busy, &out->others_busy) != 0 || out->others_busy < 0 ||
                  out->others_busy > 1))
        return bad(r, row, OMPS_RUNS_others_busy, "is not a share from 0 to 1");
    return read_use(r, row, &out->use);
}

static int find_columns(struct reader *r)
{
    const int missing = omps_key_columns_find(r->t, r->key_col);
    if (missing >= 0) {
        snprintf(r->err, r->err_len, "%s:1: no '%s' column", r->path,
                 omps_key_column_names[missing]);
        return OMPS_EFORMAT;
    }
    omps_table_columns(r->t, column_names, OMPS_RUNS_NCOLUMNS, r->col);
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (r->col[required[i]] < 0) {
            snprintf(r->err, r->err_len, "%s:1: no '%s' column", r->path,
                     column_names[required[i]]);
            return OMPS_EFORMAT;
        }
    }
    return OMPS_OK;
}

int omps_runs_read(const char *path, struct omps_runs *runs, char *err, size_t err_len)
{
    struct omps_table t;
    memset(runs, 0, sizeof *runs);
    int rc = omps_table_read_journal(path, &t, err, err_len);
    if (rc != OMPS_OK)
        return rc;
    runs->cut_line = t.cut_line;
    if (t.cut_line != 0)
        fprintf(stderr, "ompscale: warning: %s:%zu: the last line is cut short (a power cut or "
                "a full disk); reading the %zu whole rows before it\n", path, t.cut_line,
                t.nrows);
    struct reader r = {.t = &t, .path = path, .err = err, .err_len = err_len};
    rc = find_columns(&r);
    runs->has_round = r.col[OMPS_RUNS_round] >= 0;
    if (rc == OMPS_OK) {
        runs->rows = calloc(t.nrows + 1, sizeof *runs->rows);
        rc = runs->rows ? OMPS_OK : OMPS_ENOMEM;
    }
    for (size_t i = 0; rc == OMPS_OK && i < t.nrows; i++)
        rc = read_row(&r, i, &runs->rows[runs->count++]);
    omps_table_free(&t);
    if (rc != OMPS_OK)
        omps_runs_free(runs);
    return rc;
}

void omps_runs_free(struct omps_runs *runs)
{
    free(runs->rows);
    runs->rows = NULL;
    runs->count = 0;
}
