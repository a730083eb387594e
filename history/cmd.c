/*
 * The `ompscale history` and `ompscale export` commands (history.h): their
 * options, the verdict of `history check` and changes.csv.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_write.h"
#include "errors.h"
#include "interrupt.h"
#include "history.h"
#include "options.h"
#include "parse.h"
#include "store.h"

struct history_args {
    const char *db, *report, *out, *format;
    const char *dirs[256];
    size_t ndirs;
    long last;
    double alpha;
    int allow_interrupted;
};

#define H struct history_args
/* Form 0 is `history add`, 1 `history check`, 2 `history plot`, 3 `export`. */
const struct omps_option omps_history_options[] = {
    OMPS_OPTION_DB(H, db, 0),
    OMPS_OPTION_FLAG("--allow-interrupted", H, allow_interrupted, "[--allow-interrupted]", 0),
    OMPS_OPTION_DB(H, db, 1),
    OMPS_OPTION_REPORT(H, report, 1),
    OMPS_OPTION_WHOLE("--last", H, last, 1, 1000000, "[--last K]", 1),
    OMPS_OPTION_ALPHA(H, alpha, 1),
    OMPS_OPTION_DB(H, db, 2),
    OMPS_OPTION_TEXT("--out", H, out, "--out DIR", 2),
    OMPS_OPTION_ALPHA(H, alpha, 2),
    OMPS_OPTION_TEXT("--format", H, format, "--format bencher|github-action-benchmark|otava", 3),
    OMPS_OPTION_TEXT("--out", H, out, "[--out FILE]", 3),
};
#undef H
const size_t omps_history_option_count =
    sizeof omps_history_options / sizeof omps_history_options[0];

/* A run directory: an argument that is not an option. */
static int add_dir(void *cmd, const char *arg, char *err, size_t len)
{
    struct history_args *a = cmd;
    if (a->ndirs == sizeof a->dirs / sizeof a->dirs[0]) {
        snprintf(err, len, "too many directories (at most 256 at once)");
        return -1;
    }
    a->dirs[a->ndirs++] = arg;
    return 0;
}

/* Parses argv (after the subcommand) for form; returns 0, or -1 with err. */
static int parse_args(int argc, char **argv, int form, struct history_args *a, char *err,
                      size_t len)
{
    const struct omps_command_line line = {omps_history_options, omps_history_option_count, form,
                                           add_dir};
    *a = (struct history_args){.db = OMPS_HISTORY_DEFAULT_DB, .last = 1,
                               .alpha = OMPS_CHANGE_ALPHA};
    return omps_options_parse(&line, argc, argv, a, err, len) == 0 ? 0 : -1;
}

/* A store this add is making: removed (with its journal) on a signal
 * (core/interrupt.h) or a failure until a run is committed into it, so a
 * refused or failed first add leaves no file behind.  After a failure it
 * is removed only when it holds no run, so another add that opened the new
 * file meanwhile and committed keeps its run; a signal in that window does
 * not look, and would remove that run too (two first adds at once, one of
 * them interrupted). */
struct new_store {
    const char *path;
    int made;     /* the file did not exist before this add */
    int slots[2]; /* core/interrupt.h's, for the file and its journal */
};

static void new_store_watch(struct new_store *n, const char *path)
{
    char journal[4200];
    n->path = path;
    n->made = access(path, F_OK) != 0;
    snprintf(journal, sizeof journal, "%s-journal", path);
    n->slots[0] = n->made ? omps_interrupt_track_file(path) : -1;
    n->slots[1] = n->made ? omps_interrupt_track_file(journal) : -1;
}

static void new_store_keep(struct new_store *n)
{
    omps_interrupt_forget(n->slots[0]);
    omps_interrupt_forget(n->slots[1]);
    n->slots[0] = n->slots[1] = -1;
    n->made = 0;
}

/* After a failure: the file this add made, when it holds no run. */
static void new_store_drop(struct new_store *n)
{
    sqlite3 *db = NULL;
    long long runs = 0;
    if (n->made && sqlite3_open_v2(n->path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM runs", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            runs = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    if (n->made && runs == 0) {
        char journal[4200];
        snprintf(journal, sizeof journal, "%s-journal", n->path);
        unlink(n->path);
        unlink(journal);
    }
    new_store_keep(n);
}

/* Adds every run read, each in its own transaction; 0 or 2. */
static int add_each(sqlite3 *db, struct history_args *a, struct omps_history_input **runs,
                    struct new_store *n)
{
    char err[4600];
    for (size_t i = 0; i < a->ndirs; i++) {
        struct omps_history_added out;
        if (omps_history_add_run(db, runs[i], &out, err, sizeof err) != OMPS_OK) {
            fprintf(stderr, "ompscale: history add: %s: %s\n", a->db, err);
            return 2;
        }
        new_store_keep(n);
        if (out.already) {
            printf("%s: already in %s as run %lld (%s): unchanged\n", a->dirs[i], a->db,
                   out.run, out.identity);
            continue;
        }
        printf("%s: added to %s as run %lld%s", a->dirs[i], a->db, out.run,
               out.fits ? "" : " (no fit.csv: Amdahl f not recorded; plots/plot.sh "
               "or 'ompscale fit DIR' writes it)");
        if (out.skipped > 0)
            printf("; %zu configurations left out (failed verification or no rounds)",
                   out.skipped);
        putchar('\n');
    }
    return 0;
}

/* Opens the store (made when absent) and adds the runs; 0 or 2. */
static int add_to_store(struct history_args *a, struct omps_history_input **runs)
{
    char err[4600];
    struct new_store n;
    new_store_watch(&n, a->db);
    sqlite3 *db = NULL;
    int code = 0;
    if (omps_store_open(a->db, 1, &db, err, sizeof err) != 0) {
        fprintf(stderr, "ompscale: history add: %s\n", err);
        code = 2;
    } else {
        code = add_each(db, a, runs, &n);
    }
    sqlite3_close(db);
    if (code != 0)
        new_store_drop(&n);
    new_store_keep(&n);
    return code;
}

static int cmd_add(struct history_args *a)
{
    if (a->ndirs == 0) {
        fprintf(stderr, "ompscale: history add needs at least one run directory\n");
        return 2;
    }
    char err[4600];
    /* Every directory is read and checked before the store is opened: a
     * refused add makes and changes nothing. */
    struct omps_history_input **runs = calloc(a->ndirs, sizeof *runs);
    int code = runs != NULL ? 0 : 2;
    if (runs == NULL)
        fprintf(stderr, "ompscale: history add: out of memory\n");
    for (size_t i = 0; code == 0 && i < a->ndirs; i++) {
        if (omps_history_read_dir(a->dirs[i], a->allow_interrupted, &runs[i], err,
                                  sizeof err) != 0) {
            fprintf(stderr, "ompscale: history add: %s\n", err);
            code = 2;
        }
    }
    if (code == 0)
        code = add_to_store(a, runs);
    for (size_t i = 0; runs != NULL && i < a->ndirs; i++)
        omps_history_input_free(runs[i]);
    free(runs);
    return code;
}

/* Prints one recent change for the worse: a regression when confirmed
 * over the judged series, else unconfirmed. */
static void print_change(const struct omps_history_machine *m,
                         const struct omps_history_series *s, const struct omps_change *c)
{
    const size_t r = s->points[c->index].run;
    const int ratio = s->measure != OMPS_MEASURE_AMDAHL_F;
    const double k = ratio ? 100.0 : 1.0;
    printf("%s: %s %s, first at commit %.12s (run %zu of %zu, %s): %+.*f%s "
           "[%+.*f, %+.*f] (%.4g -> %.4g), p = %.2g, Holm-adjusted %.2g\n",
           c->p_holm < OMPS_HISTORY_FAMILY_ALPHA ? "regression" : "unconfirmed", s->name,
           omps_measure_name(s->measure), m->runs[r].commit, r + 1, m->nruns, m->runs[r].date,
           ratio ? 1 : 4, k * c->step, ratio ? "%" : "", ratio ? 1 : 4, k * c->step_low,
           ratio ? 1 : 4, k * c->step_high, c->before, c->after, c->p, c->p_holm);
}

/* The verdict over every machine (after omps_history_confirm): 1 when a
 * judged series' recent change for the worse is confirmed, else 0; 3 when
 * no series could be judged. */
static int verdict(const struct omps_history *h, size_t last, long confirmed)
{
    size_t judged = 0, recent = 0, series = 0, left_out = 0;
    for (size_t i = 0; i < h->count; i++) {
        const struct omps_history_machine *m = &h->machines[i];
        for (size_t j = 0; j < m->nseries; j++) {
            const struct omps_history_series *s = &m->series[j];
            series++;
            left_out += s->other_placement > 0;
            judged += s->judged;
            for (size_t c = 0; c < s->nchanges; c++) {
                if (!isnan(s->changes[c].p_holm)) {
                    print_change(m, s, &s->changes[c]);
                    recent++;
                }
            }
        }
    }
    fprintf(stderr, "ompscale: history: %zu machines, %zu series, %zu judged (%d runs or more, "
            "the newest among them), %zu with runs left out on another placement; %zu "
            "changes for the worse in the last %zu runs, %ld confirmed (Holm over the judged "
            "series, %g)\n", h->count, series, judged, OMPS_HISTORY_MIN_POINTS, left_out, recent,
            last, confirmed, OMPS_HISTORY_FAMILY_ALPHA);
    if (confirmed > 0)
        return 1;
    if (judged == 0) {
        fprintf(stderr, "ompscale: history: too short to decide: no series has %d runs "
                "with its machine's newest\n", OMPS_HISTORY_MIN_POINTS);
        return 3;
    }
    return 0;
}

static void write_change(FILE *f, const struct omps_change_row *row)
{
    int first = 1;
    OMPS_CHANGES_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}

int omps_history_write_changes(const char *dir, const struct omps_history *h, size_t last)
{
    struct omps_outfile o;
    if (omps_make_dirs(dir) != 0 || omps_outfile_open(&o, dir, "changes.csv") != 0)
        return OMPS_EIO;
    fprintf(o.f, "%s\n", OMPS_CHANGES_HEADER);
    for (size_t i = 0; i < h->count; i++) {
        const struct omps_history_machine *m = &h->machines[i];
        for (size_t j = 0; j < m->nseries; j++) {
            const struct omps_history_series *s = &m->series[j];
            for (size_t c = 0; c < s->nchanges; c++) {
                const size_t r = s->points[s->changes[c].index].run;
                const struct omps_change_row row = {
                    .machine = m->fingerprint, .series = s, .run = &m->runs[r],
                    .change = &s->changes[c], .run_number = r + 1,
                    .worse = omps_change_is_worse(s, &s->changes[c]),
                    .recent = r + last >= m->nruns};
                write_change(o.f, &row);
            }
        }
    }
    return omps_outfile_commit(&o);
}

/* Opens the store read-only and loads its series; 0 or an exit code. */
static int load(const struct history_args *a, struct omps_history *h, const char *what)
{
    sqlite3 *db = NULL;
    char err[4600];
    int rc = omps_store_open(a->db, 0, &db, err, sizeof err);
    if (rc == 0)
        rc = omps_history_load(db, a->alpha, h, err, sizeof err);
    sqlite3_close(db);
    if (rc == 0)
        return 0;
    fprintf(stderr, "ompscale: history %s: %s\n", what, err);
    omps_history_free(h);
    return 2;
}

static int cmd_check(struct history_args *a)
{
    struct omps_history h = {0};
    if (a->ndirs > 0) {
        fprintf(stderr, "ompscale: history check: unexpected argument '%s'\n", a->dirs[0]);
        return 2;
    }
    int code = load(a, &h, "check");
    const long confirmed = code == 0 ? omps_history_confirm(&h, (size_t)a->last) : 0;
    if (confirmed < 0) {
        fprintf(stderr, "ompscale: history check: out of memory\n");
        code = 2;
    }
    if (code == 0 && a->report != NULL &&
        omps_history_write_changes(a->report, &h, (size_t)a->last) != 0) {
        fprintf(stderr, "ompscale: history check: cannot write %s/changes.csv: %s\n",
                a->report, strerror(errno));
        code = 2;
    }
    if (code == 0)
        code = verdict(&h, (size_t)a->last, confirmed);
    omps_history_free(&h);
    return code;
}

static int cmd_plot(struct history_args *a)
{
    struct omps_history h = {0};
    if (a->out == NULL || a->ndirs > 0) {
        fprintf(stderr, "ompscale: history plot needs --out DIR and no other argument\n");
        return 2;
    }
    int code = load(a, &h, "plot");
    if (code == 0 && omps_history_confirm(&h, 1) < 0)
        code = 2;
    if (code == 0 && omps_history_write_changes(a->out, &h, 1) != 0) {
        fprintf(stderr, "ompscale: history plot: cannot write %s: %s\n", a->out,
                strerror(errno));
        code = 2;
    }
    if (code == 0 && omps_history_plot(&h, a->out) != 0)
        code = 2;
    omps_history_free(&h);
    return code;
}

int omps_cmd_history(int argc, char **argv)
{
    static const char *const subcommands[] = {"add", "check", "plot"};
    for (int form = 0; argc > 0 && form < 3; form++) {
        if (strcmp(argv[0], subcommands[form]) != 0)
            continue;
        struct history_args a;
        char err[256];
        if (parse_args(argc - 1, argv + 1, form, &a, err, sizeof err) != 0) {
            fprintf(stderr, "ompscale: history %s: %s\n", subcommands[form], err);
            return 2;
        }
        return form == 0 ? cmd_add(&a) : form == 1 ? cmd_check(&a) : cmd_plot(&a);
    }
    fprintf(stderr, "ompscale: history needs add, check or plot (see 'ompscale --help')\n");
    return 2;
}

int omps_cmd_export(int argc, char **argv)
{
    struct history_args a;
    char err[4600] = "";
    if (parse_args(argc, argv, 3, &a, err, sizeof err) != 0 || a.ndirs != 1 || a.format == NULL) {
        fprintf(stderr, "ompscale: export: %s\n",
                err[0] != '\0' && a.ndirs <= 1 ? err : "needs DIR and --format");
        return 2;
    }
    struct omps_outfile o = {0};
    FILE *f = stdout;
    const char *base = a.out != NULL ? strrchr(a.out, '/') : NULL;
    if (a.out != NULL && (*a.out == '\0' || (base != NULL && base[1] == '\0'))) {
        fprintf(stderr, "ompscale: export: --out: '%s' names no file\n", a.out);
        return 2;
    }
    if (a.out != NULL) {
        /* The file appears whole or not at all, beside its final name. */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", a.out);
        char *slash = strrchr(dir, '/');
        const char *name = slash != NULL ? slash + 1 : a.out;
        if (slash != NULL)
            *slash = '\0';
        if (omps_outfile_open(&o, slash != NULL ? dir : ".", name) != 0) {
            fprintf(stderr, "ompscale: export: cannot write %s: %s\n", a.out, strerror(errno));
            return 2;
        }
        f = o.f;
    }
    const int rc = omps_history_export(a.dirs[0], a.format, f, err, sizeof err);
    if (rc != OMPS_OK) {
        fprintf(stderr, "ompscale: export: %s\n", err);
        omps_outfile_abort(&o);
        return 2;
    }
    if (a.out != NULL && omps_outfile_commit(&o) != 0) {
        fprintf(stderr, "ompscale: export: cannot write %s: %s\n", a.out, strerror(o.error));
        return 2;
    }
    return 0;
}
