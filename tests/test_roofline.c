/*
 * The roofline's data on a synthetic run whose answer is known: midpoint
 * (flops, no bytes), cube_map (2 flops per 16 bytes), copy and read (bytes,
 * no flops: the memory ceiling) at 1 and 2 threads, with the probes in
 * machine.json.  The catalogue row must carry the ceilings the run
 * measured (the best of copy and read at each thread count, fma_gflops and
 * the division throughput times the threads), and each kernel's file its
 * intensity and GFLOP/s at 1 and 2 threads; copy and read are no points.
 * Usage: test_roofline PLOT_SH
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv_write.h"
#include "table.h"
#include "check.h"
#include "fit_support.h"

#define N 1000000

/* One summary row: kernel at threads, median seconds, rate in its unit. */
static void row(FILE *f, const char *kernel, int threads, double median, double rate)
{
    char th[16], n[32], med[32], r[32];
    snprintf(th, sizeof th, "%d", threads);
    snprintf(n, sizeof n, "%d", N);
    num(med, sizeof med, median);
    num(r, sizeof r, rate);
    summary_row(f, (const char *const[]){"kernel", kernel, "n", n, "threads", th, "schedule",
                                         "static", "chunk", "0", "repetitions", "10",
                                         "median_s", med, "stddev_s", "0", "rate", r,
                                         "oversubscribed", "0", "ranks", "1", "cores", th,
                                         NULL});
}

/* The value NAME=... in the settings text, or NaN. */
static double setting(const char *data, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "%s=", name);
    const char *at = strstr(data, key);
    return at ? strtod(at + strlen(key), NULL) : NAN;
}

/* Row r of DIR/work/NAME (after its title line): intensity and GFLOP/s. */
static int roof_point(const char *dir, const char *name, int r, double *x, double *y)
{
    char path[700], line[512];
    snprintf(path, sizeof path, "%s/work/%s", dir, name);
    FILE *f = fopen(path, "r");
    int at = -1, found = 0;
    while (f != NULL && !found && fgets(line, sizeof line, f) != NULL)
        found = at++ == r && sscanf(line, "%lf %lf", x, y) == 2;
    if (f != NULL)
        fclose(f);
    return found;
}

int main(int argc, char **argv)
{
    if (fit_support_start(argc, argv) != 0)
        return 2;
    char dir[512], path[700], msg[512];
    case_dir(dir, sizeof dir, "roofline");
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n", OMPS_SUMMARY_HEADER);
    /* midpoint: 6 flops a term; cube_map: 2 flops and 16 bytes an element;
     * copy 16 bytes, read 8: read is the faster ceiling at 2 threads only. */
    row(f, "midpoint", 1, 0.006, 1.0), row(f, "midpoint", 2, 0.0032, 1.875);
    row(f, "cube_map", 1, 0.002, 8.0), row(f, "cube_map", 2, 0.0011, 14.5);
    row(f, "copy", 1, 0.0016, 10.0), row(f, "copy", 2, 0.001, 16.0);
    row(f, "read", 1, 0.0009, 8.9), row(f, "read", 2, 0.0004, 20.0);
    fclose(f);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    f = fopen(path, "w");
    fprintf(f, "{\"cpu_model\": \"Synthetic CPU\", \"physical_cores\": 2, "
               "\"division_ns\": 0.5, \"fma_gflops\": 40}\n");
    fclose(f);
    snprintf(path, sizeof path, "%s/work", dir);
    mkdir(path, 0777);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s fit %s --data %s/work >/dev/null 2>&1", getenv("OMPSCALE"),
             dir, dir);
    CHECK_INT_EQ(system(cmd), 0);
    snprintf(path, sizeof path, "%s/pictures.csv", dir);
    struct omps_table t;
    CHECK_INT_EQ(omps_table_read(path, &t, msg, sizeof msg), 0);
    const int fc = omps_table_column(&t, "file"), dc = omps_table_column(&t, "data");
    const char *data = NULL;
    for (size_t r = 0; fc >= 0 && dc >= 0 && r < t.nrows; r++) {
        if (strcmp(omps_table_cell(&t, r, (size_t)fc), "roofline") == 0)
            data = omps_table_cell(&t, r, (size_t)dc);
    }
    CHECK_REPORT(data != NULL, "%s", "no roofline row in pictures.csv");
    if (data != NULL) {
        CHECK_NEAR(setting(data, "B1"), 10.0, 1e-12); /* copy's, read being slower */
        CHECK_NEAR(setting(data, "BN"), 20.0, 1e-12); /* read's */
        CHECK_NEAR(setting(data, "F1"), 40.0, 1e-12);
        CHECK_NEAR(setting(data, "FN"), 80.0, 1e-12);
        CHECK_NEAR(setting(data, "D1"), 12.0, 1e-12);
        CHECK_NEAR(setting(data, "DN"), 24.0, 1e-12);
        CHECK(strstr(data, "roof-midpoint.dat") && strstr(data, "roof-cube_map.dat"));
        CHECK(!strstr(data, "roof-copy.dat") && !strstr(data, "roof-read.dat"));
    }
    omps_table_free(&t);
    double x = 0, y = 0;
    CHECK(roof_point(dir, "roof-cube_map.dat", 0, &x, &y));
    CHECK_NEAR(x, 0.125, 1e-15);
    CHECK_NEAR(y, 2.0 * N / 0.002 * 1e-9, 1e-12);
    CHECK(roof_point(dir, "roof-cube_map.dat", 1, &x, &y));
    CHECK_NEAR(y, 2.0 * N / 0.0011 * 1e-9, 1e-12);
    CHECK(roof_point(dir, "roof-midpoint.dat", 1, &x, &y));
    CHECK_NEAR(x, 100.0, 1e-12); /* no memory traffic: the right edge */
    CHECK_NEAR(y, 6.0 * N / 0.0032 * 1e-9, 1e-9);
    CHECK_INT_EQ(run_plots(dir), 0);
    CHECK(exists(dir, "roofline.png") && exists(dir, "roofline.svg"));
    if (fit_support_end() != 0)
        return 2;
    return CHECK_DONE();
}
