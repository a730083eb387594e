/* Running a plan in shuffled rounds through the Google Benchmark shim. */
#define _POSIX_C_SOURCE 200809L
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "../kernels/errors.h"
#include "csv_write.h"
#include "gbench_shim.h"
#include "latency.h"
#include "stats.h"

/* No configuration is visited more often than this, whatever its noise. */
#define MAX_REPETITIONS 100
/* Kernel states kept alive together may take this share of memory. */
#define LIVE_MEMORY_SHARE 0.5

/* What the sweep knows of one configuration as it runs. */
struct tally {
    double *seconds;
    size_t count, cap;
    long iterations; /* kernel runs per repetition; 0 until the first visit */
    double visit_s;  /* what the last visit cost, all told; 0 before one */
    double width;    /* the median interval's half-width / median */
    int failed;      /* a repetition failed verification */
    int dead;        /* the configuration could not run */
};

/* A kernel state kept alive across rounds. */
struct live {
    const struct omps_key *key;
    void *state;
    double bytes;
    unsigned long long used; /* when it last served a visit */
};

struct omps_sweep {
    const struct omps_run_options *opts;
    const struct omps_plan *plan;
    struct tally *tally;
    size_t *group; /* each configuration's first config with its state */
    struct live *live;
    size_t nlive;
    double live_bytes, live_cap;
    unsigned long long clock;
    struct omps_team team;
    volatile sig_atomic_t *stop;
    struct omps_journal *journal;
    struct omps_gb *gb;
    double started;
    int show_progress;
    struct omps_sweep_outcome *out;
    int io_failed;
    /* The visit in progress. */
    size_t current;
    void *state;
    long round;
    double probe_ns; /* this round's cache-line round trip; NaN: none */
};

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

/* ---- kernel states ---------------------------------------------------- */

static void drop_live(struct omps_sweep *s, size_t i)
{
    struct live *l = &s->live[i];
    l->key->kernel->teardown(l->state);
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
        if (omps_key_same_state(s->live[i].key, &c->key)) {
            s->live[i].used = ++s->clock;
            return s->live[i].state;
        }
    }
    const double bytes = c->key.kernel->footprint(c->key.n);
    make_room(s, bytes);
    void *state = NULL;
    const int rc = c->key.kernel->setup(&state, c->key.n, c->key.params);
    if (rc != OMPS_OK) {
        snprintf(why, why_len, "%s: setup at n=%llu failed: %s", c->key.kernel->name,
                 (unsigned long long)c->key.n, omps_strerror(rc));
        return NULL;
    }
    s->live[s->nlive++] = (struct live){&c->key, state, bytes, ++s->clock};
    s->live_bytes += bytes;
    return state;
}

/* ---- Google Benchmark hooks ------------------------------------------ */

static const struct omps_config *current(const struct omps_sweep *s)
{
    return &s->plan->configs[s->current];
}

static int hook_begin(void *ctx, char *why, size_t why_len)
{
    struct omps_sweep *s = ctx;
    (void)why;
    (void)why_len;
    omps_team_reset(&s->team);
    if (current(s)->key.kernel->poison != NULL)
        current(s)->key.kernel->poison(s->state);
    return 0;
}

static void hook_prepare(void *ctx)
{
    struct omps_sweep *s = ctx;
    current(s)->key.kernel->prepare(s->state);
}

static void hook_body(void *ctx)
{
    struct omps_sweep *s = ctx;
    current(s)->key.kernel->run(s->state, &s->team);
}

static int hook_end(void *ctx, char *why, size_t why_len)
{
    struct omps_sweep *s = ctx;
    if (current(s)->key.kernel->verify(s->state, why, why_len) != 0)
        return 0;
    return omps_team_check(&s->team, why, why_len) == 0;
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
        const struct omps_run_row row = {&current(s)->key, (int)(first + (size_t)i),
                                         r->seconds[i], r->verified[i],
                                         current(s)->oversubscribed, s->round,
                                         s->probe_ns};
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

static void note_failure(struct omps_sweep *s, const char *why)
{
    char name[256];
    omps_key_name(&current(s)->key, name, sizeof name);
    s->out->failures++;
    fprintf(stderr, "%sompscale: verification failed: %s: %s\n",
            s->show_progress ? "\r\033[K" : "", name, why ? why : "a repetition did not verify");
}

static void hook_report(void *ctx, const struct omps_gb_result *r)
{
    struct omps_sweep *s = ctx;
    struct tally *t = &s->tally[s->current];
    if (r->error != NULL) {
        if (!*s->stop) {
            t->dead = 1;
            s->out->errors++;
            if (s->out->error[0] == '\0')
                snprintf(s->out->error, sizeof s->out->error, "%s", r->error);
        }
        return;
    }
    const size_t first = t->count;
    for (int i = 0; i < r->repetitions; i++) {
        if (add_seconds(t, r->seconds[i]) != OMPS_OK)
            s->io_failed = OMPS_ENOMEM;
        t->failed |= !r->verified[i];
    }
    if (t->iterations == 0)
        t->iterations = r->iterations;
    if (journal_rows(s, r, first) != OMPS_OK && !s->io_failed)
        s->io_failed = OMPS_EIO;
    s->out->visits += (size_t)r->repetitions;
    update_width(t);
    if (t->failed)
        note_failure(s, r->failure);
}

static const struct omps_gb_hooks sweep_hooks = {
    hook_begin, hook_prepare, hook_body, hook_end, hook_stop, hook_report};

/* ---- one visit -------------------------------------------------------- */

/* Keeps a repetition near the asked length: later visits reuse the first
 * visit's iteration count unless it has drifted outside [0.5, 2] times. */
static void adapt_iterations(struct tally *t, double min_time)
{
    if (t->count == 0 || t->iterations <= 0)
        return;
    const double per_run = t->seconds[t->count - 1];
    const double length = per_run * (double)t->iterations;
    if (length < 0.5 * min_time || length > 2.0 * min_time)
        t->iterations = (long)fmax(1.0, ceil(min_time / per_run));
}

/* Sets the team and schedule, then one untimed run: the warm-up that brings
 * caches, pages and the thread pool back after other configurations ran. */
static void warm_up(struct omps_sweep *s, const struct omps_config *c)
{
    s->team.want_threads = c->key.threads;
    s->team.want_kind = c->key.schedule.kind;
    s->team.want_chunk = c->key.schedule.chunk;
    if (c->key.kernel->prepare != NULL)
        c->key.kernel->prepare(s->state);
    c->key.kernel->run(s->state, &s->team);
}

static void set_team(const struct omps_config *c)
{
    omp_set_dynamic(0);
    omp_set_num_threads(c->key.threads);
    if (c->key.schedule.kind != 0)
        omp_set_schedule(c->key.schedule.kind, c->key.schedule.chunk);
}

static int visit(struct omps_sweep *s, size_t i)
{
    const struct omps_config *c = &s->plan->configs[i];
    struct tally *t = &s->tally[i];
    const double t0 = now();
    char why[512], name[256];
    s->current = i;
    set_team(c);
    s->state = ensure_state(s, c, why, sizeof why);
    if (s->state == NULL) {
        t->dead = 1;
        s->out->errors++;
        if (s->out->error[0] == '\0')
            snprintf(s->out->error, sizeof s->out->error, "%s", why);
        return OMPS_OK;
    }
    warm_up(s, c);
    const struct omps_work w = c->key.kernel->work(c->key.n, c->key.params);
    const struct omps_gb_options go = {
        .min_time = s->plan->min_time, .iterations = t->iterations, .repetitions = 1,
        .has_prepare = c->key.kernel->prepare != NULL, .flops = w.flops,
        .bytes = w.bytes, .items = w.items};
    omps_key_name(&c->key, name, sizeof name);
    const size_t before = t->count;
    const int rc = omps_gb_run_batch(s->gb, name, s, &go);
    /* A batch that reported nothing would be visited again forever. */
    if (rc == OMPS_OK && t->count == before && !t->dead && !*s->stop) {
        t->dead = 1;
        s->out->errors++;
        if (s->out->error[0] == '\0')
            snprintf(s->out->error, sizeof s->out->error, "%s: Google Benchmark ran nothing",
                     name);
    }
    adapt_iterations(t, s->plan->min_time);
    t->visit_s = now() - t0;
    return rc != OMPS_OK ? rc : s->io_failed;
}

/* ---- rounds ----------------------------------------------------------- */

/* What the next visit of i should cost: the estimate before any visit; the
 * last visit's cost once there is a later visit to go on (a first visit
 * also searched for its iteration count, about half its cost). */
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
    s->probe_ns = NAN;
    if (omps_latency_round_pair(&a, &b) == 0)
        omps_latency_pair(a, b, 3, &s->probe_ns);
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
    for (size_t k = 0; k < n && !*s->stop; k++) {
        if (now() - s->started + visit_cost(s, order[k]) > s->opts->budget) {
            s->out->budget_spent = 1;
            return 1;
        }
        show_progress(s, k, n, order[k]);
        const int rc = visit(s, order[k]);
        if (rc != OMPS_OK)
            return rc;
    }
    s->round++;
    return 0;
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

static int sweep_init(struct omps_sweep *s, const struct omps_plan *plan)
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
            if (omps_key_same_state(&plan->configs[j].key, &plan->configs[i].key))
                g = j;
        }
        s->group[i] = g;
    }
    s->live_cap = LIVE_MEMORY_SHARE * plan->memory_bytes;
    return OMPS_OK;
}

static void sweep_free(struct omps_sweep *s)
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
    memset(out, 0, sizeof *out);
    int rc = sweep_init(&s, plan);
    if (rc == OMPS_OK && done != NULL)
        rc = load_done(&s, done, err, err_len);
    if (rc == OMPS_OK) {
        rc = omps_gb_create(&s.gb, argv0, json_path, &sweep_hooks);
        if (rc == OMPS_EIO)
            snprintf(err, err_len, "%s: %s", json_path, strerror(errno));
    }
    s.started = now();
    if (rc == OMPS_OK) {
        rc = sweep_rounds(&s);
        const int closed = omps_gb_finish(s.gb);
        rc = rc != OMPS_OK ? rc : closed;
        if (rc == OMPS_EIO && err[0] == '\0')
            snprintf(err, err_len, "writing %s failed: %s", j->dir, strerror(errno));
    }
    out->interrupted = *stop != 0;
    count_outcome(&s);
    omps_gb_destroy(s.gb);
    sweep_free(&s);
    return rc;
}
