/* `ompscale compare`: the options, reading two run directories, and the
 * order of the steps (judge, print, report, exit code). */
#define _DEFAULT_SOURCE /* strsep */
#define _POSIX_C_SOURCE 200809L
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "files.h"
#include "gate.h"
#include "machine_file.h"
#include "options.h"
#include "parse.h"
#include "stats.h"

/* Parses --looks R1,R2,...: strictly increasing round counts, at most
 * OMPS_MAX_LOOKS of them. */
static int parse_looks(void *cmd, const char *name, const char *value, char *err,
                       size_t err_len)
{
    struct omps_compare_options *o = cmd;
    const char *p = value;
    (void)name;
    o->nlooks = 0;
    while (*p != '\0') {
        char *end;
        errno = 0;
        long r = strtol(p, &end, 10);
        const long prev = o->nlooks ? o->looks[o->nlooks - 1] : 0;
        if (end == p || errno != 0 || r <= prev || (*end != ',' && *end != '\0') ||
            o->nlooks == OMPS_MAX_LOOKS) {
            snprintf(err, err_len, "--looks: '%s' is not up to %d increasing round counts",
                     value, OMPS_MAX_LOOKS);
            return OMPS_EINVAL;
        }
        o->looks[o->nlooks++] = r;
        p = *end == ',' ? end + 1 : end;
    }
    if (o->nlooks > 0)
        return OMPS_OK;
    snprintf(err, err_len, "--looks: '%s' names no rounds", value);
    return OMPS_EINVAL;
}

static int parse_inconclusive(void *cmd, const char *name, const char *value, char *err,
                              size_t err_len)
{
    struct omps_compare_options *o = cmd;
    (void)name;
    if (strcmp(value, "pass") == 0)
        o->inconclusive = OMPS_INCONCLUSIVE_PASS;
    else if (strcmp(value, "fail") == 0)
        o->inconclusive = OMPS_INCONCLUSIVE_FAIL;
    else {
        snprintf(err, err_len, "--inconclusive: '%s' is not pass or fail", value);
        return OMPS_EINVAL;
    }
    return OMPS_OK;
}

const struct omps_option omps_compare_option_table[] = {
    OMPS_OPTION_THRESHOLD(struct omps_compare_options, threshold, 0),
    OMPS_OPTION_ALPHA(struct omps_compare_options, alpha, 0),
    OMPS_OPTION_REPORT(struct omps_compare_options, report_dir, 0),
    OMPS_OPTION_FLAG("--allow-different-machines", struct omps_compare_options,
                     allow_different_machines, "[--allow-different-machines]", 0),
    OMPS_OPTION_SET("--inconclusive", parse_inconclusive, "[--inconclusive pass|fail]", 0),
    OMPS_OPTION_SET("--looks", parse_looks, "[--looks R1,R2,...]", 0),
    OMPS_OPTION_TEXT("--faults", struct omps_compare_options, faults, "[--faults FILE]", 0),
};
const size_t omps_compare_option_count =
    sizeof omps_compare_option_table / sizeof omps_compare_option_table[0];

/* BASE_DIR, then NEW_DIR: the arguments that are not options. */
static int set_dir(void *cmd, const char *arg, char *err, size_t err_len)
{
    struct omps_compare_options *o = cmd;
    if (o->base_dir == NULL)
        o->base_dir = arg;
    else if (o->new_dir == NULL)
        o->new_dir = arg;
    else {
        snprintf(err, err_len, "unexpected argument '%s' (see 'ompscale --help')", arg);
        return OMPS_EINVAL;
    }
    return OMPS_OK;
}

int omps_parse_compare_args(int argc, char **argv,
                            struct omps_compare_options *o, char *err,
                            size_t err_len)
{
    const struct omps_command_line line = {omps_compare_option_table, omps_compare_option_count,
                                           -1, set_dir};
    *o = (struct omps_compare_options){.threshold = 0.05, .alpha = 0.05};
    if (omps_options_parse(&line, argc, argv, o, err, err_len) != OMPS_OK)
        return OMPS_EINVAL;
    if (o->new_dir == NULL) {
        snprintf(err, err_len, "compare needs BASE_DIR and NEW_DIR");
        return OMPS_EINVAL;
    }
    return OMPS_OK;
}

static struct omps_rounds *find_set(struct omps_side *s, const struct omps_key *key)
{
    for (size_t i = 0; i < s->nsets; i++) {
        if (omps_key_compare(&s->sets[i].key, key) == 0)
            return &s->sets[i];
    }
    return NULL;
}

struct omps_rounds *omps_gate_add_set(struct omps_side *s, const struct omps_key *key)
{
    struct omps_rounds *set = find_set(s, key);
    if (set != NULL)
        return set;
    set = realloc(s->sets, (s->nsets + 1) * sizeof *set);
    if (set == NULL)
        return NULL;
    s->sets = set;
    set = &s->sets[s->nsets++];
    *set = (struct omps_rounds){.key = *key};
    return set;
}

int omps_gate_add_round(struct omps_rounds *set, long round, double seconds, double probe)
{
    size_t i = 0;
    while (i < set->count && set->round[i] < round)
        i++;
    if (i < set->count && set->round[i] == round) {
        if (seconds < set->seconds[i]) {
            set->seconds[i] = seconds;
            set->probe[i] = probe;
        }
        return OMPS_OK;
    }
    long *r = realloc(set->round, (set->count + 1) * sizeof *r);
    if (r != NULL)
        set->round = r;
    double *v = realloc(set->seconds, (set->count + 1) * sizeof *v);
    if (v != NULL)
        set->seconds = v;
    double *p = realloc(set->probe, (set->count + 1) * sizeof *p);
    if (p != NULL)
        set->probe = p;
    if (r == NULL || v == NULL || p == NULL)
        return OMPS_ENOMEM;
    memmove(r + i + 1, r + i, (set->count - i) * sizeof *r);
    memmove(v + i + 1, v + i, (set->count - i) * sizeof *v);
    memmove(p + i + 1, p + i, (set->count - i) * sizeof *p);
    r[i] = round;
    v[i] = seconds;
    p[i] = probe;
    set->count++;
    return OMPS_OK;
}

/* Marks the configuration NAME as faulted on side s (a set with no rounds
 * when it has none), keeping the first fault's words. */
static int add_fault(struct omps_side *s, const char *name, long round, const char *why,
                     const char *where, char *err, size_t err_len)
{
    struct omps_key key;
    if (omps_key_parse_name(name, &key) != OMPS_OK) {
        snprintf(err, err_len, "%.3000s: '%.200s' is not a configuration of this build", where,
                 name);
        return OMPS_EFORMAT;
    }
    struct omps_rounds *set = omps_gate_add_set(s, &key);
    if (set == NULL)
        return OMPS_ENOMEM;
    /* The first fault is kept, but one whose round is known beats one
     * whose round is not (a merged machine.json names none). */
    if (set->fault[0] != '\0' && (set->fault_round > 0 || round == 0))
        return OMPS_OK;
    set->fault_round = round;
    if (round > 0)
        snprintf(set->fault, sizeof set->fault, "round %ld: %s", round, why);
    else
        snprintf(set->fault, sizeof set->fault, "%s", why);
    return OMPS_OK;
}

/* Every configuration machine.json's run.could_not_run names. */
static int machine_faults(struct omps_side *s, char *err, size_t err_len)
{
    json_t *list = json_object_get(json_object_get(s->machine, "run"), "could_not_run");
    char where[4200];
    snprintf(where, sizeof where, "%s/machine.json: run.could_not_run", s->dir);
    size_t i;
    json_t *entry;
    json_array_foreach(list, i, entry) {
        const char *name = json_string_value(json_object_get(entry, "configuration"));
        const char *why = json_string_value(json_object_get(entry, "why"));
        int rc = add_fault(s, name ? name : "", 0, why ? why : "could not run", where, err,
                           err_len);
        if (rc != OMPS_OK)
            return rc;
    }
    return OMPS_OK;
}

/* One "SIDE<TAB>ROUND<TAB>CONFIGURATION<TAB>WHY" line of a --faults file. */
static int fault_line(char *line, struct omps_side *base, struct omps_side *new,
                      const char *where, char *err, size_t err_len)
{
    char *side = strsep(&line, "\t"), *round = strsep(&line, "\t");
    char *name = strsep(&line, "\t"), *why = line, *end = NULL;
    const long r = round ? strtol(round, &end, 10) : 0;
    if (why == NULL || end == round || *end != '\0' || r < 1 ||
        (strcmp(side, "BASE") != 0 && strcmp(side, "NEW") != 0)) {
        snprintf(err, err_len, "%.3000s: not SIDE<TAB>ROUND<TAB>CONFIGURATION<TAB>WHY", where);
        return OMPS_EFORMAT;
    }
    why[strcspn(why, "\n")] = '\0';
    return add_fault(*side == 'B' ? base : new, name, r, why, where, err, err_len);
}

static int load_faults(const char *path, struct omps_side *base, struct omps_side *new,
                       char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_len, "--faults: cannot read '%.3000s': %s", path, strerror(errno));
        return OMPS_EIO;
    }
    char line[1024], where[4200];
    int rc = OMPS_OK;
    for (size_t n = 1; rc == OMPS_OK && fgets(line, sizeof line, f) != NULL; n++) {
        snprintf(where, sizeof where, "%.3000s:%zu", path, n);
        rc = fault_line(line, base, new, where, err, err_len);
    }
    fclose(f);
    return rc;
}

static int by_key_round_repetition(const void *a, const void *b)
{
    const struct omps_run_record *x = *(const struct omps_run_record *const *)a;
    const struct omps_run_record *y = *(const struct omps_run_record *const *)b;
    int c = omps_key_compare(&x->key, &y->key);
    if (c == 0)
        c = (x->round > y->round) - (x->round < y->round);
    return c != 0 ? c : (x->repetition > y->repetition) - (x->repetition < y->repetition);
}

/* Refuses a file that holds the same configuration, round and repetition
 * twice: counting a row twice would fake evidence. */
static int refuse_duplicates(const char *path, const struct omps_runs *runs, char *err,
                             size_t err_len)
{
    const struct omps_run_record **order = malloc((runs->count + 1) * sizeof *order);
    if (order == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < runs->count; i++)
        order[i] = &runs->rows[i];
    qsort(order, runs->count, sizeof *order, by_key_round_repetition);
    int rc = OMPS_OK;
    for (size_t i = 1; rc == OMPS_OK && i < runs->count; i++) {
        if (by_key_round_repetition(&order[i - 1], &order[i]) != 0)
            continue;
        char name[256];
        omps_key_name(&order[i]->key, name, sizeof name);
        snprintf(err, err_len, "%.3000s:%zu: %s round %ld repetition %d appears twice (also line %zu)",
                 path, order[i]->line, name, order[i]->round, order[i]->repetition,
                 order[i - 1]->line);
        rc = OMPS_EFORMAT;
    }
    free(order);
    return rc;
}

static int load_machine(struct omps_side *s, const char *dir, char *err, size_t err_len)
{
    s->machine = omps_machine_file_load(dir, err, err_len);
    if (s->machine == NULL)
        return OMPS_EFORMAT;
    const char *state = json_string_value(json_object_get(s->machine, "state"));
    s->state = state ? state : "complete";
    return OMPS_OK;
}

/* The median of the rows' others_busy, NaN when none was measured. */
static double median_busy(const struct omps_runs *runs)
{
    double *v = malloc((runs->count + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; v != NULL && i < runs->count; i++) {
        if (!isnan(runs->rows[i].others_busy))
            v[n++] = runs->rows[i].others_busy;
    }
    const double m = n > 0 ? omps_median_inplace(v, n) : NAN;
    free(v);
    return m;
}

int omps_gate_load_side(struct omps_side *s, const char *dir, char *err, size_t err_len)
{
    char path[4200];
    struct omps_runs runs = {0};
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    int rc = omps_runs_read(path, &runs, err, err_len);
    if (rc == OMPS_OK)
        rc = refuse_duplicates(path, &runs, err, err_len);
    s->others_busy = rc == OMPS_OK ? median_busy(&runs) : NAN;
    for (size_t r = 0; rc == OMPS_OK && r < runs.count; r++) {
        const struct omps_run_record *row = &runs.rows[r];
        struct omps_rounds *set = omps_gate_add_set(s, &row->key);
        rc = set == NULL ? OMPS_ENOMEM : OMPS_OK;
        if (rc == OMPS_OK && !row->verified)
            set->unverified = 1;
        else if (rc == OMPS_OK)
            rc = omps_gate_add_round(set, runs.has_round ? row->round : row->repetition,
                                     row->seconds, row->probe_ns);
    }
    omps_runs_free(&runs);
    if (rc == OMPS_OK)
        rc = load_machine(s, dir, err, err_len);
    if (rc == OMPS_OK)
        rc = machine_faults(s, err, err_len);
    return rc;
}

/* Frees what omps_gate_load_side filled in. */
void omps_gate_free_side(struct omps_side *s)
{
    for (size_t i = 0; i < s->nsets; i++) {
        free(s->sets[i].round);
        free(s->sets[i].seconds);
        free(s->sets[i].probe);
    }
    free(s->sets);
    json_decref(s->machine);
}

/* Names the first machine fact that differs, or returns 0. */
static int machines_differ(const struct omps_side *a, const struct omps_side *b, char *why,
                           size_t why_len)
{
    const char *fact = omps_machines_differ(a->machine, b->machine);
    if (fact == NULL)
        return 0;
    json_t *x = json_object_get(a->machine, fact), *y = json_object_get(b->machine, fact);
    char *xs = x ? json_dumps(x, JSON_ENCODE_ANY) : NULL;
    char *ys = y ? json_dumps(y, JSON_ENCODE_ANY) : NULL;
    snprintf(why, why_len, "different machines: %s differs: %s vs %s", fact,
             xs ? xs : "(absent)", ys ? ys : "(absent)");
    free(xs);
    free(ys);
    return 1;
}

/* Why the whole comparison cannot pass even when every configuration is
 * decided: a side that did not finish, or different machines. */
static void whole_run_doubts(const struct omps_side *base, const struct omps_side *new,
                             const struct omps_compare_options *o, char *why, size_t len)
{
    *why = '\0';
    if (strcmp(new->state, "complete") != 0) {
        snprintf(why, len, "NEW run is %s, not complete", new->state);
    } else if (strcmp(base->state, "complete") != 0) {
        snprintf(why, len, "BASE run is %s, not complete", base->state);
    } else if (machines_differ(base, new, why, len)) {
        if (o->allow_different_machines)
            *why = '\0';
        else
            fprintf(stderr, "ompscale: compare: %s; --allow-different-machines compares "
                            "anyway\n", why);
    }
}

/* Maps the exit code through --inconclusive. */
static int apply_inconclusive(int code, const struct omps_compare_options *o)
{
    if (code != 3 || o->inconclusive == OMPS_INCONCLUSIVE_EXIT3)
        return code;
    printf("ompscale: compare: undecided configurations count as %s (--inconclusive)\n",
           o->inconclusive == OMPS_INCONCLUSIVE_PASS ? "a pass" : "a failure");
    return o->inconclusive == OMPS_INCONCLUSIVE_PASS ? 0 : 1;
}

/* The report directory is made before anything is judged, so a bad
 * --report is bad input (exit 2), never a verdict lost afterwards. */
static int prepare_report_dir(const char *dir)
{
    if (omps_make_dirs(dir) != 0 || access(dir, W_OK) != 0) {
        fprintf(stderr, "ompscale: compare: cannot write reports to '%s': %s\n", dir,
                strerror(errno));
        return 2;
    }
    return 0;
}

static int judge_and_report(const struct omps_compare_options *o, struct omps_side *base,
                            struct omps_side *new)
{
    struct omps_judgement *v = NULL;
    size_t k = 0;
    char why[512], headline[768];
    whole_run_doubts(base, new, o, why, sizeof why);
    if (omps_gate_judge(base, new, o, &v, &k) != OMPS_OK) {
        fprintf(stderr, "ompscale: compare: out of memory\n");
        return 2;
    }
    omps_gate_print(v, k);
    int code = omps_gate_conclude(v, k, o, why, headline, sizeof headline);
    printf("%s\n", headline);
    char load[400];
    omps_gate_load_line(base, new, load, sizeof load);
    omps_gate_write_reports(o->report_dir ? o->report_dir : o->new_dir, v, k, headline, load,
                            o);
    free(v);
    return apply_inconclusive(code, o);
}

int omps_compare(const struct omps_compare_options *o)
{
    struct omps_side base = {0}, new = {0};
    char err[4500] = "";
    /* A run compared with itself is unchanged by construction. */
    if (omps_same_run(o->base_dir, o->new_dir)) {
        fprintf(stderr, "ompscale: compare: %.2000s and %.2000s are the same run (one directory, "
                "or copies of one runs.csv): nothing to compare\n", o->base_dir, o->new_dir);
        return 2;
    }
    int rc = omps_gate_load_side(&base, o->base_dir, err, sizeof err);
    if (rc == OMPS_OK)
        rc = omps_gate_load_side(&new, o->new_dir, err, sizeof err);
    if (rc == OMPS_OK && o->faults != NULL)
        rc = load_faults(o->faults, &base, &new, err, sizeof err);
    /* A side with no rows is bad input, unless its configurations faulted. */
    const struct omps_side *sides[] = {&base, &new};
    for (size_t i = 0; rc == OMPS_OK && i < 2; i++) {
        if (sides[i]->nsets == 0) {
            snprintf(err, sizeof err, "%.4000s/runs.csv: no rows", sides[i]->dir);
            rc = OMPS_EFORMAT;
        }
    }
    int code = 2;
    if (rc != OMPS_OK)
        fprintf(stderr, "ompscale: compare: %s\n", *err ? err : omps_strerror(rc));
    else if (prepare_report_dir(o->report_dir ? o->report_dir : o->new_dir) == 0)
        code = judge_and_report(o, &base, &new);
    omps_gate_free_side(&base);
    omps_gate_free_side(&new);
    return code;
}
