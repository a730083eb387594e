/*
 * The history's series: the store read back per machine, in commit order,
 * one series per configuration and measure, with its change points
 * (history.h).
 */
#include "history.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "placement.h"
#include "stats.h"

/* One configuration of one run as the store holds it. */
struct stored_point {
    struct omps_key key;
    size_t run;
    double *seconds, *probe; /* its rounds */
    size_t rounds;
};

/* A machine's points, before they become series. */
struct stored {
    struct stored_point *points;
    size_t count;
};

const char *omps_measure_name(enum omps_measure m)
{
    static const char *const names[OMPS_MEASURES] = {"seconds", "speedup", "efficiency",
                                                     "amdahl_f"};
    return m < OMPS_MEASURES ? names[m] : "?";
}

int omps_measure_rise_is_worse(enum omps_measure m)
{
    return m == OMPS_MEASURE_SECONDS || m == OMPS_MEASURE_AMDAHL_F;
}

int omps_change_is_worse(const struct omps_history_series *s, const struct omps_change *c)
{
    return omps_measure_rise_is_worse(s->measure) ? c->step > 0.0 : c->step < 0.0;
}

double omps_history_column_number(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

int omps_history_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *err,
                         size_t err_len)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK)
        return OMPS_OK;
    snprintf(err, err_len, "%s", sqlite3_errmsg(db));
    return OMPS_EIO;
}

static void copy_column(sqlite3_stmt *st, int i, char *buf, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, len, "%s", t != NULL ? (const char *)t : "");
}

/* The machines and their runs in commit order.  An unknown commit time
 * sorts first, then the run's date, then the order the runs were added. */
static int load_runs(sqlite3 *db, struct omps_history *h, char *err, size_t err_len)
{
    static const char sql[] =
        "SELECT machine, id, git_commit, commit_time, run_date FROM runs ORDER BY machine,"
        " julianday(nullif(commit_time, '')), julianday(run_date), id";
    sqlite3_stmt *st = NULL;
    if (omps_history_prepare(db, sql, &st, err, err_len) != OMPS_OK)
        return OMPS_EIO;
    int rc = OMPS_OK;
    while (rc == OMPS_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *fp = (const char *)sqlite3_column_text(st, 0);
        struct omps_history_machine *m = h->count > 0 ? &h->machines[h->count - 1] : NULL;
        if (m == NULL || strcmp(m->fingerprint, fp) != 0) {
            m = realloc(h->machines, (h->count + 1) * sizeof *m);
            if (m == NULL) {
                rc = OMPS_ENOMEM;
                break;
            }
            h->machines = m;
            m = &h->machines[h->count++];
            *m = (struct omps_history_machine){0};
            snprintf(m->fingerprint, sizeof m->fingerprint, "%s", fp);
        }
        struct omps_history_run *r = realloc(m->runs, (m->nruns + 1) * sizeof *r);
        if (r == NULL) {
            rc = OMPS_ENOMEM;
            break;
        }
        m->runs = r;
        r = &m->runs[m->nruns++];
        r->id = sqlite3_column_int64(st, 1);
        copy_column(st, 2, r->commit, sizeof r->commit);
        copy_column(st, 3, r->commit_time, sizeof r->commit_time);
        copy_column(st, 4, r->date, sizeof r->date);
    }
    sqlite3_finalize(st);
    return rc;
}

size_t omps_history_run_index(const struct omps_history_machine *m, long long id)
{
    for (size_t i = 0; i < m->nruns; i++) {
        if (m->runs[i].id == id)
            return i;
    }
    return SIZE_MAX;
}

/* Appends a round to the point. */
static int add_round(struct stored_point *p, double seconds, double probe)
{
    double *s = realloc(p->seconds, (p->rounds + 1) * sizeof *s);
    if (s != NULL)
        p->seconds = s;
    double *q = realloc(p->probe, (p->rounds + 1) * sizeof *q);
    if (q != NULL)
        p->probe = q;
    if (s == NULL || q == NULL)
        return OMPS_ENOMEM;
    s[p->rounds] = seconds;
    q[p->rounds++] = probe;
    return OMPS_OK;
}

/* The machine's points with their rounds, one row per round (a point's
 * rows come together).  A key whose kernel this build lacks is skipped. */
static int load_points(sqlite3 *db, const struct omps_history_machine *m, struct stored *out,
                       char *err, size_t err_len)
{
    static const char sql[] =
        "SELECT p.id, p.run, p.key, d.seconds, d.probe_ns FROM points p JOIN runs r ON p.run = r.id"
        " JOIN rounds d ON d.point = p.id WHERE r.machine = ? ORDER BY p.id, d.round";
    sqlite3_stmt *st = NULL;
    if (omps_history_prepare(db, sql, &st, err, err_len) != OMPS_OK)
        return OMPS_EIO;
    sqlite3_bind_text(st, 1, m->fingerprint, -1, SQLITE_STATIC);
    long long last = -1;
    int rc = OMPS_OK, skip = 0;
    while (rc == OMPS_OK && sqlite3_step(st) == SQLITE_ROW) {
        const long long id = sqlite3_column_int64(st, 0);
        if (id != last) {
            last = id;
            struct omps_key k;
            skip = omps_key_parse_name((const char *)sqlite3_column_text(st, 2), &k) != 0;
            if (skip)
                continue;
            struct stored_point *p = realloc(out->points, (out->count + 1) * sizeof *p);
            if (p == NULL) {
                rc = OMPS_ENOMEM;
                break;
            }
            out->points = p;
            p = &out->points[out->count++];
            *p = (struct stored_point){
                .key = k, .run = omps_history_run_index(m, sqlite3_column_int64(st, 1))};
        }
        if (!skip)
            rc = add_round(&out->points[out->count - 1], sqlite3_column_double(st, 3),
                           omps_history_column_number(st, 4));
    }
    sqlite3_finalize(st);
    return rc;
}

static void free_stored(struct stored *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->points[i].seconds);
        free(s->points[i].probe);
    }
    free(s->points);
}

static int by_key_then_run(const void *a, const void *b)
{
    const struct stored_point *x = a, *y = b;
    const int c = omps_key_compare(&x->key, &y->key);
    return c != 0 ? c : (x->run > y->run) - (x->run < y->run);
}

struct omps_history_series *omps_history_new_series(struct omps_history_machine *m,
                                                    enum omps_measure measure, size_t room)
{
    struct omps_history_series *s = realloc(m->series, (m->nseries + 1) * sizeof *s);
    if (s == NULL)
        return NULL;
    m->series = s;
    s = &m->series[m->nseries];
    *s = (struct omps_history_series){.measure = measure};
    s->points = calloc(room + 1, sizeof *s->points);
    if (s->points == NULL)
        return NULL;
    m->nseries++;
    return s;
}

/*
 * The placement most of the series' rounds ran on, when the team has two
 * threads or more (the probes say which, core/placement.h); -1 when every
 * round counts.  class_of[i] is each round's placement over the points'
 * rounds taken in order.
 */
static int usual_placement(const struct stored_point *p, size_t n, int *class_of, size_t total)
{
    if (p[0].key.threads < 2)
        return -1;
    double *probes = malloc((total + 1) * sizeof *probes);
    size_t k = 0;
    for (size_t i = 0; probes != NULL && i < n; i++) {
        memcpy(probes + k, p[i].probe, p[i].rounds * sizeof *probes);
        k += p[i].rounds;
    }
    const int classes = probes != NULL ? omps_placement_classes(probes, total, class_of) : -1;
    free(probes);
    return omps_placement_usual(class_of, total, classes);
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * One run's value: the median of the faster half of its rounds on the
 * usual placement (all of them when usual is -1), with the order-statistic
 * interval of that median from six such rounds on.  Interference on a
 * shared machine only ever adds time, so the slower half holds most of it;
 * the faster half's median keeps a median's robustness and, unlike the
 * fastest round alone, hardly moves with the number of rounds.  Between
 * ten --quick runs of one build here it spread 0.065 (log sd, the median
 * over configurations) against 0.084 for the median of every round.
 * Returns the rounds on the placement; 0 when there are none.
 */
static size_t run_value(const struct stored_point *p, const int *class_of, int usual,
                        struct omps_history_point *out)
{
    double *v = malloc((p->rounds + 1) * sizeof *v);
    size_t n = 0;
    for (size_t r = 0; v != NULL && r < p->rounds; r++) {
        if (usual < 0 || class_of[r] < 0 || class_of[r] == usual)
            v[n++] = p->seconds[r];
    }
    const size_t half = (n + 1) / 2;
    qsort(v, n, sizeof *v, by_value);
    out->run = p->run;
    out->rounds = n;
    out->value = n > 0 ? omps_median_inplace(v, half) : NAN;
    out->low = out->high = NAN;
    if (n > 0)
        omps_median_interval(v, half, &out->low, &out->high);
    free(v);
    return n;
}

/* The seconds series of points p[0..n) (one configuration, run order). */
static int seconds_series(struct omps_history_machine *m, const struct stored_point *p, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += p[i].rounds;
    int *class_of = malloc((total + 1) * sizeof *class_of);
    struct omps_history_series *s = class_of != NULL ? omps_history_new_series(m, OMPS_MEASURE_SECONDS, n)
                                                     : NULL;
    if (s == NULL) {
        free(class_of);
        return OMPS_ENOMEM;
    }
    s->key = p[0].key;
    omps_key_name(&p[0].key, s->name, sizeof s->name);
    const int usual = usual_placement(p, n, class_of, total);
    for (size_t i = 0, offset = 0; i < n; offset += p[i].rounds, i++) {
        if (run_value(&p[i], class_of + offset, usual, &s->points[s->count]) > 0)
            s->count++;
        else
            s->other_placement++;
    }
    free(class_of);
    return OMPS_OK;
}

/* The seconds series of the key that k's speedup divides: the same
 * series at one thread (and one rank), or -1. */
static long base_series(const struct omps_history_machine *m, const struct omps_key *k)
{
    struct omps_key base = *k;
    base.threads = 1;
    base.ranks = k->ranks > 0 ? 1 : k->ranks;
    for (size_t i = 0; i < m->nseries; i++) {
        if (m->series[i].measure == OMPS_MEASURE_SECONDS &&
            omps_key_compare(&m->series[i].key, &base) == 0)
            return (long)i;
    }
    return -1;
}

/* The point of series s from run `run`, or NULL. */
static const struct omps_history_point *point_of(const struct omps_history_series *s, size_t run)
{
    for (size_t i = 0; i < s->count; i++) {
        if (s->points[i].run == run)
            return &s->points[i];
    }
    return NULL;
}

/* The speedup and efficiency series of seconds series `at` (more than one
 * core), from the same run values as the times, so that they are as robust
 * as those: each run's one-core value over its own, the interval crosswise
 * (summary.csv's rule). */
static int scaling_series(struct omps_history_machine *m, size_t at)
{
    const int cores = omps_key_cores(&m->series[at].key);
    const long b = cores > 1 ? base_series(m, &m->series[at].key) : -1;
    for (int e = 0; b >= 0 && e < 2; e++) {
        struct omps_history_series *s = omps_history_new_series(
            m, e == 0 ? OMPS_MEASURE_SPEEDUP : OMPS_MEASURE_EFFICIENCY, m->series[at].count);
        if (s == NULL)
            return OMPS_ENOMEM;
        const struct omps_history_series *t = &m->series[at], *base = &m->series[b];
        s->key = t->key;
        memcpy(s->name, t->name, sizeof s->name);
        const double scale = e == 0 ? 1.0 : 1.0 / cores;
        for (size_t i = 0; i < t->count; i++) {
            const struct omps_history_point *p = &t->points[i], *one = point_of(base, p->run);
            if (one == NULL)
                continue;
            s->points[s->count++] = (struct omps_history_point){
                .run = p->run, .value = one->value / p->value * scale,
                .low = one->low / p->high * scale, .high = one->high / p->low * scale,
                .rounds = p->rounds};
        }
    }
    return OMPS_OK;
}

/* Every configuration's series from the machine's stored points. */
static int point_series(struct omps_history_machine *m, struct stored *st)
{
    qsort(st->points, st->count, sizeof *st->points, by_key_then_run);
    int rc = OMPS_OK;
    for (size_t i = 0; rc == OMPS_OK && i < st->count;) {
        size_t j = i + 1;
        while (j < st->count && omps_key_compare(&st->points[i].key, &st->points[j].key) == 0)
            j++;
        rc = seconds_series(m, st->points + i, j - i);
        i = j;
    }
    const size_t times = m->nseries;
    for (size_t i = 0; rc == OMPS_OK && i < times; i++)
        rc = scaling_series(m, i);
    return rc;
}

/* Finds the change points of every series and says which are judged: long
 * enough, with the machine's newest run among their points. */
static int find_changes(struct omps_history_machine *m, double alpha)
{
    for (size_t i = 0; i < m->nseries; i++) {
        struct omps_history_series *s = &m->series[i];
        double *x = malloc((s->count + 1) * sizeof *x);
        s->changes = malloc((s->count + 1) * sizeof *s->changes);
        if (x == NULL || s->changes == NULL) {
            free(x);
            return OMPS_ENOMEM;
        }
        for (size_t j = 0; j < s->count; j++)
            x[j] = s->points[j].value;
        const long found = omps_change_points(x, s->count, s->measure != OMPS_MEASURE_AMDAHL_F,
                                              alpha, s->changes, s->count);
        free(x);
        s->nchanges = found > 0 ? (size_t)found : 0;
        s->judged = s->count >= OMPS_HISTORY_MIN_POINTS && found >= 0 &&
                    s->points[s->count - 1].run == m->nruns - 1;
    }
    return OMPS_OK;
}

int omps_history_load(sqlite3 *db, double alpha, struct omps_history *h, char *err,
                      size_t err_len)
{
    *h = (struct omps_history){0};
    int rc = load_runs(db, h, err, err_len);
    for (size_t i = 0; rc == OMPS_OK && i < h->count; i++) {
        struct stored st = {0};
        rc = load_points(db, &h->machines[i], &st, err, err_len);
        if (rc == OMPS_OK)
            rc = point_series(&h->machines[i], &st);
        free_stored(&st);
        if (rc == OMPS_OK)
            rc = omps_history_fit_series(db, &h->machines[i], err, err_len);
        if (rc == OMPS_OK)
            rc = find_changes(&h->machines[i], alpha);
    }
    if (rc == OMPS_ENOMEM)
        snprintf(err, err_len, "out of memory");
    return rc;
}

void omps_history_free(struct omps_history *h)
{
    for (size_t i = 0; i < h->count; i++) {
        struct omps_history_machine *m = &h->machines[i];
        for (size_t j = 0; j < m->nseries; j++) {
            free(m->series[j].points);
            free(m->series[j].changes);
        }
        free(m->series);
        free(m->runs);
    }
    free(h->machines);
    *h = (struct omps_history){0};
}

/* A judged series' most significant recent change for the worse, or NULL. */
static struct omps_change *recent_worse(const struct omps_history_machine *m,
                                        struct omps_history_series *s, size_t last)
{
    struct omps_change *best = NULL;
    for (size_t c = 0; s->judged && c < s->nchanges; c++) {
        struct omps_change *ch = &s->changes[c];
        if (s->points[ch->index].run + last >= m->nruns && omps_change_is_worse(s, ch) &&
            (best == NULL || ch->p < best->p))
            best = ch;
    }
    return best;
}

static int by_p(const void *a, const void *b)
{
    const struct omps_change *x = *(struct omps_change *const *)a;
    const struct omps_change *y = *(struct omps_change *const *)b;
    return (x->p > y->p) - (x->p < y->p);
}

long omps_history_confirm(struct omps_history *h, size_t last)
{
    size_t judged = 0, n = 0;
    for (size_t i = 0; i < h->count; i++) {
        for (size_t j = 0; j < h->machines[i].nseries; j++)
            judged += h->machines[i].series[j].judged;
    }
    struct omps_change **c = malloc((judged + 1) * sizeof *c);
    if (c == NULL)
        return -1;
    for (size_t i = 0; i < h->count; i++) {
        for (size_t j = 0; j < h->machines[i].nseries; j++) {
            struct omps_change *r = recent_worse(&h->machines[i], &h->machines[i].series[j], last);
            if (r != NULL)
                c[n++] = r;
        }
    }
    qsort(c, n, sizeof *c, by_p);
    long confirmed = 0;
    double running = 0.0;
    for (size_t k = 0; k < n; k++) {
        running = fmax(running, fmin(1.0, (double)(judged - k) * c[k]->p));
        c[k]->p_holm = running;
        confirmed += running < OMPS_HISTORY_FAMILY_ALPHA;
    }
    free(c);
    return confirmed;
}
