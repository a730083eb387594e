#include "runs_read.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "parse.h"
#include "registry.h"
#include "table.h"

enum { C_KERNEL, C_PARAMS, C_N, C_THREADS, C_SCHEDULE, C_CHUNK, C_SECONDS,
       C_VERIFIED, C_REPETITION, C_OVERSUBSCRIBED, C_ROUND, C_PROBE, C_BIND, C_PLACES,
       C_WAIT, C_TOOLCHAIN, C_RUNTIME, C_RESULT, C_RANKS, C_COUNT };
static const char *const column_names[C_COUNT] = {
    "kernel", "params", "n", "threads", "schedule", "chunk", "seconds",
    "verified", "repetition", "oversubscribed", "round", "probe_ns", "bind", "places",
    "wait_policy", "toolchain", "runtime", "result", "ranks"};
#define REQUIRED_COLUMNS C_REPETITION

struct reader {
    const struct omps_table *t;
    int col[C_COUNT];
    const char *path;
    char *err;
    size_t err_len;
};

/* Writes "PATH:LINE: COLUMN 'VALUE' WHAT" and returns OMPS_EFORMAT. */
static int bad(const struct reader *r, size_t row, int c, const char *what)
{
    snprintf(r->err, r->err_len, "%s:%zu: %s '%s' %s", r->path, r->t->lines[row],
             column_names[c], omps_table_cell(r->t, row, (size_t)r->col[c]), what);
    return OMPS_EFORMAT;
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

/* The environment columns (omps_env_from_cells). */
static int read_env(const struct reader *r, size_t row, struct omps_env *e)
{
    const char *cells[OMPS_AXES];
    for (int a = 0; a < OMPS_AXES; a++)
        cells[a] = r->col[C_BIND + a] < 0 ? NULL
                                          : omps_table_cell(r->t, row, (size_t)r->col[C_BIND + a]);
    const int bad_axis = omps_env_from_cells(cells, e);
    return bad_axis < 0 ? OMPS_OK : bad(r, row, C_BIND + bad_axis, "is not a value of that axis");
}

static int read_key(const struct reader *r, size_t row, struct omps_key *k)
{
    const char *kernel = omps_table_cell(r->t, row, (size_t)r->col[C_KERNEL]);
    long n, threads, chunk, ranks;
    memset(k, 0, sizeof *k);
    k->kernel = omps_kernel_find(kernel);
    if (k->kernel == NULL)
        return bad(r, row, C_KERNEL, "is not a kernel of this build");
    if (omps_key_parse_params(k, omps_table_cell(r->t, row, (size_t)r->col[C_PARAMS])))
        return bad(r, row, C_PARAMS, "are not the kernel's parameters");
    if (whole(r, row, C_N, 1, 1L << 40, &n) || whole(r, row, C_THREADS, 1, OMPS_MAX_THREADS, &threads) ||
        whole(r, row, C_CHUNK, 0, 1L << 30, &chunk) ||
        whole(r, row, C_RANKS, 1, OMPS_MAX_RANKS, &ranks))
        return OMPS_EFORMAT;
    /* A file from before the column ran every configuration as one process. */
    k->ranks = r->col[C_RANKS] < 0 ? 1 : (int)ranks;
    if (k->kernel->ranked == OMPS_RANKED_NO && k->ranks != 1)
        return bad(r, row, C_RANKS, "is not 1 for an OpenMP kernel");
    if (omps_schedule_kind(omps_table_cell(r->t, row, (size_t)r->col[C_SCHEDULE]),
                           &k->schedule.kind) != OMPS_OK)
        return bad(r, row, C_SCHEDULE, "is not a schedule");
    k->n = (uint64_t)n;
    k->threads = (int)threads;
    k->schedule.chunk = (int)chunk;
    return read_env(r, row, &k->env);
}

static int read_row(const struct reader *r, size_t row, struct omps_run_record *out)
{
    long rep, verified, over, round;
    int rc = read_key(r, row, &out->key);
    if (rc != OMPS_OK)
        return rc;
    if (omps_parse_double(omps_table_cell(r->t, row, (size_t)r->col[C_SECONDS]),
                          &out->seconds) != 0 || !(out->seconds > 0))
        return bad(r, row, C_SECONDS, "is not a positive time");
    if (whole(r, row, C_VERIFIED, 0, 1, &verified) ||
        whole(r, row, C_REPETITION, 0, 1L << 30, &rep) ||
        whole(r, row, C_OVERSUBSCRIBED, 0, 1, &over) ||
        whole(r, row, C_ROUND, 0, 1L << 40, &round))
        return OMPS_EFORMAT;
    out->verified = (int)verified;
    /* Without a repetition column each row is its own repetition, so no two
     * rows look like the same one. */
    out->repetition = r->col[C_REPETITION] < 0 ? (int)row : (int)rep;
    out->oversubscribed = (int)over;
    out->round = round;
    out->line = r->t->lines[row];
    /* The probe is optional and may be empty (no pair to probe). */
    const char *probe = r->col[C_PROBE] < 0 ? "" : omps_table_cell(r->t, row, (size_t)r->col[C_PROBE]);
    out->probe_ns = NAN;
    if (*probe && (omps_parse_double(probe, &out->probe_ns) != 0 || !(out->probe_ns > 0)))
        return bad(r, row, C_PROBE, "is not a positive time");
    const char *runtime = r->col[C_RUNTIME] < 0 ? "" : omps_table_cell(r->t, row, (size_t)r->col[C_RUNTIME]);
    if (strlen(runtime) >= sizeof out->runtime)
        return bad(r, row, C_RUNTIME, "is too long");
    snprintf(out->runtime, sizeof out->runtime, "%s", runtime);
    const char *result = r->col[C_RESULT] < 0 ? "" : omps_table_cell(r->t, row, (size_t)r->col[C_RESULT]);
    out->result = NAN;
    if (*result && omps_parse_double(result, &out->result) != 0)
        return bad(r, row, C_RESULT, "is not a finite number");
    return OMPS_OK;
}

static int find_columns(struct reader *r)
{
    for (int c = 0; c < C_COUNT; c++) {
        r->col[c] = omps_table_column(r->t, column_names[c]);
        if (r->col[c] < 0 && c < REQUIRED_COLUMNS) {
            snprintf(r->err, r->err_len, "%s:1: no '%s' column", r->path, column_names[c]);
            return OMPS_EFORMAT;
        }
    }
    return OMPS_OK;
}

int omps_runs_read(const char *path, struct omps_runs *runs, char *err, size_t err_len)
{
    struct omps_table t;
    memset(runs, 0, sizeof *runs);
    int rc = omps_table_read(path, &t, err, err_len);
    if (rc != OMPS_OK)
        return rc;
    struct reader r = {.t = &t, .path = path, .err = err, .err_len = err_len};
    rc = find_columns(&r);
    runs->has_round = r.col[C_ROUND] >= 0;
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
