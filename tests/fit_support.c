#define _POSIX_C_SOURCE 200809L
#include "fit_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv_write.h"
#include "table.h"
#include "rng.h"

const char *plot_sh;
char root[] = "/tmp/ompscale-test-fit-XXXXXX";

/* Time at N threads under USL (Amdahl when beta = 0). */
double usl_time(double t1, double alpha, double beta, int n)
{
    return t1 * (1.0 + alpha * (n - 1) + beta * n * (n - 1.0)) / n;
}

/* One CSV row of header's columns by name, from cells' name, value pairs. */
void header_row(FILE *f, const char *header, const char *const *cells)
{
    char names[4096];
    int first = 1;
    snprintf(names, sizeof names, "%s", header);
    for (char *name = strtok(names, ","); name != NULL; name = strtok(NULL, ",")) {
        const char *value = "";
        for (const char *const *c = cells; *c != NULL; c += 2) {
            if (strcmp(c[0], name) == 0)
                value = c[1];
        }
        omps_csv_put_TEXT(f, &first, value);
    }
    fputc('\n', f);
}

/* Writes one summary.csv row by column name: cells holds name, value pairs
 * ending in NULL; every other column of OMPS_SUMMARY_HEADER is empty, so a
 * row stays right whatever columns the file gains. */
void summary_row(FILE *f, const char *const *cells)
{
    header_row(f, OMPS_SUMMARY_HEADER, cells);
}

/* "%.17g" of v in buf. */
const char *num(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.17g", v);
    return buf;
}

/* Writes DIR/summary.csv and DIR/machine.json for one synthetic series. */
void write_run(const char *dir, const struct synth *s)
{
    char path[512];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "%s\n", OMPS_SUMMARY_HEADER);
    const int reps = 10;
    for (int n = 1; n <= s->max_threads; n++) {
        double t = s->constant ? 1.0 : usl_time(1.0, s->alpha, s->beta, n);
        double measured = t * (1.0 + s->noise * gaussian());
        double stddev = s->noise * t * sqrt(reps) / 1.2533;
        char threads[16], count[16], m[32], sd[32], sp[32];
        snprintf(threads, sizeof threads, "%d", n);
        snprintf(count, sizeof count, "%d", reps);
        num(m, sizeof m, measured);
        summary_row(f, (const char *const[]){
                           "kernel", s->kernel, "n", "1000", "threads", threads,
                           "schedule", "static", "chunk", "0", "repetitions", count,
                           "median_s", m, "mean_s", m, "stddev_s", num(sd, sizeof sd, stddev),
                           "min_s", m, "max_s", m, "speedup", num(sp, sizeof sp, 1.0 / measured),
                           "rate", "1", "rate_unit", "GFLOP/s", "oversubscribed", "0",
                           "ranks", "1", "cores", threads, NULL});
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    f = fopen(path, "w");
    fprintf(f,
            "{\n  \"date\": \"2026-01-01T00:00:00Z\",\n  \"cpu_model\": \"Synthetic "
            "CPU\",\n"
            "  \"physical_cores\": %d\n}\n",
            s->physical_cores);
    fclose(f);
}

int run_plot_sh(const char *options, const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "bash %s %s %s >/dev/null 2>&1", plot_sh, options, dir);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int run_plots(const char *dir)
{
    return run_plot_sh("", dir);
}

/* Writes to `to` the columns of `from` that come before `column`, as a
 * runs.csv from before that column existed.  Returns 0, or -1. */
int copy_columns_before(const char *from, const char *to, const char *column)
{
    struct omps_table t;
    char msg[512];
    if (omps_table_read(from, &t, msg, sizeof msg) != 0)
        return -1;
    const int end = omps_table_column(&t, column);
    FILE *f = end > 0 ? fopen(to, "w") : NULL;
    for (size_t r = 0; f != NULL && r <= t.nrows; r++) {
        for (int c = 0; c < end; c++) {
            if (c > 0)
                fputc(',', f);
            omps_csv_text(f,
                          r == 0 ? t.header[c] : omps_table_cell(&t, r - 1, (size_t)c));
        }
        fputc('\n', f);
    }
    const int rc = f != NULL && fclose(f) == 0 ? 0 : -1;
    omps_table_free(&t);
    return rc;
}

/* Finds (model, parameter) in DIR/fit.csv.  Returns 0 when found. */
int fit_lookup(const char *dir, const char *model, const char *param,
               struct fit_cells *out)
{
    char path[512], msg[512];
    struct omps_table t;
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    if (omps_table_read(path, &t, msg, sizeof msg) != 0) {
        fprintf(stderr, "%s\n", msg);
        return -1;
    }
    static const char *const names[] = {"model",  "parameter", "value", "stderr",
                                        "ci_low", "ci_high",   "note"};
    int c[7], found = -1;
    for (int i = 0; i < 7; i++) {
        c[i] = omps_table_column(&t, names[i]);
        if (c[i] < 0)
            found = -2;
    }
    for (size_t r = 0; r < t.nrows && found == -1; r++) {
        const char *cell[7];
        for (int i = 0; i < 7; i++)
            cell[i] = omps_table_cell(&t, r, (size_t)c[i]);
        if (strcmp(cell[0], model) || strcmp(cell[1], param))
            continue;
        out->value = strtod(cell[2], NULL);
        out->err = strtod(cell[3], NULL);
        out->lo = strtod(cell[4], NULL);
        out->hi = strtod(cell[5], NULL);
        snprintf(out->note, sizeof out->note, "%s", cell[6]);
        found = 0;
    }
    omps_table_free(&t);
    return found;
}

/* Looks up (model, parameter) in DIR/fit.csv; returns 0 when found. */
int fit_value(const char *dir, const char *model, const char *param, double *value,
              double *err, char *note, size_t note_len)
{
    struct fit_cells f;
    if (fit_lookup(dir, model, param, &f) != 0)
        return -1;
    *value = f.value;
    *err = f.err;
    if (note)
        snprintf(note, note_len, "%s", f.note);
    return 0;
}

void case_dir(char *dir, size_t len, const char *name)
{
    snprintf(dir, len, "%s/%s", root, name);
}

/* Finds (model, parameter) in DIR/fit.csv: value, interval and note.
 * Returns 0 when found. */
int fit_interval(const char *dir, const char *model, const char *param, double *value,
                 double *lo, double *hi, char *note, size_t note_len)
{
    struct fit_cells f;
    if (fit_lookup(dir, model, param, &f) != 0)
        return -1;
    *value = f.value;
    *lo = f.lo;
    *hi = f.hi;
    snprintf(note, note_len, "%s", f.note);
    return 0;
}

int exists(const char *dir, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

int fit_support_start(int argc, char **argv)
{
    if (argc < 2 || mkdtemp(root) == NULL)
        return 2;
    plot_sh = argv[1];
    return 0;
}

int fit_support_end(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    return system(cmd) == 0 ? 0 : 2;
}

void fit_support_seed(uint64_t seed)
{
    rng_state = seed;
}
