/*
 * How well `ompscale history check` finds a step, and how often it finds
 * one where there is none, on synthetic histories with this machine's
 * noise: each run's rounds vary around a run-level offset (between-run
 * noise) by round-level noise, and a 2-thread configuration now and then
 * runs a whole run on the other placement (1.7 times slower, its probe a
 * third as long), as the two vCPUs here do.  The histories go through the
 * real store (in memory) and the real series and change-point code.
 *
 * Usage: bench_history_synthetic [TRIALS [RUNS [STEP [SD_RUN [SD_ROUND
 *                                [ROUNDS [PLACEMENT_SHARE [ALPHA [INTERFERE]]]]]]]]]
 * (defaults 20 40 0.10 0.02 0.05 5 0.1 0.001 0.1; INTERFERE: the share of
 * rounds that interference makes 1.2 to 2 times slower).  Prints, for one thread and
 * two: step histories where the change was found at the right run +-1,
 * and flat histories with any change point at all.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "history.h"
#include "store.h"

static unsigned long long rng_state = 88172645463325252ULL;

static double uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return ((double)(rng_state >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void)
{
    return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

struct params {
    int runs, rounds;
    double step, sd_run, sd_round, share, alpha, interfere;
};

static int sql(sqlite3 *db, const char *text)
{
    char err[512];
    if (omps_store_exec(db, text, err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "bench: %s\n", err);
    return -1;
}

/* One run: both configurations' rounds; `slow` multiplies every time. */
static int add_run(sqlite3 *db, const struct params *p, int run, double slow)
{
    char text[1024];
    snprintf(text, sizeof text,
             "INSERT INTO runs (id, identity, git_commit, commit_time, run_date, machine, state,"
             " machine_json, source, added) VALUES (%d, 'r%d', 'c%04d',"
             " '2026-01-01T00:00:00+00:00', datetime('2026-01-01', '+%d hours'), 'synthetic',"
             " 'complete', '{}', 'synthetic', '')", run + 1, run, run, run);
    int rc = sql(db, text);
    for (int threads = 1; rc == 0 && threads <= 2; threads++) {
        const int point = 2 * run + threads;
        snprintf(text, sizeof text,
                 "INSERT INTO points (id, run, key, kernel, params, n, threads, schedule, chunk,"
                 " ranks) VALUES (%d, %d, 'midpoint/n:1024/threads:%d/schedule:static:0',"
                 " 'midpoint', '', 1024, %d, 'static', 0, 1)", point, run + 1, threads, threads);
        rc = sql(db, text);
        const double offset = p->sd_run * normal();
        const int other = threads == 2 && uniform() < p->share;
        for (int r = 0; rc == 0 && r < p->rounds; r++) {
            /* Interference only adds time: now and then a round is 1.2 to
             * 2 times slower. */
            const double hit = uniform() < p->interfere ? 1.2 + 0.8 * uniform() : 1.0;
            const double t = (threads == 1 ? 1e-3 : 0.55e-3) * slow * (other ? 1.7 : 1.0) * hit *
                             exp(offset + p->sd_round * normal());
            const double probe = (other ? 60.0 : 180.0) * exp(0.1 * normal());
            snprintf(text, sizeof text, "INSERT INTO rounds VALUES (%d, %d, %.17g, %.17g)",
                     point, r + 1, t, probe);
            rc = sql(db, text);
        }
    }
    return rc;
}

/* Runs one history; found[t] says, per thread count, whether a change was
 * found at run `at` +-1 (at > 0) or any change at all (at == 0). */
static int trial(const struct params *p, int at, int found[2])
{
    sqlite3 *db = NULL;
    char err[512];
    if (omps_store_open(":memory:", 1, &db, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    int rc = sql(db, "BEGIN");
    for (int r = 0; rc == 0 && r < p->runs; r++)
        rc = add_run(db, p, r, at > 0 && r >= at ? 1.0 + p->step : 1.0);
    rc = rc == 0 ? sql(db, "COMMIT") : rc;
    struct omps_history h = {0};
    if (rc == 0 && omps_history_load(db, p->alpha, &h, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        rc = -1;
    }
    found[0] = found[1] = 0;
    for (size_t i = 0; rc == 0 && h.count == 1 && i < h.machines[0].nseries; i++) {
        const struct omps_history_series *s = &h.machines[0].series[i];
        if (s->measure != OMPS_MEASURE_SECONDS)
            continue;
        /* Runs on the other placement are not in the series, so the change
         * is placed among the runs that are: the first measured at or
         * after the step is the right one. */
        long first = 0;
        while (first < (long)s->count && (long)s->points[first].run < at)
            first++;
        for (size_t c = 0; c < s->nchanges; c++) {
            const long index = (long)s->changes[c].index;
            if (at == 0 || (labs(index - first) <= 1 && omps_change_is_worse(s, &s->changes[c])))
                found[s->key.threads - 1] = 1;
        }
    }
    omps_history_free(&h);
    sqlite3_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    const int trials = argc > 1 ? atoi(argv[1]) : 20;
    struct params p = {.runs = argc > 2 ? atoi(argv[2]) : 40,
                       .step = argc > 3 ? atof(argv[3]) : 0.10,
                       .sd_run = argc > 4 ? atof(argv[4]) : 0.02,
                       .sd_round = argc > 5 ? atof(argv[5]) : 0.05,
                       .rounds = argc > 6 ? atoi(argv[6]) : 5,
                       .share = argc > 7 ? atof(argv[7]) : 0.1,
                       .alpha = argc > 8 ? atof(argv[8]) : OMPS_CHANGE_ALPHA,
                       .interfere = argc > 9 ? atof(argv[9]) : 0.1};
    int step_found[2] = {0, 0}, flat_found[2] = {0, 0};
    for (int t = 0; t < trials; t++) {
        int f[2];
        /* The step lands anywhere in the middle half of the history. */
        const int at = p.runs / 4 + (int)(uniform() * (p.runs / 2));
        if (trial(&p, at, f) != 0)
            return 2;
        step_found[0] += f[0];
        step_found[1] += f[1];
        if (trial(&p, 0, f) != 0)
            return 2;
        flat_found[0] += f[0];
        flat_found[1] += f[1];
    }
    printf("runs %d, step %+.0f%%, between-run sd %.3f, round sd %.3f, %d rounds, %.0f%% of "
           "rounds interfered with, other placement %.0f%% of 2-thread runs, alpha %g\n", p.runs,
           100 * p.step, p.sd_run, p.sd_round, p.rounds, 100 * p.interfere, 100 * p.share,
           p.alpha);
    for (int t = 0; t < 2; t++)
        printf("  %d thread%s: step found at its run +-1 in %d of %d; a change point in %d of "
               "%d flat histories\n", t + 1, t ? "s" : "", step_found[t], trials, flat_found[t],
               trials);
    return 0;
}
