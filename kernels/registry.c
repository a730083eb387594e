#define _DEFAULT_SOURCE
#include "registry.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

/* The public fields lead every kernel, at the same places: a plugin's
 * struct omps_kernel_api is copied into the first bytes of a kernel. */
_Static_assert(offsetof(struct omps_kernel, result) == offsetof(struct omps_kernel_api, result) &&
                   offsetof(struct omps_kernel, reference) >= sizeof(struct omps_kernel_api),
               "struct omps_kernel begins with OMPS_KERNEL_API_FIELDS");

/* The kernels loaded from plugins, after the built-in ones. */
static const struct omps_kernel *loaded[OMPS_MAX_PLUGINS * 16];
static size_t nloaded;

#define OMPS_TABLE_ENTRY(k) &omps_kernel_##k,
static const struct omps_kernel *const kernel_table[] = {
    OMPS_KERNEL_LIST(OMPS_TABLE_ENTRY) OMPS_MPI_KERNEL_LIST(OMPS_TABLE_ENTRY)};
#undef OMPS_TABLE_ENTRY

#define BUILT_IN (sizeof kernel_table / sizeof kernel_table[0])

size_t omps_kernel_count(void)
{
    return BUILT_IN + nloaded;
}

const struct omps_kernel *omps_kernel_at(size_t i)
{
    if (i < BUILT_IN)
        return kernel_table[i];
    return i < omps_kernel_count() ? loaded[i - BUILT_IN] : NULL;
}

const struct omps_kernel *omps_kernel_find(const char *name)
{
    for (size_t i = 0; i < omps_kernel_count(); i++) {
        if (strcmp(omps_kernel_at(i)->name, name) == 0)
            return omps_kernel_at(i);
    }
    return NULL;
}

const char *omps_family_name(enum omps_family family)
{
    switch (family) {
    case OMPS_FAMILY_SCALING:
        return "scaling";
    case OMPS_FAMILY_OVERHEAD:
        return "overhead";
    case OMPS_FAMILY_CONTENTION:
        return "contention";
    case OMPS_FAMILY_FALSE_SHARING:
        return "false_sharing";
    case OMPS_FAMILY_BLOCKING:
        return "blocking";
    }
    return "scaling";
}

const char *omps_unit_name(enum omps_unit unit)
{
    switch (unit) {
    case OMPS_UNIT_GFLOPS:
        return "GFLOP/s";
    case OMPS_UNIT_GBPS:
        return "GB/s";
    case OMPS_UNIT_MUPDATES:
        return "Mupdates/s";
    case OMPS_UNIT_US_PER_CONSTRUCT:
        return "us/construct";
    case OMPS_UNIT_UNITS_PER_S:
        return "units/s";
    }
    return "unknown";
}

/* ---- kernels loaded from plugins -------------------------------------- */

static char *plugin_paths[OMPS_MAX_PLUGINS];
static size_t nplugins;

size_t omps_plugin_count(void)
{
    return nplugins;
}

const char *omps_plugin_path(size_t i)
{
    return i < nplugins ? plugin_paths[i] : NULL;
}

int omps_kernel_name_ok(const char *name)
{
    size_t n = 0;
    for (; name != NULL && name[n] != '\0'; n++) {
        const char c = name[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return 0;
    }
    return n > 0 && n <= 48;
}

/* The first required field k lacks, or NULL. */
static const char *missing_field(const struct omps_kernel_api *k)
{
    if (k->summary == NULL)
        return "summary";
    if (k->default_size == NULL)
        return "default_size function";
    if (k->footprint == NULL)
        return "footprint function";
    if (k->setup == NULL)
        return "setup function";
    if (k->run == NULL)
        return "run function";
    if (k->verify == NULL)
        return "verify function";
    if (k->teardown == NULL)
        return "teardown function";
    if (k->work == NULL)
        return "work function";
    return NULL;
}

/* Checks k's parameters: names, and min <= default <= max. */
static int bad_params(const struct omps_kernel_api *k, char *why, size_t len)
{
    if (k->nparams > OMPS_MAX_PARAMS || (k->nparams > 0 && k->params == NULL)) {
        snprintf(why, len, "has %zu parameters (at most %d, and a list to go with them)",
                 k->nparams, OMPS_MAX_PARAMS);
        return 1;
    }
    for (size_t i = 0; i < k->nparams; i++) {
        const struct omps_param_def *p = &k->params[i];
        if (!omps_kernel_name_ok(p->name) || !(p->min_value <= p->default_value) ||
            !(p->default_value <= p->max_value)) {
            snprintf(why, len, "parameter %zu is not a name with min <= default <= max", i + 1);
            return 1;
        }
    }
    return 0;
}

/* Why kernel k of a plugin cannot be registered (others: the kernels of
 * the same plugin checked before it), or NULL. */
static const char *refusal(const struct omps_kernel_api *k, const struct omps_kernel_api *const *others,
                           size_t nothers, char *why, size_t len)
{
    const char *missing = missing_field(k);
    const struct omps_kernel *clash =
        omps_kernel_name_ok(k->name) ? omps_kernel_find(k->name) : NULL;
    if (!omps_kernel_name_ok(k->name))
        snprintf(why, len, "a kernel name '%.60s' that is not 1 to 48 letters, digits and '_'",
                 k->name ? k->name : "(none)");
    else if (clash != NULL)
        snprintf(why, len, "kernel '%s', which %s already has", k->name,
                 clash->origin ? clash->origin : "ompscale's built-in kernels");
    else if (missing != NULL)
        snprintf(why, len, "kernel '%s' without a %s", k->name, missing);
    else if ((unsigned)k->unit > OMPS_UNIT_UNITS_PER_S || k->unit == OMPS_UNIT_US_PER_CONSTRUCT)
        snprintf(why, len, "kernel '%s' with unit %d, which is none of GFLOP/s, GB/s, "
                 "Mupdates/s and units/s", k->name, (int)k->unit);
    else if ((unsigned)k->family > OMPS_FAMILY_BLOCKING || k->family == OMPS_FAMILY_OVERHEAD)
        snprintf(why, len, "kernel '%s' with family %d, which is none of scaling, contention, "
                 "false_sharing and blocking", k->name, (int)k->family);
    else if (k->scheduled != 0 && k->scheduled != 1)
        snprintf(why, len, "kernel '%s' with scheduled %d (0 or 1)", k->name, k->scheduled);
    else if (bad_params(k, why, len))
        return why;
    else {
        const struct omps_sizing sizing = {.llc_bytes = 32u << 20, .quick = 0};
        const double bytes = k->footprint(k->default_size(&sizing));
        if (!(bytes >= 0)) {
            snprintf(why, len, "kernel '%s' with a footprint of %g bytes at its default size",
                     k->name, bytes);
            return why;
        }
        for (size_t i = 0; i < nothers; i++) {
            if (strcmp(others[i]->name, k->name) == 0) {
                snprintf(why, len, "kernel '%s' twice", k->name);
                return why;
            }
        }
        return NULL;
    }
    return why;
}

/* Opens path and finds its kernels; NULL with err set when it cannot. */
static const struct omps_kernel_api *const *open_plugin(const char *path, void **handle,
                                                        size_t *count, char *err, size_t len)
{
    int abi = 0;
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (*handle == NULL) {
        snprintf(err, len, "--load: %s is not a plugin ompscale can open: %s", path, dlerror());
        return NULL;
    }
    omps_plugin_entry entry;
    *(void **)&entry = dlsym(*handle, OMPS_PLUGIN_SYMBOL);
    if (entry == NULL) {
        snprintf(err, len, "--load: %s has no %s (list its kernels with OMPS_PLUGIN_KERNELS, "
                 "<ompscale/kernel.h>)", path, OMPS_PLUGIN_SYMBOL);
        return NULL;
    }
    const struct omps_kernel_api *const *list = entry(&abi, count);
    if (abi != OMPS_KERNEL_ABI) {
        snprintf(err, len, "--load: %s was built for kernel ABI %d and this ompscale speaks %d "
                 "(rebuild it against this ompscale's <ompscale/kernel.h>)", path, abi,
                 OMPS_KERNEL_ABI);
        return NULL;
    }
    if (list == NULL || *count == 0 || *count > 16) {
        snprintf(err, len, "--load: %s lists %zu kernels (1 to 16)", path, list ? *count : 0);
        return NULL;
    }
    return list;
}

int omps_kernel_register(const struct omps_kernel *k, char *err, size_t err_len)
{
    const struct omps_kernel *clash = omps_kernel_find(k->name);
    if (clash != NULL) {
        snprintf(err, err_len, "the name '%s' is %s's already", k->name,
                 clash->origin ? clash->origin
                 : clash->command ? "another command" : "a built-in kernel");
        return OMPS_EINVAL;
    }
    if (nloaded == sizeof loaded / sizeof loaded[0]) {
        snprintf(err, err_len, "more than %zu kernels loaded", sizeof loaded / sizeof loaded[0]);
        return OMPS_EINVAL;
    }
    loaded[nloaded++] = k;
    return OMPS_OK;
}

int omps_kernels_load(const char *path, char *err, size_t err_len)
{
    char full[PATH_MAX], why[400];
    if (realpath(path, full) == NULL) {
        snprintf(err, err_len, "--load: %s: %s", path, strerror(errno));
        return OMPS_EINVAL;
    }
    for (size_t i = 0; i < nplugins; i++) {
        if (strcmp(plugin_paths[i], full) == 0)
            return OMPS_OK;
    }
    if (nplugins == OMPS_MAX_PLUGINS) {
        snprintf(err, err_len, "--load: more than %d plugins", OMPS_MAX_PLUGINS);
        return OMPS_EINVAL;
    }
    void *handle = NULL;
    size_t count = 0;
    const struct omps_kernel_api *const *list = open_plugin(full, &handle, &count, err, err_len);
    for (size_t i = 0; list != NULL && i < count; i++) {
        if (list[i] == NULL || refusal(list[i], list, i, why, sizeof why) != NULL) {
            snprintf(err, err_len, "--load: %s has %s", full,
                     list[i] == NULL ? "a NULL kernel in its list" : why);
            list = NULL;
        }
    }
    struct omps_kernel *made = list != NULL ? calloc(count, sizeof *made) : NULL;
    char *origin = made != NULL ? strdup(full) : NULL;
    if (origin == NULL) {
        if (list != NULL)
            snprintf(err, err_len, "--load: %s: out of memory", full);
        free(made);
        if (handle != NULL)
            dlclose(handle);
        return OMPS_EINVAL;
    }
    /* The public fields are the first fields of every kernel, in the same
     * order (OMPS_KERNEL_API_FIELDS); the internal ones stay 0 or NULL. */
    for (size_t i = 0; i < count; i++) {
        memcpy(&made[i], list[i], sizeof *list[i]);
        made[i].origin = origin;
        loaded[nloaded++] = &made[i];
    }
    plugin_paths[nplugins++] = origin;
    return OMPS_OK;
}
