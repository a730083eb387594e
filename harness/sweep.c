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

#include "../kernels/errors.h"
#include "../kernels/registry.h"
#include "csv_write.h"
#include "gbench_shim.h"
#include "child.h"
#include "ranks.h"
#include "latency.h"
#include "stats.h"

/* No configuration is visited more often than this, whatever its noise. */
#define MAX_REPETITIONS 100
/* The most repetitions a child answers for one visit. */
#define OMPS_CHILD_REPETITIONS 64
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

static double now(void)
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

double omps_sweep_time_overhead(const struct omps_sweep_time *t)
{
    return t->setup + t->poison + t->prepare + t->verify + t->warmup + t->search +
           t->children + t->probes;
}

/* ---- kernel states ---------------------------------------------------- */

static void drop_live(struct omps_sweep *s, size_t i)
{
    struct live *l = &s->live[i];
    const double t0 = now();
    l->key->kernel->teardown(l->state);
    s->out->time.setup += now() - t0;
    s->live_bytes -= l->bytes;
    s->live[i] = s->live[--s->nlive];
}

/* Frees the least recently used states until `need` more bytes fit. */
static void make_room(struct omps_sweep *s, double need)
{
    while (s->nlive > 0 && s->live_bytes + need > s->live_cap) {
        size_t lru = 0;
        for (size_t i = 1; i < s->nlive; i++) {
            if (s->live[i].used < s->live[lru].used)
                lru = i;
        }
        drop_live(s, lru);
    }
}

/*
 * Returns c's state, set up under c's team size (the harness has already set
 * it) so that a kernel's parallel first touch places pages where this team
 * runs.  NULL with why set when setup fails.
 */
static void *ensure_state(struct omps_sweep *s, const struct omps_config *c, char *why,
                          size_t why_len)
{
    for (size_t i = 0; i < s->nlive; i++) {
        if (omps_key_same_state(s->live[i].key, &c->key, s->plan->share_states)) {
            s->live[i].used = ++s->clock;
            s->now_live = i;
            return s->live[i].state;
        }
    }
    const double bytes = c->key.kernel->footprint(c->key.n);
    make_room(s, bytes);
    void *state = NULL;
    const double t0 = now();
    /* A state every team size shares is first touched by all the CPUs,
     * which is quicker than by the team that happens to need it first. */
    if (s->plan->share_states && c->key.kernel->ranked == OMPS_RANKED_NO)
        omp_set_num_threads(omp_get_num_procs());
    const int rc = c->key.kernel->setup(&state, c->key.n, c->key.params);
    omp_set_num_threads(c->key.threads);
    s->out->time.setup += now() - t0;
    if (rc != OMPS_OK) {
        snprintf(why, why_len, "%s: setup at n=%llu failed: %s", c->key.kernel->name,
                 (unsigned long long)c->key.n, omps_strerror(rc));
        return NULL;
    }
    s->now_live = s->nlive;
    s->live[s->nlive++] = (struct live){&c->key, state, bytes, ++s->clock, 0, 0};
    s->live_bytes += bytes;
    return state;
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
    omps_team_reset(&s->team);
    const struct omps_kernel *k = sweep_current(s)->key.kernel;
    const double t0 = now();
    if (s->check_salt != 0 && k->poison_sample != NULL)
        k->poison_sample(s->state, s->check_salt, sweep_current(s)->key.schedule.chunk);
    else if (k->poison != NULL && !l->poisoned)
        k->poison(s->state);
    s->out->time.poison += now() - t0;
    /* The batch's runs write the outputs. */
    l->poisoned = 0;
    l->warm_threads = sweep_current(s)->key.threads;
    return 0;
}

void sweep_hook_prepare(void *ctx)
{
    struct omps_sweep *s = ctx;
    const double t0 = now();
    sweep_current(s)->key.kernel->prepare(s->state);
    s->out->time.prepare += now() - t0;
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
    const double t0 = now();
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
    s->out->time.verify += now() - t0;
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

static int add_seconds(struct tally *t, double seconds)
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
static void update_width(struct tally *t)
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
    FILE *f = open_memstream(&block, &len);
    if (f == NULL)
        return OMPS_ENOMEM;
    for (int i = 0; i < r->repetitions; i++) {
        const struct omps_run_row row = {&sweep_current(s)->key, (int)(first + (size_t)i),
                                         r->seconds[i], r->verified[i],
                                         sweep_current(s)->oversubscribed, s->round,
                                         s->probe_ns, s->runtime, s->result};
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

/* Marks t as a configuration that could not run; the first such reason is
 * the one the run reports at its end. */
static void mark_dead(struct omps_sweep *s, struct tally *t, const char *why)
{
    t->dead = 1;
    s->out->errors++;
    if (s->out->error[0] == '\0')
        snprintf(s->out->error, sizeof s->out->error, "%s", why);
}

static void note_failure(struct omps_sweep *s, const char *why)
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
        fprintf(s->answer, "error\t%s\n", r->error);
    for (int i = 0; r->error == NULL && i < r->repetitions; i++)
        fprintf(s->answer, "rep\t%ld\t%.17g\t%d\t%.17g\n", r->iterations, r->seconds[i],
                r->verified[i], s->result);
    if (r->failure != NULL)
        fprintf(s->answer, "failure\t%s\n", r->failure);
    fflush(s->answer);
}

static void hook_report(void *ctx, const struct omps_gb_result *r)
{
    struct omps_sweep *s = ctx;
    struct tally *t = &s->tally[s->current];
    if (s->answer != NULL)
        answer_result(s, r);
    if (r->error != NULL) {
        if (!*s->stop)
            mark_dead(s, t, r->error);
        return;
    }
    const size_t first = t->count;
    for (int i = 0; i < r->repetitions; i++) {
        if (add_seconds(t, r->seconds[i]) != OMPS_OK)
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
    update_width(t);
    if (t->failed && s->answer == NULL)
        note_failure(s, r->failure);
}

const struct omps_gb_hooks omps_sweep_hooks = {
    sweep_hook_begin, sweep_hook_prepare, sweep_hook_body, sweep_hook_end, hook_stop, hook_report};

/* ---- one visit -------------------------------------------------------- */

/* A repetition lasts at least this many times what its visit spends
 * untimed once (poisoning, verification, warm-up), so that a large state's
 * checks, which take about as long as one run of it, cost at most about a
 * third of its visits.  Prepare steps are left out: they come with every
 * run, and a longer repetition would only need more of them. */
#define TIMED_PER_UNTIMED 2.0

/* The once-a-visit untimed seconds, from the account before (was) and
 * after a visit. */
static double untimed_since(const struct omps_sweep_time *was, const struct omps_sweep_time *is)
{
    return (is->poison - was->poison) + (is->verify - was->verify) +
           (is->warmup - was->warmup);
}

/* Records a visit's untimed seconds, apart for full and sampled checks. */
static void note_untimed(struct tally *t, double untimed, int sampled)
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
 * TIMED_PER_UNTIMED times the visit's untimed seconds: later visits reuse
 * the first visit's iteration count until the count that length needs
 * differs from it by more than a quarter. */
static void adapt_iterations(struct tally *t, double min_time)
{
    if (t->count == 0 || t->iterations <= 0)
        return;
    const double per_run = t->seconds[t->count - 1];
    const double want = fmax(min_time, TIMED_PER_UNTIMED * expected_untimed(t));
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
    const double t0 = now();
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
    s->out->time.warmup += now() - t0;
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
    s->state = ensure_state(s, c, why, why_len);
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
    const double t0 = now();
    const struct omps_sweep_time at_start = s->out->time;
    char why[512], name[256];
    if (sweep_start_visit(s, i, why, sizeof why) == NULL) {
        mark_dead(s, t, why);
        /* A child's parent must hear why, not only that nothing was timed. */
        if (s->answer != NULL)
            fprintf(s->answer, "error\t%s\n", why);
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
    const double gb0 = now();
    const int rc = omps_gb_run_batch(s->gb, name, s, &go);
    /* Whatever the batch's hooks and timed runs did not take is Google
     * Benchmark's own: its search for an iteration count, and reporting. */
    const struct omps_sweep_time *is = &s->out->time;
    s->out->time.search += now() - gb0 - (is->poison - was.poison) -
                           (is->prepare - was.prepare) - (is->verify - was.verify) -
                           (is->timed - was.timed);
    note_untimed(t, untimed_since(&at_start, is),
                 s->check_salt != 0 && c->key.kernel->verify_sample != NULL);
    /* A batch that reported nothing would be visited again forever. */
    if (rc == OMPS_OK && t->count == before && !t->dead && !*s->stop) {
        snprintf(why, sizeof why, "%.300s: Google Benchmark ran nothing", name);
        mark_dead(s, t, why);
    }
    adapt_iterations(t, s->plan->min_time);
    /* A state's set-up is paid once, not by every visit to come. */
    t->visit_s = now() - t0 - (is->setup - at_start.setup);
    return rc != OMPS_OK ? rc : s->io_failed;
}

/* ---- rounds ----------------------------------------------------------- */

/* What the next visit of i should cost: the estimate before any visit; the
 * last visit's cost, less any state set-up, once there is a later visit to
 * go on (a first visit also searched for its iteration count, about half
 * its cost). */
static double visit_cost(const struct omps_sweep *s, size_t i)
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
            cost += visit_cost(s, i);
        }
    }
    const double left = s->opts->budget - (now() - s->started);
    *trimmed = 0;
    if (cost <= left)
        return n;
    sort_context = s;
    qsort(order, n, sizeof *order, by_need);
    size_t k = 0;
    for (double spent = 0.0; k < n && spent + visit_cost(s, order[k]) <= left; k++)
        spent += visit_cost(s, order[k]);
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

static void show_progress(const struct omps_sweep *s, size_t k, size_t n, size_t i)
{
    if (!s->show_progress)
        return;
    char name[256], elapsed[32], budget[32];
    omps_key_name(&s->plan->configs[i].key, name, sizeof name);
    omps_format_duration(now() - s->started, elapsed, sizeof elapsed);
    omps_format_duration(s->opts->budget, budget, sizeof budget);
    fprintf(stderr, "\r\033[K[round %ld, %zu/%zu | %s of %s] %s", s->round + 1, k + 1, n,
            elapsed, budget, name);
    fflush(stderr);
}

/* Each round starts with a short probe of the pair a 2-thread team runs on
 * (latency.h): the host can move the vCPUs between rounds, and the probe
 * lets summary.csv tell rounds on different placements apart.  About a
 * millisecond. */
static void probe_round(struct omps_sweep *s)
{
    int a, b;
    const double t0 = now();
    s->probe_ns = NAN;
    if (omps_latency_round_pair(&a, &b) == 0)
        omps_latency_pair(a, b, 3, &s->probe_ns);
    s->out->time.probes += now() - t0;
}

/* Records when every configuration that can still run first had its
 * minimum repetitions (the figure the plan's estimate is checked by). */
static void note_minimum(struct omps_sweep *s)
{
    if (!isnan(s->out->minimum_s))
        return;
    for (size_t i = 0; i < s->plan->count; i++) {
        const struct tally *t = &s->tally[i];
        if (!t->dead && !t->failed && t->count < (size_t)s->opts->repetitions)
            return;
    }
    s->out->minimum_s = now() - s->started;
}

/* ---- environment groups in child processes (child.h) ----------------- */

/* How long a child may stay silent before it is called hung: many times
 * what its visit should cost, and never less than a minute, since a first
 * visit also searches for its iteration count on a machine that may be
 * loaded.  OMPSCALE_CHILD_TIMEOUT (seconds) replaces it, for tests and for
 * machines slower than that. */
static double hang_limit(const struct omps_sweep *s, size_t i)
{
    const char *given = getenv("OMPSCALE_CHILD_TIMEOUT");
    double v;
    if (given != NULL && omps_parse_double(given, &v) == 0 && v > 0)
        return v;
    return fmax(60.0, 20.0 * visit_cost(s, i));
}

/* Marks configuration i as failed verification (failed) or as unable to
 * run, naming why. */
static void group_failure(struct omps_sweep *s, size_t i, int failed, const char *why)
{
    struct tally *t = &s->tally[i];
    s->current = i;
    if (failed) {
        t->failed = 1;
        note_failure(s, why);
        return;
    }
    char name[256], error[512];
    omps_key_name(&sweep_current(s)->key, name, sizeof name);
    snprintf(error, sizeof error, "%.200s: %.300s", name, why);
    mark_dead(s, t, error);
    /* mpirun that cannot start ranks will not start the next group either. */
    fprintf(stderr, "%sompscale: %s: %s; %s\n", s->show_progress ? "\r\033[K" : "", name, why,
            s->launch_failed ? "the sweep stops, keeping what it has done" : "the sweep goes on");
}

/* Splits line at tabs into at most max fields, keeping empty ones (an empty
 * params field is one); a newline ends the last.  Returns how many. */
size_t sweep_split_tabs(char *line, char **field, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\n")] = '\0';
    for (char *p = line; p != NULL && n < max;)
        field[n++] = strsep(&p, "\t");
    return n;
}

/* Checks the child's first line, what it saw ("env", then each axis's value,
 * the runtime, and "ok" or why its own check failed), against e.  Returns 1,
 * or 0 with why filled. */
static int child_saw(struct omps_sweep *s, const struct omps_env *e, char *line, char *why,
                     size_t len)
{
    char *field[OMPS_AXES + 3];
    const size_t n = sweep_split_tabs(line, field, OMPS_AXES + 3);
    if (n != OMPS_AXES + 3 || strcmp(field[0], "env") != 0) {
        snprintf(why, len, "the child did not report its environment");
        return 0;
    }
    for (int a = 0; a < OMPS_AXES; a++) {
        const char *want = omps_env_value((enum omps_axis)a, e->value[a]);
        const char *saw = strcmp(field[1 + a], "-") == 0 ? "" : field[1 + a];
        if (strcmp(saw, want) != 0) {
            snprintf(why, len, "the child saw %s '%s' where the sweep set '%s'",
                     omps_axis_column((enum omps_axis)a), saw, want);
            return 0;
        }
    }
    snprintf(s->runtime, sizeof s->runtime, "%s", field[OMPS_AXES + 1]);
    if (strcmp(field[OMPS_AXES + 2], "ok") != 0) {
        snprintf(why, len, "%s", field[OMPS_AXES + 2]);
        return 0;
    }
    return 1;
}

/* The last tab-separated field of the "node" line line[0..len): the ranks
 * on that host. */
static long node_ranks(const char *line, size_t len)
{
    while (len > 0 && line[len - 1] != '\t')
        len--;
    return len > 0 ? strtol(line + len, NULL, 10) : 0;
}

/* Records a "node" line a group of ranks reported, once per host: the one
 * from the group that ran the most ranks there. */
static void note_node(struct omps_sweep *s, const char *line)
{
    char *nodes = s->out->nodes;
    const size_t host = strcspn(line + 5, "\t") + 5;
    for (char *p = nodes; *p; p = strchr(p, '\n') + 1) {
        if (strncmp(p, line, host) != 0 || p[host] != '\t')
            continue;
        char *end = strchr(p, '\n') + 1;
        if (node_ranks(line, strlen(line)) <= node_ranks(p, (size_t)(end - 1 - p)))
            return;
        memmove(p, end, strlen(end) + 1);
        break;
    }
    const size_t used = strlen(nodes);
    snprintf(nodes + used, sizeof s->out->nodes - used, "%s\n", line);
}

/* Fills vars with the variables that the ranks on other hosts must be
 * given, since mpirun passes its own environment only to the ranks it starts
 * here: the PMIx store, and the environment axes' variables this group sets
 * or that are already set (mpirun warns of one it cannot find).  Returns
 * vars, ended by NULL. */
static const char **remote_variables(const struct omps_sweep *s, const char **vars)
{
    size_t n = 0;
    vars[n++] = OMPS_PMIX_STORE;
    for (int a = 0; a < OMPS_AXES; a++) {
        const char *v = omps_axis_variable((enum omps_axis)a);
        if (v != NULL && (s->swept[a] || getenv(v) != NULL))
            vars[n++] = v;
    }
    vars[n] = NULL;
    return vars;
}

/* Writes the launcher's part of a group's command line (none for an OpenMP
 * kernel's child); returns how many arguments. */
static size_t launch_args(const struct omps_sweep *s, const struct omps_config *cf, char **args,
                          size_t cap, char *text, size_t len)
{
    const int ranks = omps_key_launch_ranks(&cf->key);
    const char *vars[OMPS_AXES + 2];
    if (ranks == 0)
        return 0;
    const struct omps_launch l = {
        .mpirun = s->mpirun, .hostfile = s->opts->hostfile, .ranks = ranks,
        .cores = s->plan->node_cores, .nodes = s->opts->hosts,
        /* A kernel that spawns ranks needs room for them beside its own. */
        .oversubscribe = s->opts->oversubscribe || cf->oversubscribed ||
                         cf->key.kernel->ranked == OMPS_RANKED_SPAWN,
        .variables = s->opts->hostfile ? remote_variables(s, vars) : NULL};
    return omps_ranks_launch_args(&l, args, cap, text, len);
}

/* Starts the child for the group of configuration first (its environment,
 * and its ranks through mpirun for a process kernel), to take n visits, and
 * reads what it saw.  Returns 1 when it is ready, 0 when its environment
 * failed its check (why), -1 when it could not start or answer (why). */
static int start_child(struct omps_sweep *s, struct omps_child *c, size_t first, size_t n,
                       int kept, char *why, size_t len)
{
    const struct omps_config *cf = &s->plan->configs[first];
    const struct omps_env *e = &cf->key.env;
    char binary[4096], min_time[32], count[32], llc[32], live[32], json[4096 + 64], line[1024],
        text[8192], *share = s->plan->share_states ? "1" : "0";
    char *args[72];
    const char *tc = omps_env_value(OMPS_AXIS_TOOLCHAIN, e->value[OMPS_AXIS_TOOLCHAIN]);
    if (omps_toolchain_binary(s->opts, e->value[OMPS_AXIS_TOOLCHAIN], binary, sizeof binary,
                              why, len) != OMPS_OK)
        return -1;
    snprintf(min_time, sizeof min_time, "%.17g", s->plan->min_time);
    snprintf(count, sizeof count, "%zu", n);
    snprintf(llc, sizeof llc, "%.17g", s->plan->llc_bytes);
    /* The kept children share the memory states may take. */
    snprintf(live, sizeof live, "%.17g",
             s->live_cap / (double)(s->plan->environments > 0 ? s->plan->environments : 1));
    /* Named by the round it starts in too, so a resumed run's children do
     * not overwrite the JSON of the run it continues. */
    if (kept)
        snprintf(json, sizeof json, "%s/children/e%zu-r%ld.json", s->journal->dir, first,
                 s->round);
    else
        snprintf(json, sizeof json, "%s/children/r%ld-%zu.json", s->journal->dir, s->round,
                 first);
    size_t k = launch_args(s, cf, args, 48, text, sizeof text);
    const int launcher = k > 0;
    char *own[] = {binary, "child", "--min-time", min_time, "--count", count, "--llc", llc,
                   "--share-states", share, "--live-bytes", live, "--json", json,
                   "--toolchain", (char *)tc, "--ranks", "mpirun", NULL};
    for (size_t i = 0; own[i] != NULL && (launcher || i < 16); i++)
        args[k++] = own[i];
    args[k] = NULL;
    if (omps_child_start(c, launcher ? s->mpirun : binary, args, e, s->swept, s->libomp_dir,
                         launcher, why, len) != OMPS_OK)
        return -1;
    int got;
    do
        got = omps_child_read_line(c, line, sizeof line, now() + hang_limit(s, first), s->stop);
    while (got == 1 && strncmp(line, "node\t", 5) == 0 && (note_node(s, line), 1));
    if (got == 1)
        return child_saw(s, e, line, why, len);
    /* A launcher that could not start its ranks ends the sweep (exit 2, with
     * mpirun's own message above); a group that started and then failed
     * does not. */
    s->launch_failed |= launcher && got == 0;
    char how[128];
    omps_child_finish(c, 1, how, sizeof how);
    if (got == -2)
        return -1;
    if (launcher)
        snprintf(why, len, "mpirun did not start %d rank%s (it %s; its own message is above)",
                 omps_key_launch_ranks(&cf->key), omps_key_launch_ranks(&cf->key) == 1 ? "" : "s",
                 how);
    else
        snprintf(why, len, got == -1 ? "the child did not start within its limit (it %s)"
                                     : "the child ended before it started (it %s)", how);
    return -1;
}

/* Adds a child's "time" line (answer_time in sweep_child.c) to the sweep's
 * account. */
static void add_child_time(struct omps_sweep *s, const char *fields)
{
    struct omps_sweep_time t = {0};
    if (sscanf(fields, "%lf\t%lf\t%lf\t%lf\t%lf\t%lf", &t.setup, &t.poison, &t.prepare,
               &t.verify, &t.warmup, &t.search) == 6)
        omps_sweep_time_add(&s->out->time, &t);
}

/* Reads one visit's answer (rep, time, failure and error lines, then "done")
 * into r.  Returns 1, 0 when the child ended, -1 when it hung, -2 on an
 * interrupt. */
static int read_answer(struct omps_sweep *s, struct omps_child *c, size_t i,
                       struct omps_gb_result *r, double *seconds, int *verified,
                       char *failure, char *error, size_t len)
{
    char line[1024];
    const double deadline = now() + hang_limit(s, i);
    memset(r, 0, sizeof *r);
    r->seconds = seconds;
    r->verified = verified;
    for (;;) {
        const int got = omps_child_read_line(c, line, sizeof line, deadline, s->stop);
        if (got != 1)
            return got;
        if (strcmp(line, "done") == 0)
            return 1;
        if (strncmp(line, "time\t", 5) == 0) {
            add_child_time(s, line + 5);
            continue;
        }
        if (strncmp(line, "failure\t", 8) == 0) {
            snprintf(failure, len, "%.*s", (int)len - 1, line + 8);
            r->failure = failure;
        } else if (strncmp(line, "error\t", 6) == 0) {
            snprintf(error, len, "%.*s", (int)len - 1, line + 6);
            r->error = error;
        }
        else if (r->repetitions < OMPS_CHILD_REPETITIONS &&
                 sscanf(line, "rep\t%ld\t%lf\t%d\t%lf", &r->iterations, &seconds[r->repetitions],
                        &verified[r->repetitions], &s->result) == 4)
            r->repetitions++;
    }
}

/* Sends configuration i to the child and records its answer as a visit in
 * this process would be.  Returns 1, or what read_answer returned. */
static int child_visit(struct omps_sweep *s, struct omps_child *c, size_t i)
{
    const struct omps_config *cf = &s->plan->configs[i];
    struct tally *t = &s->tally[i];
    double seconds[OMPS_CHILD_REPETITIONS];
    int verified[OMPS_CHILD_REPETITIONS];
    char line[512], failure[512] = "", error[512] = "";
    struct omps_gb_result r;
    const double t0 = now();
    const uint64_t salt = sweep_check_salt(s, i);
    snprintf(line, sizeof line, "visit\t%s\t%s\t%llu\t%d\t%s\t%d\t%ld\t%d\t%llu\n",
             cf->key.kernel->name, cf->key.params_text, (unsigned long long)cf->key.n,
             cf->key.threads, omps_schedule_name(cf->key.schedule.kind), cf->key.schedule.chunk,
             t->iterations, cf->oversubscribed, (unsigned long long)salt);
    if (omps_child_send(c, line) != 0)
        return 0;
    const struct omps_sweep_time was = s->out->time;
    const int got = read_answer(s, c, i, &r, seconds, verified, failure, error, sizeof failure);
    if (got != 1)
        return got;
    s->current = i;
    const size_t before = t->count;
    hook_report(s, &r);
    note_untimed(t, untimed_since(&was, &s->out->time),
                 salt != 0 && cf->key.kernel->verify_sample != NULL);
    if (t->count == before && !t->dead) {
        group_failure(s, i, 0, "the child timed nothing");
        return 1;
    }
    adapt_iterations(t, s->plan->min_time);
    t->visit_s = now() - t0 - (s->out->time.setup - was.setup);
    return 1;
}

/* Returns 1 when configurations a and b run in one group: one environment
 * and, for process kernels, one launch of ranks. */
static int same_group(const struct omps_sweep *s, size_t a, size_t b)
{
    return omps_key_same_launch(&s->plan->configs[a].key, &s->plan->configs[b].key);
}

/* How many configurations share configuration first's group. */
static size_t group_size(const struct omps_sweep *s, size_t first)
{
    size_t n = 0;
    for (size_t i = 0; i < s->plan->count; i++)
        n += same_group(s, i, first);
    return n;
}

/* The kept child of configuration i's group, or NULL. */
static struct kept_child *kept_of(struct omps_sweep *s, size_t i)
{
    for (size_t k = 0; k < s->nkept; k++) {
        if (same_group(s, s->kept[k].first, i))
            return &s->kept[k];
    }
    return NULL;
}

/* Ends kept child k (woken first, so that it can read the end of its
 * input), killing it when kill_it, and forgets it.  Returns 1 when it exited
 * cleanly; how says how it ended. */
static int end_kept(struct omps_sweep *s, struct kept_child *k, int kill_it, char *how,
                    size_t len)
{
    const double t0 = now();
    if (k->stopped)
        kill(k->child.pid, SIGCONT);
    const int clean = omps_child_finish(&k->child, kill_it, how, len);
    s->out->time.children += now() - t0;
    *k = s->kept[--s->nkept];
    return clean;
}

/* Ends every kept child at the end of the sweep. */
static void end_all_kept(struct omps_sweep *s)
{
    char how[128];
    while (s->nkept > 0) {
        const int clean = end_kept(s, &s->kept[s->nkept - 1], *s->stop != 0, how, sizeof how);
        if (!clean && !*s->stop)
            fprintf(stderr, "ompscale: a child %s after its visits\n", how);
    }
}

/* The child for the group of order[0]: its kept child, woken, or a new one
 * (kept when the group is an environment's, not a launch of ranks).
 * Returns 1 with *c set, 0 when its environment failed its check, -1 when
 * it could not start (why). */
static int group_child(struct omps_sweep *s, size_t first, size_t n, struct omps_child **c,
                       struct omps_child *fresh, char *why, size_t len)
{
    struct kept_child *k = kept_of(s, first);
    const double t0 = now();
    if (k != NULL) {
        if (k->stopped)
            kill(k->child.pid, SIGCONT);
        k->stopped = 0;
        *c = &k->child;
        /* The rows it times name the runtime it loaded. */
        snprintf(s->runtime, sizeof s->runtime, "%s", k->runtime);
        s->out->time.children += now() - t0;
        return 1;
    }
    const int keep = omps_key_launch_ranks(&s->plan->configs[first].key) == 0 &&
                     s->nkept < s->kept_cap;
    const int ready = start_child(s, fresh, first, keep ? group_size(s, first) : n, keep, why,
                                  len);
    s->out->time.children += now() - t0;
    *c = fresh;
    if (ready == 1 && keep) {
        s->kept[s->nkept] = (struct kept_child){.child = *fresh, .first = first};
        snprintf(s->kept[s->nkept].runtime, sizeof s->kept[s->nkept].runtime, "%s", s->runtime);
        *c = &s->kept[s->nkept++].child;
    }
    return ready;
}

/* Runs the visits order[0..n) of one group in its child.  Returns 0, an
 * error code, or 1 when the budget ended the round. */
static int run_group(struct omps_sweep *s, const size_t *order, size_t n, size_t done,
                     size_t total)
{
    struct omps_child fresh, *c;
    char why[512], how[128];
    const int ready = group_child(s, order[0], n, &c, &fresh, why, sizeof why);
    if (ready <= 0) {
        if (ready == 0)
            omps_child_finish(c, 1, how, sizeof how);
        for (size_t k = 0; k < n && !*s->stop; k++)
            group_failure(s, order[k], ready == 0, why);
        return OMPS_OK;
    }
    int rc = OMPS_OK, got = 1;
    size_t k = 0;
    for (; k < n && got == 1 && !*s->stop; k++) {
        if (now() - s->started + visit_cost(s, order[k]) > s->opts->budget) {
            s->out->budget_spent = 1;
            rc = 1;
            break;
        }
        show_progress(s, done + k, total, order[k]);
        got = child_visit(s, c, order[k]);
        note_minimum(s);
    }
    struct kept_child *kept = kept_of(s, order[0]);
    int clean = 1;
    if (kept != NULL && got == 1 && !*s->stop) {
        /* Kept for the next round, and stopped until then. */
        kill(kept->child.pid, SIGSTOP);
        kept->stopped = 1;
    } else if (kept != NULL) {
        clean = end_kept(s, kept, got != 1, how, sizeof how);
    } else {
        const double t0 = now();
        clean = omps_child_finish(c, got != 1, how, sizeof how);
        s->out->time.children += now() - t0;
    }
    /* A group of ranks ends through mpirun, which reports the rank first. */
    const char *who = omps_key_launch_ranks(&s->plan->configs[order[0]].key) != 0
                          ? "mpirun, for its ranks,"
                          : "the child";
    if (got == 0 || got == -1) {
        snprintf(why, sizeof why, "%s %s", who, got == -1 ? "hung, so it was killed" : how);
        group_failure(s, order[k - 1], 0, why);
    } else if (got == 1 && !clean && !*s->stop) {
        fprintf(stderr, "ompscale: %s %s after its visits\n", who, how);
    }
    return rc != OMPS_OK ? rc : s->io_failed;
}

/* Visits the round's configurations order[0..n) one group at a time (an
 * environment, and for process kernels a rank count), each group in a fresh
 * child or mpirun; the groups come in the order their first configuration
 * has in the shuffled round. */
static int run_round_children(struct omps_sweep *s, size_t *order, size_t n)
{
    size_t *group = malloc((n + 1) * sizeof *group);
    char *taken = calloc(n + 1, 1);
    int rc = group && taken ? OMPS_OK : OMPS_ENOMEM;
    size_t done = 0;
    for (size_t i = 0; rc == OMPS_OK && i < n && !*s->stop && !s->launch_failed; i++) {
        if (taken[i])
            continue;
        size_t m = 0;
        for (size_t j = i; j < n; j++) {
            if (!taken[j] && same_group(s, order[j], order[i])) {
                group[m++] = order[j];
                taken[j] = 1;
            }
        }
        rc = run_group(s, group, m, done, n);
        done += m;
    }
    free(group);
    free(taken);
    return rc;
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
    probe_round(s);
    /* With environment groups every configuration runs in a child; without
     * them the OpenMP kernels run here, and only the process kernels in
     * groups of ranks, after them. */
    const size_t local = s->plan->children ? 0 : move_ranked_last(s, order, n);
    for (size_t k = 0; k < local && !*s->stop; k++) {
        if (now() - s->started + visit_cost(s, order[k]) > s->opts->budget) {
            s->out->budget_spent = 1;
            return 1;
        }
        show_progress(s, k, n, order[k]);
        s->check_salt = sweep_check_salt(s, order[k]);
        const int rc = sweep_visit(s, order[k]);
        if (rc != OMPS_OK)
            return rc;
        note_minimum(s);
    }
    int rc = OMPS_OK;
    if (local < n && !*s->stop)
        rc = run_round_children(s, order + local, n - local);
    if (rc == OMPS_OK)
        s->round++;
    return s->launch_failed ? 1 : rc;
}

/* ---- set-up and results ----------------------------------------------- */

static const struct omps_plan *index_plan;

static int by_key(const void *a, const void *b)
{
    return omps_key_compare(&index_plan->configs[*(const size_t *)a].key,
                            &index_plan->configs[*(const size_t *)b].key);
}

static int find_config(const struct omps_plan *plan, const size_t *sorted,
                       const struct omps_key *key)
{
    size_t lo = 0, hi = plan->count;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int c = omps_key_compare(&plan->configs[sorted[mid]].key, key);
        if (c == 0)
            return (int)sorted[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Counts what a resumed run already holds. */
static int load_done(struct omps_sweep *s, const struct omps_runs *done, char *err,
                     size_t err_len)
{
    size_t *sorted = malloc((s->plan->count + 1) * sizeof *sorted);
    if (sorted == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < s->plan->count; i++)
        sorted[i] = i;
    index_plan = s->plan;
    qsort(sorted, s->plan->count, sizeof *sorted, by_key);
    int rc = OMPS_OK;
    for (size_t r = 0; rc == OMPS_OK && r < done->count; r++) {
        const struct omps_run_record *row = &done->rows[r];
        const int i = find_config(s->plan, sorted, &row->key);
        if (i < 0) {
            char name[256];
            omps_key_name(&row->key, name, sizeof name);
            snprintf(err, err_len, "runs.csv:%zu: %s is not in this run's plan", row->line,
                     name);
            rc = OMPS_EINVAL;
            break;
        }
        rc = add_seconds(&s->tally[i], row->seconds);
        s->tally[i].failed |= !row->verified;
        if (row->round + 1 > s->round)
            s->round = row->round + 1;
    }
    for (size_t i = 0; rc == OMPS_OK && i < s->plan->count; i++) {
        update_width(&s->tally[i]);
        if (s->tally[i].failed) {
            s->current = i;
            note_failure(s, "a journaled repetition did not verify");
        }
    }
    free(sorted);
    return rc;
}

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
    s->skip_runs = getenv("OMPSCALE_SKIP_RUNS");
    return OMPS_OK;
}

void sweep_free(struct omps_sweep *s)
{
    while (s->nlive > 0)
        drop_live(s, s->nlive - 1);
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
    s->out->seconds = now() - s->started;
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
        rc = load_done(&s, done, err, err_len);
    if (rc == OMPS_OK) {
        rc = omps_gb_create(&s.gb, argv0, json_path, &omps_sweep_hooks);
        if (rc == OMPS_EIO)
            snprintf(err, err_len, "%s: %s", json_path, strerror(errno));
    }
    s.started = now();
    if (rc == OMPS_OK) {
        rc = sweep_rounds(&s);
        end_all_kept(&s);
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
