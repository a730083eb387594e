/* The gate's reporters: the verdict and headline, the terminal table,
 * compare.csv and compare.md (also appended to $GITHUB_STEP_SUMMARY). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "csv_write.h"
#include "gate.h"

static int count_verdict(const struct omps_judgement *v, size_t k, const char *which)
{
    int n = 0;
    for (size_t i = 0; i < k; i++)
        n += strcmp(v[i].verdict, which) == 0;
    return n;
}

int omps_gate_conclude(const struct omps_judgement *v, size_t k,
                       const struct omps_compare_options *o, const char *why_inconclusive,
                       char *headline, size_t len)
{
    const int regressions = count_verdict(v, k, "regression");
    const int unverified = count_verdict(v, k, "unverified");
    const int undecided = count_verdict(v, k, "inconclusive") + count_verdict(v, k, "missing") +
                          count_verdict(v, k, "faulted");
    const int improvements = count_verdict(v, k, "improvement");
    const int compared = (int)k - count_verdict(v, k, "added");
    int in_both = 0;
    for (size_t i = 0; i < k; i++)
        in_both += v[i].base != NULL && v[i].new != NULL && v[i].base->count > 0 &&
                   v[i].new->count > 0;
    /* A gate that compared nothing passes nothing. */
    const int doubt = *why_inconclusive != '\0' || in_both == 0;
    const int code = regressions || unverified ? 1 : undecided || doubt ? 3 : 0;
    snprintf(headline, len,
             "%s: %d regression(s) beyond +%.3g%%, %d unverified, %d undecided, "
             "%d improvement(s), %d configuration(s)%s%s",
             code == 1 ? "FAIL" : code == 3 ? "INCONCLUSIVE" : "PASS", regressions,
             o->threshold * 100, unverified, undecided, improvements, compared,
             doubt ? "; " : "",
             *why_inconclusive ? why_inconclusive : in_both == 0 ? "nothing in common" : "");
    return code;
}

/* "midpoint[f=0.3] n=1048576 threads=2 static:0", then the environment's
 * set fields ("bind=spread;wait_policy=passive"), and the toolchain when it
 * is not this build's. */
static void describe(const struct omps_judgement *j, char *buf, size_t len)
{
    const struct omps_key *k = j->base ? &j->base->key : &j->new->key;
    const int has = k->params_text[0] != '\0';
    const int other = k->env.value[OMPS_AXIS_TOOLCHAIN] != (unsigned char)omps_own_toolchain();
    char env[160];
    omps_env_text(&k->env, other, env, sizeof env);
    snprintf(buf, len, "%s%s%s%s n=%llu threads=%d %s:%d%s%.100s", k->kernel->name,
             has ? "[" : "", k->params_text, has ? "]" : "", (unsigned long long)k->n,
             k->threads, omps_schedule_name(k->schedule.kind), k->schedule.chunk,
             *env ? " " : "", env);
}

static void human_time(double s, char *buf, size_t len)
{
    if (!isfinite(s))
        snprintf(buf, len, "-");
    else if (s < 1e-3)
        snprintf(buf, len, "%.3f us", s * 1e6);
    else if (s < 1.0)
        snprintf(buf, len, "%.3f ms", s * 1e3);
    else
        snprintf(buf, len, "%.3f s", s);
}

/* The ratio and its interval, or "-" where there is none (a side without rounds). */
static void ratio_text(const struct omps_judgement *j, char *ratio, char *interval, size_t len)
{
    if (!isfinite(j->ratio)) {
        snprintf(ratio, len, "-");
        snprintf(interval, len, "-");
        return;
    }
    snprintf(ratio, len, "%.3f", j->ratio);
    snprintf(interval, len, "[%.3f, %.3f]", j->lo, j->hi);
}

void omps_gate_print(const struct omps_judgement *v, size_t k)
{
    printf("%-12s %7s  %-17s %11s  %11s  %s\n", "verdict", "ratio", "95% interval",
           "base", "new", "configuration: why");
    for (size_t i = 0; i < k; i++) {
        char conf[256], bt[32], nt[32], ratio[48], ci[48];
        describe(&v[i], conf, sizeof conf);
        human_time(v[i].base_s, bt, sizeof bt);
        human_time(v[i].new_s, nt, sizeof nt);
        ratio_text(&v[i], ratio, ci, sizeof ci);
        printf("%-12s %7s  %-17s %11s  %11s  %s: %s\n", v[i].verdict, ratio, ci, bt, nt, conf,
               v[i].reason);
    }
}

static void csv_row(FILE *f, const struct omps_judgement *row)
{
    int first = 1;
    OMPS_COMPARE_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}

static int write_csv(const char *dir, const struct omps_judgement *v, size_t k)
{
    struct omps_outfile out;
    if (omps_outfile_open(&out, dir, "compare.csv") != OMPS_OK)
        return OMPS_EIO;
    fprintf(out.f, "%s\n", OMPS_COMPARE_HEADER);
    for (size_t i = 0; i < k; i++)
        csv_row(out.f, &v[i]);
    return omps_outfile_commit(&out);
}

/* The Markdown summary: the verdict, then every row that is not unchanged. */
static void markdown(FILE *f, const struct omps_judgement *v, size_t k, const char *headline,
                     const char *load, const struct omps_compare_options *o)
{
    size_t unchanged = 0;
    fprintf(f, "## ompscale compare\n\n**%s**\n\n", headline);
    if (*load)
        fprintf(f, "%s\n\n", load);
    fprintf(f, "Threshold +%.3g%%, alpha %.3g; ratio is the Hodges-Lehmann estimate of "
               "NEW/BASE over rounds (each round's fastest repetition) with its 95%% "
               "interval; base and new are the median round times.\n\n",
            o->threshold * 100, o->alpha);
    fprintf(f, "| verdict | ratio | 95%% interval | base | new | configuration | why |\n");
    fprintf(f, "|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < k; i++) {
        if (strcmp(v[i].verdict, "unchanged") == 0) {
            unchanged++;
            continue;
        }
        char conf[256], bt[32], nt[32], ratio[48], ci[48];
        describe(&v[i], conf, sizeof conf);
        human_time(v[i].base_s, bt, sizeof bt);
        human_time(v[i].new_s, nt, sizeof nt);
        ratio_text(&v[i], ratio, ci, sizeof ci);
        fprintf(f, "| %s | %s | %s | %s | %s | `%s` | %s |\n", v[i].verdict, ratio, ci, bt, nt,
                conf, v[i].reason);
    }
    fprintf(f, "\n%zu configuration(s) shown within the threshold.\n", unchanged);
}

static int write_markdown(const char *dir, const struct omps_judgement *v, size_t k,
                          const char *headline, const char *load,
                          const struct omps_compare_options *o)
{
    struct omps_outfile out;
    if (omps_outfile_open(&out, dir, "compare.md") != OMPS_OK)
        return OMPS_EIO;
    markdown(out.f, v, k, headline, load, o);
    return omps_outfile_commit(&out);
}

/* Appends to $GITHUB_STEP_SUMMARY when it is set; warns when it cannot. */
static int append_step_summary(const struct omps_judgement *v, size_t k,
                               const char *headline, const char *load,
                               const struct omps_compare_options *o)
{
    const char *path = getenv("GITHUB_STEP_SUMMARY");
    if (path == NULL || *path == '\0')
        return 0;
    FILE *f = fopen(path, "a");
    if (f != NULL) {
        markdown(f, v, k, headline, load, o);
        if (fclose(f) == 0)
            return 0;
    }
    fprintf(stderr, "ompscale: compare: warning: cannot append to GITHUB_STEP_SUMMARY '%s': %s\n",
            path, strerror(errno));
    return 1;
}

int omps_gate_write_reports(const char *dir, const struct omps_judgement *v, size_t k,
                            const char *headline, const char *load,
                            const struct omps_compare_options *o)
{
    int failed = 0;
    if (write_csv(dir, v, k) != OMPS_OK ||
        write_markdown(dir, v, k, headline, load, o) != OMPS_OK) {
        fprintf(stderr, "ompscale: compare: warning: cannot write reports to '%s': %s\n", dir,
                strerror(errno));
        failed++;
    }
    return failed + append_step_summary(v, k, headline, load, o);
}

/* A side busier than the other by this share of the CPUs is named. */
#define BUSIER 0.10

void omps_gate_load_line(const struct omps_side *base, const struct omps_side *new, char *buf,
                         size_t len)
{
    const double b = base->others_busy, n = new->others_busy;
    *buf = '\0';
    if (isnan(b) && isnan(n))
        return;
    const char *which = !isnan(b) && !isnan(n) && n > b + BUSIER   ? "NEW ran busier: its times "
                                                                      "may read slow"
                        : !isnan(b) && !isnan(n) && b > n + BUSIER ? "BASE ran busier: NEW's "
                                                                      "times may read fast"
                                                                    : "neither side ran busier";
    snprintf(buf, len, "Other work's share of the CPUs during the batches (median of "
             "runs.csv's others_busy): BASE %.0f%%, NEW %.0f%%; %s.", 100 * b, 100 * n, which);
}
