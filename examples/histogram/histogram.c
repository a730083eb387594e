/* A user's kernel with contention: a histogram of n values into BINS bins,
 * each update an atomic increment, so that few bins make the team fight
 * over the same cache lines.  Verified against the counts computed once in
 * setup.  Built as a plugin against an installed ompscale. */
#include <ompscale/kernel.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct histogram {
    size_t n, nbins;
    uint32_t *values;
    uint64_t *bins, *want;
};

static const struct omps_param_def params[] = {
    {"bins", 64, 1, 1 << 20, "bins the values fall into (few: more contention)", NULL, 0},
};

/* A value stream that fills every bin. */
static uint32_t value(size_t i)
{
    uint64_t x = i * UINT64_C(0x9E3779B97F4A7C15);
    return (uint32_t)(x >> 40);
}

static uint64_t histogram_size(const struct omps_sizing *s)
{
    return s->quick ? (1u << 18) : (1u << 24);
}

static double histogram_footprint(uint64_t n)
{
    return (double)n * sizeof(uint32_t);
}

static int histogram_setup(void **state, uint64_t n, const double *p)
{
    struct histogram *h = calloc(1, sizeof *h);
    if (h == NULL)
        return -1;
    h->n = n;
    h->nbins = (size_t)p[0];
    h->values = malloc(n * sizeof *h->values);
    h->bins = calloc(h->nbins, sizeof *h->bins);
    h->want = calloc(h->nbins, sizeof *h->want);
    if (h->values == NULL || h->bins == NULL || h->want == NULL) {
        free(h->values);
        free(h->bins);
        free(h->want);
        free(h);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        h->values[i] = value(i);
        h->want[h->values[i] % h->nbins]++;
    }
    *state = h;
    return 0;
}

/* Counts that no run could leave. */
static void histogram_poison(void *state)
{
    struct histogram *h = state;
    memset(h->bins, 0xff, h->nbins * sizeof *h->bins);
}

static void histogram_run(void *state, struct omps_team *team)
{
    struct histogram *h = state;
    memset(h->bins, 0, h->nbins * sizeof *h->bins);
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for schedule(runtime)
        for (size_t i = 0; i < h->n; i++) {
#pragma omp atomic
            h->bins[h->values[i] % h->nbins]++;
        }
    }
}

static int histogram_verify(void *state, char *why, size_t why_len)
{
    const struct histogram *h = state;
    for (size_t b = 0; b < h->nbins; b++) {
        if (h->bins[b] != h->want[b]) {
            snprintf(why, why_len, "bin %zu holds %llu, not %llu", b,
                     (unsigned long long)h->bins[b], (unsigned long long)h->want[b]);
            return -1;
        }
    }
    return 0;
}

static void histogram_teardown(void *state)
{
    struct histogram *h = state;
    free(h->values);
    free(h->bins);
    free(h->want);
    free(h);
}

static struct omps_work histogram_work(uint64_t n, const double *p)
{
    (void)p;
    return (struct omps_work){.items = (double)n, .bytes = 4.0 * (double)n};
}

static const struct omps_kernel_api histogram = {
    .name = "histogram",
    .summary = "a histogram with atomic increments: contention when bins are few",
    .unit = OMPS_UNIT_MUPDATES,
    .family = OMPS_FAMILY_SCALING,
    .scheduled = 1,
    .params = params,
    .nparams = 1,
    .default_size = histogram_size,
    .footprint = histogram_footprint,
    .setup = histogram_setup,
    .poison = histogram_poison,
    .run = histogram_run,
    .verify = histogram_verify,
    .teardown = histogram_teardown,
    .work = histogram_work,
};

OMPS_PLUGIN_KERNELS(&histogram)
