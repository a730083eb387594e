/*
 * The roofline (picture_files.h): each scaling kernel that declares flops
 * placed by its arithmetic intensity (flops per byte it moves) against the
 * GFLOP/s it reached, at one thread and at its best series' most threads,
 * under the ceilings this run measured: the memory bandwidth (the best of
 * the bandwidth kernels copy, read and update at the same threads), one core's
 * peak multiply-add rate (machine.json's fma_gflops) and the division
 * throughput (division_ns) times the threads.
 */
#define _POSIX_C_SOURCE 200809L
#include "picture_files.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "pi_terms.h"
#include "registry.h"

/* The intensity axis: compute-only kernels (no bytes) sit at its right
 * edge. */
#define XMIN 0.01
#define XMAX 100.0

/* The best bandwidth (GB/s) the ceiling kernels reached at this many
 * cores; NaN when none ran there. */
static double bandwidth_at(const struct pic_catalogue *c, long cores)
{
    double best = NAN;
    for (size_t i = 0; i < c->in->count; i++) {
        const struct omps_fit_point *p = &c->in->points[i];
        const struct omps_kernel *k = p->key.kernel;
        if (k->bound != OMPS_BOUND_BANDWIDTH || k->ceiling != NULL || p->ranked ||
            p->cores != cores || !isfinite(p->rate))
            continue;
        if (isnan(best) || p->rate > best)
            best = p->rate;
    }
    return best;
}


/* One row "intensity GFLOP/s cores" of point p. */
static void roof_row(FILE *f, const struct omps_fit_point *p)
{
    const struct omps_work w = p->key.kernel->work(p->key.n, p->key.params);
    const double intensity = w.bytes > 0 ? w.flops / w.bytes : XMAX;
    fprintf(f, "%.17g %.17g %ld\n", intensity, w.flops / p->median * 1e-9, p->cores);
}

/* WORK/roof-K.dat for kernel k's best series; returns its top cores, or 0
 * when k is not drawn (no flops, a process kernel, no point at one core). */
static long roof_file(struct pic_catalogue *c, const struct omps_kernel *k, size_t *ids,
                      const struct omps_fitted_series **scratch)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (pic_kernel_of(c, i) == k && !pic_point(c, i, 0)->ranked)
            ids[n++] = i;
    }
    for (size_t j = 0; j < n; j++)
        scratch[j] = &c->s[ids[j]];
    const long pick = omps_fit_best_of(c->in, scratch, n);
    if (pick < 0)
        return 0;
    const size_t id = ids[pick];
    const struct omps_fit_point *one = omps_fit_one_core(c->in, &c->s[id]);
    const struct omps_fit_point *top = omps_fit_top_point(c->in, &c->s[id]);
    if (one == NULL || top == NULL || k->work(top->key.n, top->key.params).flops <= 0)
        return 0;
    char name[300], legend[700];
    snprintf(name, sizeof name, "roof-%s.dat", k->name);
    snprintf(legend, sizeof legend, "%s (%s): 1 and %ld threads", k->name, c->s[id].label,
             top->cores);
    FILE *f = pic_data_file(c, name);
    if (f == NULL)
        return 0;
    pic_title_line(f, legend);
    roof_row(f, one);
    if (top != one)
        roof_row(f, top);
    pic_data_close(c, f);
    return top->cores;
}

void pic_roofline_picture(struct pic_catalogue *c, const struct omps_kernel **kernels,
                          size_t nk)
{
    size_t *ids = calloc(c->n + 1, sizeof *ids);
    const struct omps_fitted_series **scratch = calloc(c->n + 1, sizeof *scratch);
    struct pic_text files = {.n = 0}, d = {.n = 0};
    long most = 0;
    for (size_t i = 0; ids != NULL && scratch != NULL && i < nk; i++) {
        if (kernels[i]->family != OMPS_FAMILY_SCALING)
            continue;
        const long cores = roof_file(c, kernels[i], ids, scratch);
        if (cores > 0)
            pic_add(&files, " roof-%s.dat", kernels[i]->name);
        most = cores > most ? cores : most;
    }
    free(ids);
    free(scratch);
    if (most == 0)
        return;
    const double division = OMPS_PI_FLOPS_PER_TERM / c->in->division_ns;
    pic_set_text(&d, "FILES", files.s);
    pic_set_number(&d, "NTOP", (double)most);
    pic_set_number(&d, "XMIN", XMIN);
    pic_set_number(&d, "XMAX", XMAX);
    const double v[] = {bandwidth_at(c, 1), bandwidth_at(c, most), c->in->fma_gflops,
                        c->in->fma_gflops * (double)most, division, division * (double)most};
    const char *names[] = {"B1", "BN", "F1", "FN", "D1", "DN"};
    for (size_t j = 0; j < 6; j++)
        pic_set_number(&d, names[j], isfinite(v[j]) ? v[j] : -1);
    char title[1024];
    pic_title(c, title, sizeof title, "roofline");
    pic_entry(c, "roofline", "roofline", NULL, "roofline.gp", &d, title,
              "each kernel that counts flops, at 1 thread (open) and at its most threads "
              "(filled), under the ceilings this run measured: memory bandwidth (the best of "
              "copy, read and update), peak multiply-add rate and division throughput; kernels that "
              "move no memory sit at the right edge");
}
