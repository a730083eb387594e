#define _GNU_SOURCE
#include "env.h"

#include <ctype.h>
#include <dlfcn.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "errors.h"

/* Each axis's values; index 0 is "left to the runtime". */
static const char *const bind_values[] = {"", "close", "spread", "master", "false", "true"};
static const char *const places_values[] = {"",      "cores",        "threads",
                                            "ll_caches", "numa_domains", "sockets"};
static const char *const wait_values[] = {"", "active", "passive"};
static const char *const toolchain_values[] = {"", "gcc", "clang", "gcc+libomp"};

static const struct {
    const char *column, *variable;
    const char *const *values;
    int count;
} axes[OMPS_AXES] = {
    {"bind", "OMP_PROC_BIND", bind_values, 6},
    {"places", "OMP_PLACES", places_values, 6},
    {"wait_policy", "OMP_WAIT_POLICY", wait_values, 3},
    {"toolchain", NULL, toolchain_values, 4},
};

const char *omps_axis_column(enum omps_axis a)
{
    return axes[a].column;
}

const char *omps_axis_variable(enum omps_axis a)
{
    return axes[a].variable;
}

const char *omps_env_value(enum omps_axis a, int v)
{
    return v >= 0 && v < axes[a].count ? axes[a].values[v] : NULL;
}

int omps_env_parse(enum omps_axis a, const char *text, unsigned char *v)
{
    for (int i = 0; i < axes[a].count; i++) {
        if (strcmp(text, axes[a].values[i]) == 0) {
            *v = (unsigned char)i;
            return OMPS_OK;
        }
    }
    return OMPS_EINVAL;
}

/* Writes "close, spread, ..." (the values a list may hold) into buf. */
static void accepted(enum omps_axis a, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 1; i < axes[a].count && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i > 1 ? ", " : "",
                                 axes[a].values[i]);
    if (a != OMPS_AXIS_TOOLCHAIN && used < len)
        snprintf(buf + used, len - used, " or default");
}

int omps_env_parse_list(enum omps_axis a, const char *option, const char *text,
                        unsigned char *out, size_t cap, size_t *count, char *err,
                        size_t err_len)
{
    char item[64], list[160];
    *count = 0;
    accepted(a, list, sizeof list);
    for (const char *s = text;;) {
        const size_t len = strcspn(s, ",");
        unsigned char v;
        snprintf(item, sizeof item, "%.*s", (int)(len < 63 ? len : 63), s);
        int ok = len > 0 && len < sizeof item;
        if (ok && a != OMPS_AXIS_TOOLCHAIN && strcmp(item, "default") == 0)
            v = 0;
        else
            ok = ok && strcmp(item, "") != 0 && omps_env_parse(a, item, &v) == OMPS_OK;
        if (!ok) {
            snprintf(err, err_len, "%s: %s '%s' in '%s' (want %s)", option,
                     len == 0 ? "empty item" : "unknown value", item, text, list);
            return OMPS_EINVAL;
        }
        size_t seen = 0;
        while (seen < *count && out[seen] != v)
            seen++;
        if (seen == *count) {
            if (*count == cap) {
                snprintf(err, err_len, "%s: more than %zu values", option, cap);
                return OMPS_EINVAL;
            }
            out[(*count)++] = v;
        }
        if (s[len] == '\0')
            return OMPS_OK;
        s += len + 1;
    }
}

int omps_env_from_cells(const char *const cells[OMPS_AXES], struct omps_env *e)
{
    for (int a = 0; a < OMPS_AXES; a++) {
        if (omps_env_parse((enum omps_axis)a, cells[a] ? cells[a] : "", &e->value[a]) != OMPS_OK)
            return a;
    }
    if (cells[OMPS_AXIS_TOOLCHAIN] == NULL)
        e->value[OMPS_AXIS_TOOLCHAIN] = (unsigned char)omps_own_toolchain();
    return -1;
}

int omps_env_compare(const struct omps_env *a, const struct omps_env *b)
{
    for (int i = 0; i < OMPS_AXES; i++) {
        if (a->value[i] != b->value[i])
            return a->value[i] < b->value[i] ? -1 : 1;
    }
    return 0;
}

void omps_env_text(const struct omps_env *e, int with_toolchain, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int a = 0; a < OMPS_AXES; a++) {
        if (e->value[a] == 0 || (a == OMPS_AXIS_TOOLCHAIN && !with_toolchain))
            continue;
        const int w = snprintf(buf + used, len - used, "%s%s=%s", used ? ";" : "",
                               axes[a].column, axes[a].values[e->value[a]]);
        if (w < 0 || (size_t)w >= len - used)
            return;
        used += (size_t)w;
    }
}

enum omps_toolchain omps_own_toolchain(void)
{
#ifdef __clang__
    return OMPS_TC_CLANG;
#else
    return OMPS_TC_GCC;
#endif
}

void omps_env_inherited(struct omps_env *e)
{
    memset(e, 0, sizeof *e);
    for (int a = 0; a < OMPS_AXES; a++) {
        const char *text = axes[a].variable ? getenv(axes[a].variable) : NULL;
        char lower[32];
        if (text == NULL || strlen(text) >= sizeof lower)
            continue;
        for (size_t i = 0; i <= strlen(text); i++)
            lower[i] = (char)tolower((unsigned char)text[i]);
        /* A value outside the axis (a list of places, "spread,close") is
         * left to the runtime as far as the columns go. */
        if (omps_env_parse((enum omps_axis)a, lower, &e->value[a]) != OMPS_OK)
            e->value[a] = 0;
    }
    e->value[OMPS_AXIS_TOOLCHAIN] = (unsigned char)omps_own_toolchain();
}

void omps_runtime_name(char *buf, size_t len)
{
    Dl_info info;
    char real[PATH_MAX];
    snprintf(buf, len, "unknown");
    if (dladdr((void *)omp_get_num_threads, &info) == 0 || info.dli_fname == NULL)
        return;
    const char *path = realpath(info.dli_fname, real) ? real : info.dli_fname;
    const char *slash = strrchr(path, '/');
    snprintf(buf, len, "%s", slash ? slash + 1 : path);
}

/*
 * The value the runtime reports for variable in omp_display_env's listing,
 * lower case, into buf; "" when the runtime has no omp_display_env (it is
 * OpenMP 5.1, so it is looked up rather than linked, which keeps the GCC
 * build loadable by older runtimes) or does not list the variable.
 */
static void displayed(const char *variable, char *buf, size_t len)
{
    void (*display)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_display_env");
    buf[0] = '\0';
    FILE *tmp = display ? tmpfile() : NULL;
    if (tmp == NULL)
        return;
    fflush(stderr);
    const int saved = dup(STDERR_FILENO);
    if (saved >= 0 && dup2(fileno(tmp), STDERR_FILENO) >= 0) {
        display(0);
        fflush(stderr);
        dup2(saved, STDERR_FILENO);
    }
    if (saved >= 0)
        close(saved);
    rewind(tmp);
    char line[512];
    while (fgets(line, sizeof line, tmp) != NULL) {
        /* libgomp writes "  NAME = 'VALUE'", libomp "  [host] NAME='VALUE'". */
        const char *at = strstr(line, variable);
        const char *quote = at ? strchr(at, '\'') : NULL;
        if (quote == NULL || (at[strlen(variable)] != ' ' && at[strlen(variable)] != '='))
            continue;
        size_t n = strcspn(quote + 1, "'");
        n = n < len - 1 ? n : len - 1;
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)tolower((unsigned char)quote[1 + i]);
        buf[n] = '\0';
        break;
    }
    fclose(tmp);
}

int omps_env_check(const struct omps_env *e, char *why, size_t why_len)
{
    char seen[64], runtime[128];
    const int wait = e->value[OMPS_AXIS_WAIT];
    if (wait != 0) {
        displayed("OMP_WAIT_POLICY", seen, sizeof seen);
        if (seen[0] != '\0' && strcmp(seen, wait_values[wait]) != 0) {
            snprintf(why, why_len, "OMP_WAIT_POLICY=%s, but the runtime reports '%s'",
                     wait_values[wait], seen);
            return 0;
        }
    }
    if (e->value[OMPS_AXIS_PLACES] != 0 && omp_get_num_places() < 1) {
        snprintf(why, why_len, "OMP_PLACES=%s, but the runtime reports no places (it ignored "
                 "the value)", places_values[e->value[OMPS_AXIS_PLACES]]);
        return 0;
    }
    omps_runtime_name(runtime, sizeof runtime);
    if (e->value[OMPS_AXIS_TOOLCHAIN] == OMPS_TC_GCC_LIBOMP && strstr(runtime, "libomp") == NULL) {
        snprintf(why, why_len, "toolchain gcc+libomp loaded %s, not LLVM's libomp", runtime);
        return 0;
    }
    return 1;
}

int omps_find_libomp(char *path, size_t len)
{
    static const char *const patterns[] = {"/usr/lib/llvm-*/lib/libomp.so.5",
                                           "/usr/lib/*-linux-gnu/libomp.so.5",
                                           "/usr/lib/libomp.so.5"};
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        glob_t g;
        if (glob(patterns[i], 0, NULL, &g) == 0 && g.gl_pathc > 0) {
            /* The last match is the newest LLVM where several are installed. */
            snprintf(path, len, "%s", g.gl_pathv[g.gl_pathc - 1]);
            globfree(&g);
            return 0;
        }
        globfree(&g);
    }
    return -1;
}
