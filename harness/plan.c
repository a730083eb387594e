/* Planning a sweep: which configurations run, at which sizes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kernels/errors.h"
#include "../kernels/registry.h"
#include "sweep.h"

/* Memory a sweep may plan to use, as a share of physical memory. */
#define MEMORY_SHARE 0.8

void omps_format_double(double v, char *buf, size_t len)
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, len, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static double physical_memory_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES);
    long page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : INFINITY;
}

/* The size for kernel k: the last --size naming it, else the last --size
 * for every kernel, else its default. */
static uint64_t kernel_size(const struct omps_run_options *o,
                            const struct omps_kernel *k,
                            const struct omps_sizing *sizing)
{
    uint64_t all = 0, mine = 0;
    for (size_t i = 0; i < o->nsizes; i++) {
        if (o->sizes[i].kernel == k)
            mine = o->sizes[i].n;
        if (o->sizes[i].kernel == NULL)
            all = o->sizes[i].n;
    }
    return mine ? mine : all ? all : k->default_size(sizing);
}

/* The values parameter p of k takes: the last --set for it, else its
 * default alone. */
static size_t param_values(const struct omps_run_options *o,
                           const struct omps_kernel *k, size_t p,
                           const double **values)
{
    *values = &k->params[p].default_value;
    size_t n = 1;
    for (size_t i = 0; i < o->nsets; i++) {
        if (o->sets[i].kernel == k && o->sets[i].param == p) {
            *values = o->sets[i].values;
            n = o->sets[i].nvalues;
        }
    }
    return n;
}

/* The number of parameter combinations a kernel sweeps. */
static size_t param_combinations(const struct omps_run_options *o,
                                 const struct omps_kernel *k)
{
    size_t total = 1;
    const double *values;
    for (size_t p = 0; p < k->nparams; p++)
        total *= param_values(o, k, p, &values);
    return total;
}

/* Fills combination `index` (mixed radix over the value lists) and its text
 * ("f=0.3;g=2"). */
static void param_combination(const struct omps_run_options *o,
                              const struct omps_kernel *k, size_t index,
                              double *params, char *text, size_t text_len)
{
    size_t used = 0;
    text[0] = '\0';
    for (size_t p = 0; p < k->nparams; p++) {
        const double *values;
        const size_t n = param_values(o, k, p, &values);
        params[p] = values[index % n];
        index /= n;
        char value[32];
        omps_format_double(params[p], value, sizeof value);
        int w = snprintf(text + used, text_len - used, "%s%s=%s", p ? ";" : "",
                         k->params[p].name, value);
        used += w > 0 && (size_t)w < text_len - used ? (size_t)w : 0;
    }
}

static int check_footprint(const struct omps_kernel *k, uint64_t n, char *err,
                           size_t err_len)
{
    const double need = k->footprint(n);
    const double have = physical_memory_bytes();
    if (need <= MEMORY_SHARE * have)
        return OMPS_OK;
    snprintf(err, err_len,
             "--size: %s at n=%llu needs %.3g GiB, more than %.0f%% of this "
             "machine's %.3g GiB", k->name, (unsigned long long)n,
             need / 1073741824.0, MEMORY_SHARE * 100, have / 1073741824.0);
    return OMPS_EINVAL;
}

/* The thread list: as given, or 1 .. physical cores (at most 2 if quick). */
static size_t thread_list(const struct omps_run_options *o,
                          const struct omps_machine *m, int *out)
{
    if (o->nthreads > 0) {
        memcpy(out, o->threads, o->nthreads * sizeof *out);
        return o->nthreads;
    }
    int top = m->physical_cores;
    if (o->quick && top > 2)
        top = 2;
    for (int t = 1; t <= top; t++)
        out[t - 1] = t;
    return (size_t)top;
}

static size_t schedule_list(const struct omps_run_options *o,
                            struct omps_schedule *out)
{
    static const struct omps_schedule defaults[] = {
        {omp_sched_static, 0}, {omp_sched_dynamic, 1024},
        {omp_sched_guided, 0}, {omp_sched_auto, 0}};
    if (o->nschedules > 0) {
        memcpy(out, o->schedules, o->nschedules * sizeof *out);
        return o->nschedules;
    }
    size_t n = o->quick ? 2 : sizeof defaults / sizeof defaults[0];
    memcpy(out, defaults, n * sizeof *out);
    return n;
}

static void describe_config(struct omps_config *c)
{
    char sched[48];
    if (c->schedule.kind == 0)
        snprintf(sched, sizeof sched, "none");
    else
        snprintf(sched, sizeof sched, "%s:%d",
                 omps_schedule_name(c->schedule.kind), c->schedule.chunk);
    snprintf(c->name, sizeof c->name, "%s%s%s%s/n:%llu/threads:%d/schedule:%s",
             c->kernel->name, c->params_text[0] ? "[" : "", c->params_text,
             c->params_text[0] ? "]" : "", (unsigned long long)c->n,
             c->threads, sched);
}

/* Appends one kernel's configurations at *count. */
static void plan_kernel(const struct omps_config *proto, const int *threads,
                        size_t nthreads, const struct omps_schedule *scheds,
                        size_t nscheds, int usable_cpus,
                        struct omps_config *out, size_t *count)
{
    static const struct omps_schedule none = {0, 0};
    if (!proto->kernel->scheduled) {
        scheds = &none;
        nscheds = 1;
    }
    for (size_t s = 0; s < nscheds; s++) {
        for (size_t t = 0; t < nthreads; t++) {
            struct omps_config *c = &out[(*count)++];
            *c = *proto;
            c->threads = threads[t];
            c->schedule = scheds[s];
            c->oversubscribed = threads[t] > usable_cpus;
            describe_config(c);
        }
    }
}

/* The kernels to run: as listed, or all; overhead kernels bring the
 * reference they are measured against. */
static size_t kernel_list(const struct omps_run_options *o,
                          const struct omps_kernel **out)
{
    if (o->nkernels == 0) {
        for (size_t i = 0; i < omps_kernel_count(); i++)
            out[i] = omps_kernel_at(i);
        return omps_kernel_count();
    }
    size_t n = o->nkernels;
    int needs_reference = 0, has_reference = 0;
    memcpy(out, o->kernels, n * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        needs_reference |= strcmp(out[i]->rate_unit, OMPS_OVERHEAD_UNIT) == 0;
        has_reference |= strcmp(out[i]->name, OMPS_OVERHEAD_REFERENCE) == 0;
    }
    if (needs_reference && !has_reference)
        out[n++] = omps_kernel_find(OMPS_OVERHEAD_REFERENCE);
    return n;
}

int omps_sweep_plan(const struct omps_run_options *o,
                    const struct omps_machine *m, struct omps_config **configs,
                    size_t *count, char *err, size_t err_len)
{
    int threads[OMPS_MAX_THREADS];
    struct omps_schedule scheds[OMPS_MAX_LIST];
    const struct omps_kernel *kernels[OMPS_MAX_LIST + 1];
    const size_t nthreads = thread_list(o, m, threads);
    const size_t nscheds = schedule_list(o, scheds);
    const size_t nkernels = kernel_list(o, kernels);
    const struct omps_sizing sizing = {.llc_bytes = m->llc_bytes, .quick = o->quick};
    size_t total = 0;
    for (size_t i = 0; i < nkernels; i++)
        total += param_combinations(o, kernels[i]) * nscheds * nthreads;
    struct omps_config *out = calloc(total, sizeof *out);
    if (out == NULL)
        return OMPS_ENOMEM;
    *count = 0;
    for (size_t i = 0; i < nkernels; i++) {
        struct omps_config proto = {0};
        proto.kernel = kernels[i];
        proto.n = kernel_size(o, proto.kernel, &sizing);
        if (check_footprint(proto.kernel, proto.n, err, err_len) != 0) {
            free(out);
            return OMPS_EINVAL;
        }
        for (size_t c = 0; c < param_combinations(o, kernels[i]); c++) {
            param_combination(o, proto.kernel, c, proto.params, proto.params_text,
                              sizeof proto.params_text);
            plan_kernel(&proto, threads, nthreads, scheds, nscheds,
                        m->usable_cpus, out, count);
        }
    }
    *configs = out;
    return OMPS_OK;
}
