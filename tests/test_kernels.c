/*
 * Every registered kernel: its result verifies at 1 and 2 threads under every
 * schedule, a damaged or skipped result is caught, and a team or schedule
 * other than the one asked for is caught.
 */
#include <omp.h>
#include <stdlib.h>

#include "common.h"
#include "pi_terms.h"
#include "registry.h"
#include "check.h"
#ifdef OMPS_HAVE_MPI
#include <mpi.h>

#include "mpi_common.h"
#endif

static char why[512];

static const struct omps_schedule {
    omp_sched_t kind;
    int chunk;
} schedules[] = {{omp_sched_static, 0}, {omp_sched_static, 7},
                 {omp_sched_dynamic, 3}, {omp_sched_guided, 0},
                 {omp_sched_auto, 0}};

/* Asks for a team and schedule the way the harness does. */
static void ask(struct omps_team *team, int threads, omp_sched_t kind, int chunk)
{
    omp_set_dynamic(0);
    omp_set_num_threads(threads);
    omp_set_schedule(kind, chunk);
    team->want_threads = threads;
    team->want_kind = kind;
    team->want_chunk = chunk;
    team->want_bind = omps_bind_wanted(getenv("OMP_PROC_BIND"));
    omps_team_reset(team);
}

static void run_once(const struct omps_kernel *k, void *state,
                     struct omps_team *team)
{
    if (k->poison)
        k->poison(state);
    if (k->prepare)
        k->prepare(state);
    k->run(state, team);
}

static int verifies(const struct omps_kernel *k, void *state,
                    const struct omps_team *team)
{
    return k->verify(state, why, sizeof why) == 0 &&
           omps_team_check(team, why, sizeof why) == 0;
}

/* A kernel that verifies and poisons in one pass: a good result passes and
 * leaves nothing a skipped run could pass on, a damaged one fails, and many
 * runs in a row (shared_array restores its array every few) all verify. */
static void test_verify_poison(const struct omps_kernel *k, void *state,
                               struct omps_team *team)
{
    if (k->verify_poison == NULL)
        return;
    k->poison(state);
    for (int i = 0; i < 20; i++) {
        omps_team_reset(team);
        if (k->prepare)
            k->prepare(state);
        k->run(state, team);
        CHECK_REPORT(k->verify(state, why, sizeof why) == 0, "%s: run %d in a row: %s",
                     k->name, i + 1, why);
    }
    CHECK_REPORT(k->verify_poison(state, why, sizeof why) == 0, "%s: verify_poison: %s",
                 k->name, why);
    if (k->prepare)
        k->prepare(state);
    CHECK_REPORT(k->verify(state, why, sizeof why) != 0,
                 "%s: a skipped run verified after verify_poison", k->name);
    run_once(k, state, team);
    k->corrupt(state);
    CHECK_REPORT(k->verify_poison(state, why, sizeof why) != 0,
                 "%s: verify_poison passed a damaged result", k->name);
}

/* A sampled check: a good result passes; a run that did not happen after
 * the sampled poisoning fails; a lost chunk of a page fails with or without
 * chunk ends to check; a chunk's lost last element fails where the chunk
 * size is given. */
static void test_sampled(const struct omps_kernel *k, void *state, struct omps_team *team,
                         uint64_t n)
{
    if (k->verify_sample == NULL)
        return;
    const uint64_t salt = 12345;
    struct omps_pair *p = state;
    run_once(k, state, team);
    CHECK_REPORT(k->verify_sample(state, salt, 1024, why, sizeof why) == 0, "%s: sampled: %s",
                 k->name, why);
    k->poison_sample(state, salt, 1024);
    if (k->prepare)
        k->prepare(state);
    CHECK_REPORT(k->verify_sample(state, salt, 1024, why, sizeof why) != 0,
                 "%s: a skipped run passed a sampled check", k->name);
#ifdef OMPS_HAVE_MPI
    /* A process kernel's slices: a lost chunk of this rank's cubes, and of
     * the whole gathered on rank 0, fail. */
    if (n >= 4096 && k->verify_sample == omps_mpi_slices_verify_sample) {
        struct omps_mpi_slices *m = state;
        for (int whole = 0; whole < 2; whole++) {
            double *out = whole ? m->whole_out : m->out;
            if (out == NULL)
                continue;
            run_once(k, state, team);
            for (uint64_t i = 1024; i < 2048; i++)
                out[i] = 0;
            CHECK_REPORT(k->verify_sample(state, salt, 0, why, sizeof why) != 0,
                         "%s: a lost chunk of %s passed a sampled check", k->name,
                         whole ? "the gathered whole" : "this rank's slice");
        }
        return;
    }
#endif
    /* The lost writes below are written into a pair's output. */
    if (n < 4096 || k->state_family == NULL || strcmp(k->state_family, OMPS_PAIR_FAMILY) != 0)
        return;
    for (int chunk = 0; chunk <= 1024; chunk += 1024) {
        run_once(k, state, team);
        for (uint64_t i = 1024; i < 2048; i++)
            p->b[i] = p->a[i] * 1.5;
        CHECK_REPORT(k->verify_sample(state, salt, chunk, why, sizeof why) != 0,
                     "%s: a lost chunk passed a sampled check (chunk %d)", k->name, chunk);
    }
    run_once(k, state, team);
    p->b[3 * 1024 - 1] = p->a[3 * 1024 - 1] * 1.5;
    CHECK_REPORT(k->verify_sample(state, salt ^ 1, 1024, why, sizeof why) != 0,
                 "%s: a chunk's lost last element passed a sampled check", k->name);
}

/* A batch of several runs, as Google Benchmark times them: a kernel with a
 * prepare step (an in-place kernel that restores its input only now and
 * then) verifies after every count of runs up to past its restore, and a
 * last run that did not happen fails. */
static void test_batches(const struct omps_kernel *k, void *state, struct omps_team *team)
{
    if (k->prepare == NULL)
        return;
    for (int runs = 1; runs <= 9; runs++) {
        k->poison(state);
        for (int r = 0; r < runs; r++) {
            k->prepare(state);
            k->run(state, team);
        }
        CHECK_REPORT(verifies(k, state, team), "%s: a batch of %d runs: %s", k->name, runs,
                     why);
        k->prepare(state);
        CHECK_REPORT(k->verify(state, why, sizeof why) != 0,
                     "%s: a batch of %d runs and a skipped one verified", k->name, runs);
    }
}

static void test_kernel(const struct omps_kernel *k, uint64_t n)
{
    void *state = NULL;
    double params[OMPS_MAX_PARAMS];
    for (size_t p = 0; p < k->nparams; p++)
        params[p] = k->params[p].default_value;
    CHECK_INT_EQ(k->setup(&state, n, params), 0);
    struct omps_team team;
    for (int threads = 1; threads <= 2; threads++) {
        for (size_t s = 0; s < sizeof schedules / sizeof schedules[0]; s++) {
            ask(&team, threads, schedules[s].kind, schedules[s].chunk);
            run_once(k, state, &team);
            int ok = verifies(k, state, &team);
            CHECK_REPORT(ok, "%s n=%llu threads=%d schedule %zu: %s", k->name,
                         (unsigned long long)n, threads, s, why);
        }
    }
    k->corrupt(state);
    CHECK_REPORT(k->verify(state, why, sizeof why) != 0,
                 "%s: a damaged result verified", k->name);
    /* A run that never happened must not pass on an old result: the state
     * holds a good result again, then the harness's pre-batch steps run and
     * the run itself does not. */
    run_once(k, state, &team);
    CHECK_REPORT(verifies(k, state, &team), "%s: rerun: %s", k->name, why);
    CHECK_REPORT(k->poison != NULL, "%s: no poison step", k->name);
    if (k->poison)
        k->poison(state);
    if (k->prepare)
        k->prepare(state);
    CHECK_REPORT(k->verify(state, why, sizeof why) != 0,
                 "%s: a skipped run verified", k->name);
    test_verify_poison(k, state, &team);
    test_batches(k, state, &team);
    test_sampled(k, state, &team, n);
    k->teardown(state);
}

/* The team check catches a smaller team and another schedule. */
static void test_team_mismatch(void)
{
    const struct omps_kernel *k = omps_kernel_find("cube_map");
    void *state = NULL;
    CHECK_INT_EQ(k->setup(&state, 1000, NULL), 0);
    struct omps_team team;
    ask(&team, 2, omp_sched_dynamic, 5);
    team.want_threads = 3;
    run_once(k, state, &team);
    CHECK(omps_team_check(&team, why, sizeof why) != 0);
    ask(&team, 2, omp_sched_dynamic, 5);
    team.want_kind = omp_sched_guided;
    run_once(k, state, &team);
    CHECK(omps_team_check(&team, why, sizeof why) != 0);
    ask(&team, 2, omp_sched_dynamic, 5);
    team.want_chunk = 6;
    run_once(k, state, &team);
    CHECK(omps_team_check(&team, why, sizeof why) != 0);
    ask(&team, 2, omp_sched_dynamic, 5);
    CHECK(omps_team_check(&team, why, sizeof why) != 0); /* nothing ran */
    k->teardown(state);
}

/* The midpoint tolerance holds for every small n, where the discretisation
 * error dominates and the bound is tightest. */
static void test_midpoint_small_n(void)
{
    const struct omps_kernel *k = omps_kernel_find("midpoint");
    struct omps_team team;
    for (uint64_t n = 1; n <= 300; n++) {
        void *state = NULL;
        CHECK_INT_EQ(k->setup(&state, n, NULL), 0);
        ask(&team, 2, omp_sched_dynamic, 1);
        k->run(state, &team);
        CHECK_REPORT(k->verify(state, why, sizeof why) == 0, "n=%llu: %s",
                     (unsigned long long)n, why);
        k->teardown(state);
    }
}

/*
 * Verification sees one lost chunk of a pi kernel at every size the planner
 * can choose (2^20 to 2^36 terms), where one term is far below the rounding
 * bound: the loss of a chunk of one term, the smallest any schedule hands
 * out, must fail.  Then the same at the size a real run calibrates to.
 */
static void test_pi_lost_chunk(void)
{
    for (int e = 20; e <= 36; e++) {
        struct omps_pi_state s = {.n = INT64_C(1) << e, .result = OMPS_PI,
                                  .terms = INT64_C(1) << e};
        CHECK_REPORT(omps_pi_verify_state(&s, why, sizeof why) == 0, "n=2^%d: %s", e, why);
        omps_pi_corrupt(&s);
        CHECK_REPORT(omps_pi_verify_state(&s, why, sizeof why) != 0,
                     "n=2^%d: a lost term verified", e);
    }
    const struct omps_kernel *k = omps_kernel_find("midpoint");
    const struct omps_sizing sizing = {0, 0};
    const uint64_t n = k->default_size(&sizing);
    void *state = NULL;
    struct omps_team team;
    CHECK_INT_EQ(k->setup(&state, n, NULL), 0);
    ask(&team, 2, omp_sched_dynamic, 1024);
    run_once(k, state, &team);
    CHECK_REPORT(verifies(k, state, &team), "default n=%llu: %s", (unsigned long long)n, why);
    k->corrupt(state);
    CHECK_REPORT(k->verify(state, why, sizeof why) != 0,
                 "default n=%llu: a lost term verified", (unsigned long long)n);
    k->teardown(state);
}

/* OMP_PROC_BIND as the threads of a region must report it: the second
 * item of a list, any case and spacing; anything else is invalid. */
static void test_bind_wanted(void)
{
    CHECK_INT_EQ(omps_bind_wanted(NULL), OMPS_BIND_NONE);
    CHECK_INT_EQ(omps_bind_wanted("close"), omp_proc_bind_close + OMPS_BIND_OFFSET);
    CHECK_INT_EQ(omps_bind_wanted(" Spread "), omp_proc_bind_spread + OMPS_BIND_OFFSET);
    CHECK_INT_EQ(omps_bind_wanted("spread,close"), omp_proc_bind_close + OMPS_BIND_OFFSET);
    CHECK_INT_EQ(omps_bind_wanted("primary"), omp_proc_bind_master + OMPS_BIND_OFFSET);
    CHECK_INT_EQ(omps_bind_wanted("FALSE"), omp_proc_bind_false + OMPS_BIND_OFFSET);
    CHECK_INT_EQ(omps_bind_wanted("true"), omp_proc_bind_true + OMPS_BIND_OFFSET);
    CHECK_INT_EQ(omps_bind_wanted("sideways"), OMPS_BIND_INVALID);
    CHECK_INT_EQ(omps_bind_wanted(""), OMPS_BIND_INVALID);
    CHECK_INT_EQ(omps_bind_wanted("close,"), OMPS_BIND_INVALID);
}

/* blocking_overlap's wall-time bound: a run that finished sooner than its
 * waits allow for the team it claims fails.  Eight threads share 16 waits of
 * 2 ms (at least 4 ms) while the team claims one thread (at least 32 ms). */
static void test_blocking_wall_time(void)
{
    const struct omps_kernel *k = omps_kernel_find("blocking_overlap");
    const double params[OMPS_MAX_PARAMS] = {2000};
    void *state = NULL;
    struct omps_team team;
    CHECK_INT_EQ(k->setup(&state, 16, params), 0);
    ask(&team, 8, omp_sched_dynamic, 1);
    run_once(k, state, &team);
    CHECK_REPORT(k->verify(state, why, sizeof why) == 0, "8 threads: %s", why);
    team.want_threads = 1;
    run_once(k, state, &team);
    CHECK_REPORT(k->verify(state, why, sizeof why) != 0 && strstr(why, "waits allow"),
                 "a run faster than its waits verified: '%s'", why);
    k->teardown(state);
}

int main(void)
{
    /* The process kernels run here as one rank of a singleton MPI job.  The
     * ping-pong needs its pair and spawn an mpirun of its own, so both are
     * left to tests/ranks.sh, which starts them as the sweep does. */
#ifdef OMPS_HAVE_MPI
    MPI_Init(NULL, NULL);
#endif
    test_blocking_wall_time();
    test_bind_wanted();
    for (size_t i = 0; i < omps_kernel_count(); i++) {
        const enum omps_ranked how = omps_kernel_at(i)->ranked;
        if (how == OMPS_RANKED_PAIR || how == OMPS_RANKED_SPAWN)
            continue;
        test_kernel(omps_kernel_at(i), 10007);
        test_kernel(omps_kernel_at(i), 1);
    }
    /* At the default sizes, rounding outgrows the midpoint rule's error:
     * each rank's bound must allow for it. */
    const struct omps_kernel *mpi_midpoint = omps_kernel_find("mpi_midpoint");
    if (mpi_midpoint != NULL)
        test_kernel(mpi_midpoint, UINT64_C(1) << 26);
#ifdef OMPS_HAVE_MPI
    MPI_Finalize();
#endif
    test_team_mismatch();
    test_midpoint_small_n();
    test_pi_lost_chunk();
    return CHECK_DONE();
}
