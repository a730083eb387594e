/* Descriptive statistics and the derived columns of summary.csv, checked on
 * hand-made rows whose answers are known. */
#include <math.h>

#include "../harness/stats.h"
#include "check.h"

static void test_describe(void)
{
    const double x[] = {4.0, 1.0, 3.0, 2.0};
    struct omps_stats s;
    CHECK_INT_EQ(omps_stats_describe(x, 4, &s), 0);
    CHECK_NEAR(s.median, 2.5, 0);
    CHECK_NEAR(s.mean, 2.5, 0);
    CHECK_NEAR(s.stddev, sqrt(5.0 / 3.0), 1e-15);
    CHECK_NEAR(s.cv, sqrt(5.0 / 3.0) / 2.5, 1e-15);
    CHECK_NEAR(s.min, 1.0, 0);
    CHECK_NEAR(s.max, 4.0, 0);
    CHECK_NEAR(x[0], 4.0, 0); /* the input is left alone */
    const double odd[] = {5.0, 9.0, 1.0};
    CHECK_INT_EQ(omps_stats_describe(odd, 3, &s), 0);
    CHECK_NEAR(s.median, 5.0, 0);
    CHECK_INT_EQ(omps_stats_describe(odd, 1, &s), 0);
    CHECK(isnan(s.stddev));
    CHECK_INT_EQ(omps_stats_describe(odd, 0, &s), 0);
    CHECK(isnan(s.median));
}

static struct omps_summary_row row(const char *kernel, int threads, double median,
                                   const char *schedule, double work,
                                   const char *unit)
{
    struct omps_summary_row r = {.kernel = kernel, .params = "", .n = 100,
                                 .threads = threads, .schedule = schedule,
                                 .work = {work, work, work}, .rate_unit = unit};
    r.stats.median = median;
    return r;
}

/* Times that follow Amdahl's law with f = 0.1 exactly: T(p) = 10 (0.1 + 0.9/p). */
static void test_derive_amdahl(void)
{
    struct omps_summary_row rows[] = {
        row("k", 1, 10.0, "static", 2e9, "GFLOP/s"),
        row("k", 2, 5.5, "static", 2e9, "GFLOP/s"),
        row("k", 4, 3.25, "static", 2e9, "GFLOP/s"),
        row("k", 2, 7.0, "dynamic", 2e9, "GFLOP/s"), /* no 1-thread row */
    };
    omps_summary_derive(rows, 4);
    CHECK_NEAR(rows[0].speedup, 1.0, 0);
    CHECK(isnan(rows[0].karp_flatt));
    CHECK_NEAR(rows[1].speedup, 10.0 / 5.5, 1e-15);
    CHECK_NEAR(rows[1].efficiency, 10.0 / 5.5 / 2, 1e-15);
    CHECK_NEAR(rows[1].karp_flatt, 0.1, 1e-14);
    CHECK_NEAR(rows[2].karp_flatt, 0.1, 1e-14);
    CHECK_NEAR(rows[2].rate, 2e9 / 3.25 / 1e9, 1e-15);
    CHECK(isnan(rows[3].speedup));
    CHECK(isnan(rows[3].efficiency));
    CHECK(isnan(rows[0].copy_fraction));
}

static void test_copy_fraction(void)
{
    struct omps_summary_row rows[] = {
        row("cube_map", 2, 2.0, "static", 8e9, "GB/s"),
        row("copy", 2, 1.0, "static", 8e9, "GB/s"),
        row("cube_map", 2, 2.0, "guided", 8e9, "GB/s"), /* copy never ran */
    };
    omps_summary_derive(rows, 3);
    CHECK_NEAR(rows[0].copy_fraction, 0.5, 1e-15);
    CHECK(isnan(rows[1].copy_fraction));
    CHECK(isnan(rows[2].copy_fraction));
}

/* Overheads: microseconds per construct above the reference's. */
static void test_overhead_rate(void)
{
    struct omps_summary_row rows[] = {
        row("overhead_barrier", 2, 0.003, "none", 1000, "us/construct"),
        row("overhead_reference", 2, 0.004, "none", 2000, "us/construct"),
        row("overhead_barrier", 4, 0.003, "none", 1000, "us/construct"),
        row("counter_atomic", 2, 0.5, "none", 1e6, "Mupdates/s"),
    };
    omps_summary_derive(rows, 4);
    CHECK_NEAR(rows[0].rate, 1.0, 1e-12); /* 3 us - 2 us per construct */
    CHECK_NEAR(rows[1].rate, 0.0, 1e-12);
    CHECK(isnan(rows[2].rate)); /* no reference at 4 threads */
    CHECK_NEAR(rows[3].rate, 2.0, 1e-12);
}

int main(void)
{
    test_overhead_rate();
    test_describe();
    test_derive_amdahl();
    test_copy_fraction();
    return CHECK_DONE();
}
