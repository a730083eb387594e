/*
 * Advice only where the data backs it, on synthetic summaries whose answer
 * is known: spread 20% faster than close for copy is recommended with its
 * interval; a 1% difference inside 5% intervals is undecided, inside 1%
 * intervals the same within 5%, and 3% apart over 8 paired rounds a
 * recommendation; a schedule that beats static is named; a USL peak inside the
 * run says where to stop; medians without intervals get no advice.
 * Usage: test_advice PLOT_SH
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv_write.h"
#include "table.h"
#include "check.h"
#include "fit_support.h"
#include "rng.h"

/* One summary row: kernel at threads under schedule and bind, its median
 * with a 95% interval of +-spread (0: none). */
struct cell {
    const char *kernel, *schedule, *chunk, *bind;
    int threads;
    double median, spread;
};

static void write_cells(const char *dir, const struct cell *cells, size_t n)
{
    char path[600];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n", OMPS_SUMMARY_HEADER);
    for (size_t i = 0; i < n; i++) {
        const struct cell *c = &cells[i];
        char th[16], m[32], lo[32] = "", hi[32] = "";
        snprintf(th, sizeof th, "%d", c->threads);
        num(m, sizeof m, c->median);
        if (c->spread > 0) {
            num(lo, sizeof lo, c->median * (1 - c->spread));
            num(hi, sizeof hi, c->median * (1 + c->spread));
        }
        summary_row(f, (const char *const[]){"kernel", c->kernel, "n", "1000", "threads", th,
                                             "schedule", c->schedule, "chunk", c->chunk,
                                             "repetitions", "10", "median_s", m, "ci_low_s", lo,
                                             "ci_high_s", hi, "bind", c->bind, "ranks", "1",
                                             "cores", th, NULL});
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    f = fopen(path, "w");
    fprintf(f, "{\"cpu_model\": \"Synthetic CPU\", \"physical_cores\": 16}\n");
    fclose(f);
}

/* DIR/runs.csv for cells[0..n): 8 rounds of 2 repetitions each, with 0.5%
 * round-level noise, so the fit's intervals come from its bootstrap. */
static void write_rounds(const char *dir, const struct cell *cells, size_t n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n", OMPS_RUNS_HEADER);
    rng_state = 0xAD71CE;
    for (int round = 0; round < 8; round++) {
        for (size_t i = 0; i < n; i++) {
            const double level = cells[i].median * exp(0.005 * gaussian());
            for (int r = 0; r < 2; r++) {
                char th[16], rep[16], rd[16], sec[32];
                snprintf(th, sizeof th, "%d", cells[i].threads);
                snprintf(rep, sizeof rep, "%d", 2 * round + r);
                snprintf(rd, sizeof rd, "%d", round);
                num(sec, sizeof sec, level * exp(0.001 * gaussian()));
                header_row(f, OMPS_RUNS_HEADER,
                           (const char *const[]){"kernel", cells[i].kernel, "n", "1000",
                                                 "threads", th, "schedule", cells[i].schedule,
                                                 "chunk", cells[i].chunk, "repetition", rep,
                                                 "seconds", sec, "verified", "1",
                                                 "oversubscribed", "0", "round", rd, "bind",
                                                 cells[i].bind, "ranks", "1", NULL});
            }
        }
    }
    fclose(f);
}

/* The advice line of topic after fitting cells[0..n); "" when none. */
static void advice_of(const char *name, const struct cell *cells, size_t n, int rounds,
                      const char *topic, char *advice, size_t len, double *lo)
{
    char dir[512], path[600], msg[512];
    case_dir(dir, sizeof dir, name);
    write_cells(dir, cells, n);
    if (rounds)
        write_rounds(dir, cells, n);
    *advice = '\0';
    *lo = NAN;
    CHECK_INT_EQ(run_plot_sh("--fit-only", dir), 0);
    snprintf(path, sizeof path, "%s/advice.csv", dir);
    struct omps_table t;
    if (omps_table_read(path, &t, msg, sizeof msg) != 0) {
        CHECK_REPORT(0, "%s: %s", name, msg);
        return;
    }
    const int tc = omps_table_column(&t, "topic"), ac = omps_table_column(&t, "advice"),
              lc = omps_table_column(&t, "gain_ci_low");
    for (size_t r = 0; tc >= 0 && ac >= 0 && lc >= 0 && r < t.nrows; r++) {
        if (strcmp(omps_table_cell(&t, r, (size_t)tc), topic) != 0)
            continue;
        snprintf(advice, len, "%s", omps_table_cell(&t, r, (size_t)ac));
        *lo = strtod(omps_table_cell(&t, r, (size_t)lc), NULL);
    }
    omps_table_free(&t);
}

static void expect(const char *name, const struct cell *cells, size_t n, int rounds,
                   const char *topic, const char *words)
{
    char advice[512];
    double lo;
    advice_of(name, cells, n, rounds, topic, advice, sizeof advice, &lo);
    CHECK_REPORT(strstr(advice, words) != NULL, "%s: advice '%s', not '%s...'", name, advice,
                 words);
    printf("%s: %s\n", name, advice);
}

/* copy under close and spread at 1 and 8 threads into b: 1.0 at one
 * thread, 0.300 under close and `spread_time` under spread at 8, each with
 * an interval of +-width.  Returns b. */
static const struct cell *binding(struct cell b[4], double spread_time, double width)
{
    b[0] = (struct cell){"copy", "static", "0", "close", 1, 1.0, width};
    b[1] = (struct cell){"copy", "static", "0", "spread", 1, 1.0, width};
    b[2] = (struct cell){"copy", "static", "0", "close", 8, 0.300, width};
    b[3] = (struct cell){"copy", "static", "0", "spread", 8, spread_time, width};
    return b;
}

int main(int argc, char **argv)
{
    if (fit_support_start(argc, argv) != 0)
        return 2;
    struct cell b[4];
    expect("spread", binding(b, 0.25, 0.03), 4, 0, "binding",
           "copy: use OMP_PROC_BIND=spread, 20% faster than OMP_PROC_BIND=close [");
    expect("alike", binding(b, 0.297, 0.05), 4, 0, "binding",
           "copy: undecided between OMP_PROC_BIND=spread and OMP_PROC_BIND=close at 8 threads");
    /* The same 1% inside 1% intervals: the same within the 5% margin. */
    expect("same", binding(b, 0.297, 0.01), 4, 0, "binding",
           "copy: OMP_PROC_BIND=spread and OMP_PROC_BIND=close are the same within 5%");
    /* 3% apart with 5% intervals on each median, undecided on its own, but
     * paired over 8 rounds of 0.5% round noise: decided. */
    expect("paired", binding(b, 0.291, 0.05), 4, 1, "binding",
           "copy: use OMP_PROC_BIND=spread, 3% faster");
    const struct cell schedule[] = {{"imbalance", "static", "0", "", 1, 1.0, 0.02},
                                    {"imbalance", "dynamic", "64", "", 1, 1.0, 0.02},
                                    {"imbalance", "static", "0", "", 8, 0.26, 0.02},
                                    {"imbalance", "dynamic", "64", "", 8, 0.20, 0.02}};
    expect("schedule", schedule, 4, 0, "schedule", "imbalance: use dynamic:64, 30% faster than static");
    const struct cell unsure[] = {{"imbalance", "static", "0", "", 1, 1.0, 0},
                                  {"imbalance", "dynamic", "64", "", 1, 1.0, 0},
                                  {"imbalance", "static", "0", "", 8, 0.26, 0},
                                  {"imbalance", "dynamic", "64", "", 8, 0.20, 0}};
    expect("unsure", unsure, 4, 0, "schedule", "too few rounds for an interval (no advice)");
    /* The USL with alpha 0.02 and beta 0.01 peaks near 9.9 threads. */
    struct cell peak[16];
    for (int n = 1; n <= 16; n++)
        peak[n - 1] = (struct cell){"midpoint", "static", "0", "", n,
                                    usl_time(1.0, 0.02, 0.01, n), 0.01};
    expect("peak", peak, 16, 1, "threads", "it stops gaining past 9.");
    if (fit_support_end() != 0)
        return 2;
    return CHECK_DONE();
}
