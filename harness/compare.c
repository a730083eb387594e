/* `ompscale compare`: reading two run directories and judging each pair. */
#define _POSIX_C_SOURCE 200809L
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../kernels/errors.h"
#include "cli.h"
#include "csv_write.h"
#include "mwu.h"
#include "stats.h"
#include "journal.h"
#include "runs_read.h"

/* The repetitions of one configuration on one side. */
struct samples {
    struct omps_key key;
    double *seconds;
    long *rounds; /* each repetition's round (0 without a round column) */
    size_t count, cap;
    int unverified; /* a repetition failed verification */
};

struct side {
    char path[4096];
    struct omps_runs runs;
    json_t *machine;
    struct samples *sets;
    size_t nsets;
};

/* One configuration's judgement. */
struct verdict {
    const struct samples *base, *new;
    double base_median, new_median, ratio, lo, hi;
    double p_slower, p_faster, p_slower_holm, p_faster_holm;
    double min_p;
    const char *verdict; /* regression, improvement, unchanged, inconclusive,
                            unverified */
    char reason[160];
};

static int severity(const char *verdict)
{
    static const char *const order[] = {"unverified", "regression", "inconclusive",
                                        "improvement", "unchanged"};
    for (int i = 0; i < 5; i++) {
        if (strcmp(verdict, order[i]) == 0)
            return i;
    }
    return 5;
}

/* Applies --threshold PCT, --alpha A or --report DIR. */
static int apply_option(const char *name, const char *value,
                        struct omps_compare_options *o, char *err, size_t err_len)
{
    if (value == NULL) {
        snprintf(err, err_len, "%s needs a value", name);
        return OMPS_EINVAL;
    }
    if (strcmp(name, "--report") == 0) {
        o->report_dir = value;
        return OMPS_OK;
    }
    double v;
    const int number = omps_parse_double(value, &v) == 0;
    if (strcmp(name, "--alpha") == 0) {
        if (number && v > 0 && v < 1) {
            o->alpha = v;
            return OMPS_OK;
        }
        snprintf(err, err_len, "--alpha: '%s' is not a number in (0, 1)", value);
        return OMPS_EINVAL;
    }
    if (number && v >= 0 && v < 1000) {
        o->threshold = v / 100.0;
        return OMPS_OK;
    }
    snprintf(err, err_len, "--threshold: '%s' is not a percentage in [0, 1000)", value);
    return OMPS_EINVAL;
}

int omps_parse_compare_args(int argc, char **argv,
                            struct omps_compare_options *o, char *err,
                            size_t err_len)
{
    const char *dirs[2];
    int ndirs = 0;
    *o = (struct omps_compare_options){.threshold = 0.05, .alpha = 0.05};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--allow-different-machines") == 0) {
            o->allow_different_machines = 1;
        } else if (strcmp(a, "--threshold") == 0 || strcmp(a, "--alpha") == 0 ||
                   strcmp(a, "--report") == 0) {
            if (apply_option(a, i + 1 < argc ? argv[i + 1] : NULL, o, err, err_len))
                return OMPS_EINVAL;
            i++;
        } else if (strncmp(a, "--", 2) == 0 || ndirs == 2) {
            snprintf(err, err_len, "compare: unexpected argument '%s'", a);
            return OMPS_EINVAL;
        } else {
            dirs[ndirs++] = a;
        }
    }
    if (ndirs != 2) {
        snprintf(err, err_len, "compare needs BASE_DIR and NEW_DIR");
        return OMPS_EINVAL;
    }
    o->base_dir = dirs[0];
    o->new_dir = dirs[1];
    return OMPS_OK;
}

static struct samples *find_set(struct side *s, const struct omps_key *key)
{
    for (size_t i = 0; i < s->nsets; i++) {
        if (omps_key_compare(&s->sets[i].key, key) == 0)
            return &s->sets[i];
    }
    return NULL;
}

static int add_sample(struct side *s, const struct omps_key *key, double seconds,
                      long round, int verified)
{
    struct samples *set = find_set(s, key);
    if (set == NULL) {
        struct samples *sets = realloc(s->sets, (s->nsets + 1) * sizeof *sets);
        if (sets == NULL)
            return OMPS_ENOMEM;
        s->sets = sets;
        set = &s->sets[s->nsets++];
        *set = (struct samples){.key = *key};
    }
    if (!verified) {
        set->unverified = 1;
        return OMPS_OK;
    }
    if (set->count == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 16;
        double *v = realloc(set->seconds, cap * sizeof *v);
        if (v != NULL)
            set->seconds = v;
        long *r = realloc(set->rounds, cap * sizeof *r);
        if (r != NULL)
            set->rounds = r;
        if (v == NULL || r == NULL)
            return OMPS_ENOMEM;
        set->cap = cap;
    }
    set->rounds[set->count] = round;
    set->seconds[set->count++] = seconds;
    return OMPS_OK;
}

/*
 * Repetitions within one sweep share that sweep's machine state (here, which
 * host cores the vCPUs landed on), so they are not independent of it.  When a
 * side holds several rounds (whole sweeps, interleaved with the other side's
 * by tools/perf-check.sh), each round's median becomes one observation.
 */
static int reduce_to_rounds(struct samples *set)
{
    size_t nrounds = 0;
    double *medians = malloc((set->count + 1) * sizeof *medians);
    double *scratch = malloc((set->count + 1) * sizeof *scratch);
    int rc = medians && scratch ? OMPS_OK : OMPS_ENOMEM;
    for (size_t i = 0; rc == OMPS_OK && i < set->count; i++) {
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = set->rounds[j] != set->rounds[i];
        if (!first)
            continue;
        size_t k = 0;
        for (size_t j = i; j < set->count; j++) {
            if (set->rounds[j] == set->rounds[i])
                scratch[k++] = set->seconds[j];
        }
        medians[nrounds++] = omps_median_inplace(scratch, k);
    }
    if (rc == OMPS_OK && nrounds >= 2) {
        memcpy(set->seconds, medians, nrounds * sizeof *medians);
        set->count = nrounds;
    }
    free(medians);
    free(scratch);
    return rc;
}

static int load_machine(struct side *s, const char *dir, char *err, size_t err_len)
{
    char path[4200];
    json_error_t je;
    snprintf(path, sizeof path, "%s/machine.json", dir);
    s->machine = json_load_file(path, 0, &je);
    if (s->machine == NULL || !json_is_object(s->machine)) {
        snprintf(err, err_len, "%s:%d: %s", path, je.line, je.text);
        return OMPS_EFORMAT;
    }
    return OMPS_OK;
}

/* Reads DIR/runs.csv (by column name, through the shared reader) and
 * DIR/machine.json into s. */
static int load_side(struct side *s, const char *dir, char *err, size_t err_len)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s/runs.csv", dir);
    int rc = omps_runs_read(s->path, &s->runs, err, err_len);
    if (rc == OMPS_OK && s->runs.count == 0) {
        snprintf(err, err_len, "%s: no rows", s->path);
        rc = OMPS_EFORMAT;
    }
    for (size_t r = 0; rc == OMPS_OK && r < s->runs.count; r++) {
        const struct omps_run_record *row = &s->runs.rows[r];
        rc = add_sample(s, &row->key, row->seconds, row->round, row->verified);
    }
    for (size_t i = 0; rc == OMPS_OK && i < s->nsets; i++)
        rc = reduce_to_rounds(&s->sets[i]);
    if (rc == OMPS_OK)
        rc = load_machine(s, dir, err, err_len);
    return rc;
}

static void free_side(struct side *s)
{
    for (size_t i = 0; i < s->nsets; i++) {
        free(s->sets[i].seconds);
        free(s->sets[i].rounds);
    }
    free(s->sets);
    omps_runs_free(&s->runs);
    json_decref(s->machine);
}

/* Names the first machine fact that differs, or returns 0. */
static int machines_differ(const struct side *a, const struct side *b, char *why,
                           size_t why_len)
{
    static const char *const keys[] = {"cpu_model", "physical_cores", "logical_cpus",
                                       "omp_runtime"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *x = json_object_get(a->machine, keys[i]);
        json_t *y = json_object_get(b->machine, keys[i]);
        if (x == NULL || y == NULL || !json_equal(x, y)) {
            char *xs = x ? json_dumps(x, JSON_ENCODE_ANY) : NULL;
            char *ys = y ? json_dumps(y, JSON_ENCODE_ANY) : NULL;
            snprintf(why, why_len, "%s differs: %s vs %s", keys[i], xs ? xs : "(absent)",
                     ys ? ys : "(absent)");
            free(xs);
            free(ys);
            return 1;
        }
    }
    return 0;
}

/* The median through the summary's own statistics (NaN when out of memory
 * or empty). */
static double median_of(const struct samples *s)
{
    struct omps_stats st;
    return omps_stats_describe(s->seconds, s->count, &st) == OMPS_OK ? st.median : NAN;
}

static double *logs_of(const struct samples *s)
{
    double *v = malloc((s->count + 1) * sizeof *v);
    for (size_t i = 0; v != NULL && i < s->count; i++)
        v[i] = log(s->seconds[i]);
    return v;
}

/* The ratio, its interval and the raw p-values, on log times so that a
 * shift is a ratio. */
static int measure(struct verdict *v)
{
    const size_t m = v->new->count, n = v->base->count;
    v->base_median = median_of(v->base);
    v->new_median = median_of(v->new);
    v->ratio = v->new_median / v->base_median;
    v->lo = 0.0;
    v->hi = INFINITY;
    v->p_slower = v->p_faster = v->min_p = 1.0;
    if (m == 0 || n == 0)
        return OMPS_OK;
    double *x = logs_of(v->new), *y = logs_of(v->base);
    struct omps_mwu d;
    int rc = x && y ? omps_mwu_init(&d, m, n) : OMPS_ENOMEM;
    if (rc == OMPS_OK) {
        const double u = omps_mwu_statistic(x, m, y, n);
        v->p_slower = omps_mwu_p_greater(&d, u);
        v->p_faster = omps_mwu_p_greater(&d, (double)(m * n) - u);
        v->min_p = omps_mwu_min_p(&d);
        rc = omps_shift_interval(&d, x, y, 0.95, &v->lo, &v->hi);
        v->lo = exp(v->lo);
        v->hi = exp(v->hi);
        omps_mwu_free(&d);
    }
    free(x);
    free(y);
    return rc;
}

/* The verdict once Holm's correction is known. */
static void decide(struct verdict *v, size_t k, const struct omps_compare_options *o)
{
    const double up = 1.0 + o->threshold, down = 1.0 - o->threshold;
    if (v->new->unverified) {
        v->verdict = "unverified";
        snprintf(v->reason, sizeof v->reason, "NEW has repetitions that failed verification");
    } else if (v->base->count == 0 || v->new->count == 0) {
        v->verdict = "inconclusive";
        snprintf(v->reason, sizeof v->reason, "a side has no verified repetitions");
    } else if (v->hi <= up) {
        const int faster = v->hi < down && v->p_faster_holm < o->alpha;
        v->verdict = faster ? "improvement" : "unchanged";
    } else if (v->lo > up && v->p_slower_holm < o->alpha) {
        v->verdict = "regression";
    } else {
        v->verdict = "inconclusive";
        if (v->min_p * (double)k >= o->alpha)
            snprintf(v->reason, sizeof v->reason,
                     "too few samples (%zu vs %zu) to reach p < %g over %zu configurations",
                     v->base->count, v->new->count, o->alpha, k);
        else if (v->lo > up)
            snprintf(v->reason, sizeof v->reason, "slower, but p = %.3g after Holm",
                     v->p_slower_holm);
        else
            snprintf(v->reason, sizeof v->reason,
                     "interval reaches past %.3g: spread too large for the threshold", up);
    }
}

static int by_severity(const void *a, const void *b)
{
    const struct verdict *x = a, *y = b;
    int s = severity(x->verdict) - severity(y->verdict);
    if (s != 0)
        return s;
    return (x->ratio < y->ratio) - (x->ratio > y->ratio);
}

/* Holm-adjusts both families of p-values (slower, faster) in place. */
static int adjust(struct verdict *v, size_t k)
{
    double *p = malloc((4 * k + 1) * sizeof *p);
    if (p == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        p[i] = v[i].p_slower;
        p[k + i] = v[i].p_faster;
    }
    int rc = omps_holm(p, k, p + 2 * k);
    if (rc == OMPS_OK)
        rc = omps_holm(p + k, k, p + 3 * k);
    for (size_t i = 0; rc == OMPS_OK && i < k; i++) {
        v[i].p_slower_holm = p[2 * k + i];
        v[i].p_faster_holm = p[3 * k + i];
    }
    free(p);
    return rc;
}

/* Pairs the sides' configurations and judges each, most severe first. */
static int judge_all(const struct side *base, struct side *new,
                     const struct omps_compare_options *o, struct verdict **out,
                     size_t *count)
{
    struct verdict *v = calloc(base->nsets + 1, sizeof *v);
    size_t k = 0;
    int rc = v ? OMPS_OK : OMPS_ENOMEM;
    for (size_t i = 0; rc == OMPS_OK && i < base->nsets; i++) {
        const struct samples *match = find_set(new, &base->sets[i].key);
        if (match == NULL)
            continue;
        v[k] = (struct verdict){.base = &base->sets[i], .new = match};
        rc = measure(&v[k++]);
    }
    if (rc == OMPS_OK)
        rc = adjust(v, k);
    if (rc != OMPS_OK) {
        free(v);
        return rc;
    }
    for (size_t i = 0; i < k; i++)
        decide(&v[i], k, o);
    qsort(v, k, sizeof *v, by_severity);
    *out = v;
    *count = k;
    return OMPS_OK;
}

/* "midpoint[f=0.3] n=1048576 threads=2 static:0" */
static void describe(const struct samples *s, char *buf, size_t len)
{
    const struct omps_key *k = &s->key;
    const int has = k->params_text[0] != '\0';
    snprintf(buf, len, "%s%s%s%s n=%llu threads=%d %s:%d", k->kernel->name,
             has ? "[" : "", k->params_text, has ? "]" : "", (unsigned long long)k->n,
             k->threads, omps_schedule_name(k->schedule.kind), k->schedule.chunk);
}

static void human_time(double s, char *buf, size_t len)
{
    if (s < 1e-3)
        snprintf(buf, len, "%.3f us", s * 1e6);
    else if (s < 1.0)
        snprintf(buf, len, "%.3f ms", s * 1e3);
    else
        snprintf(buf, len, "%.3f s", s);
}

static void print_table(const struct verdict *v, size_t k)
{
    printf("%-12s %7s  %-17s %8s  %11s  %11s  %s\n", "verdict", "ratio",
           "95% interval", "p(Holm)", "base median", "new median", "configuration");
    for (size_t i = 0; i < k; i++) {
        char conf[256], bt[32], nt[32], ci[48];
        describe(v[i].base, conf, sizeof conf);
        human_time(v[i].base_median, bt, sizeof bt);
        human_time(v[i].new_median, nt, sizeof nt);
        snprintf(ci, sizeof ci, "[%.3f, %.3f]", v[i].lo, v[i].hi);
        const double p = v[i].ratio >= 1 ? v[i].p_slower_holm : v[i].p_faster_holm;
        printf("%-12s %7.3f  %-17s %8.2g  %11s  %11s  %s%s%s\n", v[i].verdict,
               v[i].ratio, ci, p, bt, nt, conf, *v[i].reason ? ": " : "", v[i].reason);
    }
}

/* Lists the configurations of `from` that `other` lacks; returns how many. */
static size_t print_unpaired(const struct side *from, struct side *other,
                             const char *label, FILE *f)
{
    size_t n = 0;
    for (size_t i = 0; i < from->nsets; i++) {
        if (find_set(other, &from->sets[i].key) != NULL)
            continue;
        char conf[256];
        describe(&from->sets[i], conf, sizeof conf);
        fprintf(f, "only in %s: %s\n", label, conf);
        n++;
    }
    return n;
}

static void csv_row(FILE *f, const struct verdict *v)
{
    omps_csv_key(f, &v->base->key);
    fprintf(f, ",%zu,%zu", v->base->count, v->new->count);
    const double numbers[] = {v->base_median, v->new_median,    v->ratio,
                              v->lo,          v->hi,            v->p_slower,
                              v->p_slower_holm, v->p_faster,    v->p_faster_holm};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        fputc(',', f);
        if (isfinite(numbers[i]))
            fprintf(f, "%.17g", numbers[i]);
    }
    fprintf(f, ",%s,", v->verdict);
    omps_csv_text(f, v->reason);
    fputc('\n', f);
}

#define COMPARE_HEADER                                                         \
    "kernel,params,n,threads,schedule,chunk,base_samples,new_samples,"         \
    "base_median_s,new_median_s,ratio,ratio_low,ratio_high,p_slower,"          \
    "p_slower_holm,p_faster,p_faster_holm,verdict,reason"

static int write_csv(const char *dir, const struct verdict *v, size_t k)
{
    struct omps_outfile out;
    if (omps_outfile_open(&out, dir, "compare.csv") != OMPS_OK)
        return OMPS_EIO;
    fprintf(out.f, "%s\n", COMPARE_HEADER);
    for (size_t i = 0; i < k; i++)
        csv_row(out.f, &v[i]);
    return omps_outfile_commit(&out);
}

/* The Markdown summary: the verdict, then every row that is not unchanged. */
static void markdown(FILE *f, const struct verdict *v, size_t k, const char *headline,
                     const struct omps_compare_options *o)
{
    size_t unchanged = 0;
    fprintf(f, "## ompscale compare\n\n**%s**\n\n", headline);
    fprintf(f, "Threshold %.3g%%, alpha %.3g (Holm over %zu configurations); ratio is "
               "NEW/BASE median time with its 95%% Hodges-Lehmann interval.\n\n",
            o->threshold * 100, o->alpha, k);
    fprintf(f, "| verdict | ratio | 95%% interval | p (Holm) | configuration | note |\n");
    fprintf(f, "|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < k; i++) {
        if (strcmp(v[i].verdict, "unchanged") == 0) {
            unchanged++;
            continue;
        }
        char conf[256];
        describe(v[i].base, conf, sizeof conf);
        const double p = v[i].ratio >= 1 ? v[i].p_slower_holm : v[i].p_faster_holm;
        fprintf(f, "| %s | %.3f | [%.3f, %.3f] | %.2g | `%s` | %s |\n", v[i].verdict,
                v[i].ratio, v[i].lo, v[i].hi, p, conf, v[i].reason);
    }
    fprintf(f, "\n%zu configuration(s) unchanged within the threshold.\n", unchanged);
}

static int write_markdown(const char *dir, const struct verdict *v, size_t k,
                          const char *headline, const struct omps_compare_options *o)
{
    struct omps_outfile out;
    if (omps_outfile_open(&out, dir, "compare.md") != OMPS_OK)
        return OMPS_EIO;
    markdown(out.f, v, k, headline, o);
    int rc = omps_outfile_commit(&out);
    const char *summary = getenv("GITHUB_STEP_SUMMARY");
    FILE *f = summary && *summary ? fopen(summary, "a") : NULL;
    if (f != NULL) {
        markdown(f, v, k, headline, o);
        fclose(f);
    }
    return rc;
}

static int count_verdict(const struct verdict *v, size_t k, const char *which)
{
    int n = 0;
    for (size_t i = 0; i < k; i++)
        n += strcmp(v[i].verdict, which) == 0;
    return n;
}

/* The exit code and a one-line headline for it. */
static int conclude(const struct verdict *v, size_t k, const char *machine_diff,
                    char *headline, size_t len)
{
    const int regressions = count_verdict(v, k, "regression");
    const int unverified = count_verdict(v, k, "unverified");
    const int inconclusive = count_verdict(v, k, "inconclusive");
    const int improvements = count_verdict(v, k, "improvement");
    int code = regressions || unverified ? 1 : inconclusive || *machine_diff ? 3 : 0;
    snprintf(headline, len,
             "%s: %d regression(s), %d unverified, %d inconclusive, %d improvement(s), "
             "%zu configuration(s)%s%s",
             code == 1 ? "FAIL" : code == 3 ? "INCONCLUSIVE" : "PASS", regressions,
             unverified, inconclusive, improvements, k,
             *machine_diff ? "; different machines: " : "", machine_diff);
    return code;
}

static int report(const struct omps_compare_options *o, struct side *base,
                  struct side *new, const char *machine_diff)
{
    struct verdict *v = NULL;
    size_t k = 0;
    char headline[512];
    if (judge_all(base, new, o, &v, &k) != OMPS_OK) {
        fprintf(stderr, "ompscale: compare: out of memory\n");
        return 2;
    }
    print_table(v, k);
    print_unpaired(base, new, "BASE", stdout);
    print_unpaired(new, base, "NEW", stdout);
    int code = conclude(v, k, machine_diff, headline, sizeof headline);
    if (k == 0 && code == 0) {
        code = 3;
        snprintf(headline, sizeof headline, "INCONCLUSIVE: no configuration in common");
    }
    printf("%s\n", headline);
    const char *dir = o->report_dir ? o->report_dir : o->new_dir;
    /* --report names where the reports go; it need not exist yet. */
    if (omps_make_dirs(dir) != 0 || write_csv(dir, v, k) != OMPS_OK ||
        write_markdown(dir, v, k, headline, o) != OMPS_OK) {
        fprintf(stderr, "ompscale: compare: cannot write reports to '%s': %s\n", dir,
                strerror(errno));
        code = 2;
    }
    free(v);
    return code;
}

int omps_compare(const struct omps_compare_options *o)
{
    struct side base, new;
    char err[4500] = "", diff[512] = "";
    int rc = load_side(&base, o->base_dir, err, sizeof err);
    if (rc == OMPS_OK)
        rc = load_side(&new, o->new_dir, err, sizeof err);
    else
        memset(&new, 0, sizeof new);
    if (rc != OMPS_OK) {
        fprintf(stderr, "ompscale: compare: %s\n", *err ? err : omps_strerror(rc));
        free_side(&base);
        free_side(&new);
        return 2;
    }
    if (!o->allow_different_machines && machines_differ(&base, &new, diff, sizeof diff))
        fprintf(stderr, "ompscale: compare: the runs come from different machines (%s); "
                        "--allow-different-machines compares anyway\n", diff);
    int code = report(o, &base, &new, diff);
    free_side(&base);
    free_side(&new);
    return code;
}
