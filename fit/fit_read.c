/* Reading what the fits need: summary.csv by header name, machine.json
 * with jansson, and runs.csv's rounds through the shared reader. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "errors.h"
#include "parse.h"
#include "columns.h"
#include "fit.h"
#include "key_read.h"
#include "machine_file.h"
#include "runs_read.h"
#include "stats.h"
#include "table.h"

/* summary.csv's columns by name (core/columns.h). */
static const char *const names[OMPS_SUMMARY_NCOLUMNS] = {
    OMPS_SUMMARY_COLUMNS(OMPS_COLUMN_STRING)};

struct reader {
    const struct omps_table *t;
    int key_col[OMPS_KC_COUNT];
    int col[OMPS_SUMMARY_NCOLUMNS];
    const char *path;
    char *err;
    size_t err_len;
};

static const char *cell(const struct reader *r, size_t row, int c)
{
    return r->col[c] < 0 ? "" : omps_table_cell(r->t, row, (size_t)r->col[c]);
}

static int bad(const struct reader *r, size_t row, int c, const char *what)
{
    snprintf(r->err, r->err_len, "%s:%zu: %s '%s' %s", r->path, r->t->lines[row], names[c],
             cell(r, row, c), what);
    return OMPS_EFORMAT;
}

/* An optional number: empty or nan is NaN. */
static double number(const struct reader *r, size_t row, int c)
{
    return omps_table_number(r->t, row, r->col[c]);
}

static int read_identity(const struct reader *r, size_t row, struct omps_fit_point *p)
{
    const char *what;
    const int c = omps_key_read(r->t, row, r->key_col, &p->key, &what);
    if (c >= 0) {
        snprintf(r->err, r->err_len, "%s:%zu: %s '%s' %s", r->path, r->t->lines[row],
                 omps_key_column_names[c], omps_table_cell(r->t, row, (size_t)r->key_col[c]),
                 what);
        return OMPS_EFORMAT;
    }
    p->cores = omps_key_cores(&p->key);
    p->ranked = p->key.kernel->ranked != OMPS_RANKED_NO;
    return OMPS_OK;
}

/* The optional numbers of a point: empty or nan is NaN. */
static const struct {
    int column;
    size_t field; /* offsetof(struct omps_fit_point, ...) */
} optional[] = {
    {OMPS_SUMMARY_speedup, offsetof(struct omps_fit_point, speedup)},
    {OMPS_SUMMARY_efficiency, offsetof(struct omps_fit_point, efficiency)},
    {OMPS_SUMMARY_karp_flatt, offsetof(struct omps_fit_point, karp_flatt)},
    {OMPS_SUMMARY_speedup_ci_low, offsetof(struct omps_fit_point, speedup_lo)},
    {OMPS_SUMMARY_speedup_ci_high, offsetof(struct omps_fit_point, speedup_hi)},
    {OMPS_SUMMARY_ci_low_s, offsetof(struct omps_fit_point, ci_low)},
    {OMPS_SUMMARY_ci_high_s, offsetof(struct omps_fit_point, ci_high)},
    {OMPS_SUMMARY_rate, offsetof(struct omps_fit_point, rate)},
    {OMPS_SUMMARY_rate_ci_low, offsetof(struct omps_fit_point, rate_lo)},
    {OMPS_SUMMARY_rate_ci_high, offsetof(struct omps_fit_point, rate_hi)},
    {OMPS_SUMMARY_bound_rate, offsetof(struct omps_fit_point, bound_rate)},
    {OMPS_SUMMARY_bound_fraction, offsetof(struct omps_fit_point, bound_fraction)},
    {OMPS_SUMMARY_cpus, offsetof(struct omps_fit_point, cpus)},
    {OMPS_SUMMARY_threads_seen, offsetof(struct omps_fit_point, threads_seen)},
};

/*
 * One point.  sigma, the median's standard error, is 1.2533 stddev /
 * sqrt(repetitions) from the summary (1% of the median when there is no
 * spread to go on); it weighs the points, while the intervals come from the
 * bootstrap over rounds.
 */
static int read_point(const struct reader *r, size_t row, int nphys, struct omps_fit_point *p)
{
    int rc = read_identity(r, row, p);
    if (rc != OMPS_OK)
        return rc;
    const char *m = cell(r, row, OMPS_SUMMARY_median_s);
    p->median = NAN;
    if (*m && strcmp(m, "nan") != 0 && (omps_parse_double(m, &p->median) != 0 || !(p->median > 0)))
        return bad(r, row, OMPS_SUMMARY_median_s, "is not a positive time");
    const double sd = number(r, row, OMPS_SUMMARY_stddev_s);
    const double reps = number(r, row, OMPS_SUMMARY_repetitions);
    p->sigma = reps >= 2 && sd > 0 ? 1.2533 * sd / sqrt(reps) : 0.01 * p->median;
    p->sigma = fmax(p->sigma, 1e-6 * p->median);
    for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++)
        *(double *)((char *)p + optional[i].field) = number(r, row, optional[i].column);
    p->excluded = isnan(p->median) ? 2
                  : number(r, row, OMPS_SUMMARY_oversubscribed) == 1 || (nphys > 0 && p->cores > nphys) ? 1
                                                                                     : 0;
    p->line = r->t->lines[row];
    return OMPS_OK;
}

static int read_summary(const char *dir, struct omps_fit_input *in, char *err, size_t err_len)
{
    char path[4200];
    struct omps_table t;
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    int rc = omps_table_read(path, &t, err, err_len);
    if (rc != OMPS_OK)
        return rc;
    struct reader r = {.t = &t, .path = path, .err = err, .err_len = err_len};
    const int missing = omps_key_columns_find(&t, r.key_col);
    if (missing >= 0) {
        snprintf(err, err_len, "%s:1: no '%s' column", path, omps_key_column_names[missing]);
        rc = OMPS_EFORMAT;
    }
    omps_table_columns(&t, names, OMPS_SUMMARY_NCOLUMNS, r.col);
    if (rc == OMPS_OK && r.col[OMPS_SUMMARY_median_s] < 0) {
        snprintf(err, err_len, "%s:1: no 'median_s' column", path);
        rc = OMPS_EFORMAT;
    }
    if (rc == OMPS_OK && t.nrows == 0) {
        snprintf(err, err_len, "%s: no data rows", path);
        rc = OMPS_EFORMAT;
    }
    in->points = rc == OMPS_OK ? calloc(t.nrows + 1, sizeof *in->points) : NULL;
    if (rc == OMPS_OK && in->points == NULL)
        rc = OMPS_ENOMEM;
    for (size_t i = 0; rc == OMPS_OK && i < t.nrows; i++)
        rc = read_point(&r, i, in->physical_cores, &in->points[in->count++]);
    for (size_t i = 1; rc == OMPS_OK && i < in->count; i++) {
        for (int a = 0; a < OMPS_AXES; a++)
            in->env_varies[a] |=
                in->points[i].key.env.value[a] != in->points[0].key.env.value[a];
    }
    omps_table_free(&t);
    return rc;
}

/* DIR/machine.json, or NULL when it is missing or not JSON (optional). */
static json_t *load_machine(const char *dir)
{
    char ignored[512];
    return omps_machine_file_load(dir, ignored, sizeof ignored);
}

/* m's CPU model into cpu (empty when unknown). */
static void cpu_model_of(json_t *m, char *cpu, size_t len)
{
    const char *model = json_string_value(json_object_get(m, "cpu_model"));
    snprintf(cpu, len, "%s", model ? model : "");
}

/* The median of the latency map's pairs of two different CPUs; NaN when
 * machine.json has no map (one CPU, a synthetic topology). */
static double pair_median(json_t *m)
{
    json_t *ns = json_object_get(json_object_get(m, "core_to_core_ns"), "ns");
    const size_t n = json_array_size(ns);
    double *v = n >= 2 ? malloc(n * n * sizeof *v) : NULL;
    size_t count = 0;
    for (size_t i = 0; v != NULL && i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            json_t *x = json_array_get(json_array_get(ns, i), j);
            if (i != j && json_is_number(x) && json_number_value(x) > 0)
                v[count++] = json_number_value(x);
        }
    }
    const double median = omps_median_inplace(v, count);
    free(v);
    return median;
}

static void read_machine(const char *dir, struct omps_fit_input *in)
{
    json_t *m = load_machine(dir);
    json_t *cores = json_object_get(m, "physical_cores");
    in->physical_cores = json_is_integer(cores) && json_integer_value(cores) > 0
                             ? (int)json_integer_value(cores) : 0;
    const char *date = json_string_value(json_object_get(m, "date"));
    json_t *division = json_object_get(m, "division_ns"), *fma = json_object_get(m, "fma_gflops");
    in->division_ns = json_is_number(division) ? json_number_value(division) : NAN;
    in->fma_gflops = json_is_number(fma) ? json_number_value(fma) : NAN;
    in->pair_ns = pair_median(m);
    cpu_model_of(m, in->cpu_model, sizeof in->cpu_model);
    snprintf(in->caption, sizeof in->caption, "%s%s%.10s",
             *in->cpu_model ? in->cpu_model : "unknown machine", date ? ", " : "",
             date ? date : "");
    json_decref(m);
}

static int by_round(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Appends to point p its rounds from one run: the median of its verified
 * repetitions in each, numbered from offset. */
static int attach_rounds(struct omps_fit_point *p, const struct omps_runs *runs,
                         const long *list, size_t nlist, size_t offset)
{
    double *v = malloc((runs->count + 1) * sizeof *v);
    double *values = realloc(p->round_values, (p->nrounds + nlist + 1) * sizeof *values);
    if (values != NULL)
        p->round_values = values;
    size_t *index = realloc(p->round_index, (p->nrounds + nlist + 1) * sizeof *index);
    if (index != NULL)
        p->round_index = index;
    if (v == NULL || values == NULL || index == NULL) {
        free(v);
        return OMPS_ENOMEM;
    }
    for (size_t g = 0; g < nlist; g++) {
        size_t k = 0;
        for (size_t i = 0; i < runs->count; i++) {
            const struct omps_run_record *row = &runs->rows[i];
            if (row->verified && row->round == list[g] &&
                omps_key_compare(&p->key, &row->key) == 0)
                v[k++] = row->seconds;
        }
        if (k == 0)
            continue;
        p->round_values[p->nrounds] = omps_median_inplace(v, k);
        p->round_index[p->nrounds++] = offset + g;
    }
    free(v);
    return OMPS_OK;
}

/* The distinct rounds of runs, sorted, into *list. */
static int round_list(const struct omps_runs *runs, long **list, size_t *n)
{
    *list = malloc((runs->count + 1) * sizeof **list);
    if (*list == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < runs->count; i++)
        (*list)[i] = runs->rows[i].round;
    qsort(*list, runs->count, sizeof **list, by_round);
    *n = 0;
    for (size_t i = 0; i < runs->count; i++) {
        if (*n == 0 || (*list)[*n - 1] != (*list)[i])
            (*list)[(*n)++] = (*list)[i];
    }
    return OMPS_OK;
}

/* Adds DIR/runs.csv's rounds to in as one more run.  A missing file, or
 * one from before rounds, adds nothing unless required. */
static int read_rounds(const char *dir, struct omps_fit_input *in, int required, char *err,
                       size_t err_len)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    if (access(path, F_OK) != 0 && !required)
        return OMPS_OK;
    struct omps_runs runs;
    long *list = NULL;
    size_t nlist = 0;
    int rc = omps_runs_read(path, &runs, err, err_len);
    if (rc != OMPS_OK)
        return rc;
    if (!runs.has_round && required) {
        snprintf(err, err_len, "%s:1: no 'round' column, so it cannot be pooled", path);
        rc = OMPS_EFORMAT;
    }
    if (rc == OMPS_OK && runs.has_round)
        rc = round_list(&runs, &list, &nlist);
    for (size_t i = 0; rc == OMPS_OK && runs.has_round && i < in->count; i++)
        rc = attach_rounds(&in->points[i], &runs, list, nlist, in->rounds);
    if (rc == OMPS_OK && runs.has_round) {
        in->run_first[in->runs] = in->rounds;
        in->run_rounds[in->runs++] = nlist;
        in->rounds += nlist;
    }
    free(list);
    omps_runs_free(&runs);
    return rc;
}

int omps_fit_add_run(struct omps_fit_input *in, const char *dir, char *err, size_t err_len)
{
    char cpu[256], path[4200];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    if (access(path, R_OK) != 0) {
        snprintf(err, err_len, "--with %s: %s", path, strerror(errno));
        return OMPS_EIO;
    }
    if (in->runs == 0) {
        snprintf(err, err_len, "--with %s: the first run has no rounds to pool with", dir);
        return OMPS_EINVAL;
    }
    if (in->runs >= OMPS_FIT_MAX_RUNS) {
        snprintf(err, err_len, "--with %s: at most %d runs", dir, OMPS_FIT_MAX_RUNS);
        return OMPS_EINVAL;
    }
    json_t *m = load_machine(dir), *first = load_machine(in->dir);
    const char *fact = omps_machines_differ(m, first);
    cpu_model_of(m, cpu, sizeof cpu);
    json_decref(m);
    json_decref(first);
    if (fact != NULL) {
        snprintf(err, err_len, "--with %s: measured on another machine ('%s', not '%s'; %s "
                 "differs)", dir, cpu, in->cpu_model, fact);
        return OMPS_EINVAL;
    }
    return read_rounds(dir, in, 1, err, err_len);
}

void omps_fit_pool_medians(struct omps_fit_input *in)
{
    for (size_t i = 0; i < in->count; i++) {
        struct omps_fit_point *p = &in->points[i];
        double *v = p->nrounds && p->excluded < 2 ? malloc(p->nrounds * sizeof *v) : NULL;
        if (v == NULL)
            continue;
        memcpy(v, p->round_values, p->nrounds * sizeof *v);
        p->median = omps_median_inplace(v, p->nrounds);
        free(v);
    }
}

int omps_fit_read(const char *dir, struct omps_fit_input *in, char *err, size_t err_len)
{
    memset(in, 0, sizeof *in);
    snprintf(in->dir, sizeof in->dir, "%s", dir);
    read_machine(dir, in);
    int rc = read_summary(dir, in, err, err_len);
    if (rc == OMPS_OK)
        rc = read_rounds(dir, in, 0, err, err_len);
    if (rc != OMPS_OK)
        omps_fit_input_free(in);
    return rc;
}

void omps_fit_input_free(struct omps_fit_input *in)
{
    for (size_t i = 0; i < in->count; i++) {
        free(in->points[i].round_values);
        free(in->points[i].round_index);
    }
    free(in->points);
    memset(in, 0, sizeof *in);
}

void omps_fit_env_label(const struct omps_fit_input *in, const struct omps_fit_point *p,
                        char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int a = 0; a < OMPS_AXES && used < len; a++) {
        if (!in->env_varies[a])
            continue;
        const char *v = omps_env_value((enum omps_axis)a, p->key.env.value[a]);
        used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "/" : "",
                                 *v ? v : "default");
    }
}
