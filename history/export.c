/*
 * `ompscale export DIR --format F` (history.h): a run's medians with their
 * 95% intervals in the formats of Bencher (the Bencher Metric Format),
 * github-action-benchmark (customSmallerIsBetter) and Apache Otava (a CSV
 * with a time column, attributes and one column per metric).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csv_write.h"
#include "columns.h"
#include "errors.h"
#include "history.h"
#include "key_read.h"
#include "machine_file.h"
#include "table.h"

/* One configuration's numbers for the exports. */
struct metric {
    char name[512];          /* omps_key_name */
    double ns, ns_low, ns_high; /* the median and its interval, nanoseconds */
    double speedup;          /* NaN at one core */
    size_t repetitions;
};

/* Reads DIR/summary.csv into metrics; returns the count, or -1 with err. */
static long read_metrics(const char *dir, struct metric **out, char *err, size_t err_len)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    struct omps_table t = {0};
    int key_col[OMPS_KC_COUNT];
    if (omps_table_read(path, &t, err, err_len) != OMPS_OK)
        return -1;
    const int missing = omps_key_columns_find(&t, key_col);
    static const char *const names[] = {OMPS_SUMMARY_COLUMNS(OMPS_COLUMN_STRING)};
    int col[OMPS_SUMMARY_NCOLUMNS];
    omps_table_columns(&t, names, OMPS_SUMMARY_NCOLUMNS, col);
    const int median = col[OMPS_SUMMARY_median_s], lo = col[OMPS_SUMMARY_ci_low_s],
              hi = col[OMPS_SUMMARY_ci_high_s], sp = col[OMPS_SUMMARY_speedup],
              reps = col[OMPS_SUMMARY_repetitions], cores = col[OMPS_SUMMARY_cores];
    *out = calloc(t.nrows + 1, sizeof **out);
    long n = *out != NULL && missing < 0 && median >= 0 ? 0 : -1;
    if (n < 0)
        snprintf(err, err_len, "%.4000s: %s", path, *out == NULL ? "out of memory"
                 : "lacks the key's columns or median_s");
    for (size_t r = 0; n >= 0 && r < t.nrows; r++) {
        struct omps_key k;
        const char *what = NULL;
        const int bad = omps_key_read(&t, r, key_col, &k, &what);
        if (bad >= 0) {
            snprintf(err, err_len, "%.4000s:%zu: %s %s", path, t.lines[r],
                     omps_key_column_names[bad], what);
            n = -1;
            break;
        }
        struct metric *m = &(*out)[n];
        omps_key_name(&k, m->name, sizeof m->name);
        m->ns = 1e9 * omps_table_number(&t, r, median);
        m->ns_low = 1e9 * omps_table_number(&t, r, lo);
        m->ns_high = 1e9 * omps_table_number(&t, r, hi);
        m->speedup = omps_table_number(&t, r, cores) > 1 ? omps_table_number(&t, r, sp) : NAN;
        m->repetitions = (size_t)fmax(0.0, omps_table_number(&t, r, reps));
        n += isfinite(m->ns);
    }
    omps_table_free(&t);
    return n;
}

/* {"value": v, "lower_value": lo, "upper_value": hi}, the interval only
 * when it is known. */
static json_t *bencher_measure(double v, double lo, double hi)
{
    json_t *o = json_pack("{s:f}", "value", v);
    if (o != NULL && isfinite(lo) && isfinite(hi)) {
        json_object_set_new(o, "lower_value", json_real(lo));
        json_object_set_new(o, "upper_value", json_real(hi));
    }
    return o;
}

/* The Bencher Metric Format: {benchmark: {measure: {value, lower_value,
 * upper_value}}}, latency in nanoseconds (Bencher's built-in measure) and
 * speedup where more than one core ran. */
static json_t *bencher(const struct metric *m, long n)
{
    json_t *root = json_object();
    for (long i = 0; root != NULL && i < n; i++) {
        json_t *b = json_object();
        json_object_set_new(b, "latency", bencher_measure(m[i].ns, m[i].ns_low, m[i].ns_high));
        if (isfinite(m[i].speedup))
            json_object_set_new(b, "speedup", bencher_measure(m[i].speedup, NAN, NAN));
        json_object_set_new(root, m[i].name, b);
    }
    return root;
}

/* github-action-benchmark's customSmallerIsBetter: [{name, unit, value,
 * range, extra}], range as "± half the interval". */
static json_t *action_benchmark(const struct metric *m, long n)
{
    json_t *root = json_array();
    for (long i = 0; root != NULL && i < n; i++) {
        char range[64] = "", extra[200];
        const int known = isfinite(m[i].ns_low) && isfinite(m[i].ns_high);
        if (known)
            snprintf(range, sizeof range, "± %.6g", (m[i].ns_high - m[i].ns_low) / 2.0);
        snprintf(extra, sizeof extra, "%zu repetitions; median's 95%% interval %s%.6g, %.6g%s ns",
                 m[i].repetitions, known ? "[" : "(", m[i].ns_low, m[i].ns_high,
                 known ? "]" : ": too few rounds)");
        json_t *e = json_pack("{s:s, s:s, s:f, s:s}", "name", m[i].name, "unit", "ns", "value",
                              m[i].ns, "extra", extra);
        if (e != NULL && known)
            json_object_set_new(e, "range", json_string(range));
        json_array_append_new(root, e);
    }
    return root;
}

/* Otava's CSV: time and commit, then each configuration's median (ns). */
static void otava(FILE *f, json_t *machine, const struct metric *m, long n)
{
    const char *date = json_string_value(json_object_get(machine, "date"));
    const char *commit = json_string_value(json_object_get(machine, "git_commit"));
    fputs("time,commit", f);
    for (long i = 0; i < n; i++) {
        fputc(',', f);
        omps_csv_text(f, m[i].name);
    }
    fputc('\n', f);
    omps_csv_text(f, date != NULL ? date : "");
    fputc(',', f);
    omps_csv_text(f, commit != NULL ? commit : "unknown");
    for (long i = 0; i < n; i++) {
        fputc(',', f);
        omps_csv_number(f, m[i].ns);
    }
    fputc('\n', f);
}

int omps_history_export(const char *dir, const char *format, FILE *f, char *err,
                        size_t err_len)
{
    static const char *const formats[] = {"bencher", "github-action-benchmark", "otava"};
    int which = -1;
    for (int i = 0; i < 3; i++)
        which = strcmp(format, formats[i]) == 0 ? i : which;
    if (which < 0) {
        snprintf(err, err_len, "--format: '%.200s' is not bencher, github-action-benchmark "
                 "or otava", format);
        return OMPS_EINVAL;
    }
    json_t *machine = omps_machine_file_load(dir, err, err_len);
    struct metric *m = NULL;
    const long n = machine != NULL ? read_metrics(dir, &m, err, err_len) : -1;
    int rc = n >= 0 ? OMPS_OK : OMPS_EFORMAT;
    if (rc == OMPS_OK && which == 2) {
        otava(f, machine, m, n);
    } else if (rc == OMPS_OK) {
        json_t *doc = which == 0 ? bencher(m, n) : action_benchmark(m, n);
        rc = doc != NULL && json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) == 0
                 ? OMPS_OK : OMPS_ENOMEM;
        fputc('\n', f);
        json_decref(doc);
        if (rc != OMPS_OK)
            snprintf(err, err_len, "out of memory");
    }
    free(m);
    json_decref(machine);
    return rc;
}
