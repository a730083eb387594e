/* A user's kernel: one sweep of a 2-D Jacobi stencil over an n x n grid,
 * the memory-bound kind (two arrays streamed per sweep), verified against
 * the same sweep done serially.  Built as a plugin against an installed
 * ompscale and run with `ompscale run --load`. */
#include <ompscale/kernel.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct grid {
    size_t n;
    double *in, *out;
};

/* The input grid's value at (i, k): small whole numbers, so that every sum
 * is exact and the parallel sweep must equal the serial one bit for bit. */
static double input(size_t i, size_t k)
{
    return (double)((i * 7 + k * 13) % 17);
}

/* Two arrays about four times the last-level cache, so that each sweep
 * streams from memory; a small grid for a quick run. */
static uint64_t jacobi_size(const struct omps_sizing *s)
{
    if (s->quick)
        return 512;
    const double llc = s->llc_bytes > 0 ? (double)s->llc_bytes : 32.0 * 1024 * 1024;
    const uint64_t n = (uint64_t)sqrt(4.0 * llc / (2.0 * sizeof(double)));
    return n < 64 ? 64 : n;
}

static double jacobi_footprint(uint64_t n)
{
    return 2.0 * (double)n * (double)n * sizeof(double);
}

static int jacobi_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct grid *g = calloc(1, sizeof *g);
    if (g == NULL)
        return -1;
    g->n = n;
    g->in = malloc(n * n * sizeof *g->in);
    g->out = malloc(n * n * sizeof *g->out);
    if (g->in == NULL || g->out == NULL) {
        free(g->in);
        free(g->out);
        free(g);
        return -1;
    }
    /* First touch by the team that will sweep it. */
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < n; k++) {
            g->in[i * n + k] = input(i, k);
            g->out[i * n + k] = 0.0;
        }
    }
    *state = g;
    return 0;
}

/* A sweep would leave a NaN where it did not write. */
static void jacobi_poison(void *state)
{
    struct grid *g = state;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < g->n * g->n; i++)
        g->out[i] = NAN;
}

static double cell(const struct grid *g, size_t i, size_t k)
{
    const size_t n = g->n;
    if (i == 0 || k == 0 || i == n - 1 || k == n - 1)
        return g->in[i * n + k];
    return 0.25 * (g->in[(i - 1) * n + k] + g->in[(i + 1) * n + k] + g->in[i * n + k - 1] +
                   g->in[i * n + k + 1]);
}

static void jacobi_run(void *state, struct omps_team *team)
{
    struct grid *g = state;
    const size_t n = g->n;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for schedule(runtime)
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < n; k++)
                g->out[i * n + k] = cell(g, i, k);
        }
    }
}

/* The serial sweep, cell by cell, against the parallel one. */
static int jacobi_verify(void *state, char *why, size_t why_len)
{
    const struct grid *g = state;
    for (size_t i = 0; i < g->n; i++) {
        for (size_t k = 0; k < g->n; k++) {
            const double want = cell(g, i, k), got = g->out[i * g->n + k];
            if (got != want) {
                snprintf(why, why_len, "out[%zu][%zu] = %g, the serial sweep gives %g", i, k,
                         got, want);
                return -1;
            }
        }
    }
    return 0;
}

static void jacobi_teardown(void *state)
{
    struct grid *g = state;
    free(g->in);
    free(g->out);
    free(g);
}

/* Each cell reads its input once from memory (the neighbours come from
 * cache) and writes its output: 16 bytes and 4 flops. */
static struct omps_work jacobi_work(uint64_t n, const double *params)
{
    (void)params;
    const double cells = (double)n * (double)n;
    return (struct omps_work){.flops = 4.0 * cells, .bytes = 16.0 * cells, .items = cells};
}

static double jacobi_result(const void *state)
{
    const struct grid *g = state;
    return g->out[(g->n / 2) * g->n + g->n / 2];
}

static const struct omps_kernel_api jacobi = {
    .name = "jacobi",
    .summary = "one 2-D Jacobi sweep (n x n): memory-bound, verified against a serial sweep",
    .unit = OMPS_UNIT_GBPS,
    .family = OMPS_FAMILY_SCALING,
    .scheduled = 1,
    .default_size = jacobi_size,
    .footprint = jacobi_footprint,
    .setup = jacobi_setup,
    .poison = jacobi_poison,
    .run = jacobi_run,
    .verify = jacobi_verify,
    .teardown = jacobi_teardown,
    .work = jacobi_work,
    .result = jacobi_result,
};

OMPS_PLUGIN_KERNELS(&jacobi)
