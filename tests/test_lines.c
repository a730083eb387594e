/*
 * The report's lines (core/lines.c) on synthetic rounds whose truth is
 * known:
 * - Student's t quantiles, and the decision rule at its edges with the
 *   rounds it says would decide;
 * - a comparison whose sides were each the only candidate is judged at
 *   95%, one whose side was the fastest of several over every pair it
 *   could have chosen;
 * - the winner's curse of the schedule advice: eight schedules of equal
 *   speed at 16 threads, each round's times drawn with a shared round
 *   effect (lognormal 0.15) and each configuration's own noise (0.10), 12
 *   rounds.  The advice takes the fastest schedule and compares it with
 *   static; over 200 seeds it must say "use" (a difference that is not
 *   there) in at most 5% of them.  The same lines judged as one comparison
 *   chosen in advance are counted and printed beside it.
 * Usage: test_lines
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "lines.h"
#include "registry.h"
#include "rng.h"
#include "stats.h"

#define ROUNDS 12
#define SCHEDULES 8
#define SEEDS 200

static void test_quantiles(void)
{
    CHECK_NEAR(omps_t_two_sided(0.95, 1), 12.7062, 1e-3);
    CHECK_NEAR(omps_t_two_sided(0.95, 4), 2.7764, 1e-3);
    CHECK_NEAR(omps_t_two_sided(0.999, 4), 8.6103, 1e-3);
    CHECK_NEAR(omps_t_two_sided(0.999, 9), 4.7809, 1e-3);
    CHECK_NEAR(omps_t_two_sided(0.95, 30), 2.0423, 1e-3);
    CHECK_NEAR(omps_t_two_sided(0.95, 400), 1.9659, 1e-3);
    for (int n = 1; n < 60; n++)
        CHECK_NEAR(omps_t_two_sided(0.95, n), omps_t975(n), 0.003 * omps_t975(n));
}

static void test_verdict(void)
{
    const double m = log1p(OMPS_SAME_MARGIN);
    CHECK_INT_EQ(omps_verdict_of(0.10, 0.05, m), OMPS_VERDICT_USE);
    CHECK_INT_EQ(omps_verdict_of(-0.10, 0.05, m), OMPS_VERDICT_USE);
    CHECK_INT_EQ(omps_verdict_of(0.01, 0.02, m), OMPS_VERDICT_SAME);
    CHECK_INT_EQ(omps_verdict_of(0.03, 0.04, m), OMPS_VERDICT_UNDECIDED);
    CHECK_INT_EQ(omps_verdict_of(0.03, NAN, m), OMPS_VERDICT_NONE);
    /* No difference at +-0.1 after 10 rounds: the same needs +-0.05, four
     * times the rounds. */
    CHECK_NEAR(omps_rounds_to_decide(0.0, 0.1, 0.05, 10), 40.0, 1e-9);
    /* A 4% gap at +-8%: telling it from zero needs 4 times the rounds. */
    CHECK_NEAR(omps_rounds_to_decide(0.04, 0.08, 0.05, 10), 40.0, 1e-9);
}

/* One configuration and its rounds. */
struct cell {
    struct omps_key key;
    size_t rounds[ROUNDS];
    double values[ROUNDS];
};

static void set_key(struct cell *c, const char *kernel, int threads, omp_sched_t kind,
                    int chunk, const char *bind)
{
    memset(&c->key, 0, sizeof c->key);
    c->key.kernel = omps_kernel_find(kernel);
    c->key.n = 1000;
    c->key.threads = threads;
    c->key.schedule = (struct omps_schedule){kind, chunk};
    if (bind != NULL)
        omps_env_parse(OMPS_AXIS_BIND, bind, &c->key.env.value[OMPS_AXIS_BIND]);
}

/* Draws every cell's rounds: a shared round effect and its own noise. */
static void draw(struct cell *c, size_t n, struct omps_line_point *p)
{
    double effect[ROUNDS];
    for (int r = 0; r < ROUNDS; r++)
        effect[r] = 0.15 * gaussian();
    for (size_t i = 0; i < n; i++) {
        for (int r = 0; r < ROUNDS; r++) {
            c[i].rounds[r] = (size_t)r;
            c[i].values[r] = 1e-3 * exp(effect[r] + 0.10 * gaussian());
        }
        double sorted[ROUNDS];
        memcpy(sorted, c[i].values, sizeof sorted);
        p[i] = (struct omps_line_point){&c[i].key, omps_median_inplace(sorted, ROUNDS),
                                        c[i].rounds, c[i].values, ROUNDS};
    }
}

/* The schedule line's verdict at 95% over fresh rounds of cells[0..n),
 * and the verdict it would have as one comparison chosen in advance. */
static enum omps_verdict schedule_verdict(struct cell *c, size_t n, enum omps_verdict *as_one,
                                          int *pairs)
{
    struct omps_line_point p[SCHEDULES];
    struct omps_line lines[16];
    draw(c, n, p);
    const size_t m = omps_lines_find(p, n, 16, lines, 16);
    for (size_t i = 0; i < m; i++) {
        if (lines[i].topic != OMPS_LINE_SCHEDULE)
            continue;
        double d = NAN, h = NAN;
        struct omps_line one = lines[i];
        one.pairs = 1;
        omps_line_estimate(&one, p, &d, &h);
        *as_one = omps_verdict_of(d, h, log1p(OMPS_SAME_MARGIN));
        omps_line_estimate(&lines[i], p, &d, &h);
        *pairs = lines[i].pairs;
        return omps_verdict_of(d, h, log1p(OMPS_SAME_MARGIN));
    }
    return OMPS_VERDICT_NONE;
}

static void test_winners_curse(void)
{
    struct cell c[SCHEDULES];
    set_key(&c[0], "midpoint", 16, omp_sched_static, 0, NULL);
    for (int i = 1; i < SCHEDULES; i++)
        set_key(&c[i], "midpoint", 16, i % 2 ? omp_sched_dynamic : omp_sched_guided, 1 << i,
                NULL);
    int use = 0, same = 0, use_as_one = 0, pairs = 0;
    rng_state = 0x5EED;
    for (int seed = 0; seed < SEEDS; seed++) {
        enum omps_verdict as_one = OMPS_VERDICT_NONE;
        const enum omps_verdict v = schedule_verdict(c, SCHEDULES, &as_one, &pairs);
        use += v == OMPS_VERDICT_USE;
        same += v == OMPS_VERDICT_SAME;
        use_as_one += as_one == OMPS_VERDICT_USE;
        /* Static against whichever of the other seven was fastest. */
        CHECK_INT_EQ(pairs, 7);
    }
    printf("eight equal schedules, %d seeds: over the 7 pairs 'use' in %d, 'same' in %d; "
           "as one comparison chosen in advance 'use' in %d\n",
           SEEDS, use, same, use_as_one);
    CHECK_REPORT(use <= SEEDS * 5 / 100, "'use' in %d of %d seeds", use, SEEDS);
}

/* Two sides with one candidate each: every round. */
static void test_single_candidates(void)
{
    struct cell c[2];
    struct omps_line_point p[2];
    struct omps_line lines[8];
    set_key(&c[0], "copy", 16, omp_sched_static, 0, "close");
    set_key(&c[1], "copy", 16, omp_sched_static, 0, "spread");
    rng_state = 1;
    draw(c, 2, p);
    const size_t m = omps_lines_find(p, 2, 16, lines, 8);
    int bindings = 0;
    for (size_t i = 0; i < m; i++) {
        if (lines[i].topic == OMPS_LINE_BINDING) {
            bindings++;
            CHECK_INT_EQ(lines[i].half, -1);
            CHECK_INT_EQ(lines[i].pairs, 1);
        }
    }
    CHECK_INT_EQ(bindings, 1);
}

int main(void)
{
    test_quantiles();
    test_verdict();
    test_single_candidates();
    test_winners_curse();
    return CHECK_DONE();
}
