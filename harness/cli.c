#define _DEFAULT_SOURCE
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "errors.h"
#include "options.h"
#include "parse.h"
#include "registry.h"
#include "topology.h"

#define DEFAULT_REPETITIONS 5
#define QUICK_REPETITIONS 3
#define DEFAULT_MIN_TIME 0.1
#define QUICK_MIN_TIME 0.01
#define DEFAULT_BUDGET 180.0
#define DEFAULT_PRECISION 0.01

void omps_run_options_init(struct omps_run_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->repetitions = DEFAULT_REPETITIONS;
    opts->min_time = DEFAULT_MIN_TIME;
    opts->budget = DEFAULT_BUDGET;
    opts->precision = DEFAULT_PRECISION;
    opts->out_dir = "results/latest";
}

/* Copies the next comma-separated item of *cursor into item; returns 0 at
 * the end of the list.  An empty item is returned as "" so the caller can
 * name it. */
static int next_item(const char **cursor, char *item, size_t item_len)
{
    const char *s = *cursor;
    if (s == NULL)
        return 0;
    const char *comma = strchr(s, ',');
    size_t len = comma ? (size_t)(comma - s) : strlen(s);
    if (len >= item_len)
        len = item_len - 1;
    memcpy(item, s, len);
    item[len] = '\0';
    *cursor = comma ? comma + 1 : NULL;
    return 1;
}

static int parse_thread_count(const char *text, long *out)
{
    return omps_parse_long(text, 1, OMPS_MAX_THREADS, out);
}

/* Parses one item "N", "A-B" or "max" of a thread list into [lo, hi]. */
static int parse_thread_item(const char *item, int logical_cpus, long *lo,
                             long *hi, char *err, size_t err_len)
{
    if (strcmp(item, "max") == 0) {
        if (logical_cpus > OMPS_MAX_THREADS) {
            snprintf(err, err_len, "--threads: max is %d logical CPUs, beyond the %d "
                     "threads ompscale's kernels are sized for", logical_cpus,
                     OMPS_MAX_THREADS);
            return OMPS_EINVAL;
        }
        *lo = *hi = logical_cpus;
        return OMPS_OK;
    }
    char first[32];
    const char *dash = strchr(item, '-');
    if (dash != NULL && dash != item) {
        size_t len = (size_t)(dash - item);
        snprintf(first, sizeof first, "%.*s", (int)len, item);
        if (parse_thread_count(first, lo) == 0 &&
            parse_thread_count(dash + 1, hi) == 0 && *lo <= *hi)
            return OMPS_OK;
        snprintf(err, err_len,
                 "--threads: '%s' is not a range A-B with 1 <= A <= B <= %d",
                 item, OMPS_MAX_THREADS);
        return OMPS_EINVAL;
    }
    if (parse_thread_count(item, lo) == 0) {
        *hi = *lo;
        return OMPS_OK;
    }
    snprintf(err, err_len,
             "--threads: '%s' is not a thread count between 1 and %d", item,
             OMPS_MAX_THREADS);
    return OMPS_EINVAL;
}

int omps_parse_threads(const char *text, int logical_cpus, int *out,
                       size_t cap, size_t *count, char *err, size_t err_len)
{
    const char *cursor = text;
    char item[64];
    size_t n = 0;
    while (next_item(&cursor, item, sizeof item)) {
        long lo, hi;
        if (*item == '\0') {
            snprintf(err, err_len, "--threads: empty item in '%s'", text);
            return OMPS_EINVAL;
        }
        if (parse_thread_item(item, logical_cpus, &lo, &hi, err, err_len))
            return OMPS_EINVAL;
        for (long t = lo; t <= hi; t++) {
            if (n == cap) {
                snprintf(err, err_len, "--threads: '%s' lists more than %zu counts",
                         text, cap);
                return OMPS_EINVAL;
            }
            out[n++] = (int)t;
        }
    }
    *count = omps_sort_unique(out, n);
    return OMPS_OK;
}

int omps_parse_schedule(const char *text, struct omps_schedule *out, char *err,
                        size_t err_len)
{
    char kind[32];
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    snprintf(kind, sizeof kind, "%.*s", (int)(len < 31 ? len : 31), text);
    if (omps_schedule_kind(kind, &out->kind) != OMPS_OK)
        out->kind = 0;
    if (out->kind == 0 || len >= 31) {
        snprintf(err, err_len,
                 "--schedules: unknown schedule '%s' (want static, dynamic, "
                 "guided or auto, optionally :CHUNK)", text);
        return OMPS_EINVAL;
    }
    out->chunk = 0;
    if (colon == NULL)
        return OMPS_OK;
    long chunk;
    if (out->kind == omp_sched_auto) {
        snprintf(err, err_len, "--schedules: '%s': auto takes no chunk", text);
        return OMPS_EINVAL;
    }
    if (omps_parse_long(colon + 1, 1, 1L << 30, &chunk) != 0) {
        snprintf(err, err_len,
                 "--schedules: '%s': chunk must be a whole number from 1 to "
                 "%ld (leave it out for the runtime's default)", text, 1L << 30);
        return OMPS_EINVAL;
    }
    out->chunk = (int)chunk;
    return OMPS_OK;
}

int omps_parse_schedules(const char *text, struct omps_schedule *out,
                         size_t cap, size_t *count, char *err, size_t err_len)
{
    const char *cursor = text;
    char item[64];
    size_t n = 0;
    while (next_item(&cursor, item, sizeof item)) {
        if (*item == '\0') {
            snprintf(err, err_len, "--schedules: empty item in '%s'", text);
            return OMPS_EINVAL;
        }
        struct omps_schedule s;
        if (omps_parse_schedule(item, &s, err, err_len) != 0)
            return OMPS_EINVAL;
        int seen = 0;
        for (size_t i = 0; i < n; i++)
            seen |= out[i].kind == s.kind && out[i].chunk == s.chunk;
        if (seen)
            continue;
        if (n == cap) {
            snprintf(err, err_len, "--schedules: more than %zu schedules", cap);
            return OMPS_EINVAL;
        }
        out[n++] = s;
    }
    *count = n;
    return OMPS_OK;
}

int omps_parse_kernels(const char *text, const struct omps_kernel **out,
                       size_t cap, size_t *count, char *err, size_t err_len)
{
    const char *cursor = text;
    char item[64];
    size_t n = 0;
    while (next_item(&cursor, item, sizeof item)) {
        const struct omps_kernel *k = omps_kernel_find(item);
        if (k == NULL) {
            snprintf(err, err_len,
                     "--kernels: unknown kernel '%s' (see 'ompscale list')", item);
            return OMPS_EINVAL;
        }
        int seen = 0;
        for (size_t i = 0; i < n; i++)
            seen |= out[i] == k;
        if (!seen && n < cap)
            out[n++] = k;
    }
    *count = n;
    return OMPS_OK;
}

int omps_parse_size(const char *text, struct omps_size_override *out,
                    char *err, size_t err_len)
{
    const char *eq = strchr(text, '=');
    const char *number = eq ? eq + 1 : text;
    out->kernel = NULL;
    if (eq != NULL) {
        char name[64];
        size_t len = (size_t)(eq - text);
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), text);
        out->kernel = omps_kernel_find(name);
        if (out->kernel == NULL) {
            snprintf(err, err_len, "--size: unknown kernel '%s'", name);
            return OMPS_EINVAL;
        }
    }
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(number, &end, 10);
    if (*number == '\0' || *number == '-' || errno != 0 || *end != '\0' ||
        v == 0 || v > OMPS_MAX_SIZE) {
        snprintf(err, err_len,
                 "--size: '%s' is not a size from 1 to 2^40 elements", text);
        return OMPS_EINVAL;
    }
    out->n = (uint64_t)v;
    return OMPS_OK;
}

int omps_parse_set(const char *text, struct omps_param_override *out,
                   char *err, size_t err_len)
{
    const char *dot = strchr(text, '.');
    const char *eq = strchr(text, '=');
    if (dot == NULL || eq == NULL || eq < dot) {
        snprintf(err, err_len, "--set: '%s' is not KERNEL.PARAM=VALUE", text);
        return OMPS_EINVAL;
    }
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(dot - text < 63 ? dot - text : 63), text);
    out->kernel = omps_kernel_find(name);
    if (out->kernel == NULL) {
        snprintf(err, err_len, "--set: unknown kernel '%s'", name);
        return OMPS_EINVAL;
    }
    size_t plen = (size_t)(eq - dot - 1);
    for (out->param = 0; out->param < out->kernel->nparams; out->param++) {
        const char *p = out->kernel->params[out->param].name;
        if (strlen(p) == plen && strncmp(p, dot + 1, plen) == 0)
            break;
    }
    if (out->param == out->kernel->nparams) {
        snprintf(err, err_len, "--set: kernel '%s' has no parameter '%.*s'",
                 name, (int)plen, dot + 1);
        return OMPS_EINVAL;
    }
    const struct omps_param_def *def = &out->kernel->params[out->param];
    const char *cursor = eq + 1;
    char item[64];
    out->nvalues = 0;
    while (next_item(&cursor, item, sizeof item)) {
        double v;
        if (out->nvalues == OMPS_MAX_VALUES || omps_parse_double(item, &v) != 0 ||
            v < def->min_value || v > def->max_value) {
            snprintf(err, err_len,
                     "--set: '%s': %s takes up to %d numbers from %g to %g", text,
                     def->name, OMPS_MAX_VALUES, def->min_value, def->max_value);
            return OMPS_EINVAL;
        }
        out->values[out->nvalues++] = v;
    }
    return OMPS_OK;
}

/* run's options, in the order the usage shows them.  The environment axes
 * come in axis order (env.h), so that OPT_BIND + axis is the axis's option. */
int omps_run_options_use_children(const struct omps_run_options *opts)
{
    for (int a = 0; a < OMPS_AXES; a++) {
        if (opts->naxis[a] > 0)
            return 1;
    }
    return 0;
}

int omps_parse_ranks(const char *text, int *out, size_t cap, size_t *count, char *err,
                     size_t err_len)
{
    const char *cursor = text;
    char item[64];
    size_t n = 0;
    while (next_item(&cursor, item, sizeof item)) {
        long lo, hi;
        char *dash = strchr(item, '-');
        if (dash != NULL && dash != item)
            *dash = '\0';
        const int bad = omps_parse_long(item, 1, OMPS_MAX_RANKS, &lo) != 0 ||
                        (dash != NULL && dash != item
                             ? omps_parse_long(dash + 1, lo, OMPS_MAX_RANKS, &hi) != 0
                             : (hi = lo, 0));
        if (dash != NULL && dash != item)
            *dash = '-';
        if (bad) {
            snprintf(err, err_len, "--ranks: '%s' is not a rank count (or range A-B) from 1 "
                     "to %d", item, OMPS_MAX_RANKS);
            return OMPS_EINVAL;
        }
        for (long r = lo; r <= hi; r++) {
            if (n == cap) {
                snprintf(err, err_len, "--ranks: '%s' lists more than %zu counts", text, cap);
                return OMPS_EINVAL;
            }
            out[n++] = (int)r;
        }
    }
    *count = omps_sort_unique(out, n);
    return OMPS_OK;
}

int omps_read_hostfile(const char *path, int *hosts, char *err, size_t err_len)
{
    char line[1024];
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_len, "--hostfile: cannot read '%s': %s", path, strerror(errno));
        return OMPS_EINVAL;
    }
    *hosts = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        const char *p = line + strspn(line, " \t");
        *hosts += *p != '#' && *p != '\n' && *p != '\0';
    }
    const int failed = ferror(f);
    fclose(f);
    if (failed || *hosts == 0) {
        snprintf(err, err_len, "--hostfile: '%s' %s", path,
                 failed ? "could not be read" : "names no host");
        return OMPS_EINVAL;
    }
    return OMPS_OK;
}

/* ---- run's options: a setter for each that is more than a field ------- */

static int set_kernels(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    (void)name;
    return omps_parse_kernels(value, o->kernels, OMPS_MAX_LIST, &o->nkernels, err, len);
}

static int set_threads(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    (void)name;
    return omps_parse_threads(value, o->logical_cpus, o->threads, OMPS_MAX_THREADS, &o->nthreads,
                              err, len);
}

static int set_schedules(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    (void)name;
    return omps_parse_schedules(value, o->schedules, OMPS_MAX_LIST, &o->nschedules, err, len);
}

/* --size and --set add to lists of OMPS_MAX_LIST. */
static int list_full(size_t n, const char *name, char *err, size_t len)
{
    if (n < OMPS_MAX_LIST)
        return 0;
    snprintf(err, len, "%s: given more than %d times", name, OMPS_MAX_LIST);
    return OMPS_EINVAL;
}

static int set_size(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    if (list_full(o->nsizes, name, err, len))
        return OMPS_EINVAL;
    return omps_parse_size(value, &o->sizes[o->nsizes++], err, len);
}

static int set_param(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    if (list_full(o->nsets, name, err, len))
        return OMPS_EINVAL;
    return omps_parse_set(value, &o->sets[o->nsets++], err, len);
}

static int set_repetitions(void *cmd, const char *name, const char *value, char *err,
                           size_t len)
{
    struct omps_run_options *o = cmd;
    long r;
    (void)name;
    o->repetitions_given = 1;
    if (omps_parse_long(value, 1, 100000, &r) == 0) {
        o->repetitions = (int)r;
        return OMPS_OK;
    }
    snprintf(err, len, "--repetitions: '%s' is not a count from 1 to 100000", value);
    return OMPS_EINVAL;
}

static int set_min_time(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    (void)name;
    o->min_time_given = 1;
    if (omps_parse_double(value, &o->min_time) == 0 && o->min_time > 0 && o->min_time <= 3600)
        return OMPS_OK;
    snprintf(err, len, "--min-time: '%s' is not a time in seconds in (0, 3600]", value);
    return OMPS_EINVAL;
}

/* --out and --resume: a directory name that is not empty. */
static int set_directory(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    if (*value == '\0') {
        snprintf(err, len, "%s: empty directory name", name);
        return OMPS_EINVAL;
    }
    *(strcmp(name, "--out") == 0 ? &o->out_dir : &o->resume_dir) = value;
    return OMPS_OK;
}

static int set_budget(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    (void)name;
    if (omps_parse_duration(value, &o->budget) == 0)
        return OMPS_OK;
    snprintf(err, len, "--budget: '%s' is not a duration such as 90s, 3m, 1h or none", value);
    return OMPS_EINVAL;
}

static int set_precision(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    char *end = NULL;
    (void)name;
    errno = 0;
    const double pct = strtod(value, &end);
    if (end != value && *end == '%')
        end++;
    o->precision_given = 1;
    if (strcmp(value, "none") == 0) {
        o->precision = INFINITY;
        return OMPS_OK;
    }
    if (errno == 0 && end != value && *end == '\0' && pct > 0 && pct <= 100) {
        o->precision = pct / 100.0;
        return OMPS_OK;
    }
    snprintf(err, len,
             "--precision: '%s' is not a percentage in (0, 100] such as 1 or 0.5%%, or none",
             value);
    return OMPS_EINVAL;
}

static int set_seed(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    char *end = NULL;
    (void)name;
    errno = 0;
    const unsigned long long seed = strtoull(value, &end, 10);
    if (errno == 0 && *value >= '0' && *value <= '9' && *end == '\0' && seed <= INT64_MAX) {
        o->seed = seed;
        o->seed_given = 1;
        return OMPS_OK;
    }
    snprintf(err, len, "--seed: '%s' is not a whole number from 0 to 2^63-1", value);
    return OMPS_EINVAL;
}

/* --bind, --places, --wait-policy and --toolchains: an environment axis's
 * values, the axis known by its option's name. */
static int set_axis(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    static const char *const names[OMPS_AXES] = {"--bind", "--places", "--wait-policy",
                                                 "--toolchains"};
    for (int a = 0; a < OMPS_AXES; a++) {
        if (strcmp(name, names[a]) == 0)
            return omps_env_parse_list((enum omps_axis)a, name, value, o->axis[a],
                                       OMPS_AXIS_VALUES, &o->naxis[a], err, len);
    }
    return omps_option_unhandled(name, err, len);
}

/* Parses "NAME=PATH" for --toolchain-binary. */
static int set_toolchain_binary(void *cmd, const char *name, const char *value, char *err,
                                size_t err_len)
{
    struct omps_run_options *o = cmd;
    const char *eq = strchr(value, '=');
    char tc_name[32];
    unsigned char tc;
    (void)name;
    snprintf(tc_name, sizeof tc_name, "%.*s", eq ? (int)(eq - value) : 0, value);
    if (eq == NULL || eq[1] == '\0' || omps_env_parse(OMPS_AXIS_TOOLCHAIN, tc_name, &tc) != 0 ||
        tc == 0) {
        snprintf(err, err_len, "--toolchain-binary: '%s' is not NAME=PATH with NAME one of "
                 "gcc, clang, gcc+libomp", value);
        return OMPS_EINVAL;
    }
    o->toolchain_binary[tc] = eq + 1;
    return OMPS_OK;
}

static int set_ranks(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    (void)name;
    return omps_parse_ranks(value, o->ranks, OMPS_MAX_THREADS, &o->nranks, err, len);
}

static int set_hostfile(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    struct omps_run_options *o = cmd;
    (void)name;
    o->hostfile = value;
    return omps_read_hostfile(value, &o->hosts, err, len);
}

/* --load PLUGIN.so: loaded before the other options are read (see
 * omps_load_plugins), so that --kernels, --size and --set can name its
 * kernels wherever it stands; here it is only checked to be loaded. */
static int set_load(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    (void)cmd;
    (void)name;
    return omps_kernels_load(value, err, len);
}

/* --command, --name and --check are read before the other options too
 * (omps_load_plugins), so that --kernels can name a command's kernel; here
 * they were taken already. */
static int set_taken(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    (void)cmd, (void)name, (void)value, (void)err, (void)len;
    return OMPS_OK;
}

/* The value of option NAME at argv[*i] ("--name V" or "--name=V"), moving
 * *i past it; NULL when argv[*i] is not that option. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    const size_t len = strlen(name);
    if (strcmp(argv[*i], name) == 0 && *i + 1 < argc)
        return argv[++*i];
    if (strncmp(argv[*i], name, len) == 0 && argv[*i][len] == '=')
        return argv[*i] + len + 1;
    return NULL;
}

/* Whether path is a file this process may execute (not a directory). */
static int executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Whether the first word of command names a program this process can run:
 * a path to an executable, or one found on PATH. */
static int runnable(const char *command, char *program, size_t len)
{
    const char *start = command + strspn(command, " \t");
    snprintf(program, len, "%.*s", (int)strcspn(start, " \t"), start);
    if (program[0] == '\0')
        return 0;
    if (strchr(program, '/') != NULL)
        return executable(program);
    char dirs[8192], path[8192 + 256];
    snprintf(dirs, sizeof dirs, "%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    for (char *p = dirs, *dir; (dir = strsep(&p, ":")) != NULL;) {
        snprintf(path, sizeof path, "%s/%s", *dir ? dir : ".", program);
        if (executable(path))
            return 1;
    }
    return 0;
}

/* Registers a --command with the --name, --check, --time-from and
 * --result given after it (before the next --command). */
static int add_command(struct omps_command *c, char *err, size_t err_len)
{
    char program[512], own[64];
    if (!runnable(c->command, program, sizeof program)) {
        snprintf(err, err_len, "--command: '%s' is not a program here (no such file on PATH, "
                 "or not executable)", program);
        return OMPS_EINVAL;
    }
    if (c->name == NULL) {
        omps_command_name(c->command, own, sizeof own);
        c->name = own;
    }
    return omps_command_kernel(c, err, err_len);
}

/* The options that describe the --command before them. */
static const char *const command_options[] = {"--name", "--check", "--time-from", "--result"};

/* Which of command_options argv[*i] is (its value in *value), or -1. */
static int command_option(int argc, char **argv, int *i, const char **value)
{
    for (int f = 0; f < 4; f++) {
        if ((*value = option_value(argc, argv, i, command_options[f])) != NULL)
            return f;
    }
    return -1;
}

/* Whether argv asks for MPI ranks: then every --command runs under
 * mpirun, at each of the rank counts. */
static int asks_ranks(int argc, char **argv)
{
    const char *v;
    for (int i = 0; i < argc; i++) {
        if ((v = option_value(argc, argv, &i, "--ranks")) != NULL)
            return 1;
    }
    return 0;
}

int omps_load_plugins(int argc, char **argv, char *err, size_t err_len)
{
    const int ranked = asks_ranks(argc, argv);
    struct omps_command c = {.ranked = ranked};
    const char *v;
    int f;
    for (int i = 0; i < argc; i++) {
        if ((v = option_value(argc, argv, &i, "--load")) != NULL) {
            if (omps_kernels_load(v, err, err_len) != OMPS_OK)
                return OMPS_EINVAL;
        } else if ((v = option_value(argc, argv, &i, "--command")) != NULL) {
            if (c.command != NULL && add_command(&c, err, err_len) != OMPS_OK)
                return OMPS_EINVAL;
            c = (struct omps_command){.command = v, .ranked = ranked};
        } else if ((f = command_option(argc, argv, &i, &v)) >= 0) {
            const char **fields[] = {&c.name, &c.check, &c.time_from, &c.result};
            if (c.command == NULL) {
                snprintf(err, err_len, "%s names no --command before it", command_options[f]);
                return OMPS_EINVAL;
            }
            *fields[f] = v;
        }
    }
    return c.command != NULL ? add_command(&c, err, err_len) : OMPS_OK;
}

#define RUN_FLAG(NAME, FIELD, FORM) \
    OMPS_OPTION_FLAG(NAME, struct omps_run_options, FIELD, "[" NAME "]", FORM)

const struct omps_option omps_run_options[] = {
    OMPS_OPTION_SET("--load", set_load, "[--load PLUGIN.so]...", 0),
    /* The four after --command describe the --command before them. */
    OMPS_OPTION_SET("--command", set_taken, "[--command 'PROGRAM ARGS']...", 0),
    OMPS_OPTION_SET("--name", set_taken, "[--name NAME]", 0),
    OMPS_OPTION_SET("--check", set_taken, "[--check 'COMMAND']", 0),
    OMPS_OPTION_SET("--time-from", set_taken, "[--time-from REGEX]", 0),
    OMPS_OPTION_SET("--result", set_taken, "[--result REGEX]", 0),
    OMPS_OPTION_SET("--kernels", set_kernels, "[--kernels K1,K2]", 0),
    OMPS_OPTION_SET("--threads", set_threads, "[--threads 1,2,4 | 1-16 | max]", 0),
    OMPS_OPTION_SET("--schedules", set_schedules, "[--schedules static,dynamic:64,guided,auto]",
                    0),
    OMPS_OPTION_SET("--size", set_size, "[--size N | --size KERNEL=N]", 0),
    OMPS_OPTION_SET("--set", set_param, "[--set KERNEL.PARAM=V1,V2]", 0),
    OMPS_OPTION_SET("--repetitions", set_repetitions, "[--repetitions R]", 0),
    OMPS_OPTION_SET("--min-time", set_min_time, "[--min-time SECONDS]", 0),
    OMPS_OPTION_SET("--out", set_directory, "[--out DIR]", 0),
    RUN_FLAG("--quick", quick, 0),
    RUN_FLAG("--dry-run", dry_run, 0),
    RUN_FLAG("--reprobe", reprobe, 0),
    OMPS_OPTION_SET("--budget", set_budget, "[--budget 3m|none]", 0),
    OMPS_OPTION_SET("--precision", set_precision, "[--precision PCT]", 0),
    OMPS_OPTION_SET("--seed", set_seed, "[--seed N]", 0),
    OMPS_OPTION_SET("--bind", set_axis, "[--bind close,spread,master,false,true,default]", 0),
    OMPS_OPTION_SET("--places", set_axis,
                    "[--places cores,threads,ll_caches,numa_domains,sockets,default]", 0),
    OMPS_OPTION_SET("--wait-policy", set_axis, "[--wait-policy active,passive,default]", 0),
    OMPS_OPTION_SET("--toolchains", set_axis, "[--toolchains gcc,clang,gcc+libomp]", 0),
    OMPS_OPTION_SET("--toolchain-binary", set_toolchain_binary, "[--toolchain-binary NAME=PATH]",
                    0),
    RUN_FLAG("--auto-environments", auto_environments, 0),
    OMPS_OPTION_SET("--ranks", set_ranks, "[--ranks 1,2,4 | 1-16]", 0),
    OMPS_OPTION_SET("--hostfile", set_hostfile, "[--hostfile FILE]", 0),
    RUN_FLAG("--oversubscribe", oversubscribe, 0),
    OMPS_OPTION_SET("--resume", set_directory, "--resume DIR", 1),
    RUN_FLAG("--force", force, 1),
};
const size_t omps_run_option_count = sizeof omps_run_options / sizeof omps_run_options[0];

int omps_parse_run_args(int argc, char **argv, int logical_cpus,
                        struct omps_run_options *opts, char *err,
                        size_t err_len)
{
    const struct omps_command_line line = {omps_run_options, omps_run_option_count, -1, NULL};
    opts->logical_cpus = logical_cpus;
    if (omps_load_plugins(argc, argv, err, err_len) != OMPS_OK ||
        omps_options_parse(&line, argc, argv, opts, err, err_len) != OMPS_OK)
        return OMPS_EINVAL;
    /* A smoke sweep takes short and few repetitions unless told otherwise. */
    if (opts->quick && !opts->min_time_given)
        opts->min_time = QUICK_MIN_TIME;
    if (opts->quick && !opts->repetitions_given)
        opts->repetitions = QUICK_REPETITIONS;
    /* ... and stops at the minimum. */
    if (opts->quick && !opts->precision_given)
        opts->precision = INFINITY;
    return OMPS_OK;
}
