/* The plan's time model: what each visit costs (warm-up, timed repetition,
 * poisoning, prepare steps, verification), the states' memory and set-up,
 * and the groups of ranks, kept or started each round.  The rates it uses are
 * measured before planning (calibrate.h). */
#include <math.h>
#include <stdlib.h>

#include "errors.h"
#include "pi_terms.h"
#include "plan.h"
#include "launch.h"
#include "visit.h"

/* The time model behind the estimate.  Its rates (first touch, memory
 * streams, child start-up) are measured before planning (calibrate.h); what
 * it counts per visit mirrors what the sweep does (sweep.c): an optional
 * warm-up, the timed repetition (a first visit also lets Google Benchmark
 * find an iteration count), and the untimed poisoning, prepare steps and
 * verification, which a repetition outlasts OMPS_TIMED_PER_UNTIMED times. */
#define FIRST_VISIT_SEARCH 2.0
#define VISIT_FIXED_S 0.002
#define PREPARE_PASSES 1.5
#define WARM_UP_SHARE 0.75
/* Starting a group of ranks through mpirun (measured on 2 cores: 0.3-0.5 s),
 * and a guess for how that grows with the ranks. */
#define RANKS_START_S 0.5
#define RANKS_START_PER_RANK_S 0.005
/* One spawn visit starts its n processes at least once (measured on 2
 * cores: 0.33 s for one, 0.41 s for two). */
#define SPAWN_S 0.3
#define SPAWN_PER_RANK_S 0.02

/* The threads that touch a configuration's memory: every rank's team. */
static int touching(const struct omps_key *k)
{
    return omps_key_ranks(k) * k->threads;
}

/* Orders keys by state, then threads (qsort over key pointers). */
static int by_state(const void *a, const void *b)
{
    return omps_key_compare_state(*(const struct omps_key *const *)a,
                                  *(const struct omps_key *const *)b);
}

int omps_plan_count_states(struct omps_plan *plan)
{
    const struct omps_key **keys = malloc((plan->count + 1) * sizeof *keys);
    if (keys == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < plan->count; i++)
        keys[i] = &plan->configs[i].key;
    qsort(keys, plan->count, sizeof *keys, by_state);
    for (size_t i = 0; i < plan->count; i++) {
        const struct omps_key *k = keys[i];
        if (i > 0 && omps_key_same_state(keys[i - 1], k, plan->share_states))
            continue;
        /* A state every team shares is set up by all the CPUs (sweep.c). */
        const int team = plan->share_states && k->kernel->ranked == OMPS_RANKED_NO
                             ? plan->rates.cpus : touching(k);
        const double setup = k->kernel->footprint(k->n) / omps_rates_touch(&plan->rates, team);
        plan->state_bytes += k->kernel->footprint(k->n);
        plan->setup_seconds += setup;
        /* A group of ranks not kept is started afresh, and sets its states
         * up, each round. */
        if (omps_key_launch_ranks(k) != 0)
            plan->ranks_setup_s += setup;
    }
    free(keys);
    return OMPS_OK;
}

/* The visitor's own rule (visit.h), so that the estimate counts the
 * warm-ups the visits will make. */
int omps_plan_warms_data(const struct omps_plan *plan, double bytes)
{
    return omps_visit_warms_data(plan->llc_bytes, bytes);
}

/* Seconds one run of c takes where its memory streams bound it (a
 * bandwidth-bound OpenMP kernel), else 0: unknown, and taken to be within
 * the repetition length. */
static double run_estimate(const struct omps_plan *plan, const struct omps_config *c)
{
    const struct omps_kernel *k = c->key.kernel;
    const struct omps_work w = k->work(c->key.n, c->key.params);
    const int t = c->key.threads;
    if (k->ranked != OMPS_RANKED_NO)
        return 0.0;
    if (k->bound == OMPS_BOUND_BANDWIDTH)
        return w.bytes / omps_rates_stream(&plan->rates, t);
    /* A division per term, at the probed throughput of each core. */
    if (k->bound == OMPS_BOUND_DIVISION && isfinite(plan->rates.division_ns))
        return w.flops / OMPS_PI_FLOPS_PER_TERM * plan->rates.division_ns * 1e-9 /
               fmin((double)t, (double)plan->rates.cpus);
    /* n waits of the first parameter's microseconds, overlapped by the team. */
    if (k->bound == OMPS_BOUND_WAITS)
        return w.items * c->key.params[0] * 1e-6 / fmin((double)t, w.items);
    return 0.0;
}

/* Seconds a visit of c spends untimed once around its repetition:
 * poisoning and verification (one pass over the state where the kernel
 * does both at once, else at most two), and a warm-up run unless the state
 * is too large for any cache (then only a team starts). */
static double untimed_estimate(const struct omps_plan *plan, const struct omps_config *c,
                               double run, double min_time, int first)
{
    const struct omps_kernel *k = c->key.kernel;
    const double bytes = k->footprint(c->key.n);
    const int team = touching(&c->key);
    double untimed = k->verify_poison != NULL
                         ? bytes / omps_rates_check(&plan->rates, team)
                         : 2.0 * bytes / omps_rates_stream(&plan->rates, team);
    /* Later visits of a kernel that checks samples check everything one
     * time in OMPS_FULL_CHECK_EVERY (sweep.c); a sampled check costs little. */
    if (!first && k->verify_sample != NULL)
        untimed /= OMPS_FULL_CHECK_EVERY;
    /* A warm-up is one run (run: run_estimate's): a bandwidth-bound one as estimated, any other
     * somewhere within the repetition length. */
    if (omps_plan_warms_data(plan, bytes))
        untimed += run > 0 ? run : WARM_UP_SHARE * min_time;
    return untimed;
}

/* Seconds a visit of c spends in its prepare steps: a kernel that
 * restores its input (shared_array) does so at the start of a batch and
 * every few runs after, about one and a half passes over its state. */
static double prepare_estimate(const struct omps_plan *plan, const struct omps_config *c)
{
    const struct omps_kernel *k = c->key.kernel;
    if (k->prepare == NULL)
        return 0.0;
    return PREPARE_PASSES * k->footprint(c->key.n) /
           omps_rates_stream(&plan->rates, touching(&c->key));
}

static double visit_estimate(const struct omps_plan *plan, const struct omps_config *c,
                             double min_time, int first)
{
    const double run = run_estimate(plan, c);
    if (c->key.kernel->ranked == OMPS_RANKED_SPAWN) {
        /* Each iteration starts processes, so even one outlasts min_time. */
        const double once = SPAWN_S + SPAWN_PER_RANK_S * (double)c->key.n;
        return fmax((first ? FIRST_VISIT_SEARCH + 1.0 : 1.0) * min_time,
                    (first ? 2.0 : 1.0) * once);
    }
    const double untimed = untimed_estimate(plan, c, run, min_time, first);
    /* A first visit's repetition is one run when a run outlasts min_time;
     * shorter runs are counted up to min_time, with a search before. */
    double timed = run >= min_time ? run : (1.0 + FIRST_VISIT_SEARCH) * min_time;
    /* Later visits take the whole number of runs nearest to
     * OMPS_TIMED_PER_UNTIMED times what they spend untimed. */
    if (!first)
        timed = fmax(fmax(min_time, run), OMPS_TIMED_PER_UNTIMED * untimed);
    return VISIT_FIXED_S + timed + untimed + prepare_estimate(plan, c);
}

void omps_plan_count_rank_groups(struct omps_plan *plan)
{
    size_t groups = 0;
    double start = 0;
    for (size_t i = 0; i < plan->count; i++) {
        const struct omps_key *k = &plan->configs[i].key;
        int seen = omps_key_launch_ranks(k) == 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = omps_key_same_launch(&plan->configs[j].key, k);
        if (!seen) {
            groups++;
            start += RANKS_START_S + RANKS_START_PER_RANK_S * omps_key_launch_ranks(k);
        }
    }
    plan->rank_groups = groups;
    plan->ranks_start_s = start;
}

double omps_plan_estimate_visit(const struct omps_plan *plan, const struct omps_config *c,
                                int first)
{
    return visit_estimate(plan, c, plan->min_time, first);
}

double omps_plan_estimate(const struct omps_plan *plan, double min_time, int repetitions)
{
    /* States are set up once: in this process, or in a child kept for the
     * whole sweep (an environment's, or a group of ranks on this host).  A
     * group of ranks on other hosts too is started through mpirun, and sets
     * its states up, every round. */
    const int again = plan->ranks_kept ? 0 : repetitions - 1;
    double total = plan->setup_seconds + (1 + again) * plan->ranks_start_s +
                   again * plan->ranks_setup_s;
    if (plan->children)
        total += plan->rates.child_start_s * (double)plan->environments;
    for (size_t i = 0; i < plan->count; i++) {
        const struct omps_config *c = &plan->configs[i];
        total += visit_estimate(plan, c, min_time, 1);
        total += (repetitions - 1) * visit_estimate(plan, c, min_time, 0);
    }
    return total;
}
