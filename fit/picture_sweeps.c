/* The catalogue's sweeps, environments and latency map (picture_files.h). */
#define _POSIX_C_SOURCE 200809L
#include "picture_files.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "machine_file.h"
#include "registry.h"

/* Whether p and q lie on one sweep curve: the same configuration but for
 * the swept value (the chunk, or the kernel's one parameter). */
static int same_sweep(const struct omps_fit_point *p, const struct omps_fit_point *q,
                      int by_param)
{
    struct omps_key a = p->key, b = q->key;
    if (by_param) {
        a.params[0] = b.params[0] = 0;
        a.params_text[0] = b.params_text[0] = '\0';
    } else {
        a.schedule.chunk = b.schedule.chunk = 0;
    }
    return omps_key_compare(&a, &b) == 0;
}

static double swept_value(const struct omps_fit_point *p, int by_param)
{
    return by_param ? p->key.params[0] : (double)p->key.schedule.chunk;
}

static int swept(const struct omps_fit_point *p, int by_param)
{
    if (!isfinite(p->median))
        return 0;
    return by_param ? p->key.kernel->nparams == 1 : p->key.schedule.chunk > 0;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The legend of a sweep curve: "static, 2 threads [f=0.1] spread" (the
 * chunk swept) or "dynamic:64, 2 threads spread" (a parameter swept). */
static void sweep_legend(const struct pic_catalogue *c, const struct omps_fit_point *p,
                         int by_param, char *buf, size_t len)
{
    const struct omps_key *k = &p->key;
    char sched[48] = "", env[160];
    if (!by_param || k->schedule.kind != 0)
        snprintf(sched, sizeof sched, "%s%s", omps_schedule_name(k->schedule.kind),
                 ", ");
    if (by_param && k->schedule.chunk > 0)
        snprintf(sched, sizeof sched, "%s:%d, ", omps_schedule_name(k->schedule.kind),
                 k->schedule.chunk);
    omps_fit_env_label(c->in, p, env, sizeof env);
    snprintf(buf, len, "%s%d thread%s%s%s%s%s%s", sched, k->threads,
             k->threads == 1 ? "" : "s", !by_param && *k->params_text ? " [" : "",
             by_param ? "" : k->params_text, !by_param && *k->params_text ? "]" : "",
             *env ? " " : "", env);
}

/* WORK/<chunk|param>-<point>.dat for the curve that point `at` starts:
 * "x median low high" rows in increasing x, when it has three values or
 * more.  Returns 1 when written; folds the medians into *e. */
static int sweep_file(struct pic_catalogue *c, size_t at, int by_param, char *name,
                      size_t len, struct pic_extent *e)
{
    const struct omps_fit_point *start = &c->in->points[at];
    double *rows = malloc((c->in->count + 1) * 4 * sizeof *rows);
    size_t n = 0;
    for (size_t i = at; rows != NULL && i < c->in->count; i++) {
        const struct omps_fit_point *p = &c->in->points[i];
        if (p->key.kernel != start->key.kernel || !swept(p, by_param) ||
            !same_sweep(p, start, by_param))
            continue;
        const double m = p->median;
        const double r[4] = {swept_value(p, by_param), m,
                             isfinite(p->ci_low) ? p->ci_low : m,
                             isfinite(p->ci_high) ? p->ci_high : m};
        memcpy(rows + 4 * n++, r, sizeof r);
    }
    qsort(rows, n, 4 * sizeof *rows, by_value);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        distinct += i == 0 || rows[4 * i] != rows[4 * (i - 1)];
    snprintf(name, len, "%s-%zu.dat", by_param ? "param" : "chunk", at + 1);
    FILE *f = distinct >= 3 ? pic_data_file(c, name) : NULL;
    if (f != NULL) {
        char legend[400];
        sweep_legend(c, start, by_param, legend, sizeof legend);
        pic_title_line(f, legend);
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "%.17g %.17g %.17g %.17g\n", rows[4 * i], rows[4 * i + 1],
                    rows[4 * i + 2], rows[4 * i + 3]);
            e->lo = e->lo > 0 && e->lo < rows[4 * i + 1] ? e->lo : rows[4 * i + 1];
            e->hi = e->hi > rows[4 * i + 1] ? e->hi : rows[4 * i + 1];
        }
    }
    pic_data_close(c, f);
    free(rows);
    return f != NULL;
}

/* chunks-K (time against chunk size, the U curve of "too small: overhead;
 * too large: imbalance") or PARAM-K (time against k's one parameter, e.g.
 * cutoff-recursive_sum), when a curve swept three values or more. */
void pic_sweep_picture(struct pic_catalogue *c, const struct omps_kernel *k,
                       int by_param, const char *section)
{
    struct pic_text files = {.n = 0}, d = {.n = 0};
    struct pic_extent e = {0};
    for (size_t i = 0; i < c->in->count; i++) {
        const struct omps_fit_point *p = &c->in->points[i];
        size_t j = 0;
        while (j < i && !(c->in->points[j].key.kernel == k &&
                          swept(&c->in->points[j], by_param) &&
                          same_sweep(&c->in->points[j], p, by_param)))
            j++;
        char name[64];
        if (p->key.kernel == k && swept(p, by_param) && j == i &&
            sweep_file(c, i, by_param, name, sizeof name, &e))
            pic_add(&files, " %s", name);
    }
    if (files.n == 0)
        return;
    const char *param = by_param ? k->params[0].name : "chunk";
    char file[300], what[300], title[1024];
    pic_set_text(&d, "FILES", files.s);
    pic_set_text(&d, "XLABEL", by_param ? param : "chunk size (iterations per grab)");
    /* A time axis spanning more than 20x is drawn logarithmic, so the
     * bottom of the U stays readable. */
    pic_set_number(&d, "LOGY", e.lo > 0 && e.hi / e.lo > 20);
    snprintf(file, sizeof file, "%s-%s", by_param ? param : "chunks", k->name);
    snprintf(what, sizeof what, "%s: time against %s", k->name, param);
    pic_title(c, title, sizeof title, what);
    pic_entry(c, file, section, k, "chunks.gp", &d, title,
              by_param ? "time against the swept parameter"
                       : "time against chunk size (a run that swept chunks)");
}

/* ---- Environments side by side ---- */

/* For environments-K: the best schedule's rate of one environment at the
 * kernel's most threads (the highest rate; the lowest for an overhead,
 * whose rate is a cost). */
struct env_best {
    const struct omps_fit_point *p;
    char label[160];
};

static int by_label(const void *a, const void *b)
{
    return strcmp(((const struct env_best *)a)->label,
                  ((const struct env_best *)b)->label);
}

/* Fills best[] with k's environments at its most threads; returns how many
 * and the thread count in *top. */
static size_t environments_of(const struct pic_catalogue *c,
                              const struct omps_kernel *k, struct env_best *best,
                              int *top)
{
    size_t n = 0;
    *top = 0;
    for (size_t i = 0; i < c->in->count; i++) {
        const struct omps_fit_point *p = &c->in->points[i];
        if (p->key.kernel == k && isfinite(p->rate) && p->key.threads > *top)
            *top = p->key.threads;
    }
    for (size_t i = 0; i < c->in->count; i++) {
        const struct omps_fit_point *p = &c->in->points[i];
        char label[160];
        omps_fit_env_label(c->in, p, label, sizeof label);
        if (p->key.kernel != k || !isfinite(p->rate) || p->key.threads != *top ||
            !*label)
            continue;
        size_t j = 0;
        while (j < n && omps_env_compare(&best[j].p->key.env, &p->key.env) != 0)
            j++;
        const int cost = k->family == OMPS_FAMILY_OVERHEAD;
        if (j < n && (cost ? p->rate >= best[j].p->rate : p->rate <= best[j].p->rate))
            continue;
        best[j].p = p;
        snprintf(best[j].label, sizeof best[j].label, "%s", label);
        n += j == n;
    }
    qsort(best, n, sizeof *best, by_label);
    return n;
}

/* environments-K: each environment's best schedule at k's most threads,
 * side by side with its interval, where k ran in two environments or more. */
void pic_environments_picture(struct pic_catalogue *c, const struct omps_kernel *k)
{
    struct env_best *best = calloc(c->in->count + 1, sizeof *best);
    int top = 0;
    const size_t n =
        best != NULL && k->reference != k ? environments_of(c, k, best, &top) : 0;
    char name[300];
    snprintf(name, sizeof name, "e-%s.dat", k->name);
    FILE *f = n >= 2 ? pic_data_file(c, name) : NULL;
    for (size_t i = 0; f != NULL && i < n; i++) {
        const struct omps_fit_point *p = best[i].p;
        /* Without an interval (too few rounds) the bar shrinks to the point. */
        const double lo = isfinite(p->rate_lo) ? p->rate_lo : p->rate;
        const double hi = isfinite(p->rate_hi) ? p->rate_hi : p->rate;
        fprintf(f, "%zu \"%s\" %.17g %.17g %.17g\n", i + 1, best[i].label, p->rate, lo,
                hi);
    }
    pic_data_close(c, f);
    free(best);
    if (f == NULL)
        return;
    struct pic_text d = {.n = 0};
    char file[300], ylabel[200], what[300], title[1024];
    snprintf(ylabel, sizeof ylabel, "%s (bars: 95%% interval)",
             omps_unit_name(k->unit));
    pic_set_text(&d, "DATA", name);
    pic_set_text(&d, "YLABEL", ylabel);
    snprintf(file, sizeof file, "environments-%s", k->name);
    snprintf(what, sizeof what,
             "%s at %d threads: the best schedule in each environment", k->name, top);
    pic_title(c, title, sizeof title, what);
    pic_entry(c, file, "environments", k, "environments.gp", &d, title,
              "the best schedule in each environment at the most threads");
}

/* ---- The latency map ---- */

/*
 * WORK/core-to-core.dat for the heat map, from DIR/machine.json's
 * core_to_core_ns: "row column ns" lines (NaN for a pair not measured), a
 * blank line after each row; cpus gets the CPUs' OS indexes in order.
 * Returns 1 when written, 0 when the map is absent or malformed.
 */
static int latency_file(struct pic_catalogue *c, const char *dir, struct pic_text *cpus)
{
    char why[512];
    json_t *m = omps_machine_file_load(dir, why, sizeof why);
    json_t *map = json_object_get(m, "core_to_core_ns");
    json_t *list = json_object_get(map, "cpus"), *ns = json_object_get(map, "ns");
    const size_t n = json_array_size(list);
    int ok = n >= 2 && json_array_size(ns) == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = json_is_integer(json_array_get(list, i)) &&
             json_array_size(json_array_get(ns, i)) == n;
    FILE *f = ok ? pic_data_file(c, "core-to-core.dat") : NULL;
    for (size_t i = 0; f != NULL && i < n; i++) {
        pic_add(cpus, "%s%lld", i ? " " : "",
                (long long)json_integer_value(json_array_get(list, i)));
        for (size_t j = 0; j < n; j++) {
            json_t *v = json_array_get(json_array_get(ns, i), j);
            struct pic_text row = {.n = 0};
            pic_add(&row, "%zu %zu", i, j);
            pic_add_value(&row, json_is_number(v) ? json_number_value(v) : NAN);
            fprintf(f, "%s\n", row.s);
        }
        fputc('\n', f);
    }
    pic_data_close(c, f);
    json_decref(m);
    return f != NULL;
}

/* The latency map's picture (picture_files.h). */
void pic_latency_picture(struct pic_catalogue *c, const char *dir)
{
    struct pic_text cpus = {.n = 0}, d = {.n = 0};
    if (!latency_file(c, dir, &cpus))
        return;
    char title[1024];
    pic_set_text(&d, "DATA", "core-to-core.dat");
    pic_set_text(&d, "CPUS", cpus.s);
    pic_title(c, title, sizeof title, "core-to-core round trip");
    pic_entry(c, "core-to-core", "machine", NULL, "heatmap.gp", &d, title,
              "core-to-core round trip between CPU pairs");
}
