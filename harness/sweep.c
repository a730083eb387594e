/* Running a plan in shuffled rounds through the Google Benchmark shim. */
#define _DEFAULT_SOURCE
#include "sweep_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <omp.h>

#include "errors.h"
#include "parse.h"
#include "protocol.h"
#include "registry.h"
#include "csv_write.h"
#include "gbench_shim.h"
#include "child.h"
#include "ranks.h"
#include "latency.h"
#include "stats.h"

/* No configuration is visited more often than this, whatever its noise. */
#define MAX_REPETITIONS 100
/* Kernel states kept alive together may take this share of memory. */
#define LIVE_MEMORY_SHARE 0.5

/* In rank 0 of a group of several, sends the others the next step. */
void sweep_relay(const struct omps_sweep *s, int command, long runs, const char *line)
{
    if (s->ranks.rank != 0 || s->ranks.size < 2)
        return;
    struct relay r = {.command = command, .runs = runs};
    snprintf(r.line, sizeof r.line, "%s", line ? line : "");
    omps_ranks_share(&r, sizeof r);
}

/* splitmix64: a small, well-mixed generator; each round's order comes from
 * (seed, round) alone, so a resumed run shuffles as the first would have. */
static uint64_t mix(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
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

double omps_sweep_time_overhead(const struct omps_sweep_time *t)
{
    return t->setup + t->poison + t->prepare + t->verify + t->warmup + t->search +
           t->children + t->probes;
}

/* ---- Google Benchmark hooks ------------------------------------------ */

const struct omps_config *sweep_current(const struct omps_sweep *s)
{
    return &s->plan->configs[s->current];
}

/* Poisons the outputs before a batch: at the sampled positions of a
 * sampled check, else all of them, unless the last full verification left
 * them poisoned and nothing has run since. */
int sweep_hook_begin(void *ctx, long runs, char *why, size_t why_len)
{
    struct omps_sweep *s = ctx;
    struct live *l = &s->live[s->now_live];
    (void)why;
    (void)why_len;
    sweep_relay(s, RELAY_BATCH, runs, NULL);
    /* A child's batches are measured by its parent (sweep_groups.c). */
    if (s->answer == NULL) {
        s->load_child = 0;
        omps_load_read(&s->load_start, 0);
    }
    omps_team_reset(&s->team);
    const struct omps_kernel *k = sweep_current(s)->key.kernel;
    const double t0 = sweep_now();
    if (s->check_salt != 0 && k->poison_sample != NULL)
        k->poison_sample(s->state, s->check_salt, sweep_current(s)->key.schedule.chunk);
    else if (k->poison != NULL && !l->poisoned)
        k->poison(s->state);
    s->out->time.poison += sweep_now() - t0;
    /* The batch's runs write the outputs. */
    l->poisoned = 0;
    l->warm_threads = sweep_current(s)->key.threads;
    return 0;
}

void sweep_hook_prepare(void *ctx)
{
    struct omps_sweep *s = ctx;
    const double t0 = sweep_now();
    sweep_current(s)->key.kernel->prepare(s->state);
    s->out->time.prepare += sweep_now() - t0;
}

/* Whether a test asked this visit's runs to lose their work:
 * OMPSCALE_SKIP_RUNS=KERNEL for every visit of KERNEL, KERNEL:V from each
 * configuration's V-th visit on (so that only later visits' checks, often
 * sampled ones, can catch it). */
static int skipping(const struct omps_sweep *s, const struct omps_kernel *k)
{
    const size_t len = strcspn(s->skip_runs, ":");
    long from = 1;
    if (strlen(k->name) != len || strncmp(s->skip_runs, k->name, len) != 0)
        return 0;
    if (s->skip_runs[len] == ':' && omps_parse_long(s->skip_runs + len + 1, 1, 1L << 30, &from))
        return 0;
    return s->tally[s->current].count + 1 >= (size_t)from;
}

/* A test's way to lose a kernel's work (skipping): that kernel's timed runs
 * start a team that reports itself as the kernel would and writes nothing,
 * so that only its outputs can tell, and they must (a poisoned output, or a
 * stale one from another kernel of its state family, must not verify). */
void sweep_hook_body(void *ctx)
{
    struct omps_sweep *s = ctx;
    const struct omps_kernel *k = sweep_current(s)->key.kernel;
    if (s->skip_runs != NULL && skipping(s, k)) {
#pragma omp parallel
        omps_team_note(&s->team);
        return;
    }
    k->run(s->state, &s->team);
}

void sweep_abort(void)
{
    signal(SIGABRT, SIG_DFL);
    raise(SIGABRT);
}

/* A test's way to make one rank misbehave, so that the verdict can be seen
 * to reach rank 0: OMPSCALE_RANK_FAULT=R damages rank R's result, and
 * OMPSCALE_RANK_FAULT=crash:R makes rank R abort. */
static void rank_fault(const struct omps_sweep *s)
{
    const char *given = getenv("OMPSCALE_RANK_FAULT");
    const int crash = given != NULL && strncmp(given, "crash:", 6) == 0;
    long rank;
    if (given == NULL || s->ranks.size == 0 ||
        omps_parse_long(given + (crash ? 6 : 0), 0, OMPS_MAX_RANKS, &rank) != 0 ||
        rank != s->ranks.rank)
        return;
    if (crash)
        sweep_abort();
    if (sweep_current(s)->key.kernel->corrupt != NULL)
        sweep_current(s)->key.kernel->corrupt(s->state);
}

int sweep_hook_end(void *ctx, char *why, size_t why_len)
{
    struct omps_sweep *s = ctx;
    const struct omps_kernel *k = sweep_current(s)->key.kernel;
    if (k->ranked != OMPS_RANKED_NO)
        rank_fault(s);
    s->result = k->result != NULL ? k->result(s->state) : NAN;
    const double t0 = sweep_now();
    int ok;
    if (s->check_salt != 0 && k->verify_sample != NULL) {
        ok = k->verify_sample(s->state, s->check_salt, sweep_current(s)->key.schedule.chunk, why,
                              why_len) == 0;
    } else if (k->verify_poison != NULL) {
        ok = k->verify_poison(s->state, why, why_len) == 0;
        s->live[s->now_live].poisoned = 1;
    } else {
        ok = k->verify(s->state, why, why_len) == 0;
    }
    ok = ok && omps_team_check(&s->team, why, why_len) == 0;
    s->out->time.verify += sweep_now() - t0;
    /* Each rank checked its part; rank 0 answers for the group. */
    if (s->ranks.size > 1)
        ok = omps_ranks_agree(ok, why, why_len);
    return ok;
}

static int hook_stop(void *ctx)
{
    struct omps_sweep *s = ctx;
    return *s->stop != 0;
}

int sweep_add_seconds(struct tally *t, double seconds)
{
    if (t->count == t->cap) {
        const size_t cap = t->cap ? 2 * t->cap : 16;
        double *grown = realloc(t->seconds, cap * sizeof *grown);
        if (grown == NULL)
            return OMPS_ENOMEM;
        t->seconds = grown;
        t->cap = cap;
    }
    t->seconds[t->count++] = seconds;
    return OMPS_OK;
}

/* Recomputes the relative half-width of t's median interval. */
void sweep_update_width(struct tally *t)
{
    t->width = INFINITY;
    if (t->count == 0)
        return;
    double *sorted = malloc(t->count * sizeof *sorted);
    if (sorted == NULL)
        return;
    memcpy(sorted, t->seconds, t->count * sizeof *sorted);
    double lo, hi;
    const double median = omps_median_inplace(sorted, t->count);
    if (omps_median_interval(sorted, t->count, &lo, &hi) == 0 && median > 0)
        t->width = 0.5 * (hi - lo) / median;
    free(sorted);
}

/* Appends one row per repetition to the journal in one block. */
static int journal_rows(struct omps_sweep *s, const struct omps_gb_result *r, size_t first)
{
    char *block = NULL;
    size_t len = 0;
    const double busy = omps_load_since(&s->load_start, s->load_child);
    FILE *f = open_memstream(&block, &len);
    if (f == NULL)
        return OMPS_ENOMEM;
    for (int i = 0; i < r->repetitions; i++) {
        const struct omps_run_row row = {&sweep_current(s)->key, (int)(first + (size_t)i),
                                         r->seconds[i], r->verified[i],
                                         sweep_current(s)->oversubscribed, s->round,
                                         s->probe_ns, s->runtime, s->result, busy};
        omps_csv_run_row(f, &row);
    }
    if (fclose(f) != 0) {
        free(block);
        return OMPS_ENOMEM;
    }
    const int rc = omps_journal_append(s->journal, block, len);
    free(block);
    return rc;
}

/* See sweep_internal.h. */
void sweep_mark_dead(struct omps_sweep *s, struct tally *t, const char *error,
                     const char *reason)
{
    char name[256];
    t->dead = 1;
    s->out->errors++;
    if (s->out->error[0] == '\0')
        snprintf(s->out->error, sizeof s->out->error, "%s", error);
    omps_key_name(&sweep_current(s)->key, name, sizeof name);
    const size_t used = strlen(s->out->dead);
    snprintf(s->out->dead + used, sizeof s->out->dead - used, "%s\t%s\n", name, reason);
}

void sweep_note_failure(struct omps_sweep *s, const char *why)
{
    char name[256];
    omps_key_name(&sweep_current(s)->key, name, sizeof name);
    s->out->failures++;
    fprintf(stderr, "%sompscale: verification failed: %s: %s\n",
            s->show_progress ? "\r\033[K" : "", name, why ? why : "a repetition did not verify");
}

/* In a child: hands a visit's result to the parent, one line per fact
 * (the protocol is described at omps_sweep_child). */
static void answer_result(struct omps_sweep *s, const struct omps_gb_result *r)
{
    if (r->error != NULL)
        omps_proto_write_text(s->answer, "error", r->error);
    for (int i = 0; r->error == NULL && i < r->repetitions; i++)
        omps_proto_write_rep(s->answer, r->iterations, r->seconds[i], r->verified[i], s->result);
    if (r->failure != NULL)
        omps_proto_write_text(s->answer, "failure", r->failure);
    fflush(s->answer);
}

void sweep_report(void *ctx, const struct omps_gb_result *r)
{
    struct omps_sweep *s = ctx;
    struct tally *t = &s->tally[s->current];
    if (s->answer != NULL)
        answer_result(s, r);
    if (r->error != NULL) {
        if (!*s->stop)
            sweep_mark_dead(s, t, r->error, r->error);
        return;
    }
    const size_t first = t->count;
    for (int i = 0; i < r->repetitions; i++) {
        if (sweep_add_seconds(t, r->seconds[i]) != OMPS_OK)
            s->io_failed = OMPS_ENOMEM;
        t->failed |= !r->verified[i];
        s->out->time.timed += r->seconds[i] * (double)r->iterations;
    }
    if (t->iterations == 0)
        t->iterations = r->iterations;
    /* A child's parent journals and reports; the child only answers. */
    if (s->answer == NULL && journal_rows(s, r, first) != OMPS_OK && !s->io_failed)
        s->io_failed = OMPS_EIO;
    s->out->visits += (size_t)r->repetitions;
    sweep_update_width(t);
    if (t->failed && s->answer == NULL)
        sweep_note_failure(s, r->failure);
}

const struct omps_gb_hooks omps_sweep_hooks = {
    sweep_hook_begin, sweep_hook_prepare, sweep_hook_body, sweep_hook_end, hook_stop, sweep_report};

/* ---- one visit -------------------------------------------------------- */

/* The once-a-visit untimed seconds, from the account before (was) and
 * after a visit. */
double sweep_untimed_since(const struct omps_sweep_time *was, const struct omps_sweep_time *is)
{
    return (is->poison - was->poison) + (is->verify - was->verify) +
           (is->warmup - was->warmup);
}

/* Records a visit's untimed seconds, apart for full and sampled checks. */
void sweep_note_untimed(struct tally *t, double untimed, int sampled)
{
    if (sampled)
        t->sampled_s = untimed;
    else
        t->untimed_s = untimed;
}

/* The untimed seconds a visit of t costs on average: a full check one
 * time in OMPS_FULL_CHECK_EVERY where a sampled one has been seen, else
 * every time. */
static double expected_untimed(const struct tally *t)
{
    if (t->sampled_s <= 0)
        return t->untimed_s;
    return (t->untimed_s + (OMPS_FULL_CHECK_EVERY - 1) * t->sampled_s) / OMPS_FULL_CHECK_EVERY;
}

/* Keeps a repetition near its length, the larger of the asked length and
 * OMPS_TIMED_PER_UNTIMED times the visit's untimed seconds: later visits reuse
 * the first visit's iteration count until the count that length needs
 * differs from it by more than a quarter. */
void sweep_adapt_iterations(struct tally *t, double min_time)
{
    if (t->count == 0 || t->iterations <= 0)
        return;
    const double per_run = t->seconds[t->count - 1];
    const double want = fmax(min_time, OMPS_TIMED_PER_UNTIMED * expected_untimed(t));
    const double runs = fmax(1.0, round(want / per_run));
    if (runs < 0.8 * (double)t->iterations || runs > 1.25 * (double)t->iterations)
        t->iterations = (long)runs;
}

/* Sets the team and schedule, then the warm-up that brings caches, pages
 * and the thread pool back after other configurations ran: one untimed run,
 * or only a team start where the state's last run here had this team size
 * (it is warm), or where its data would not matter (omps_plan_warms_data:
 * too small to take a repetition's time in reloading, or too large for any
 * cache to hold). */
static void warm_up(struct omps_sweep *s, const struct omps_config *c)
{
    struct live *l = &s->live[s->now_live];
    const double t0 = sweep_now();
    s->team.want_threads = c->key.threads;
    s->team.want_kind = c->key.schedule.kind;
    s->team.want_chunk = c->key.schedule.chunk;
    const int warm = l->warm_threads == c->key.threads;
    if (warm || !omps_plan_warms_data(s->plan, l->bytes)) {
#pragma omp parallel
        {
            /* An empty region: the team of this size is started. */
        }
    } else {
        if (c->key.kernel->prepare != NULL)
            c->key.kernel->prepare(s->state);
        c->key.kernel->run(s->state, &s->team);
        l->poisoned = 0;
        l->warm_threads = c->key.threads;
    }
    s->out->time.warmup += sweep_now() - t0;
}

static void set_team(const struct omps_config *c)
{
    omp_set_dynamic(0);
    omp_set_num_threads(c->key.threads);
    if (c->key.schedule.kind != 0)
        omp_set_schedule(c->key.schedule.kind, c->key.schedule.chunk);
}

void *sweep_start_visit(struct omps_sweep *s, size_t i, char *why, size_t why_len)
{
    const struct omps_config *c = &s->plan->configs[i];
    s->current = i;
    set_team(c);
    s->state = sweep_ensure_state(s, c, why, why_len);
    if (s->state != NULL)
        warm_up(s, c);
    return s->state;
}

uint64_t sweep_check_salt(const struct omps_sweep *s, size_t i)
{
    if (s->tally[i].count == 0)
        return 0;
    uint64_t x = s->opts->seed ^ (UINT64_C(0xA0761D6478BD642F) * (uint64_t)(s->round + 1)) ^
                 (UINT64_C(0xE7037ED1A0B428DB) * (uint64_t)(i + 1));
    x = mix(&x);
    return x % OMPS_FULL_CHECK_EVERY == 0 ? 0 : x | 1;
}

int sweep_visit(struct omps_sweep *s, size_t i)
{
    const struct omps_config *c = &s->plan->configs[i];
    struct tally *t = &s->tally[i];
    const double t0 = sweep_now();
    const struct omps_sweep_time at_start = s->out->time;
    char why[512], name[256];
    if (sweep_start_visit(s, i, why, sizeof why) == NULL) {
        sweep_mark_dead(s, t, why, why);
        /* A child's parent must hear why, not only that nothing was timed. */
        if (s->answer != NULL)
            omps_proto_write_text(s->answer, "error", why);
        return OMPS_OK;
    }
    const struct omps_work w = c->key.kernel->work(c->key.n, c->key.params);
    const struct omps_gb_options go = {
        .min_time = s->plan->min_time, .iterations = t->iterations, .repetitions = 1,
        .has_prepare = c->key.kernel->prepare != NULL, .flops = w.flops,
        .bytes = w.bytes, .items = w.items};
    omps_key_name(&c->key, name, sizeof name);
    const size_t before = t->count;
    const struct omps_sweep_time was = s->out->time;
    const double gb0 = sweep_now();
    const int rc = omps_gb_run_batch(s->gb, name, s, &go);
    /* Whatever the batch's hooks and timed runs did not take is Google
     * Benchmark's own: its search for an iteration count, and reporting. */
    const struct omps_sweep_time *is = &s->out->time;
    s->out->time.search += sweep_now() - gb0 - (is->poison - was.poison) -
                           (is->prepare - was.prepare) - (is->verify - was.verify) -
                           (is->timed - was.timed);
    sweep_note_untimed(t, sweep_untimed_since(&at_start, is),
                       s->check_salt != 0 && c->key.kernel->verify_sample != NULL);
    /* A batch that reported nothing would be visited again forever. */
    if (rc == OMPS_OK && t->count == before && !t->dead && !*s->stop) {
        snprintf(why, sizeof why, "%.300s: Google Benchmark ran nothing", name);
        sweep_mark_dead(s, t, why, "Google Benchmark ran nothing");
    }
    sweep_end_visit(s, t, t0, at_start.setup);
    return rc != OMPS_OK ? rc : s->io_failed;
}

int sweep_begin_visit(struct omps_sweep *s, size_t k, size_t n, size_t i)
{
    if (sweep_now() - s->started + sweep_visit_cost(s, i) > s->opts->budget) {
        s->out->budget_spent = 1;
        return 0;
    }
    sweep_show_progress(s, k, n, i);
    sweep_probe_placement(s);
    return 1;
}

void sweep_end_visit(struct omps_sweep *s, struct tally *t, double t0, double setup_before)
{
    sweep_adapt_iterations(t, s->plan->min_time);
    /* A state's set-up is paid once, not by every visit to come. */
    t->visit_s = sweep_now() - t0 - (s->out->time.setup - setup_before);
}

/* ---- rounds ----------------------------------------------------------- */

/* What the next visit of i should cost: the estimate before any visit; the
 * last visit's cost, less any state set-up, once there is a later visit to
 * go on (a first visit also searched for its iteration count, about half
 * its cost). */
double sweep_visit_cost(const struct omps_sweep *s, size_t i)
{
    const struct tally *t = &s->tally[i];
    const struct omps_config *c = &s->plan->configs[i];
    if (t->visit_s <= 0)
        return omps_plan_estimate_visit(s->plan, c, t->count == 0);
    if (t->count == 1)
        return fmax(omps_plan_estimate_visit(s->plan, c, 0), 0.5 * t->visit_s);
    return t->visit_s;
}

/* How much configuration i still needs a visit: infinite below the
 * minimum, its relative interval width while wider than asked, else 0. */
static double need(const struct omps_sweep *s, size_t i)
{
    const struct tally *t = &s->tally[i];
    if (t->dead || t->failed || t->count >= MAX_REPETITIONS)
        return 0.0;
    if (t->count < (size_t)s->opts->repetitions)
        return INFINITY;
    if (!isfinite(s->opts->precision))
        return 0.0;
    return t->width > s->opts->precision ? t->width : 0.0;
}

static const struct omps_sweep *sort_context;

static int by_need(const void *a, const void *b)
{
    const double x = need(sort_context, *(const size_t *)a);
    const double y = need(sort_context, *(const size_t *)b);
    return (x < y) - (x > y);
}

/* Fills order with the configurations this round visits; when the budget
 * left cannot pay for all, the neediest that fit.  Returns how many. */
static size_t select_round(const struct omps_sweep *s, size_t *order, int *trimmed)
{
    size_t n = 0;
    double cost = 0.0;
    for (size_t i = 0; i < s->plan->count; i++) {
        if (need(s, i) > 0.0) {
            order[n++] = i;
            cost += sweep_visit_cost(s, i);
        }
    }
    const double left = s->opts->budget - (sweep_now() - s->started);
    *trimmed = 0;
    if (cost <= left)
        return n;
    sort_context = s;
    qsort(order, n, sizeof *order, by_need);
    size_t k = 0;
    for (double spent = 0.0; k < n && spent + sweep_visit_cost(s, order[k]) <= left; k++)
        spent += sweep_visit_cost(s, order[k]);
    *trimmed = 1;
    return k;
}

static uint64_t round_seed(const struct omps_sweep *s, uint64_t salt)
{
    uint64_t x = s->opts->seed ^ (UINT64_C(0xD1B54A32D192ED03) * (uint64_t)(s->round + 1));
    x ^= salt;
    return mix(&x);
}

/* A fresh random order for the round.  When every state cannot stay alive
 * at once, configurations that share a state are kept next to each other (in
 * a random order of states) so each state is set up at most once a round. */
static void shuffle_round(const struct omps_sweep *s, size_t *order, size_t n)
{
    uint64_t x = round_seed(s, 0);
    for (size_t i = n; i > 1; i--) {
        const size_t j = (size_t)(mix(&x) % i);
        const size_t tmp = order[i - 1];
        order[i - 1] = order[j];
        order[j] = tmp;
    }
    if (s->plan->state_bytes <= s->live_cap)
        return;
    /* A stable insertion sort on each state's random rank. */
    for (size_t i = 1; i < n; i++) {
        const size_t v = order[i];
        const uint64_t rank = round_seed(s, s->group[v] + 1);
        size_t j = i;
        while (j > 0 && round_seed(s, s->group[order[j - 1]] + 1) > rank) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

void sweep_show_progress(const struct omps_sweep *s, size_t k, size_t n, size_t i)
{
    if (!s->show_progress)
        return;
    char name[256], elapsed[32], budget[32];
    omps_key_name(&s->plan->configs[i].key, name, sizeof name);
    omps_format_duration(sweep_now() - s->started, elapsed, sizeof elapsed);
    omps_format_duration(s->opts->budget, budget, sizeof budget);
    fprintf(stderr, "\r\033[K[round %ld, %zu/%zu | %s of %s] %s", s->round + 1, k + 1, n,
            elapsed, budget, name);
    fflush(stderr);
}

/* Each visit starts with a short probe of the pair a 2-thread team runs on
 * (latency.h): the host moves the vCPUs between placements several times a
 * second here, so a probe at the start of a round often described the
 * round's first configurations only.  The probe lets summary.csv and
 * compare tell visits on different placements apart.  About 0.1 ms. */
void sweep_probe_placement(struct omps_sweep *s)
{
    int a, b;
    const double t0 = sweep_now();
    s->probe_ns = NAN;
    if (omps_latency_round_pair(&a, &b) == 0)
        omps_latency_pair(a, b, 3, &s->probe_ns);
    s->out->time.probes += sweep_now() - t0;
}

/* Records when every configuration that can still run first had its
 * minimum repetitions (the figure the plan's estimate is checked by). */
void sweep_note_minimum(struct omps_sweep *s)
{
    if (!isnan(s->out->minimum_s))
        return;
    for (size_t i = 0; i < s->plan->count; i++) {
        const struct tally *t = &s->tally[i];
        if (!t->dead && !t->failed && t->count < (size_t)s->opts->repetitions)
            return;
    }
    s->out->minimum_s = sweep_now() - s->started;
}

/* Moves the process kernels' configurations of order[0..n) behind the
 * others, keeping the shuffled order within each part.  Returns how many
 * come first. */
static size_t move_ranked_last(const struct omps_sweep *s, size_t *order, size_t n)
{
    size_t local = 0;
    for (size_t k = 0; k < n; k++) {
        if (omps_key_launch_ranks(&s->plan->configs[order[k]].key) != 0)
            continue;
        const size_t v = order[k];
        memmove(order + local + 1, order + local, (k - local) * sizeof *order);
        order[local++] = v;
    }
    return local;
}

/* Runs one round; returns 0, an error, or 1 when nothing more is needed. */
static int run_round(struct omps_sweep *s, size_t *order)
{
    int trimmed;
    const size_t n = select_round(s, order, &trimmed);
    s->out->budget_spent |= trimmed;
    if (n == 0)
        return 1;
    shuffle_round(s, order, n);
    /* With environment groups every configuration runs in a child; without
     * them the OpenMP kernels run here, and only the process kernels in
     * groups of ranks, after them. */
    const size_t local = s->plan->children ? 0 : move_ranked_last(s, order, n);
    for (size_t k = 0; k < local && !*s->stop; k++) {
        s->check_salt = sweep_check_salt(s, order[k]);
        if (!sweep_begin_visit(s, k, n, order[k]))
            return 1;
        const int rc = sweep_visit(s, order[k]);
        if (rc != OMPS_OK)
            return rc;
        sweep_note_minimum(s);
    }
    int rc = OMPS_OK;
    if (local < n && !*s->stop)
        rc = sweep_run_round_children(s, order + local, n - local);
    if (rc == OMPS_OK)
        s->round++;
    return s->launch_failed ? 1 : rc;
}

/* ---- set-up and results ----------------------------------------------- */

int sweep_init(struct omps_sweep *s, const struct omps_plan *plan)
{
    s->tally = calloc(plan->count + 1, sizeof *s->tally);
    s->group = calloc(plan->count + 1, sizeof *s->group);
    s->live = calloc(plan->count + 1, sizeof *s->live);
    if (s->tally == NULL || s->group == NULL || s->live == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < plan->count; i++) {
        s->tally[i].width = INFINITY;
        size_t g = i;
        for (size_t j = 0; j < i && g == i; j++) {
            if (omps_key_same_state(&plan->configs[j].key, &plan->configs[i].key,
                                    plan->share_states))
                g = j;
        }
        s->group[i] = g;
    }
    s->live_cap = LIVE_MEMORY_SHARE * plan->memory_bytes;
    omps_set_last_level_cache((uint64_t)plan->llc_bytes);
    s->skip_runs = getenv("OMPSCALE_SKIP_RUNS");
    return OMPS_OK;
}

void sweep_free(struct omps_sweep *s)
{
    while (s->nlive > 0)
        sweep_drop_state(s, s->nlive - 1);
    for (size_t i = 0; s->tally != NULL && i < s->plan->count; i++)
        free(s->tally[i].seconds);
    free(s->tally);
    free(s->group);
    free(s->live);
}

static void count_outcome(const struct omps_sweep *s)
{
    for (size_t i = 0; i < s->plan->count; i++) {
        const struct tally *t = &s->tally[i];
        s->out->kept += t->count > 0;
        if (t->dead || t->failed)
            continue;
        s->out->below_minimum += t->count < (size_t)s->opts->repetitions;
        s->out->imprecise += isfinite(s->opts->precision) && t->width > s->opts->precision;
    }
    s->out->rounds = s->round;
    s->out->seconds = sweep_now() - s->started;
}

static int sweep_rounds(struct omps_sweep *s)
{
    size_t *order = malloc((s->plan->count + 1) * sizeof *order);
    if (order == NULL)
        return OMPS_ENOMEM;
    int rc = OMPS_OK;
    while (rc == OMPS_OK && !*s->stop)
        rc = run_round(s, order);
    free(order);
    if (s->show_progress)
        fprintf(stderr, "\r\033[K");
    return rc == 1 ? OMPS_OK : rc;
}

/* Prepares the parent of environment groups and groups of ranks: which
 * axes it sets, the directory for the children's Google Benchmark JSON,
 * mpirun for process kernels and libomp for gcc+libomp.  Returns 0, or
 * OMPS_EIO / OMPS_EINVAL with err set. */
static int children_init(struct omps_sweep *s, char *err, size_t err_len)
{
    char dir[4096 + 16];
    int libomp = 0;
    for (int a = 0; a < OMPS_AXES; a++)
        s->swept[a] = s->plan->swept[a];
    for (size_t i = 0; i < s->plan->count; i++)
        libomp |= s->plan->configs[i].key.env.value[OMPS_AXIS_TOOLCHAIN] == OMPS_TC_GCC_LIBOMP;
    snprintf(dir, sizeof dir, "%s/children", s->journal->dir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, err_len, "%s: %s", dir, strerror(errno));
        return OMPS_EIO;
    }
    s->kept_cap = s->plan->environments;
    s->kept = calloc(s->kept_cap + 1, sizeof *s->kept);
    if (s->kept == NULL)
        return OMPS_ENOMEM;
    if (s->plan->rank_groups > 0 &&
        omps_ranks_find_mpirun(s->mpirun, sizeof s->mpirun, err, err_len) != OMPS_OK)
        return OMPS_EINVAL;
    if (libomp)
        return omps_libomp_dir(s->libomp_dir, sizeof s->libomp_dir, err, err_len);
    return OMPS_OK;
}

int omps_sweep_run(const struct omps_run_options *opts, const struct omps_plan *plan,
                   const struct omps_runs *done, struct omps_journal *j,
                   const char *json_path, const char *argv0,
                   volatile sig_atomic_t *stop, struct omps_sweep_outcome *out,
                   char *err, size_t err_len)
{
    struct omps_sweep s = {.opts = opts, .plan = plan, .stop = stop, .journal = j,
                           .out = out, .show_progress = isatty(STDERR_FILENO)};
    /* Every configuration must run where OMP_PROC_BIND puts it. */
    s.team.want_bind = omps_bind_wanted(getenv("OMP_PROC_BIND"));
    omps_runtime_name(s.runtime, sizeof s.runtime);
    memset(out, 0, sizeof *out);
    out->minimum_s = NAN;
    int rc = sweep_init(&s, plan);
    void (*old_pipe)(int) = SIG_DFL;
    const int groups = plan->children || plan->rank_groups > 0;
    if (rc == OMPS_OK && groups) {
        rc = children_init(&s, err, err_len);
        old_pipe = signal(SIGPIPE, SIG_IGN);
    }
    if (rc == OMPS_OK && done != NULL)
        rc = sweep_load_done(&s, done, err, err_len);
    if (rc == OMPS_OK) {
        rc = omps_gb_create(&s.gb, argv0, json_path, &omps_sweep_hooks);
        if (rc == OMPS_EIO)
            snprintf(err, err_len, "%s: %s", json_path, strerror(errno));
    }
    s.started = sweep_now();
    if (rc == OMPS_OK) {
        rc = sweep_rounds(&s);
        sweep_end_all_kept(&s);
        const int closed = omps_gb_finish(s.gb);
        rc = rc != OMPS_OK ? rc : closed;
        if (rc == OMPS_EIO && err[0] == '\0')
            snprintf(err, err_len, "writing %s failed: %s", j->dir, strerror(errno));
    }
    out->interrupted = *stop != 0;
    count_outcome(&s);
    omps_gb_destroy(s.gb);
    sweep_free(&s);
    free(s.kept);
    if (groups)
        signal(SIGPIPE, old_pipe);
    omps_libomp_dir_remove(s.libomp_dir);
    return rc;
}
