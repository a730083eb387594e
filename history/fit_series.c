/*
 * The Amdahl f series of a machine's runs (internal.h): one per fitted
 * series of fit.csv (kernel, params, n, schedule, chunk, environment and
 * threads per rank), with f's 95% interval.  Only fits over three core
 * counts or more count: through two points f is the speedup at the second
 * one rewritten (f = (cores/S - 1)/(cores - 1)), which its speedup series
 * already judges from more robust run values; on a 2-core machine here
 * such an f moved by 0.47 between runs of one build.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "internal.h"
#include "registry.h"

/* A fitted series' name, "midpoint/n:1024/schedule:static:0", with
 * "/environment:E" and "/threads_per_rank:T" where they are set. */
static void fit_name(sqlite3_stmt *st, char *buf, size_t len)
{
    const char *kernel = (const char *)sqlite3_column_text(st, 0);
    const char *params = (const char *)sqlite3_column_text(st, 1);
    const char *schedule = (const char *)sqlite3_column_text(st, 3);
    const char *env = (const char *)sqlite3_column_text(st, 5);
    const long long tpr = sqlite3_column_int64(st, 6);
    int w = snprintf(buf, len, "%s%s%s%s/n:%lld/schedule:%s:%lld", kernel,
                     params[0] != '\0' ? "[" : "", params, params[0] != '\0' ? "]" : "",
                     sqlite3_column_int64(st, 2), schedule, sqlite3_column_int64(st, 4));
    if (w > 0 && (size_t)w < len && env[0] != '\0')
        w += snprintf(buf + w, len - (size_t)w, "/environment:%s", env);
    if (w > 0 && (size_t)w < len && tpr > 0)
        snprintf(buf + w, len - (size_t)w, "/threads_per_rank:%lld", tpr);
}

/* The fitted series' configuration without a thread count; -1 when its
 * kernel, parameters or schedule are not this build's (it is left out). */
static int fit_key(sqlite3_stmt *st, struct omps_key *k)
{
    *k = (struct omps_key){.kernel = omps_kernel_find((const char *)sqlite3_column_text(st, 0))};
    if (k->kernel == NULL ||
        omps_schedule_kind((const char *)sqlite3_column_text(st, 3), &k->schedule.kind) != 0)
        return -1;
    for (size_t i = 0; i < k->kernel->nparams; i++)
        k->params[i] = k->kernel->params[i].default_value;
    if (omps_key_parse_params(k, (const char *)sqlite3_column_text(st, 1)) != 0)
        return -1;
    omps_key_format_params(k);
    k->n = (uint64_t)sqlite3_column_int64(st, 2);
    k->schedule.chunk = sqlite3_column_int(st, 4);
    return 0;
}

int omps_history_fit_series(sqlite3 *db, struct omps_history_machine *m, char *err,
                            size_t err_len)
{
    static const char sql[] =
        "SELECT f.kernel, f.params, f.n, f.schedule, f.chunk, f.environment,"
        " f.threads_per_rank, f.run, f.value, f.ci_low, f.ci_high FROM fits f"
        " JOIN runs r ON f.run = r.id WHERE r.machine = ? AND f.parameter = 'f'"
        " AND f.value IS NOT NULL AND f.points >= 3 ORDER BY f.kernel, f.params, f.n,"
        " f.schedule, f.chunk, f.environment, f.threads_per_rank";
    sqlite3_stmt *st = NULL;
    if (omps_history_prepare(db, sql, &st, err, err_len) != OMPS_OK)
        return OMPS_EIO;
    sqlite3_bind_text(st, 1, m->fingerprint, -1, SQLITE_STATIC);
    struct omps_history_series *s = NULL;
    int rc = OMPS_OK;
    while (rc == OMPS_OK && sqlite3_step(st) == SQLITE_ROW) {
        char name[512];
        fit_name(st, name, sizeof name);
        if (s == NULL || strcmp(s->name, name) != 0) {
            struct omps_key k;
            if (fit_key(st, &k) != 0) {
                s = NULL;
                continue;
            }
            s = omps_history_new_series(m, OMPS_MEASURE_AMDAHL_F, m->nruns);
            if (s == NULL) {
                rc = OMPS_ENOMEM;
                break;
            }
            s->key = k;
            snprintf(s->name, sizeof s->name, "%s", name);
            snprintf(s->environment, sizeof s->environment, "%s", sqlite3_column_text(st, 5));
        }
        const size_t run = omps_history_run_index(m, sqlite3_column_int64(st, 7));
        if (s->count < m->nruns)
            s->points[s->count++] = (struct omps_history_point){
                .run = run, .value = sqlite3_column_double(st, 8),
                .low = omps_history_column_number(st, 9), .high = omps_history_column_number(st, 10)};
    }
    sqlite3_finalize(st);
    /* The rows of one series come in store order; the series is in run
     * (commit) order. */
    for (size_t i = 0; s != NULL && i < m->nseries; i++) {
        struct omps_history_series *f = &m->series[i];
        for (size_t a = 1; f->measure == OMPS_MEASURE_AMDAHL_F && a < f->count; a++) {
            struct omps_history_point p = f->points[a];
            size_t b = a;
            for (; b > 0 && f->points[b - 1].run > p.run; b--)
                f->points[b] = f->points[b - 1];
            f->points[b] = p;
        }
    }
    return rc;
}
