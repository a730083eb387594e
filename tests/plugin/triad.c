/* The test plugin: a triad a = b + s * c, built against <ompscale/kernel.h>
 * by tests/plugins.sh, whole or with one thing wrong (-D flags):
 *   -DKNAME='"x"'     its name        -DNO_VERIFY, -DNO_RUN  a field missing
 *   -DBAD_UNIT        unit 99         -DNEG_FOOTPRINT        footprint -1
 *   -DABI=N           the ABI it says -DNO_ENTRY             no entry point
 *   -DWRONG           a wrong result  -DCRASH_ON='"spread"'  aborts there
 *   -DTWICE           its kernel listed twice
 *   -DSCALE=V         another build of the same kernel (another s). */
#include <ompscale/kernel.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef KNAME
#define KNAME "triad"
#endif
#ifndef SCALE
#define SCALE 3.0
#endif

struct triad {
    size_t n;
    double *a, *b, *c;
};

static uint64_t triad_size(const struct omps_sizing *s)
{
    return s->quick ? 1u << 16 : 1u << 20;
}

static double triad_footprint(uint64_t n)
{
#ifdef NEG_FOOTPRINT
    (void)n;
    return -1.0;
#else
    return 3.0 * (double)n * sizeof(double);
#endif
}

static int triad_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct triad *t = calloc(1, sizeof *t);
    if (t == NULL)
        return -1;
    t->n = n;
    t->a = calloc(n, sizeof *t->a);
    t->b = malloc(n * sizeof *t->b);
    t->c = malloc(n * sizeof *t->c);
    if (t->a == NULL || t->b == NULL || t->c == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        t->b[i] = (double)(i % 7);
        t->c[i] = (double)(i % 5);
    }
    *state = t;
    return 0;
}

static void triad_poison(void *state)
{
    struct triad *t = state;
    for (size_t i = 0; i < t->n; i++)
        t->a[i] = -1.0;
}

static void triad_run(void *state, struct omps_team *team)
{
    struct triad *t = state;
#ifdef CRASH_ON
    const char *bind = getenv("OMP_PROC_BIND");
    if (bind != NULL && strcmp(bind, CRASH_ON) == 0)
        abort();
#endif
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for schedule(runtime)
        for (size_t i = 0; i < t->n; i++)
            t->a[i] = t->b[i] + SCALE * t->c[i];
    }
}

static int triad_verify(void *state, char *why, size_t len)
{
    const struct triad *t = state;
    for (size_t i = 0; i < t->n; i++) {
        double want = t->b[i] + SCALE * t->c[i];
#ifdef WRONG
        want += 1.0;
#endif
        if (t->a[i] != want) {
            snprintf(why, len, "a[%zu] = %g, not %g", i, t->a[i], want);
            return -1;
        }
    }
    return 0;
}

static void triad_teardown(void *state)
{
    struct triad *t = state;
    free(t->a);
    free(t->b);
    free(t->c);
    free(t);
}

static struct omps_work triad_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = 2.0 * (double)n, .bytes = 24.0 * (double)n};
}

static const struct omps_kernel_api triad = {
    .name = KNAME,
    .summary = "a = b + s * c (the test plugin)",
#ifdef BAD_UNIT
    .unit = (enum omps_unit)99,
#else
    .unit = OMPS_UNIT_GBPS,
#endif
    .family = OMPS_FAMILY_SCALING,
    .scheduled = 1,
    .default_size = triad_size,
    .footprint = triad_footprint,
    .setup = triad_setup,
    .poison = triad_poison,
#ifndef NO_RUN
    .run = triad_run,
#endif
#ifndef NO_VERIFY
    .verify = triad_verify,
#endif
    .teardown = triad_teardown,
    .work = triad_work,
};

#ifdef ABI
const struct omps_kernel_api *const *omps_plugin_kernels(int *abi, size_t *count);
const struct omps_kernel_api *const *omps_plugin_kernels(int *abi, size_t *count)
{
    static const struct omps_kernel_api *const list[] = {&triad};
    *abi = ABI;
    *count = 1;
    return list;
}
#elif defined(TWICE)
OMPS_PLUGIN_KERNELS(&triad, &triad)
#elif !defined(NO_ENTRY)
OMPS_PLUGIN_KERNELS(&triad)
#else
/* Something for the object to hold. */
const struct omps_kernel_api *triad_only = &triad;
#endif
