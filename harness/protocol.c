#define _DEFAULT_SOURCE
#include "protocol.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "parse.h"
#include "registry.h"

size_t omps_proto_split(char *line, char **field, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\n")] = '\0';
    for (char *p = line; p != NULL && n < max;)
        field[n++] = strsep(&p, "\t");
    return n;
}

void omps_proto_visit_line(char *line, size_t len, const struct omps_config *c, long iterations,
                           uint64_t salt)
{
    snprintf(line, len, "visit\t%s\t%s\t%llu\t%d\t%s\t%d\t%ld\t%d\t%llu\n", c->key.kernel->name,
             c->key.params_text, (unsigned long long)c->key.n, c->key.threads,
             omps_schedule_name(c->key.schedule.kind), c->key.schedule.chunk, iterations,
             c->oversubscribed, (unsigned long long)salt);
}

int omps_proto_read_visit(char *line, const struct omps_env *e, struct omps_config *c,
                          long *iterations, uint64_t *salt)
{
    char *f[10], *end = NULL;
    const size_t n = omps_proto_split(line, f, 10);
    long v[5];
    memset(c, 0, sizeof *c);
    if (n == 10) {
        errno = 0;
        *salt = strtoull(f[9], &end, 10);
    }
    if (n != 10 || errno != 0 || *end != '\0' || strcmp(f[0], "visit") != 0 ||
        (c->key.kernel = omps_kernel_find(f[1])) == NULL ||
        omps_key_parse_params(&c->key, f[2]) != OMPS_OK ||
        omps_parse_long(f[3], 1, 1L << 40, &v[0]) || omps_parse_long(f[4], 1, OMPS_MAX_THREADS, &v[1]) ||
        omps_schedule_kind(f[5], &c->key.schedule.kind) ||
        omps_parse_long(f[6], 0, 1L << 30, &v[2]) || omps_parse_long(f[7], 0, 1L << 40, &v[3]) ||
        omps_parse_long(f[8], 0, 1, &v[4]))
        return OMPS_EINVAL;
    c->key.n = (uint64_t)v[0];
    c->key.threads = (int)v[1];
    c->key.schedule.chunk = (int)v[2];
    c->key.env = *e;
    *iterations = v[3];
    c->oversubscribed = (int)v[4];
    return OMPS_OK;
}

void omps_proto_write_env(FILE *f, const struct omps_env *e, const char *runtime,
                          const char *why)
{
    fputs("env", f);
    for (int a = 0; a < OMPS_AXES; a++) {
        const char *v = omps_env_value((enum omps_axis)a, e->value[a]);
        fprintf(f, "\t%s", *v ? v : "-");
    }
    fprintf(f, "\t%s\t", runtime);
    for (const char *p = why; *p; p++)
        fputc(*p == '\t' || *p == '\n' ? ' ' : *p, f);
    fputc('\n', f);
}

int omps_proto_read_env(char *line, const char **value, const char **runtime,
                        const char **why)
{
    char *field[OMPS_AXES + 3];
    const size_t n = omps_proto_split(line, field, OMPS_AXES + 3);
    if (n != OMPS_AXES + 3 || strcmp(field[0], "env") != 0)
        return OMPS_EINVAL;
    for (int a = 0; a < OMPS_AXES; a++)
        value[a] = strcmp(field[1 + a], "-") == 0 ? "" : field[1 + a];
    *runtime = field[OMPS_AXES + 1];
    *why = field[OMPS_AXES + 2];
    return OMPS_OK;
}

void omps_proto_write_rep(FILE *f, long iterations, double seconds, int verified, double result)
{
    fprintf(f, "rep\t%ld\t%.17g\t%d\t%.17g\n", iterations, seconds, verified, result);
}

int omps_proto_read_rep(const char *line, long *iterations, double *seconds, int *verified,
                        double *result)
{
    return sscanf(line, "rep\t%ld\t%lf\t%d\t%lf", iterations, seconds, verified, result) == 4
               ? OMPS_OK
               : OMPS_EINVAL;
}

void omps_proto_write_time(FILE *f, const struct omps_sweep_time *was,
                           const struct omps_sweep_time *is)
{
    fprintf(f, "time\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\n", is->setup - was->setup,
            is->poison - was->poison, is->prepare - was->prepare, is->verify - was->verify,
            is->warmup - was->warmup, is->search - was->search);
}

int omps_proto_read_time(const char *line, struct omps_sweep_time *t)
{
    memset(t, 0, sizeof *t);
    return sscanf(line, "time\t%lf\t%lf\t%lf\t%lf\t%lf\t%lf", &t->setup, &t->poison,
                  &t->prepare, &t->verify, &t->warmup, &t->search) == 6
               ? OMPS_OK
               : OMPS_EINVAL;
}

void omps_proto_node_line(char *out, size_t len, const char *record, int ranks)
{
    snprintf(out, len, "node\t%s\t%d\n", record, ranks);
}

int omps_proto_read_node(char *line, struct omps_node *n)
{
    enum { FIELDS = 11 };
    char *f[FIELDS];
    long counts[6], ranks;
    if (omps_proto_split(line, f, FIELDS) != FIELDS || strcmp(f[0], "node") != 0 ||
        omps_parse_long(f[FIELDS - 1], 0, 1L << 30, &ranks) != 0)
        return OMPS_EINVAL;
    for (int i = 0; i < 6; i++) {
        if (omps_parse_long(f[3 + i], 0, 0x7fffffffffffffffL, &counts[i]) != 0)
            return OMPS_EINVAL;
    }
    *n = (struct omps_node){.logical_cpus = counts[0], .cores = counts[1],
                            .packages = counts[2], .numa_nodes = counts[3],
                            .l3_domains = counts[4], .llc_bytes = counts[5], .ranks = ranks};
    snprintf(n->host, sizeof n->host, "%s", f[1]);
    snprintf(n->cpu_model, sizeof n->cpu_model, "%s", f[2]);
    snprintf(n->runtime, sizeof n->runtime, "%s", f[9]);
    return OMPS_OK;
}

void omps_proto_write_text(FILE *f, const char *what, const char *text)
{
    fprintf(f, "%s\t%s\n", what, text);
}

int omps_proto_is(const char *line, const char *what)
{
    const size_t n = strlen(what);
    return strncmp(line, what, n) == 0 && line[n] == '\t';
}

const char *omps_proto_text(const char *line, const char *what)
{
    return omps_proto_is(line, what) ? line + strlen(what) + 1 : NULL;
}
