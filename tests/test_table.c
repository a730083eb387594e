#define _POSIX_C_SOURCE 200809L
/* The CSV writer's quoting read back through the libcsv table reader, the
 * outfile's all-or-nothing rename, the reader's errors on bad files, its
 * optional numbers, and the HTML escape the pages share. */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "csv_write.h"
#include "table.h"
#include "html.h"
#include "errors.h"
#include "registry.h"
#include "check.h"

static char dir[] = "/tmp/ompscale-test-table-XXXXXX";
static char err[512];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static int read_file(const char *name, struct omps_table *t)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    err[0] = '\0';
    return omps_table_read(path, t, err, sizeof err);
}

static void test_round_trip(void)
{
    struct omps_outfile out;
    CHECK_INT_EQ(omps_outfile_open(&out, dir, "rt.csv"), 0);
    CHECK(access(out.path, F_OK) != 0); /* nothing visible before commit */
    fprintf(out.f, "%s\n", OMPS_RUNS_HEADER);
    struct omps_key key = {.kernel = omps_kernel_find("midpoint"), .n = 12, .threads = 2,
                           .schedule = {omp_sched_static, 0},
                           .env = {{OMPS_TC_NONE, 0, 2, OMPS_TC_CLANG}}};
    snprintf(key.params_text, sizeof key.params_text, "f=0.3;g=\"x,y\"");
    const struct omps_run_row row = {&key, 3, 0.1 + 0.2, 1, 0, 7, 123.4, "libomp.so.5",
                                     0.1 + 0.2, 0.25,
                                     {1.5, 0.25, 1.75, 2048, 3, 137}};
    omps_csv_run_row(out.f, &row);
    CHECK_INT_EQ(omps_outfile_commit(&out), 0);
    struct omps_table t;
    CHECK_INT_EQ(read_file("rt.csv", &t), 0);
    CHECK_INT_EQ(t.ncols, 26);
    CHECK_STR_EQ(omps_table_cell(&t, 0, (size_t)omps_table_column(&t, "others_busy")), "0.25");
    /* A program's use: its CPU times, CPUs, resident set, threads, status. */
    CHECK_STR_EQ(omps_table_cell(&t, 0, (size_t)omps_table_column(&t, "cpus")), "1.75");
    CHECK_STR_EQ(omps_table_cell(&t, 0, (size_t)omps_table_column(&t, "max_rss_kb")), "2048");
    CHECK_STR_EQ(omps_table_cell(&t, 0, (size_t)omps_table_column(&t, "threads_seen")), "3");
    CHECK_STR_EQ(omps_table_cell(&t, 0, (size_t)omps_table_column(&t, "exit_status")), "137");
    CHECK_STR_EQ(omps_table_cell(&t, 0, 10), "7");
    CHECK_STR_EQ(omps_table_cell(&t, 0, 11), "123.4");
    /* The environment columns: bind and places left to the runtime. */
    CHECK_STR_EQ(omps_table_cell(&t, 0, 12), "");
    CHECK_STR_EQ(omps_table_cell(&t, 0, 13), "");
    CHECK_STR_EQ(omps_table_cell(&t, 0, 14), "passive");
    CHECK_STR_EQ(omps_table_cell(&t, 0, 15), "clang");
    CHECK_STR_EQ(omps_table_cell(&t, 0, 16), "libomp.so.5");
    /* The result to the last bit. */
    CHECK_STR_EQ(omps_table_cell(&t, 0, 17), "0.30000000000000004");
    CHECK_INT_EQ(t.nrows, 1);
    CHECK_STR_EQ(t.header[7], "seconds");
    CHECK_STR_EQ(omps_table_cell(&t, 0, 1), "f=0.3;g=\"x,y\"");
    CHECK(strtod(omps_table_cell(&t, 0, 7), NULL) == 0.1 + 0.2);
    CHECK_INT_EQ(omps_table_column(&t, "verified"), 8);
    CHECK_INT_EQ(omps_table_column(&t, "nosuch"), -1);
    CHECK_INT_EQ(t.lines[0], 2);
    omps_table_free(&t);
}

static void test_abort_leaves_nothing(void)
{
    struct omps_outfile out;
    CHECK_INT_EQ(omps_outfile_open(&out, dir, "gone.csv"), 0);
    fputs("half a line", out.f);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", out.tmp);
    omps_outfile_abort(&out);
    CHECK(access(out.path, F_OK) != 0);
    CHECK(access(tmp, F_OK) != 0);
    CHECK(omps_outfile_open(&out, "/nonexistent-dir", "x.csv") == OMPS_EIO);
}

static void test_bad_files(void)
{
    struct omps_table t;
    CHECK_INT_EQ(read_file("missing.csv", &t), OMPS_EIO);
    CHECK(strstr(err, "missing.csv") != NULL);
    write_file("empty.csv", "");
    CHECK_INT_EQ(read_file("empty.csv", &t), OMPS_EFORMAT);
    write_file("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
    CHECK_INT_EQ(read_file("ragged.csv", &t), OMPS_EFORMAT);
    CHECK_REPORT(strstr(err, "ragged.csv:3:") != NULL, "message '%s'", err);
    write_file("quote.csv", "a,b\n1,\"open\n");
    CHECK_INT_EQ(read_file("quote.csv", &t), OMPS_EFORMAT);
    write_file("truncated.csv", "a,b,c\n1,2,3\n4,5,");
    CHECK_INT_EQ(read_file("truncated.csv", &t), 0); /* a final empty field is legal */
    omps_table_free(&t);
    write_file("short.csv", "a,b,c\n1,2,3\n4,");
    CHECK_INT_EQ(read_file("short.csv", &t), OMPS_EFORMAT);
}

/* Names and paths reach the pages escaped, in elements and attributes. */
static void test_html_text(void)
{
    char buf[128] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    omps_html_text(f, "a<b>&\"c\" d");
    omps_html_text(f, NULL);
    fclose(f);
    CHECK_STR_EQ(buf, "a&lt;b&gt;&amp;&quot;c&quot; d");
}

/* summary.csv's optional numbers: empty, nan, absent or not a number is
 * NaN. */
static void test_table_number(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/numbers.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("a,b\n1.5,\nnan,x\n", f);
    fclose(f);
    struct omps_table t;
    char why[256];
    CHECK_INT_EQ(omps_table_read(path, &t, why, sizeof why), OMPS_OK);
    CHECK_NEAR(omps_table_number(&t, 0, 0), 1.5, 0);
    CHECK(isnan(omps_table_number(&t, 0, 1)));
    CHECK(isnan(omps_table_number(&t, 1, 0)));
    CHECK(isnan(omps_table_number(&t, 1, 1)));
    CHECK(isnan(omps_table_number(&t, 0, -1)));
    omps_table_free(&t);
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 2;
    test_round_trip();
    test_abort_leaves_nothing();
    test_bad_files();
    test_html_text();
    test_table_number();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_DONE();
}
