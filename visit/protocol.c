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

void omps_proto_visit_line(char *line, size_t len, const struct omps_visit_request *q)
{
    const struct omps_key *k = q->key;
    snprintf(line, len, "visit\t%s\t%s\t%llu\t%d\t%s\t%d\t%ld\t%d\t%llu\t%zu\n",
             k->kernel->name, k->params_text, (unsigned long long)k->n, k->threads,
             omps_schedule_name(k->schedule.kind), k->schedule.chunk, q->iterations,
             q->oversubscribed, (unsigned long long)q->salt, q->done);
}

int omps_proto_read_visit(char *line, const struct omps_env *e, struct omps_key *key,
                          struct omps_visit_request *q)
{
    char *f[11], *end = NULL;
    const size_t n = omps_proto_split(line, f, 11);
    long v[6];
    memset(key, 0, sizeof *key);
    memset(q, 0, sizeof *q);
    if (n == 11) {
        errno = 0;
        q->salt = strtoull(f[9], &end, 10);
    }
    if (n != 11 || errno != 0 || *end != '\0' || strcmp(f[0], "visit") != 0 ||
        (key->kernel = omps_kernel_find(f[1])) == NULL ||
        omps_key_parse_params(key, f[2]) != OMPS_OK ||
        omps_parse_long(f[3], 1, 1L << 40, &v[0]) || omps_parse_long(f[4], 1, OMPS_MAX_THREADS, &v[1]) ||
        omps_schedule_kind(f[5], &key->schedule.kind) ||
        omps_parse_long(f[6], 0, 1L << 30, &v[2]) || omps_parse_long(f[7], 0, 1L << 40, &v[3]) ||
        omps_parse_long(f[8], 0, 1, &v[4]) || omps_parse_long(f[10], 0, 1L << 40, &v[5]))
        return OMPS_EINVAL;
    key->n = (uint64_t)v[0];
    key->threads = (int)v[1];
    key->schedule.chunk = (int)v[2];
    key->env = *e;
    q->iterations = v[3];
    q->oversubscribed = (int)v[4];
    q->done = (size_t)v[5];
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

void omps_proto_write_time(FILE *f, const struct omps_sweep_time *t)
{
    fprintf(f, "time\t%.17g\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\n", t->timed, t->setup,
            t->poison, t->prepare, t->verify, t->warmup, t->search);
}

int omps_proto_read_time(const char *line, struct omps_sweep_time *t)
{
    memset(t, 0, sizeof *t);
    return sscanf(line, "time\t%lf\t%lf\t%lf\t%lf\t%lf\t%lf\t%lf", &t->timed, &t->setup,
                  &t->poison, &t->prepare, &t->verify, &t->warmup, &t->search) == 7
               ? OMPS_OK
               : OMPS_EINVAL;
}

void omps_proto_write_answer(FILE *f, const struct omps_visit_answer *a)
{
    if (a->error[0] != '\0')
        omps_proto_write_text(f, "error", a->error);
    for (int i = 0; a->error[0] == '\0' && i < a->repetitions; i++)
        omps_proto_write_rep(f, a->iterations, a->seconds[i], a->verified[i], a->result);
    if (a->failure[0] != '\0')
        omps_proto_write_text(f, "failure", a->failure);
    fprintf(f, "sampled\t%d\n", a->sampled);
    omps_proto_write_time(f, &a->time);
    fputs("done\n", f);
    fflush(f);
}

int omps_proto_read_answer(const char *line, struct omps_visit_answer *a)
{
    const char *text;
    if (strcmp(line, "done") == 0)
        return 1;
    if (omps_proto_read_time(line, &a->time) == OMPS_OK)
        return 0;
    if ((text = omps_proto_text(line, "failure")) != NULL) {
        snprintf(a->failure, sizeof a->failure, "%s", text);
    } else if ((text = omps_proto_text(line, "error")) != NULL) {
        snprintf(a->error, sizeof a->error, "%s", text);
    } else if ((text = omps_proto_text(line, "sampled")) != NULL) {
        a->sampled = strcmp(text, "1") == 0;
    } else if (a->repetitions < OMPS_VISIT_REPETITIONS &&
               omps_proto_read_rep(line, &a->iterations, &a->seconds[a->repetitions],
                                   &a->verified[a->repetitions], &a->result) == OMPS_OK) {
        a->repetitions++;
    }
    return 0;
}

/* Appends one argument, copied into text. */
static void add(char **args, size_t *n, size_t cap, char *text, size_t *used, size_t len,
                const char *arg)
{
    if (*n >= cap || *used + strlen(arg) + 1 > len)
        return;
    args[(*n)++] = strcpy(text + *used, arg);
    *used += strlen(arg) + 1;
}

size_t omps_proto_child_args(const struct omps_child_args *a, char **args, size_t cap,
                             char *text, size_t len)
{
    char min_time[32], count[32], llc[32], live[32];
    snprintf(min_time, sizeof min_time, "%.17g", a->set.min_time);
    snprintf(count, sizeof count, "%zu", a->count);
    snprintf(llc, sizeof llc, "%llu", (unsigned long long)a->set.llc_bytes);
    snprintf(live, sizeof live, "%.17g", a->set.live_bytes);
    const char *own[] = {"child", "--min-time", min_time, "--count", count, "--llc", llc,
                         "--share-states", a->set.share_states ? "1" : "0", "--live-bytes", live,
                         "--json", a->json, "--toolchain",
                         omps_env_value(OMPS_AXIS_TOOLCHAIN, a->toolchain), "--ranks", "mpirun",
                         NULL};
    size_t n = 0, used = 0;
    for (size_t i = 0; own[i] != NULL && i < 15; i++)
        add(args, &n, cap, text, &used, len, own[i]);
    for (size_t i = 0; i < a->nloads; i++) {
        add(args, &n, cap, text, &used, len, "--load");
        add(args, &n, cap, text, &used, len, a->loads[i]);
    }
    for (size_t i = 15; a->ranks && own[i] != NULL; i++)
        add(args, &n, cap, text, &used, len, own[i]);
    return n;
}

/* Reads one option of the child's command line into a; 0 or OMPS_EINVAL. */
static int child_option(const char *name, const char *value, struct omps_child_args *a)
{
    long v;
    if (strcmp(name, "--min-time") == 0)
        return omps_parse_double(value, &a->set.min_time);
    if (strcmp(name, "--count") == 0 && omps_parse_long(value, 1, 1L << 30, &v) == 0) {
        a->count = (size_t)v;
        return OMPS_OK;
    }
    if (strcmp(name, "--llc") == 0)
        return omps_parse_u64(value, &a->set.llc_bytes);
    if (strcmp(name, "--live-bytes") == 0)
        return omps_parse_double(value, &a->set.live_bytes);
    if (strcmp(name, "--share-states") == 0 && omps_parse_long(value, 0, 1, &v) == 0) {
        a->set.share_states = (int)v;
        return OMPS_OK;
    }
    if (strcmp(name, "--json") == 0) {
        a->json = value;
        return OMPS_OK;
    }
    if (strcmp(name, "--toolchain") == 0)
        return omps_env_parse(OMPS_AXIS_TOOLCHAIN, value, &a->toolchain);
    if (strcmp(name, "--load") == 0 && a->nloads < OMPS_MAX_PLUGINS) {
        a->loads[a->nloads++] = value;
        return OMPS_OK;
    }
    if (strcmp(name, "--ranks") == 0 && strcmp(value, "mpirun") == 0) {
        a->ranks = 1;
        return OMPS_OK;
    }
    return OMPS_EINVAL;
}

int omps_proto_read_child_args(int argc, char **argv, struct omps_child_args *a)
{
    memset(a, 0, sizeof *a);
    if (argc % 2 != 0)
        return OMPS_EINVAL;
    for (int i = 0; i + 1 < argc; i += 2) {
        if (child_option(argv[i], argv[i + 1], a) != OMPS_OK)
            return OMPS_EINVAL;
    }
    return a->set.min_time > 0 && a->count > 0 && a->json && a->toolchain ? OMPS_OK
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
                            .l3_domains = counts[4], .llc_bytes = (uint64_t)counts[5], .ranks = ranks};
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
