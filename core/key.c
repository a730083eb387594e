#include "key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "parse.h"
#include "registry.h"

static int compare_int(long long a, long long b)
{
    return (a > b) - (a < b);
}

int omps_key_compare(const struct omps_key *a, const struct omps_key *b)
{
    int c = strcmp(a->kernel->name, b->kernel->name);
    if (c == 0)
        c = strcmp(a->params_text, b->params_text);
    if (c == 0)
        c = compare_int((long long)a->n, (long long)b->n);
    if (c == 0)
        c = compare_int(a->schedule.kind, b->schedule.kind);
    if (c == 0)
        c = compare_int(a->schedule.chunk, b->schedule.chunk);
    if (c == 0)
        c = omps_env_compare(&a->env, &b->env);
    if (c == 0)
        c = compare_int(omps_key_ranks(a), omps_key_ranks(b));
    if (c == 0)
        c = compare_int(a->threads, b->threads);
    return c;
}

int omps_key_ranks(const struct omps_key *k)
{
    return k->ranks > 1 ? k->ranks : 1;
}

int omps_key_cores(const struct omps_key *k)
{
    return omps_key_ranks(k) * k->threads;
}

int omps_key_launch_ranks(const struct omps_key *k)
{
    switch (k->kernel->ranked) {
    case OMPS_RANKED_NO:
        return 0;
    case OMPS_RANKED_SPAWN:
        return 1;
    case OMPS_RANKED_ANY:
    case OMPS_RANKED_PROCESSES:
    case OMPS_RANKED_PAIR:
        break;
    }
    return omps_key_ranks(k);
}

int omps_key_same_launch(const struct omps_key *a, const struct omps_key *b)
{
    return omps_env_compare(&a->env, &b->env) == 0 &&
           omps_key_launch_ranks(a) == omps_key_launch_ranks(b) &&
           (a->kernel->ranked == OMPS_RANKED_SPAWN) == (b->kernel->ranked == OMPS_RANKED_SPAWN);
}

const char *omps_key_state_family(const struct omps_key *k)
{
    return k->kernel->state_family != NULL ? k->kernel->state_family : k->kernel->name;
}

int omps_key_same_state(const struct omps_key *a, const struct omps_key *b, int any_threads)
{
    /* A child sizes its arrays before its visits name their kernels. */
    if (a->kernel == NULL || b->kernel == NULL)
        return a->kernel == b->kernel;
    /* The ranks of a group are launched per thread count, so a process
     * kernel's state never outlives its team. */
    const int threads_apart = !any_threads || a->kernel->ranked != OMPS_RANKED_NO;
    return strcmp(omps_key_state_family(a), omps_key_state_family(b)) == 0 && a->n == b->n &&
           (a->threads == b->threads || !threads_apart) &&
           omps_key_ranks(a) == omps_key_ranks(b) &&
           strcmp(a->params_text, b->params_text) == 0 &&
           omps_env_compare(&a->env, &b->env) == 0;
}

int omps_key_compare_state(const struct omps_key *a, const struct omps_key *b)
{
    int c = strcmp(omps_key_state_family(a), omps_key_state_family(b));
    if (c == 0)
        c = strcmp(a->params_text, b->params_text);
    if (c == 0)
        c = (a->n > b->n) - (a->n < b->n);
    if (c == 0)
        c = omps_env_compare(&a->env, &b->env);
    return c != 0 ? c : (a->threads > b->threads) - (a->threads < b->threads);
}

int omps_key_same_series(const struct omps_key *a, const struct omps_key *b)
{
    return a->kernel == b->kernel && a->n == b->n &&
           a->schedule.kind == b->schedule.kind &&
           a->schedule.chunk == b->schedule.chunk &&
           omps_key_ranks(a) == omps_key_ranks(b) &&
           strcmp(a->params_text, b->params_text) == 0 &&
           omps_env_compare(&a->env, &b->env) == 0;
}

int omps_key_same_rank_series(const struct omps_key *a, const struct omps_key *b)
{
    struct omps_key x = *a;
    x.ranks = b->ranks;
    return omps_key_compare(&x, b) == 0;
}

static const struct {
    const char *name;
    omp_sched_t kind;
} schedule_kinds[] = {
    {"static", omp_sched_static},
    {"dynamic", omp_sched_dynamic},
    {"guided", omp_sched_guided},
    {"auto", omp_sched_auto},
};

const char *omps_schedule_name(omp_sched_t kind)
{
    for (size_t i = 0; i < sizeof schedule_kinds / sizeof schedule_kinds[0]; i++) {
        if (schedule_kinds[i].kind == kind)
            return schedule_kinds[i].name;
    }
    return "none";
}

int omps_schedule_kind(const char *text, omp_sched_t *kind)
{
    if (strcmp(text, "none") == 0) {
        *kind = 0;
        return OMPS_OK;
    }
    for (size_t i = 0; i < sizeof schedule_kinds / sizeof schedule_kinds[0]; i++) {
        if (strcmp(text, schedule_kinds[i].name) == 0) {
            *kind = schedule_kinds[i].kind;
            return OMPS_OK;
        }
    }
    return OMPS_EINVAL;
}

void omps_key_name(const struct omps_key *k, char *buf, size_t len)
{
    const int has = k->params_text[0] != '\0';
    int used = snprintf(buf, len, "%s%s%s%s/n:%llu/threads:%d/schedule:%s:%d", k->kernel->name,
                        has ? "[" : "", k->params_text, has ? "]" : "",
                        (unsigned long long)k->n, k->threads,
                        omps_schedule_name(k->schedule.kind), k->schedule.chunk);
    if (k->kernel->ranked != OMPS_RANKED_NO && used > 0 && (size_t)used < len)
        used += snprintf(buf + used, len - (size_t)used, "/ranks:%d", omps_key_ranks(k));
    for (int a = 0; a < OMPS_AXES && used > 0 && (size_t)used < len; a++) {
        const int v = k->env.value[a];
        if (v == 0 || (a == OMPS_AXIS_TOOLCHAIN && v == (int)omps_own_toolchain()))
            continue;
        used += snprintf(buf + used, len - (size_t)used, "/%s:%s",
                         omps_axis_column((enum omps_axis)a), omps_env_value((enum omps_axis)a, v));
    }
}

/* Reads the kernel and its "[params]" from the name's first field. */
static int parse_kernel_field(char *field, struct omps_key *k)
{
    char *params = strchr(field, '[');
    if (params != NULL) {
        const size_t len = strlen(params);
        if (len < 2 || params[len - 1] != ']')
            return OMPS_EINVAL;
        params[len - 1] = '\0';
        *params++ = '\0';
    }
    k->kernel = omps_kernel_find(field);
    if (k->kernel == NULL)
        return OMPS_EINVAL;
    return omps_key_parse_params(k, params != NULL ? params : "");
}

/* Reads a schedule field's "KIND:CHUNK". */
static int parse_schedule_field(char *value, struct omps_schedule *s)
{
    char *chunk = strchr(value, ':');
    long v;
    if (chunk == NULL)
        return OMPS_EINVAL;
    *chunk++ = '\0';
    if (omps_schedule_kind(value, &s->kind) != OMPS_OK ||
        omps_parse_long(chunk, 0, 1L << 30, &v) != OMPS_OK)
        return OMPS_EINVAL;
    s->chunk = (int)v;
    return OMPS_OK;
}

/* Reads one "name:value" field after the kernel's. */
static int parse_field(char *field, struct omps_key *k)
{
    char *value = strchr(field, ':');
    long v;
    if (value == NULL)
        return OMPS_EINVAL;
    *value++ = '\0';
    if (strcmp(field, "n") == 0 && omps_parse_long(value, 1, 1L << 40, &v) == OMPS_OK) {
        k->n = (uint64_t)v;
        return OMPS_OK;
    }
    if (strcmp(field, "threads") == 0 && omps_parse_long(value, 1, OMPS_MAX_THREADS, &v) == OMPS_OK) {
        k->threads = (int)v;
        return OMPS_OK;
    }
    if (strcmp(field, "ranks") == 0 && omps_parse_long(value, 1, OMPS_MAX_RANKS, &v) == OMPS_OK) {
        k->ranks = (int)v;
        return OMPS_OK;
    }
    if (strcmp(field, "schedule") == 0)
        return parse_schedule_field(value, &k->schedule);
    for (int a = 0; a < OMPS_AXES; a++) {
        if (strcmp(field, omps_axis_column((enum omps_axis)a)) == 0)
            return omps_env_parse((enum omps_axis)a, value, &k->env.value[a]);
    }
    return OMPS_EINVAL;
}

int omps_key_parse_name(const char *name, struct omps_key *k)
{
    char copy[512];
    *k = (struct omps_key){0};
    k->env.value[OMPS_AXIS_TOOLCHAIN] = (unsigned char)omps_own_toolchain();
    k->ranks = 1;
    if (snprintf(copy, sizeof copy, "%s", name) >= (int)sizeof copy)
        return OMPS_EINVAL;
    for (char *field = copy, *next; field != NULL; field = next) {
        next = strchr(field, '/');
        if (next != NULL)
            *next++ = '\0';
        if ((field == copy ? parse_kernel_field(field, k) : parse_field(field, k)) != OMPS_OK)
            return OMPS_EINVAL;
    }
    /* A name without n, threads or a schedule is not one omps_key_name wrote. */
    if (k->n == 0 || k->threads == 0 || strstr(name, "/schedule:") == NULL)
        return OMPS_EINVAL;
    return k->kernel->ranked == OMPS_RANKED_NO && k->ranks != 1 ? OMPS_EINVAL : OMPS_OK;
}

void omps_format_double(double v, char *buf, size_t len)
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, len, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

void omps_key_format_params(struct omps_key *k)
{
    size_t used = 0;
    const size_t cap = sizeof k->params_text;
    k->params_text[0] = '\0';
    for (size_t p = 0; p < k->kernel->nparams; p++) {
        char value[32];
        omps_format_double(k->params[p], value, sizeof value);
        int w = snprintf(k->params_text + used, cap - used, "%s%s=%s", p ? ";" : "",
                         k->kernel->params[p].name, value);
        used += w > 0 && (size_t)w < cap - used ? (size_t)w : 0;
    }
}

/* Parses one "name=value" item of a params text. */
static int parse_param_item(struct omps_key *k, const char *item, size_t len)
{
    const char *eq = memchr(item, '=', len);
    if (eq == NULL)
        return OMPS_EINVAL;
    const size_t name_len = (size_t)(eq - item);
    for (size_t p = 0; p < k->kernel->nparams; p++) {
        const char *name = k->kernel->params[p].name;
        if (strlen(name) != name_len || strncmp(name, item, name_len) != 0)
            continue;
        char number[64], *end = NULL;
        const size_t vlen = len - name_len - 1;
        if (vlen == 0 || vlen >= sizeof number)
            return OMPS_EINVAL;
        memcpy(number, eq + 1, vlen);
        number[vlen] = '\0';
        k->params[p] = strtod(number, &end);
        return *end == '\0' ? OMPS_OK : OMPS_EINVAL;
    }
    return OMPS_EINVAL;
}

int omps_key_parse_params(struct omps_key *k, const char *text)
{
    for (size_t p = 0; p < k->kernel->nparams; p++)
        k->params[p] = k->kernel->params[p].default_value;
    for (const char *s = text; *s != '\0';) {
        const char *semi = strchr(s, ';');
        const size_t len = semi ? (size_t)(semi - s) : strlen(s);
        if (parse_param_item(k, s, len) != OMPS_OK)
            return OMPS_EINVAL;
        s += len + (semi != NULL);
    }
    omps_key_format_params(k);
    return OMPS_OK;
}
