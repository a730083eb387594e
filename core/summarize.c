#include "summarize.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errors.h"
#include "csv_write.h"
#include "machine_file.h"
#include "placement.h"
#include "runs_read.h"
#include "stats.h"

static int by_round(const void *a, const void *b)
{
    const struct omps_run_record *x = *(const struct omps_run_record *const *)a;
    const struct omps_run_record *y = *(const struct omps_run_record *const *)b;
    return (x->round > y->round) - (x->round < y->round);
}

/*
 * The interval of the median is taken over rounds, the level at which the
 * machine's state varies: repetitions that share a round (a merged file, or
 * one from before rounds) count once, as their median.  The per-round
 * medians stay on the row (in round order) for pairing overheads with their
 * reference; free them with free_rounds.
 */
static int median_interval(const struct omps_run_record *rows, size_t n,
                           struct omps_summary_row *out)
{
    const struct omps_run_record **order = malloc((n + 1) * sizeof *order);
    double *per_round = malloc((n + 1) * sizeof *per_round);
    double *sorted = malloc((n + 1) * sizeof *sorted);
    long *ids = malloc((n + 1) * sizeof *ids);
    int rc = order && per_round && sorted && ids ? OMPS_OK : OMPS_ENOMEM;
    size_t rounds = 0;
    for (size_t i = 0; rc == OMPS_OK && i < n; i++)
        order[i] = &rows[i];
    if (rc == OMPS_OK)
        qsort(order, n, sizeof *order, by_round);
    for (size_t i = 0, j; rc == OMPS_OK && i < n; i = j) {
        for (j = i; j < n && order[j]->round == order[i]->round; j++)
            sorted[j - i] = order[j]->seconds;
        ids[rounds] = order[i]->round;
        per_round[rounds++] = omps_median_inplace(sorted, j - i);
    }
    if (rc == OMPS_OK) {
        memcpy(sorted, per_round, rounds * sizeof *sorted);
        omps_median_inplace(sorted, rounds);
        omps_median_interval(sorted, rounds, &out->ci_low, &out->ci_high);
        out->round_ids = ids;
        out->round_seconds = per_round;
        out->rounds = rounds;
    } else {
        free(ids);
        free(per_round);
    }
    free(order);
    free(sorted);
    return rc;
}

static void free_rounds(struct omps_summary_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((void *)rows[i].round_ids);
        free((void *)rows[i].round_seconds);
    }
}

static int compare_records(const void *a, const void *b)
{
    const struct omps_run_record *x = a, *y = b;
    const int c = omps_key_compare(&x->key, &y->key);
    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* The computed results of the verified rows: their range, and whether they
 * all had the same bits (a floating-point sum whose order varies need not). */
static void describe_results(const struct omps_run_record *rows, size_t n,
                             struct omps_summary_row *out)
{
    out->result_low = out->result_high = NAN;
    out->result_bitwise = -1;
    for (size_t i = 0; i < n; i++) {
        const double x = rows[i].result;
        if (!rows[i].verified || isnan(x))
            continue;
        if (out->result_bitwise < 0) {
            out->result_low = out->result_high = x;
            out->result_bitwise = 1;
        }
        out->result_bitwise &= memcmp(&x, &out->result_low, sizeof x) == 0;
        out->result_low = fmin(out->result_low, x);
        out->result_high = fmax(out->result_high, x);
    }
}

/* The median of the rows' others_busy (NaN when none was measured). */
static double median_busy(const struct omps_run_record *rows, size_t n, double *scratch)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(rows[i].others_busy))
            scratch[k++] = rows[i].others_busy;
    }
    return k > 0 ? omps_median_inplace(scratch, k) : NAN;
}

/* A program's use over the verified rows (run --command): the median CPUs,
 * the largest resident set, the most threads seen. */
static void describe_use(const struct omps_run_record *rows, size_t n, double *scratch,
                         struct omps_summary_row *out)
{
    size_t k = 0;
    out->max_rss_kb = -1;
    out->threads_seen = 0;
    for (size_t i = 0; i < n; i++) {
        const struct omps_process_use *u = &rows[i].use;
        if (!rows[i].verified)
            continue;
        if (!isnan(u->cpus))
            scratch[k++] = u->cpus;
        out->max_rss_kb = u->max_rss_kb > out->max_rss_kb ? u->max_rss_kb : out->max_rss_kb;
        out->threads_seen = u->threads_seen > out->threads_seen ? u->threads_seen
                                                                : out->threads_seen;
    }
    out->cpus = k > 0 ? omps_median_inplace(scratch, k) : NAN;
}

/* Summarizes rows[0..n), one configuration; returns 0 and sets *keep to 0
 * when a repetition failed verification. */
static int summarize_group(const struct omps_run_record *rows, size_t n, double *scratch,
                           struct omps_summary_row *out, int *keep)
{
    *keep = 1;
    for (size_t i = 0; i < n; i++) {
        *keep &= rows[i].verified;
        scratch[i] = rows[i].probe_ns;
    }
    *out = (struct omps_summary_row){.key = rows[0].key,
                                     .oversubscribed = rows[0].oversubscribed,
                                     .runtime = rows[0].runtime};
    describe_results(rows, n, out);
    out->others_busy = median_busy(rows, n, scratch);
    describe_use(rows, n, scratch, out);
    /* Placement matters where threads talk to each other: 2 and more. */
    if (rows[0].key.threads >= 2)
        out->placement_modes = omps_placement_modes(scratch, n);
    for (size_t i = 0; i < n; i++)
        scratch[i] = rows[i].seconds;
    const int rc = omps_stats_describe(scratch, n, &out->stats);
    return rc == OMPS_OK ? median_interval(rows, n, out) : rc;
}

static int build_rows(struct omps_runs *runs, struct omps_summary_row *rows, size_t *count)
{
    double *scratch = malloc((runs->count + 1) * sizeof *scratch);
    if (scratch == NULL)
        return OMPS_ENOMEM;
    qsort(runs->rows, runs->count, sizeof *runs->rows, compare_records);
    *count = 0;
    int rc = OMPS_OK;
    for (size_t i = 0, j; rc == OMPS_OK && i < runs->count; i = j) {
        for (j = i + 1; j < runs->count &&
                        omps_key_compare(&runs->rows[i].key, &runs->rows[j].key) == 0;
             j++)
            ;
        int keep;
        rc = summarize_group(&runs->rows[i], j - i, scratch, &rows[*count], &keep);
        if (rc == OMPS_OK && !keep)
            free_rounds(&rows[*count], 1);
        *count += rc == OMPS_OK && keep;
    }
    free(scratch);
    return rc;
}

static int write_rows(const char *dir, const struct omps_summary_row *rows, size_t n)
{
    struct omps_outfile out;
    int rc = omps_outfile_open(&out, dir, "summary.csv");
    if (rc != OMPS_OK)
        return rc;
    fprintf(out.f, "%s\n", OMPS_SUMMARY_HEADER);
    for (size_t i = 0; i < n; i++)
        omps_csv_summary_row(out.f, &rows[i]);
    return omps_outfile_commit(&out);
}

/* The division probe machine.json recorded, or NaN. */
static double recorded_division_ns(const char *dir)
{
    char why[512];
    json_t *m = omps_machine_file_load(dir, why, sizeof why);
    json_t *v = json_object_get(m, "division_ns");
    const double ns = json_is_number(v) && json_number_value(v) > 0 ? json_number_value(v) : NAN;
    json_decref(m);
    return ns;
}

int omps_summarize_dir(const char *dir, char *err, size_t err_len)
{
    char path[4200];
    struct omps_runs runs;
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    int rc = omps_runs_read(path, &runs, err, err_len);
    if (rc != OMPS_OK)
        return rc;
    struct omps_summary_row *rows = calloc(runs.count + 1, sizeof *rows);
    size_t n = 0;
    rc = rows ? build_rows(&runs, rows, &n) : OMPS_ENOMEM;
    if (rc == OMPS_OK) {
        omps_summary_derive(rows, n, recorded_division_ns(dir));
        rc = write_rows(dir, rows, n);
        if (rc == OMPS_EIO)
            snprintf(err, err_len, "%s/summary.csv: %s", dir, strerror(errno));
    }
    if (rc == OMPS_ENOMEM)
        snprintf(err, err_len, "%s: out of memory", path);
    if (rows != NULL)
        free_rounds(rows, n);
    free(rows);
    omps_runs_free(&runs);
    return rc;
}
