/* Running a planned sweep through the Google Benchmark shim. */
#define _POSIX_C_SOURCE 200809L
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <omp.h>

#include "../kernels/errors.h"
#include "csv_write.h"
#include "gbench_shim.h"
#include "stats.h"

/* Everything the benchmark callbacks share during one sweep. */
struct omps_sweep {
    const struct omps_run_options *opts;
    struct omps_config *configs;
    size_t count;
    /* The live kernel instance, reused by consecutive configurations. */
    const struct omps_config *live;
    void *live_state;
    struct omps_team team;
    volatile sig_atomic_t *stop;
    struct omps_outfile runs;
    const struct omps_config *announced; /* last one shown as progress */
    size_t finished;
    double started;
    int show_progress;
    int failures;
    char error[512]; /* a configuration that could not run at all */
};

static int same_instance(const struct omps_config *a, const struct omps_config *b)
{
    return a != NULL && a->kernel == b->kernel && a->n == b->n &&
           memcmp(a->params, b->params, sizeof a->params) == 0;
}

static void drop_live(struct omps_sweep *s)
{
    if (s->live_state != NULL)
        s->live->kernel->teardown(s->live_state);
    s->live = NULL;
    s->live_state = NULL;
}

/* Sets up c's kernel instance unless the live one already is it. */
static int ensure_live(struct omps_sweep *s, const struct omps_config *c,
                       char *why, size_t why_len)
{
    if (same_instance(s->live, c))
        return OMPS_OK;
    drop_live(s);
    int rc = c->kernel->setup(&s->live_state, c->n, c->params);
    if (rc != OMPS_OK) {
        s->live_state = NULL;
        snprintf(why, why_len, "%s: setup at n=%llu failed: %s", c->kernel->name,
                 (unsigned long long)c->n, omps_strerror(rc));
        return rc;
    }
    s->live = c;
    return OMPS_OK;
}

static void show_progress(struct omps_sweep *s, const struct omps_config *c)
{
    if (!s->show_progress || s->announced == c)
        return;
    s->announced = c;
    const double elapsed = omp_get_wtime() - s->started;
    const size_t k = (size_t)(c - s->configs);
    char eta[32] = "--:--";
    if (s->finished > 0) {
        const double left = elapsed / (double)s->finished * (double)(s->count - k);
        snprintf(eta, sizeof eta, "%d:%02d", (int)(left / 60), (int)fmod(left, 60));
    }
    fprintf(stderr, "\r\033[K[%zu/%zu] %s  ETA %s", k + 1, s->count, c->name, eta);
    fflush(stderr);
}

static int hook_begin(void *ctx, char *why, size_t why_len)
{
    struct omps_config *c = ctx;
    struct omps_sweep *s = c->sweep;
    if (ensure_live(s, c, why, why_len) != OMPS_OK)
        return -1;
    show_progress(s, c);
    omp_set_dynamic(0);
    omp_set_num_threads(c->threads);
    if (c->schedule.kind != 0)
        omp_set_schedule(c->schedule.kind, c->schedule.chunk);
    s->team.want_threads = c->threads;
    s->team.want_kind = c->schedule.kind;
    s->team.want_chunk = c->schedule.chunk;
    omps_team_reset(&s->team);
    if (c->kernel->poison != NULL)
        c->kernel->poison(s->live_state);
    return 0;
}

static void hook_prepare(void *ctx)
{
    struct omps_config *c = ctx;
    c->kernel->prepare(c->sweep->live_state);
}

static void hook_body(void *ctx)
{
    struct omps_config *c = ctx;
    c->kernel->run(c->sweep->live_state, &c->sweep->team);
}

static int hook_end(void *ctx, char *why, size_t why_len)
{
    struct omps_config *c = ctx;
    struct omps_sweep *s = c->sweep;
    if (c->kernel->verify(s->live_state, why, why_len) != 0)
        return 0;
    return omps_team_check(&s->team, why, why_len) == 0;
}

static int hook_stop(void *ctx)
{
    struct omps_config *c = ctx;
    return *c->sweep->stop != 0;
}

static const char *schedule_text(const struct omps_config *c)
{
    return c->schedule.kind ? omps_schedule_name(c->schedule.kind) : "none";
}

static void write_rows(struct omps_sweep *s, const struct omps_config *c)
{
    for (int r = 0; r < c->repetitions; r++) {
        const struct omps_run_row row = {
            c->kernel->name, c->params_text, c->n, c->threads, schedule_text(c),
            c->schedule.chunk, r, c->seconds[r], c->verified[r], c->oversubscribed};
        omps_csv_run_row(s->runs.f, &row);
    }
    /* Each configuration reaches the disk whole, so an interrupt or a crash
     * later in the sweep cannot lose it. */
    fflush(s->runs.f);
}

static int store_result(struct omps_config *c, const struct omps_gb_result *r)
{
    c->seconds = malloc((size_t)r->repetitions * sizeof *c->seconds + 1);
    c->verified = malloc((size_t)r->repetitions * sizeof *c->verified + 1);
    if (c->seconds == NULL || c->verified == NULL)
        return OMPS_ENOMEM;
    memcpy(c->seconds, r->seconds, (size_t)r->repetitions * sizeof *c->seconds);
    memcpy(c->verified, r->verified, (size_t)r->repetitions * sizeof *c->verified);
    c->repetitions = r->repetitions;
    for (int i = 0; i < r->repetitions; i++)
        c->failed |= !r->verified[i];
    return OMPS_OK;
}

static void hook_report(void *ctx, const struct omps_gb_result *r)
{
    struct omps_config *c = ctx;
    struct omps_sweep *s = c->sweep;
    s->finished++;
    if (r->error != NULL) {
        if (!*s->stop && s->error[0] == '\0')
            snprintf(s->error, sizeof s->error, "%s", r->error);
        return;
    }
    if (store_result(c, r) != OMPS_OK) {
        snprintf(s->error, sizeof s->error, "%s: out of memory", c->name);
        return;
    }
    write_rows(s, c);
    if (c->failed) {
        s->failures++;
        fprintf(stderr, "%sompscale: verification failed: %s: %s\n",
                s->show_progress ? "\r\033[K" : "", c->name,
                r->failure ? r->failure : "a repetition did not verify");
    }
}

static const struct omps_gb_hooks sweep_hooks = {
    hook_begin, hook_prepare, hook_body, hook_end, hook_stop, hook_report};

void omps_configs_free(struct omps_config *configs, size_t count)
{
    for (size_t i = 0; configs != NULL && i < count; i++) {
        free(configs[i].seconds);
        free(configs[i].verified);
    }
    free(configs);
}

/* Creates dir and its missing parents, like mkdir -p. */
static int make_dirs(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static int summarize(const struct omps_config *c, struct omps_summary_row *row)
{
    *row = (struct omps_summary_row){
        .kernel = c->kernel->name, .params = c->params_text, .n = c->n,
        .threads = c->threads, .schedule = schedule_text(c),
        .chunk = c->schedule.chunk, .work = c->kernel->work(c->n, c->params),
        .rate_unit = c->kernel->rate_unit, .oversubscribed = c->oversubscribed};
    return omps_stats_describe(c->seconds, (size_t)c->repetitions, &row->stats);
}

/* Writes summary.csv from every configuration that ran and verified. */
static int write_summary(const struct omps_sweep *s, const char *dir)
{
    struct omps_summary_row *rows = calloc(s->count + 1, sizeof *rows);
    if (rows == NULL)
        return OMPS_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++) {
        const struct omps_config *c = &s->configs[i];
        if (c->repetitions == 0 || c->failed)
            continue;
        if (summarize(c, &rows[n++]) != OMPS_OK) {
            free(rows);
            return OMPS_ENOMEM;
        }
    }
    omps_summary_derive(rows, n);
    struct omps_outfile out;
    int rc = omps_outfile_open(&out, dir, "summary.csv");
    if (rc == OMPS_OK) {
        fprintf(out.f, "%s\n", OMPS_SUMMARY_HEADER);
        for (size_t i = 0; i < n; i++)
            omps_csv_summary_row(out.f, &rows[i]);
        rc = omps_outfile_commit(&out);
    }
    free(rows);
    return rc;
}

/* Configurations whose repetitions were recorded. */
static size_t kept_count(const struct omps_sweep *s)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->count; i++)
        kept += s->configs[i].repetitions > 0;
    return kept;
}

static json_t *run_json(const struct omps_sweep *s, int interrupted)
{
    const struct omps_run_options *o = s->opts;
    return json_pack("{s:s, s:i, s:f, s:f, s:b, s:b, s:I, s:I}", "out_dir",
                     o->out_dir, "repetitions", o->repetitions, "min_time_s",
                     o->min_time, "min_warmup_time_s", o->quick ? 0.0 : o->min_time, "quick",
                     o->quick, "interrupted", interrupted, "configurations",
                     (json_int_t)s->count, "completed", (json_int_t)kept_count(s));
}

static int write_machine(const struct omps_sweep *s, const struct omps_machine *m,
                         const char *dir, int interrupted)
{
    json_t *root = omps_machine_json(m);
    if (root == NULL)
        return OMPS_ENOMEM;
    json_object_set_new(root, "run", run_json(s, interrupted));
    struct omps_outfile out;
    int rc = omps_outfile_open(&out, dir, "machine.json");
    if (rc == OMPS_OK) {
        json_dumpf(root, out.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', out.f);
        rc = omps_outfile_commit(&out);
    }
    json_decref(root);
    return rc;
}

static int register_all(struct omps_gb *gb, struct omps_sweep *s)
{
    const struct omps_run_options *o = s->opts;
    for (size_t i = 0; i < s->count; i++) {
        struct omps_config *c = &s->configs[i];
        const struct omps_work w = c->kernel->work(c->n, c->params);
        const struct omps_gb_options go = {
            .min_time = o->min_time, .min_warmup_time = o->quick ? 0.0 : o->min_time,
            .repetitions = o->repetitions, .has_prepare = c->kernel->prepare != NULL,
            .flops = w.flops, .bytes = w.bytes, .items = w.items};
        c->sweep = s;
        int rc = omps_gb_register(gb, c->name, c, &go);
        if (rc != OMPS_OK)
            return rc;
    }
    return OMPS_OK;
}

/* Times every configuration; returns 0 or an OMPS_E* code. */
static int time_all(struct omps_sweep *s, const char *argv0, const char *json_path)
{
    struct omps_gb *gb = NULL;
    int rc = omps_gb_create(&gb, argv0, json_path, &sweep_hooks);
    if (rc == OMPS_OK)
        rc = register_all(gb, s);
    if (rc == OMPS_OK) {
        s->started = omp_get_wtime();
        rc = omps_gb_run(gb);
    }
    drop_live(s);
    omps_gb_destroy(gb);
    if (s->show_progress)
        fprintf(stderr, "\r\033[K");
    return rc;
}

/* Writes the files that are whole only at the end and renames all four
 * into place. */
static int finish_files(struct omps_sweep *s, const struct omps_machine *m,
                        struct omps_outfile *json, int interrupted)
{
    const char *dir = s->opts->out_dir;
    int rc = write_summary(s, dir);
    if (rc == OMPS_OK)
        rc = write_machine(s, m, dir, interrupted);
    if (rc == OMPS_OK)
        rc = omps_outfile_commit(json);
    if (rc == OMPS_OK)
        rc = omps_outfile_commit(&s->runs);
    return rc;
}

static int exit_code(const struct omps_sweep *s, int interrupted)
{
    if (interrupted) {
        fprintf(stderr, "ompscale: interrupted; %zu of %zu configurations kept in %s\n",
                kept_count(s), s->count, s->opts->out_dir);
        return 130;
    }
    if (s->error[0] != '\0') {
        fprintf(stderr, "ompscale: %s\n", s->error);
        return 2;
    }
    if (s->failures > 0) {
        fprintf(stderr, "ompscale: %d configuration(s) failed verification\n",
                s->failures);
        return 1;
    }
    return 0;
}

int omps_sweep_run(const struct omps_run_options *opts,
                   const struct omps_machine *m, struct omps_config *configs,
                   size_t count, const char *argv0,
                   volatile sig_atomic_t *stop)
{
    struct omps_sweep s = {.opts = opts, .configs = configs, .count = count,
                           .stop = stop, .show_progress = isatty(STDERR_FILENO)};
    struct omps_outfile json = {.f = NULL};
    const char *dir = opts->out_dir;
    if (make_dirs(dir) != 0 || omps_outfile_open(&s.runs, dir, "runs.csv") != 0 ||
        omps_outfile_open(&json, dir, "gbench.json") != 0) {
        fprintf(stderr, "ompscale: --out: cannot write to '%s': %s\n", dir,
                strerror(errno));
        omps_outfile_abort(&s.runs);
        omps_outfile_abort(&json);
        return 2;
    }
    /* Google Benchmark writes the JSON itself, by name. */
    fclose(json.f);
    json.f = NULL;
    fprintf(s.runs.f, "%s\n", OMPS_RUNS_HEADER);
    int rc = time_all(&s, argv0, json.tmp);
    const int interrupted = *stop != 0;
    if (rc == OMPS_OK)
        rc = finish_files(&s, m, &json, interrupted);
    if (rc != OMPS_OK) {
        fprintf(stderr, "ompscale: writing %s failed: %s\n", dir,
                rc == OMPS_EIO ? strerror(errno) : omps_strerror(rc));
        omps_outfile_abort(&s.runs);
        omps_outfile_abort(&json);
        return 2;
    }
    return exit_code(&s, interrupted);
}
