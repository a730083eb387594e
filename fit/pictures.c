/* The picture catalogue (pictures.h): each picture's data and its row. */
#define _POSIX_C_SOURCE 200809L
#include "pictures.h"
#include "picture_files.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_write.h"
#include "errors.h"
#include "registry.h"

/* ---- The scaling pictures: speedup, efficiency, Karp-Flatt, overview ---- */

/* WORK/name: series id's points, "cores median sigma speedup efficiency
 * karp_flatt excluded speedup_low speedup_high" under its legend. */
static void series_file(struct pic_catalogue *c, const char *name, size_t id,
                        const char *legend)
{
    FILE *f = pic_data_file(c, name);
    if (f == NULL)
        return;
    pic_title_line(f, legend);
    for (size_t i = 0; i < c->s[id].count; i++) {
        const struct omps_fit_point *p = pic_point(c, id, i);
        struct pic_text row = {.n = 0};
        pic_add(&row, "%ld", p->cores);
        const double v[] = {p->median, p->sigma, p->speedup, p->efficiency,
                            p->karp_flatt};
        for (size_t j = 0; j < 5; j++)
            pic_add_value(&row, v[j]);
        pic_add(&row, " %d", p->excluded);
        pic_add_value(&row, p->speedup_lo);
        pic_add_value(&row, p->speedup_hi);
        fprintf(f, "%s\n", row.s);
    }
    pic_data_close(c, f);
}

/* The settings scaling.gp takes for series ids[0..n), drawn from
 * prefix<id>.dat. */
static void scaling_settings(const struct pic_catalogue *c, const char *plot,
                             const size_t *ids, size_t n, const char *prefix,
                             struct pic_text *d)
{
    struct pic_text files = {.n = 0}, fits = {.n = 0}, usla = {.n = 0}, uslb = {.n = 0};
    long nmax = 1;
    int excluded = 0;
    for (size_t j = 0; j < n; j++) {
        const struct omps_fitted_series *s = &c->s[ids[j]];
        pic_add(&files, " %s%zu.dat", prefix, ids[j] + 1);
        pic_add_fit(&fits, s->f);
        pic_add_fit(&usla, isfinite(s->beta) ? s->alpha : NAN);
        pic_add_fit(&uslb, isfinite(s->alpha) ? s->beta : NAN);
        for (size_t i = 0; i < s->count; i++) {
            const struct omps_fit_point *p = pic_point(c, ids[j], i);
            nmax = p->cores > nmax ? p->cores : nmax;
            excluded |= p->excluded == 1;
        }
    }
    pic_set_text(d, "PLOT", plot);
    pic_set_text(d, "FILES", files.s);
    pic_set_text(d, "FITS", fits.s);
    pic_set_text(d, "USLA", usla.s);
    pic_set_text(d, "USLB", uslb.s);
    pic_set_number(d, "NPHYS", c->in->physical_cores);
    pic_set_number(d, "NMAX", (double)nmax);
    pic_set_number(d, "EXCLUDED", excluded);
    pic_set_text(d, "XLABEL",
                 n > 0 && pic_point(c, ids[0], 0)->ranked
                     ? "cores (ranks x threads per rank)"
                     : "threads (N)");
}

static void scaling_picture(struct pic_catalogue *c, const char *plot,
                            const struct omps_kernel *k, const size_t *ids, size_t n,
                            const char *what, const char *caption)
{
    char file[300], title[1024];
    struct pic_text d = {.n = 0};
    snprintf(file, sizeof file, "%s-%s", plot, k->name);
    snprintf(title, sizeof title, "%s: %s — %s", k->name, what, c->in->caption);
    scaling_settings(c, plot, ids, n, "p", &d);
    pic_entry(c, file, "scaling", k, "scaling.gp", &d, title, caption);
}

/* The series of kernel k, in order, into ids; returns how many. */
static size_t series_of(const struct pic_catalogue *c, const struct omps_kernel *k,
                        size_t *ids)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (pic_kernel_of(c, i) == k)
            ids[n++] = i;
    }
    return n;
}

/* The kernels of the series in order of first appearance; returns how many. */
static size_t kernels_in_order(const struct pic_catalogue *c,
                               const struct omps_kernel **out)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t j = 0;
        while (j < n && out[j] != pic_kernel_of(c, i))
            j++;
        if (j == n)
            out[n++] = pic_kernel_of(c, i);
    }
    return n;
}

/* The best of the series ids[0..n) (omps_fit_best_of), as a series id;
 * -1 when there is none. */
static long best_series(const struct pic_catalogue *c, const size_t *ids, size_t n)
{
    const struct omps_fitted_series **series = malloc((n + 1) * sizeof *series);
    if (series == NULL)
        return -1;
    for (size_t j = 0; j < n; j++)
        series[j] = &c->s[ids[j]];
    const long pick = omps_fit_best_of(c->in, series, n);
    free(series);
    return pick < 0 ? -1 : (long)ids[pick];
}

static int beyond_one_core(const struct pic_catalogue *c, const size_t *ids, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < c->s[ids[j]].count; i++) {
            if (pic_point(c, ids[j], i)->cores > 1)
                return 1;
        }
    }
    return 0;
}

/* ---- Rates and the families, in their own units ---- */

/* The ceiling a rate picture holds a kernel against, as its legend says. */
static const char *ceiling_title(const struct omps_kernel *k, char *buf, size_t len)
{
    if (k->bound == OMPS_BOUND_BANDWIDTH)
        snprintf(buf, len, "ceiling: %s at the same threads",
                 k->ceiling != NULL ? k->ceiling->name : "copy");
    else if (k->bound == OMPS_BOUND_WAITS)
        snprintf(buf, len, "ceiling: every thread waiting at once (threads / wait)");
    else
        snprintf(buf, len, "ceiling: the division throughput");
    return buf;
}

/* WORK/r-K-bound.dat: the highest bound_rate at each core count of k's
 * series; returns 1 when there was one. */
static int ceiling_file(struct pic_catalogue *c, const struct omps_kernel *k,
                        const size_t *ids, size_t n, const char *name)
{
    const size_t most = c->in->count + 1;
    double *bound = malloc(most * sizeof *bound);
    long *cores = malloc(most * sizeof *cores);
    size_t nb = 0;
    for (size_t j = 0; bound != NULL && cores != NULL && j < n; j++) {
        for (size_t i = 0; i < c->s[ids[j]].count; i++) {
            const struct omps_fit_point *p = pic_point(c, ids[j], i);
            size_t b = 0;
            while (b < nb && cores[b] != p->cores)
                b++;
            if (!isfinite(p->bound_rate) || (b < nb && bound[b] >= p->bound_rate))
                continue;
            cores[b] = p->cores;
            bound[b] = p->bound_rate;
            nb += b == nb;
        }
    }
    FILE *f = nb > 0 ? pic_data_file(c, name) : NULL;
    if (f != NULL) {
        char title[200];
        pic_title_line(f, ceiling_title(k, title, sizeof title));
        for (long at = 1, next; at > 0; at = next) {
            /* Increasing core counts: the smallest above the last written. */
            next = 0;
            for (size_t b = 0; b < nb; b++) {
                if (cores[b] >= at && (next == 0 || cores[b] < next))
                    next = cores[b];
            }
            for (size_t b = 0; next > 0 && b < nb; b++) {
                if (cores[b] == next)
                    fprintf(f, "%ld %.17g\n", next, bound[b]);
            }
            next = next > 0 ? next + 1 : 0;
        }
    }
    pic_data_close(c, f);
    free(bound);
    free(cores);
    return f != NULL;
}

/* How a family's value is drawn: overheads as their rate (us per
 * construct); the others as 1000 / rate (ns per update), the interval
 * turned over. */
static void family_values(const struct omps_fit_point *p, int per_update, double v[3])
{
    if (!per_update) {
        v[0] = p->rate, v[1] = p->rate_lo, v[2] = p->rate_hi;
        return;
    }
    const double r[3] = {p->rate, p->rate_hi, p->rate_lo};
    for (int i = 0; i < 3; i++)
        v[i] = isfinite(r[i]) && r[i] > 0 ? 1000.0 / r[i] : NAN;
}

/* WORK/name: series id as "cores value low high" rows (values: the rate,
 * or the family's per-update time); folds them into *e. */
static void value_file(struct pic_catalogue *c, const char *name, size_t id,
                       const char *legend, int family, int per_update,
                       struct pic_extent *e)
{
    FILE *f = pic_data_file(c, name);
    if (f == NULL)
        return;
    pic_title_line(f, legend);
    for (size_t i = 0; i < c->s[id].count; i++) {
        const struct omps_fit_point *p = pic_point(c, id, i);
        double v[3] = {p->rate, p->rate_lo, p->rate_hi};
        if (family)
            family_values(p, per_update, v);
        struct pic_text row = {.n = 0};
        pic_add(&row, "%ld", p->cores);
        for (int j = 0; j < 3; j++)
            pic_add_value(&row, v[j]);
        fprintf(f, "%s\n", row.s);
        e->nmax = p->cores > e->nmax ? p->cores : e->nmax;
        e->drawable |= isfinite(v[0]);
        if (isfinite(v[0]) && v[0] > 0) {
            e->lo = e->lo > 0 && e->lo < v[0] ? e->lo : v[0];
            e->hi = e->hi > v[0] ? e->hi : v[0];
        }
    }
    pic_data_close(c, f);
}

/* rate-K: the rate of each of k's series with its interval, under the
 * hardware bound it is held against. */
static void rate_picture(struct pic_catalogue *c, const struct omps_kernel *k,
                         const size_t *ids, size_t n)
{
    struct pic_text files = {.n = 0}, d = {.n = 0};
    struct pic_extent e = {0};
    char name[400], ylabel[200], file[300], what[300], title[1024];
    for (size_t j = 0; j < n; j++) {
        snprintf(name, sizeof name, "r-%s-%zu.dat", k->name, j + 1);
        value_file(c, name, ids[j], c->s[ids[j]].label, 0, 0, &e);
        pic_add(&files, " %s", name);
    }
    if (!e.drawable)
        return;
    snprintf(name, sizeof name, "r-%s-bound.dat", k->name);
    snprintf(ylabel, sizeof ylabel, "%s (bars: 95%% interval)",
             omps_unit_name(k->unit));
    pic_set_text(&d, "FILES", files.s);
    pic_set_text(&d, "CEILING", ceiling_file(c, k, ids, n, name) ? name : "");
    pic_set_text(&d, "YLABEL", ylabel);
    pic_set_number(&d, "NMAX", (double)e.nmax);
    const int ranked = pic_point(c, ids[0], 0)->ranked;
    pic_set_text(&d, "XLABEL",
                 ranked ? "cores (ranks x threads per rank)" : "threads (N)");
    snprintf(file, sizeof file, "rate-%s", k->name);
    snprintf(what, sizeof what, "%s: rate", k->name);
    pic_title(c, title, sizeof title, what);
    pic_entry(c, file, "scaling", k, "family.gp", &d, title,
              ranked ? "rate against cores, with its hardware bound"
                     : "rate against threads, with its hardware bound");
}

static const struct {
    enum omps_family family;
    const char *file, *section, *heading, *title, *ylabel;
} family_pictures[] = {
    {OMPS_FAMILY_OVERHEAD, "overheads", "overhead", "Construct overheads",
     "construct overheads above overhead_reference (the same delay, no construct)",
     "µs per construct"},
    {OMPS_FAMILY_CONTENTION, "contention", "contention", "Contention on one counter",
     "one shared counter: time per update",
     "ns per update, the whole team (1000 / rate)"},
    {OMPS_FAMILY_FALSE_SHARING, "false-sharing", "false_sharing", "False sharing",
     "per-thread slots, adjacent against padded: time per update",
     "ns per update, the whole team (1000 / rate)"},
};

/* The picture of family_pictures[which]: every kernel of the family but
 * the overheads' reference (the zero they are measured from), a file per
 * series. */
static void family_picture(struct pic_catalogue *c, size_t which)
{
    struct pic_text files = {.n = 0}, d = {.n = 0};
    struct pic_extent e = {0};
    int ranked = 0;
    for (size_t id = 0; id < c->n; id++) {
        const struct omps_kernel *k = pic_kernel_of(c, id);
        if (k->family != family_pictures[which].family || k->reference == k)
            continue;
        char name[400], legend[700];
        snprintf(name, sizeof name, "f-%zu.dat", id + 1);
        /* The family's kernels mostly have no loop schedule to name. */
        snprintf(legend, sizeof legend, "%s%s%s", k->name, *c->s[id].detail ? " " : "",
                 k->scheduled ? c->s[id].label : c->s[id].detail);
        value_file(c, name, id, legend, 1, which > 0, &e);
        pic_add(&files, " %s", name);
        ranked |= pic_point(c, id, 0)->ranked;
    }
    if (!e.drawable)
        return;
    char title[1024];
    pic_title(c, title, sizeof title, family_pictures[which].title);
    pic_set_text(&d, "FILES", files.s);
    pic_set_text(&d, "YLABEL", family_pictures[which].ylabel);
    pic_set_number(&d, "NMAX", (double)e.nmax);
    /* Processes beside threads (spawn, mpi_counter): over cores, and on a
     * logarithmic scale once the values span more than a thousandfold. */
    pic_set_text(&d, "XLABEL",
                 ranked ? "cores: threads, or ranks x threads per rank"
                        : "threads (N)");
    pic_set_number(&d, "LOGY", e.lo > 0 && e.hi / e.lo > 1000);
    pic_entry(c, family_pictures[which].file, family_pictures[which].section, NULL,
              "family.gp", &d, title, family_pictures[which].heading);
}

/* ---- Process kernels against their OpenMP form ---- */

/* splits-K: a process kernel's series (one per threads per rank) beside
 * its OpenMP form's series at the same schedule (else its best), at equal
 * cores, with the fitted Amdahl curves. */
static void splits_picture(struct pic_catalogue *c, const struct omps_kernel *k,
                           const size_t *ids, size_t n, size_t *scratch)
{
    const struct omps_kernel *form = k->thread_form;
    const size_t nform = series_of(c, form, scratch);
    long pick = -1;
    const struct omps_key *first = &pic_point(c, ids[0], 0)->key;
    for (size_t j = 0; j < nform && pick < 0; j++) {
        const struct omps_key *f = &pic_point(c, scratch[j], 0)->key;
        if (f->schedule.kind == first->schedule.kind &&
            f->schedule.chunk == first->schedule.chunk)
            pick = (long)scratch[j];
    }
    if (pick < 0)
        pick = best_series(c, scratch, nform);
    if (pick < 0)
        return;
    struct pic_text files = {.n = 0}, tprs = {.n = 0}, fits = {.n = 0}, d = {.n = 0};
    long nmax = 1;
    for (size_t j = 0; j <= n; j++) {
        const size_t id = j == 0 ? (size_t)pick : ids[j - 1];
        char name[64], legend[1200];
        snprintf(name, sizeof name, "t%zu.dat", id + 1);
        snprintf(legend, sizeof legend, "%s %s", pic_kernel_of(c, id)->name,
                 c->s[id].legend);
        series_file(c, name, id, legend);
        pic_add(&files, " %s", name);
        pic_add(&tprs, " %d",
                pic_point(c, id, 0)->ranked ? pic_point(c, id, 0)->key.threads : 0);
        pic_add_fit(&fits, c->s[id].f);
        for (size_t i = 0; i < c->s[id].count; i++)
            nmax =
                pic_point(c, id, i)->cores > nmax ? pic_point(c, id, i)->cores : nmax;
    }
    char file[300], what[400], title[1024];
    pic_set_text(&d, "FILES", files.s);
    pic_set_text(&d, "TPR", tprs.s);
    pic_set_text(&d, "FITS", fits.s);
    pic_set_number(&d, "NPHYS", c->in->physical_cores);
    pic_set_number(&d, "NMAX", (double)nmax);
    snprintf(file, sizeof file, "splits-%s", k->name);
    snprintf(what, sizeof what, "%s against %s: ranks x threads at equal cores",
             k->name, form->name);
    pic_title(c, title, sizeof title, what);
    pic_entry(c, file, "scaling", k, "splits.gp", &d, title,
              "threads against processes: every split of the cores into ranks x "
              "threads, beside "
              "the OpenMP form");
}

/* ---- The catalogue, in the page's order ---- */

/* overview: every scaling kernel's best series, retitled by its kernel. */
static void overview_picture(struct pic_catalogue *c,
                             const struct omps_kernel **kernels, size_t nk, size_t *ids,
                             size_t *best)
{
    size_t nbest = 0;
    for (size_t i = 0; i < nk; i++) {
        if (kernels[i]->family != OMPS_FAMILY_SCALING)
            continue;
        const long b = best_series(c, ids, series_of(c, kernels[i], ids));
        if (b < 0)
            continue;
        char name[64], legend[700];
        snprintf(name, sizeof name, "o%ld.dat", b + 1);
        snprintf(legend, sizeof legend, "%s (%s)", kernels[i]->name, c->s[b].label);
        series_file(c, name, (size_t)b, legend);
        best[nbest++] = (size_t)b;
    }
    if (nbest == 0)
        return;
    struct pic_text d = {.n = 0};
    char title[1024];
    scaling_settings(c, "speedup", best, nbest, "o", &d);
    pic_title(c, title, sizeof title, "every scaling kernel at its best schedule");
    pic_entry(c, "overview", "scaling", NULL, "scaling.gp", &d, title,
              "every scaling kernel at its best schedule");
}

/* A scaling or blocking kernel's own pictures, in the page's order. */
static void kernel_pictures(struct pic_catalogue *c, const struct omps_kernel *k,
                            size_t *ids, size_t *scratch)
{
    const size_t n = series_of(c, k, ids);
    char name[64];
    for (size_t j = 0; j < n; j++) {
        snprintf(name, sizeof name, "p%zu.dat", ids[j] + 1);
        series_file(c, name, ids[j], c->s[ids[j]].legend);
    }
    if (k->thread_form != NULL && pic_point(c, ids[0], 0)->ranked)
        splits_picture(c, k, ids, n, scratch);
    scaling_picture(c, "speedup", k, ids, n, "speedup",
                    pic_point(c, ids[0], 0)->ranked
                        ? "speedup against cores (ranks x threads per rank)"
                        : "speedup against threads");
    scaling_picture(c, "efficiency", k, ids, n, "efficiency",
                    "parallel efficiency against threads");
    rate_picture(c, k, ids, n);
    /* Blocking waits scale past the cores: no serial fraction. */
    if (k->family == OMPS_FAMILY_SCALING && beyond_one_core(c, ids, n))
        scaling_picture(c, "karp-flatt", k, ids, n, "Karp-Flatt serial fraction",
                        "Karp-Flatt serial fraction");
    pic_sweep_picture(c, k, 0, "scaling");
    pic_sweep_picture(c, k, 1, "scaling");
}

static void all_pictures(struct pic_catalogue *c, const char *dir)
{
    const struct omps_kernel **kernels = calloc(c->n + 1, sizeof *kernels);
    size_t *ids = calloc(c->n + 1, sizeof *ids),
           *scratch = calloc(c->n + 1, sizeof *scratch);
    if (kernels == NULL || ids == NULL || scratch == NULL) {
        c->failed = 1;
    } else {
        const size_t nk = kernels_in_order(c, kernels);
        pic_latency_picture(c, dir);
        pic_roofline_picture(c, kernels, nk);
        overview_picture(c, kernels, nk, ids, scratch);
        for (size_t i = 0; i < nk; i++) {
            const enum omps_family fam = kernels[i]->family;
            if (fam == OMPS_FAMILY_SCALING || fam == OMPS_FAMILY_BLOCKING)
                kernel_pictures(c, kernels[i], ids, scratch);
        }
        for (size_t f = 0; f < sizeof family_pictures / sizeof family_pictures[0];
             f++) {
            family_picture(c, f);
            for (size_t i = 0; i < nk; i++) {
                if (kernels[i]->family == family_pictures[f].family) {
                    pic_sweep_picture(c, kernels[i], 0, family_pictures[f].section);
                    pic_sweep_picture(c, kernels[i], 1, family_pictures[f].section);
                }
            }
        }
        for (size_t i = 0; i < nk; i++)
            pic_environments_picture(c, kernels[i]);
    }
    free(kernels);
    free(ids);
    free(scratch);
}

int omps_pictures_write(const char *dir, const char *work,
                        const struct omps_fit_input *in,
                        const struct omps_fitted_series *s, size_t n)
{
    struct omps_outfile out;
    if (omps_outfile_open(&out, dir, "pictures.csv") != OMPS_OK)
        return -1;
    struct pic_catalogue c = {.in = in, .s = s, .n = n, .work = work, .csv = out.f};
    fprintf(out.f, "%s\n", OMPS_PICTURE_HEADER);
    all_pictures(&c, dir);
    if (c.failed) {
        omps_outfile_abort(&out);
        return -1;
    }
    return omps_outfile_commit(&out) == OMPS_OK ? 0 : -1;
}
