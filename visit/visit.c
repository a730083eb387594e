/* One visit of one configuration in this process, through the Google
 * Benchmark shim: see visit.h. */
#define _DEFAULT_SOURCE
#include "visit.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "errors.h"
#include "parse.h"
#include "registry.h"

double omps_visit_now(void)
{
    return omp_get_wtime();
}

void omps_sweep_time_add(struct omps_sweep_time *a, const struct omps_sweep_time *b)
{
    a->timed += b->timed;
    a->setup += b->setup;
    a->poison += b->poison;
    a->prepare += b->prepare;
    a->verify += b->verify;
    a->warmup += b->warmup;
    a->search += b->search;
    a->children += b->children;
    a->probes += b->probes;
}

void omps_sweep_time_since(const struct omps_sweep_time *was, const struct omps_sweep_time *is,
                           struct omps_sweep_time *d)
{
    *d = (struct omps_sweep_time){
        .timed = is->timed - was->timed, .setup = is->setup - was->setup,
        .poison = is->poison - was->poison, .prepare = is->prepare - was->prepare,
        .verify = is->verify - was->verify, .warmup = is->warmup - was->warmup,
        .search = is->search - was->search, .children = is->children - was->children,
        .probes = is->probes - was->probes};
}

double omps_sweep_time_overhead(const struct omps_sweep_time *t)
{
    return t->setup + t->poison + t->prepare + t->verify + t->warmup + t->search +
           t->children + t->probes;
}

double omps_sweep_time_untimed(const struct omps_sweep_time *t)
{
    return t->poison + t->verify + t->warmup;
}

void omps_visit_answer_clear(struct omps_visit_answer *a)
{
    a->repetitions = 0;
    a->iterations = 0;
    a->result = NAN;
    a->use = OMPS_PROCESS_USE_NONE;
    a->failure[0] = '\0';
    a->error[0] = '\0';
    a->sampled = 0;
    a->time = (struct omps_sweep_time){0};
    a->load_start = (struct omps_load){0};
    a->load_child = 0;
}

void omps_visitor_relay(const struct omps_visitor *v, int command, long runs, const char *line)
{
    if (v->ranks.rank != 0 || v->ranks.size < 2)
        return;
    struct omps_relay r = {.command = command, .runs = runs};
    snprintf(r.line, sizeof r.line, "%s", line ? line : "");
    omps_ranks_share(&r, sizeof r);
}

void omps_visit_abort(void)
{
    signal(SIGABRT, SIG_DFL);
    raise(SIGABRT);
}

/* ---- Google Benchmark hooks ------------------------------------------ */

/* Poisons the outputs before a batch: at the sampled positions of a
 * sampled check, else all of them, unless the last full verification left
 * them poisoned and nothing has run since. */
static int hook_begin(void *ctx, long runs, char *why, size_t why_len)
{
    struct omps_visitor *v = ctx;
    struct omps_live *l = &v->live[v->now_live];
    const struct omps_key *key = v->q->key;
    (void)why;
    (void)why_len;
    omps_visitor_relay(v, OMPS_RELAY_BATCH, runs, NULL);
    if (v->set.measure_load && v->a != NULL) {
        v->a->load_child = 0;
        omps_load_read(&v->a->load_start, 0);
    }
    omps_team_reset(&v->team);
    const double t0 = omps_visit_now();
    if (v->q->salt != 0 && key->kernel->poison_sample != NULL)
        key->kernel->poison_sample(v->state, v->q->salt, key->schedule.chunk);
    else if (key->kernel->poison != NULL && !l->poisoned)
        key->kernel->poison(v->state);
    v->time.poison += omps_visit_now() - t0;
    /* The batch's runs write the outputs. */
    l->poisoned = 0;
    l->warm_threads = key->threads;
    return 0;
}

static void hook_prepare(void *ctx)
{
    struct omps_visitor *v = ctx;
    const double t0 = omps_visit_now();
    v->q->key->kernel->prepare(v->state);
    v->time.prepare += omps_visit_now() - t0;
}

/* Whether a test asked this visit's runs to lose their work:
 * OMPSCALE_SKIP_RUNS=KERNEL for every visit of KERNEL, KERNEL:V from each
 * configuration's V-th visit on (so that only later visits' checks, often
 * sampled ones, can catch it). */
static int skipping(const struct omps_visitor *v, const struct omps_kernel *k)
{
    const size_t len = strcspn(v->skip_runs, ":");
    long from = 1;
    if (strlen(k->name) != len || strncmp(v->skip_runs, k->name, len) != 0)
        return 0;
    if (v->skip_runs[len] == ':' && omps_parse_long(v->skip_runs + len + 1, 1, 1L << 30, &from))
        return 0;
    return v->q->done + 1 >= (size_t)from;
}

/* A test's way to lose a kernel's work (skipping): that kernel's timed runs
 * start a team that reports itself as the kernel would and writes nothing,
 * so that only its outputs can tell, and they must (a poisoned output, or a
 * stale one from another kernel of its state family, must not verify). */
static void hook_body(void *ctx)
{
    struct omps_visitor *v = ctx;
    const struct omps_kernel *k = v->q->key->kernel;
    if (v->skip_runs != NULL && skipping(v, k)) {
#pragma omp parallel
        omps_team_note(&v->team);
        return;
    }
    k->run(v->state, &v->team);
}

/* A test's way to make one rank misbehave, so that the verdict can be seen
 * to reach rank 0: OMPSCALE_RANK_FAULT=R damages rank R's result, and
 * OMPSCALE_RANK_FAULT=crash:R makes rank R abort. */
static void rank_fault(const struct omps_visitor *v)
{
    const char *given = getenv("OMPSCALE_RANK_FAULT");
    const int crash = given != NULL && strncmp(given, "crash:", 6) == 0;
    long rank;
    if (given == NULL || v->ranks.size == 0 ||
        omps_parse_long(given + (crash ? 6 : 0), 0, OMPS_MAX_RANKS, &rank) != 0 ||
        rank != v->ranks.rank)
        return;
    if (crash)
        omps_visit_abort();
    if (v->q->key->kernel->corrupt != NULL)
        v->q->key->kernel->corrupt(v->state);
}

/* Verifies the batch: at the sampled positions, or every output (and
 * poisons them in the same pass where the kernel can), and the team. */
static int hook_end(void *ctx, char *why, size_t why_len)
{
    struct omps_visitor *v = ctx;
    const struct omps_key *key = v->q->key;
    const struct omps_kernel *k = key->kernel;
    if (k->ranked != OMPS_RANKED_NO)
        rank_fault(v);
    if (v->a != NULL)
        v->a->result = k->result != NULL ? k->result(v->state) : NAN;
    const double t0 = omps_visit_now();
    int ok;
    if (v->q->salt != 0 && k->verify_sample != NULL) {
        ok = k->verify_sample(v->state, v->q->salt, key->schedule.chunk, why, why_len) == 0;
    } else if (k->verify_poison != NULL) {
        ok = k->verify_poison(v->state, why, why_len) == 0;
        v->live[v->now_live].poisoned = 1;
    } else {
        ok = k->verify(v->state, why, why_len) == 0;
    }
    ok = ok && omps_team_check(&v->team, why, why_len) == 0;
    v->time.verify += omps_visit_now() - t0;
    /* Each rank checked its part; rank 0 answers for the group. */
    if (v->ranks.size > 1)
        ok = omps_ranks_agree(ok, why, why_len);
    return ok;
}

static int hook_stop(void *ctx)
{
    const struct omps_visitor *v = ctx;
    return *v->stop != 0;
}

/* Copies a batch's repetitions into the visit's answer. */
static void hook_report(void *ctx, const struct omps_gb_result *r)
{
    struct omps_visitor *v = ctx;
    struct omps_visit_answer *a = v->a;
    if (r->error != NULL)
        snprintf(a->error, sizeof a->error, "%s", r->error);
    for (int i = 0; r->error == NULL && i < r->repetitions; i++) {
        if (a->repetitions == OMPS_VISIT_REPETITIONS)
            break;
        a->seconds[a->repetitions] = r->seconds[i];
        a->verified[a->repetitions++] = r->verified[i];
        v->time.timed += r->seconds[i] * (double)r->iterations;
    }
    if (r->failure != NULL)
        snprintf(a->failure, sizeof a->failure, "%s", r->failure);
    a->iterations = r->iterations;
}

static const struct omps_gb_hooks hooks = {hook_begin, hook_prepare, hook_body,
                                           hook_end,   hook_stop,    hook_report};

/* ---- one visit -------------------------------------------------------- */

/* A state this many times the largest cache cannot be held there, and one
 * smaller than this is reloaded in well under a millisecond. */
#define WARM_CACHE_MULTIPLE 2.0
#define WARM_MIN_BYTES (1024.0 * 1024.0)

int omps_visit_warms_data(uint64_t llc_bytes, double bytes)
{
    return bytes >= WARM_MIN_BYTES &&
           (llc_bytes == 0 || bytes <= WARM_CACHE_MULTIPLE * (double)llc_bytes);
}

/* Sets the team and schedule, then the warm-up that brings caches, pages
 * and the thread pool back after other configurations ran: one untimed run,
 * or only a team start where the state's last run here had this team size
 * (it is warm), or where its data would not matter (omps_visit_warms_data:
 * too small to take a repetition's time in reloading, or too large for any
 * cache to hold). */
static void warm_up(struct omps_visitor *v, const struct omps_key *key)
{
    struct omps_live *l = &v->live[v->now_live];
    const double t0 = omps_visit_now();
    v->team.want_threads = key->threads;
    v->team.want_kind = key->schedule.kind;
    v->team.want_chunk = key->schedule.chunk;
    const int warm = l->warm_threads == key->threads;
    if (warm || !omps_visit_warms_data(v->set.llc_bytes, l->bytes)) {
#pragma omp parallel
        {
            /* An empty region: the team of this size is started. */
        }
    } else {
        if (key->kernel->prepare != NULL)
            key->kernel->prepare(v->state);
        key->kernel->run(v->state, &v->team);
        l->poisoned = 0;
        l->warm_threads = key->threads;
    }
    v->time.warmup += omps_visit_now() - t0;
}

static void set_team(const struct omps_key *key)
{
    omp_set_dynamic(0);
    omp_set_num_threads(key->threads);
    if (key->schedule.kind != 0)
        omp_set_schedule(key->schedule.kind, key->schedule.chunk);
}

void *omps_visitor_start(struct omps_visitor *v, const struct omps_visit_request *q,
                         struct omps_visit_answer *a, char *why, size_t why_len)
{
    v->q = q;
    v->a = a;
    set_team(q->key);
    v->state = omps_visitor_state(v, q->key, why, why_len);
    if (v->state != NULL)
        warm_up(v, q->key);
    return v->state;
}

void omps_visitor_follow_batch(struct omps_visitor *v, long runs)
{
    char why[512];
    hook_begin(v, runs, why, sizeof why);
    for (long i = 0; i < runs; i++) {
        if (v->q->key->kernel->prepare != NULL)
            hook_prepare(v);
        hook_body(v);
    }
    hook_end(v, why, sizeof why);
}

int omps_visitor_visit(struct omps_visitor *v, const struct omps_visit_request *q,
                       struct omps_visit_answer *a)
{
    const struct omps_key *key = q->key;
    const struct omps_sweep_time at_start = v->time;
    char name[256];
    omps_visit_answer_clear(a);
    if (omps_visitor_start(v, q, a, a->error, sizeof a->error) == NULL) {
        omps_sweep_time_since(&at_start, &v->time, &a->time);
        return OMPS_OK;
    }
    const struct omps_work w = key->kernel->work(key->n, key->params);
    const struct omps_gb_options go = {
        .min_time = v->set.min_time, .iterations = q->iterations, .repetitions = 1,
        .has_prepare = key->kernel->prepare != NULL, .flops = w.flops,
        .bytes = w.bytes, .items = w.items};
    omps_key_name(key, name, sizeof name);
    const struct omps_sweep_time was = v->time;
    const double gb0 = omps_visit_now();
    const int rc = omps_gb_run_batch(v->gb, name, v, &go);
    /* Whatever the batch's hooks and timed runs did not take is Google
     * Benchmark's own: its search for an iteration count, and reporting. */
    struct omps_sweep_time batch;
    omps_sweep_time_since(&was, &v->time, &batch);
    v->time.search += omps_visit_now() - gb0 - batch.poison - batch.prepare - batch.verify -
                      batch.timed;
    a->sampled = q->salt != 0 && key->kernel->verify_sample != NULL;
    omps_sweep_time_since(&at_start, &v->time, &a->time);
    return rc;
}

int omps_visitor_open(struct omps_visitor *v, const struct omps_visit_settings *set,
                      const char *argv0, const char *json_path, volatile sig_atomic_t *stop)
{
    memset(v, 0, sizeof *v);
    v->set = *set;
    v->stop = stop;
    v->ranks = (struct omps_ranks){.rank = 0, .size = 1};
    /* Every configuration must run where OMP_PROC_BIND puts it. */
    v->team.want_bind = omps_bind_wanted(getenv("OMP_PROC_BIND"));
    v->skip_runs = getenv("OMPSCALE_SKIP_RUNS");
    omps_set_last_level_cache(set->llc_bytes);
    if (json_path == NULL)
        return OMPS_OK;
    return omps_gb_create(&v->gb, argv0, json_path, &hooks);
}

int omps_visitor_close(struct omps_visitor *v)
{
    while (v->nlive > 0)
        omps_visitor_drop_state(v, v->nlive - 1);
    free(v->live);
    v->live = NULL;
    v->live_cap = 0;
    const int rc = v->gb != NULL ? omps_gb_finish(v->gb) : OMPS_OK;
    omps_gb_destroy(v->gb);
    v->gb = NULL;
    return rc;
}
