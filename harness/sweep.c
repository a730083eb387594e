/* The rounds of a sweep: which configurations each round visits, in what
 * order, within what budget, and every visit's answer recorded the same way
 * wherever it ran (venue.h). */
#define _DEFAULT_SOURCE
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allot.h"
#include "csv_write.h"
#include "errors.h"
#include "latency.h"
#include "parse.h"
#include "stats.h"
#include "tally.h"
#include "venue.h"

/* Kernel states kept alive together may take this share of memory. */
#define LIVE_MEMORY_SHARE 0.5

/* The venues a sweep can use: this process, its children, programs by
 * command, the imitation. */
enum { VENUE_LOCAL, VENUE_CHILDREN, VENUE_COMMAND, VENUE_IMITATE, VENUES };

struct omps_sweep {
    const struct omps_run_options *opts;
    const struct omps_plan *plan;
    struct omps_tally *tally;
    struct omps_allot *allot; /* each configuration's need this round */
    size_t *group; /* each configuration's first config with its state */
    double live_cap;
    volatile sig_atomic_t *stop;
    struct omps_journal *journal;
    double started;
    int show_progress;
    struct omps_sweep_outcome *out;
    int io_failed;
    long round;
    double probe_ns; /* the visit's cache-line round trip; NaN: none */
    struct omps_venue venue[VENUES];
    int opened[VENUES];
    int imitate; /* OMPSCALE_VENUE=imitate: every visit goes to the imitation */
};

static double now(void)
{
    return omps_visit_now();
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

/* The venue configuration i runs in. */
static struct omps_venue *venue_of(struct omps_sweep *s, size_t i)
{
    if (s->imitate)
        return &s->venue[VENUE_IMITATE];
    if (s->plan->configs[i].key.kernel->command != NULL)
        return &s->venue[VENUE_COMMAND];
    if (s->plan->children || omps_key_launch_ranks(&s->plan->configs[i].key) != 0)
        return &s->venue[VENUE_CHILDREN];
    return &s->venue[VENUE_LOCAL];
}

/* A venue's optional steps (venue.h): NULL is one group, always ready,
 * ended cleanly, never broken. */
static int same_group(const struct omps_venue *v, size_t a, size_t b)
{
    return v->ops->same_group == NULL || v->ops->same_group(v, a, b);
}

static int broken(const struct omps_venue *v)
{
    return v->ops->broken != NULL && v->ops->broken(v);
}

/* ---- recording a visit ------------------------------------------------ */

/* Appends one row per repetition to the journal in one block. */
static int journal_rows(struct omps_sweep *s, size_t i, const struct omps_visit_answer *a,
                        size_t first, const char *runtime)
{
    char *block = NULL;
    size_t len = 0;
    const double busy = omps_load_since(&a->load_start, a->load_child);
    const struct omps_config *c = &s->plan->configs[i];
    FILE *f = open_memstream(&block, &len);
    if (f == NULL)
        return OMPS_ENOMEM;
    for (int r = 0; r < a->repetitions; r++) {
        const struct omps_run_row row = {&c->key, (int)(first + (size_t)r), a->seconds[r],
                                         a->verified[r], c->oversubscribed, s->round,
                                         s->probe_ns, runtime, a->result, busy, a->use};
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

/* Marks configuration i as one that could not run: error is the line the
 * run ends with (the first one's), reason what machine.json's
 * run.could_not_run records beside its name. */
static void mark_dead(struct omps_sweep *s, size_t i, const char *error, const char *reason)
{
    char name[256];
    s->tally[i].dead = 1;
    s->out->errors++;
    if (s->out->error[0] == '\0')
        snprintf(s->out->error, sizeof s->out->error, "%s", error);
    omps_key_name(&s->plan->configs[i].key, name, sizeof name);
    const size_t used = strlen(s->out->dead);
    snprintf(s->out->dead + used, sizeof s->out->dead - used, "%s\t%s\n", name, reason);
}

/* Reports a verification failure of configuration i. */
static void note_failure(struct omps_sweep *s, size_t i, const char *why)
{
    char name[256];
    omps_key_name(&s->plan->configs[i].key, name, sizeof name);
    s->out->failures++;
    fprintf(stderr, "%sompscale: verification failed: %s: %s\n",
            s->show_progress ? "\r\033[K" : "", name, why ? why : "a repetition did not verify");
}

/* Marks configuration i as failed verification (failed) or as unable to
 * run, naming why on standard error. */
static void group_failure(struct omps_sweep *s, size_t i, int failed, const char *why,
                          int broken)
{
    if (failed) {
        s->tally[i].failed = 1;
        note_failure(s, i, why);
        return;
    }
    char name[256], error[512];
    omps_key_name(&s->plan->configs[i].key, name, sizeof name);
    snprintf(error, sizeof error, "%.200s: %.300s", name, why);
    mark_dead(s, i, error, why);
    /* mpirun that cannot start ranks will not start the next group either. */
    fprintf(stderr, "%sompscale: %s: %s; %s\n", s->show_progress ? "\r\033[K" : "", name, why,
            broken ? "the sweep stops, keeping what it has done" : "the sweep goes on");
}

/* Records a visit's answer for configuration i: the tally, the time
 * account, the journal. */
static void record(struct omps_sweep *s, size_t i, const struct omps_visit_answer *a,
                   const char *runtime)
{
    struct omps_tally *t = &s->tally[i];
    omps_sweep_time_add(&s->out->time, &a->time);
    if (a->error[0] != '\0') {
        if (!*s->stop)
            mark_dead(s, i, a->error, a->error);
        return;
    }
    const size_t first = t->count;
    t->visits[s->allot[i].why] += (size_t)a->repetitions;
    for (int r = 0; r < a->repetitions; r++) {
        if (omps_tally_add(t, a->seconds[r], (size_t)s->round) != OMPS_OK)
            s->io_failed = OMPS_ENOMEM;
        t->failed |= !a->verified[r];
    }
    if (t->iterations == 0)
        t->iterations = a->iterations;
    if (journal_rows(s, i, a, first, runtime) != OMPS_OK && !s->io_failed)
        s->io_failed = OMPS_EIO;
    s->out->visits += (size_t)a->repetitions;
    omps_tally_update_width(t);
    if (t->failed)
        note_failure(s, i, a->failure[0] ? a->failure : NULL);
    omps_tally_note_untimed(t, omps_sweep_time_untimed(&a->time), a->sampled);
}

/* ---- one visit -------------------------------------------------------- */

/* What the next visit of i should cost: the estimate before any visit; the
 * last visit's cost, less any state set-up, once there is a later visit to
 * go on (a first visit also searched for its iteration count, about half
 * its cost). */
static double visit_cost(const struct omps_sweep *s, size_t i)
{
    const struct omps_tally *t = &s->tally[i];
    const struct omps_config *c = &s->plan->configs[i];
    if (t->visit_s <= 0)
        return omps_plan_estimate_visit(s->plan, c, t->count == 0);
    if (t->count == 1)
        return fmax(omps_plan_estimate_visit(s->plan, c, 0), 0.5 * t->visit_s);
    return t->visit_s;
}

/* How long a venue's process may stay silent before it is called hung:
 * many times what its visit should cost, and never less than a minute,
 * since a first visit also searches for its iteration count on a machine
 * that may be loaded.  OMPSCALE_CHILD_TIMEOUT (seconds) replaces it, for
 * tests and for machines slower than that. */
static double hang_limit(const struct omps_sweep *s, size_t i)
{
    const char *given = getenv("OMPSCALE_CHILD_TIMEOUT");
    double v;
    if (given != NULL && omps_parse_double(given, &v) == 0 && v > 0)
        return v;
    return fmax(60.0, 20.0 * visit_cost(s, i));
}

/* How the visit of configuration i checks its outputs: every one on its
 * first visit and at random visits (0), else at positions this salt
 * chooses. */
static uint64_t check_salt(const struct omps_sweep *s, size_t i)
{
    if (s->tally[i].count == 0)
        return 0;
    uint64_t x = s->opts->seed ^ (UINT64_C(0xA0761D6478BD642F) * (uint64_t)(s->round + 1)) ^
                 (UINT64_C(0xE7037ED1A0B428DB) * (uint64_t)(i + 1));
    x = mix(&x);
    return x % OMPS_FULL_CHECK_EVERY == 0 ? 0 : x | 1;
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

/* Each visit starts with a short probe of the pair a 2-thread team runs on
 * (latency.h): the host moves the vCPUs between placements several times a
 * second here, so a probe at the start of a round often described the
 * round's first configurations only.  The probe lets summary.csv and
 * compare tell visits on different placements apart.  About 0.1 ms. */
static void probe_placement(struct omps_sweep *s)
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
        const struct omps_tally *t = &s->tally[i];
        if (!t->dead && !t->failed && t->count < (size_t)s->opts->repetitions)
            return;
    }
    s->out->minimum_s = now() - s->started;
}

/* Visit k of n, configuration i, in venue v, wherever it runs: the one
 * budget check of the rounds, the progress line and the placement probe,
 * the venue's visit, its answer recorded, and the next iteration count.
 * Returns the venue's omps_visit_got, or 2 when the budget is spent; *rc
 * an error that ends the sweep. */
static int visit(struct omps_sweep *s, struct omps_venue *v, size_t k, size_t n, size_t i,
                 int *rc)
{
    struct omps_visit_answer a;
    struct omps_tally *t = &s->tally[i];
    const struct omps_config *c = &s->plan->configs[i];
    if (now() - s->started + visit_cost(s, i) > s->opts->budget) {
        s->out->budget_spent = 1;
        return 2;
    }
    show_progress(s, k, n, i);
    probe_placement(s);
    const struct omps_visit_request q = {&c->key, c->oversubscribed, t->iterations,
                                         check_salt(s, i), t->count};
    const double t0 = now(), setup_before = s->out->time.setup;
    const int got = v->ops->visit(v, i, &q, hang_limit(s, i), &a, rc);
    if (got != OMPS_GOT_ANSWER)
        return got;
    const size_t before = t->count;
    record(s, i, &a, v->ops->runtime(v));
    /* A visit that timed nothing would be visited again forever. */
    if (*rc == OMPS_OK && t->count == before && !t->dead && !*s->stop)
        group_failure(s, i, 0, "the visit timed nothing", 0);
    omps_tally_adapt_iterations(t, s->plan->min_time);
    /* A state's set-up is paid once, not by every visit to come. */
    t->visit_s = now() - t0 - (s->out->time.setup - setup_before);
    note_minimum(s);
    return got;
}

/* Runs the visits order[0..n) of one group in its venue (done of total
 * visits of the round before them).  Returns 0, an error code, or 1 when
 * the budget ended the round. */
static int run_group(struct omps_sweep *s, struct omps_venue *v, const size_t *order, size_t n,
                     size_t done, size_t total)
{
    char why[512];
    const double limit = hang_limit(s, order[0]);
    const int ready = v->ops->begin_group == NULL
                          ? OMPS_GROUP_READY
                          : v->ops->begin_group(v, order[0], n, s->round,
                                                s->tally[order[0]].count > 0, limit, why,
                                                sizeof why);
    if (ready != OMPS_GROUP_READY) {
        for (size_t k = 0; k < n && !*s->stop; k++)
            group_failure(s, order[k], ready == OMPS_GROUP_FAILED, why, broken(v));
        return OMPS_OK;
    }
    int rc = OMPS_OK, got = OMPS_GOT_ANSWER;
    size_t k = 0;
    for (; k < n && got == OMPS_GOT_ANSWER && rc == OMPS_OK && !s->io_failed && !*s->stop; k++)
        got = visit(s, v, done + k, total, order[k], &rc);
    const int budget = got == 2;
    if (budget)
        got = OMPS_GOT_ANSWER;
    const int clean = v->ops->end_group == NULL ||
                      v->ops->end_group(v, order[0], got, why, sizeof why);
    if (got == OMPS_GOT_ENDED || got == OMPS_GOT_HUNG)
        group_failure(s, order[k - 1], 0, why, broken(v));
    else if (got == OMPS_GOT_ANSWER && !clean && !*s->stop)
        fprintf(stderr, "ompscale: %s after its visits\n", why);
    if (rc != OMPS_OK)
        return rc;
    return budget ? 1 : s->io_failed;
}

/* ---- rounds ----------------------------------------------------------- */

/* How much configuration i needs a visit this round (allot.h); 0: none. */
static double need(const struct omps_sweep *s, size_t i)
{
    return s->allot[i].need;
}

static double cost_of(const void *ctx, size_t i)
{
    return visit_cost(ctx, i);
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
static size_t select_round(struct omps_sweep *s, size_t *order, int *trimmed)
{
    size_t n = 0;
    double cost = 0.0;
    const struct omps_allot_settings set = {s->opts->repetitions, s->opts->precision,
                                            s->opts->budget - (now() - s->started), cost_of, s};
    *trimmed = 0;
    if (omps_allot_round(s->plan, s->tally, &set, s->allot) != OMPS_OK) {
        s->io_failed = OMPS_ENOMEM;
        return 0;
    }
    for (size_t i = 0; i < s->plan->count; i++) {
        if (need(s, i) > 0.0) {
            order[n++] = i;
            cost += visit_cost(s, i);
        }
    }
    const double left = set.budget_left;
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

/* Runs the round's configurations order[0..n), group by group: this
 * process's first, then the children's, each venue's groups in the order
 * their first configuration has in the shuffled round.  Returns 0, an
 * error code, or 1 when the budget ended the round or a venue broke. */
static int visit_round(struct omps_sweep *s, const size_t *order, size_t n)
{
    size_t *group = malloc((n + 1) * sizeof *group);
    char *taken = calloc(n + 1, 1);
    int rc = group && taken ? OMPS_OK : OMPS_ENOMEM;
    size_t done = 0;
    for (int e = 0; e < VENUES; e++) {
        struct omps_venue *v = &s->venue[e];
        for (size_t i = 0; rc == OMPS_OK && i < n && !*s->stop; i++) {
            if (taken[i] || venue_of(s, order[i]) != v || broken(v))
                continue;
            size_t m = 0;
            for (size_t j = i; j < n; j++) {
                if (!taken[j] && venue_of(s, order[j]) == v &&
                    same_group(v, order[j], order[i])) {
                    group[m++] = order[j];
                    taken[j] = 1;
                }
            }
            rc = run_group(s, v, group, m, done, n);
            done += m;
        }
    }
    free(group);
    free(taken);
    return rc;
}

/* Runs one round; returns 0, an error, or 1 when nothing more is needed. */
static int run_round(struct omps_sweep *s, size_t *order)
{
    int trimmed;
    const size_t n = select_round(s, order, &trimmed);
    s->out->budget_spent |= trimmed;
    if (n == 0)
        return s->io_failed ? s->io_failed : 1;
    shuffle_round(s, order, n);
    const int rc = visit_round(s, order, n);
    if (rc == OMPS_OK)
        s->round++;
    /* mpirun that could not start ranks ends the sweep. */
    for (int e = 0; e < VENUES; e++) {
        if (s->opened[e] && broken(&s->venue[e]))
            return 1;
    }
    return rc;
}

/* ---- set-up and results ----------------------------------------------- */

static int sweep_init(struct omps_sweep *s, const struct omps_plan *plan)
{
    s->tally = calloc(plan->count + 1, sizeof *s->tally);
    s->allot = calloc(plan->count + 1, sizeof *s->allot);
    s->group = calloc(plan->count + 1, sizeof *s->group);
    if (s->tally == NULL || s->allot == NULL || s->group == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < plan->count; i++) {
        s->tally[i].width = INFINITY;
        s->tally[i].rounds_needed = NAN;
        size_t g = i;
        for (size_t j = 0; j < i && g == i; j++) {
            if (omps_key_same_state(&plan->configs[j].key, &plan->configs[i].key,
                                    plan->share_states))
                g = j;
        }
        s->group[i] = g;
    }
    s->live_cap = LIVE_MEMORY_SHARE * plan->memory_bytes;
    const char *venue = getenv("OMPSCALE_VENUE");
    s->imitate = venue != NULL && strcmp(venue, "imitate") == 0;
    omps_venue_local(&s->venue[VENUE_LOCAL]);
    omps_venue_children(&s->venue[VENUE_CHILDREN]);
    omps_venue_command(&s->venue[VENUE_COMMAND]);
    omps_venue_imitate(&s->venue[VENUE_IMITATE]);
    return OMPS_OK;
}

static void sweep_free(struct omps_sweep *s)
{
    for (size_t i = 0; s->tally != NULL && i < s->plan->count; i++) {
        free(s->tally[i].seconds);
        free(s->tally[i].rounds);
    }
    free(s->tally);
    free(s->allot);
    free(s->group);
}

/* Opens the venues this plan needs: this process's always (its Google
 * Benchmark JSON is the run's gbench.json), the children's for environment
 * groups and groups of ranks, the imitation when asked for. */
static int open_venues(struct omps_sweep *s, const char *json_path, const char *argv0,
                       char *err, size_t err_len)
{
    const struct omps_venue_context c = {
        .opts = s->opts, .plan = s->plan, .run_dir = s->journal->dir, .json_path = json_path,
        .argv0 = argv0, .live_bytes = s->live_cap, .stop = s->stop, .out = s->out};
    int commands = 0;
    for (size_t i = 0; i < s->plan->count; i++)
        commands |= s->plan->configs[i].key.kernel->command != NULL;
    const int wanted[VENUES] = {1, s->plan->children || s->plan->rank_groups > 0, commands,
                                s->imitate};
    for (int e = 0; e < VENUES; e++) {
        if (!wanted[e])
            continue;
        s->opened[e] = 1;
        const int rc = s->venue[e].ops->open(&s->venue[e], &c, err, err_len);
        if (rc != OMPS_OK)
            return rc;
    }
    return OMPS_OK;
}

/* Closes every venue opened; 0, or the first one's error. */
static int close_venues(struct omps_sweep *s)
{
    int rc = OMPS_OK;
    for (int e = VENUES - 1; e >= 0; e--) {
        if (!s->opened[e])
            continue;
        const int closed = s->venue[e].ops->close(&s->venue[e], &s->out->time);
        rc = rc != OMPS_OK ? rc : closed;
    }
    return rc;
}

/* What precision the budget bought: the median configuration's interval
 * and repetitions, and about the repetitions each would need for the
 * precision asked (the median over configurations), since an interval
 * narrows as one over the square root of the repetitions. */
static void precision_bought(const struct omps_sweep *s)
{
    const size_t n = s->plan->count;
    double *w = malloc(3 * (n + 1) * sizeof *w);
    s->out->with_interval = 0;
    s->out->median_width = s->out->median_repetitions = s->out->rounds_for_precision = NAN;
    if (w == NULL)
        return;
    double *reps = w + n + 1, *need = reps + n + 1;
    size_t k = 0;
    const int asked = isfinite(s->opts->precision) && s->opts->precision > 0;
    for (size_t i = 0; i < n; i++) {
        const struct omps_tally *t = &s->tally[i];
        if (t->dead || t->failed || !isfinite(t->width))
            continue;
        w[k] = t->width;
        reps[k] = (double)t->count;
        need[k++] = asked ? ceil((double)t->count * pow(t->width / s->opts->precision, 2)) : NAN;
    }
    s->out->with_interval = k;
    s->out->median_width = omps_median_inplace(w, k);
    s->out->median_repetitions = omps_median_inplace(reps, k);
    if (asked)
        s->out->rounds_for_precision = omps_median_inplace(need, k);
    free(w);
}

static void count_outcome(const struct omps_sweep *s)
{
    for (size_t i = 0; i < s->plan->count; i++) {
        const struct omps_tally *t = &s->tally[i];
        s->out->kept += t->count > 0;
        if (t->dead || t->failed)
            continue;
        s->out->below_minimum += t->count < (size_t)s->opts->repetitions;
        s->out->imprecise += isfinite(s->opts->precision) && t->width > s->opts->precision;
    }
    s->out->rounds = s->round;
    s->out->seconds = now() - s->started;
    precision_bought(s);
    if (omps_allot_decisions(s->plan, s->tally, &s->out->decisions) != OMPS_OK)
        s->out->decisions = (struct omps_decisions){0};
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

/* Counts a resumed run's journaled rows as repetitions taken, and names
 * each configuration one of them failed. */
static int load_done(struct omps_sweep *s, const struct omps_runs *done, char *err,
                     size_t err_len)
{
    const int rc = omps_tally_load_done(s->tally, s->plan, done, &s->round, err, err_len);
    for (size_t i = 0; rc == OMPS_OK && i < s->plan->count; i++) {
        if (s->tally[i].failed)
            note_failure(s, i, "a journaled repetition did not verify");
    }
    return rc;
}

int omps_sweep_run(const struct omps_run_options *opts, const struct omps_plan *plan,
                   const struct omps_runs *done, struct omps_journal *j,
                   const char *json_path, const char *argv0,
                   volatile sig_atomic_t *stop, struct omps_sweep_outcome *out,
                   char *err, size_t err_len)
{
    struct omps_sweep s = {.opts = opts, .plan = plan, .stop = stop, .journal = j,
                           .out = out, .show_progress = isatty(STDERR_FILENO)};
    memset(out, 0, sizeof *out);
    out->minimum_s = NAN;
    int rc = sweep_init(&s, plan);
    /* A child that died leaves a pipe whose writes fail, not a signal. */
    const int groups = plan->children || plan->rank_groups > 0;
    void (*old_pipe)(int) = groups ? signal(SIGPIPE, SIG_IGN) : SIG_DFL;
    if (rc == OMPS_OK && done != NULL)
        rc = load_done(&s, done, err, err_len);
    if (rc == OMPS_OK)
        rc = open_venues(&s, json_path, argv0, err, err_len);
    s.started = now();
    if (rc == OMPS_OK)
        rc = sweep_rounds(&s);
    const int closed = close_venues(&s);
    rc = rc != OMPS_OK ? rc : closed;
    if (s.tally != NULL && omps_allot_write(j->dir, plan, s.tally, opts->repetitions) != 0 &&
        rc == OMPS_OK)
        rc = OMPS_EIO;
    if (rc == OMPS_EIO && err[0] == '\0')
        snprintf(err, err_len, "writing %s failed: %s", j->dir, strerror(errno));
    out->interrupted = *stop != 0;
    count_outcome(&s);
    sweep_free(&s);
    if (groups)
        signal(SIGPIPE, old_pipe);
    return rc;
}
