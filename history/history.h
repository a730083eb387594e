/*
 * `ompscale history`: the runs of main kept in one SQLite store, their
 * series per configuration and machine in commit order, the change points
 * in them, and the pictures; `ompscale export`: one run in the formats of
 * the CI services people already use.
 */
#ifndef OMPSCALE_HISTORY_H
#define OMPSCALE_HISTORY_H

#include <stddef.h>
#include <stdio.h>

#include <sqlite3.h>

#include "changes.h"
#include "key.h"
#include "options.h"

/* What one `history add` of a directory did. */
struct omps_history_added {
    long long run;      /* the run's id in the store */
    int already;        /* the store had this run (same identity): nothing written */
    size_t skipped;     /* configurations left out: a failed verification, no rounds */
    int fits;           /* fit.csv was there and its Amdahl f recorded */
    char identity[160]; /* machine.json's date and the hash of runs.csv */
};

/* A run directory read and checked for the store (omps_history_read_dir). */
struct omps_history_input;

/*
 * Reads DIR as the store keeps it: its rounds (runs.csv), machine.json,
 * summary.csv and its identity.  A run whose machine.json state is not
 * complete is refused (OMPS_EINVAL) unless allow_interrupted.  Returns
 * OMPS_OK with *out set (free with omps_history_input_free), or an error
 * with err naming the file.  No store is needed, so an add refused for its
 * input never makes or touches one.
 */
int omps_history_read_dir(const char *dir, int allow_interrupted,
                          struct omps_history_input **out, char *err, size_t err_len);

/*
 * Records a run read by omps_history_read_dir in db in one transaction:
 * the run (commit, commit time, date, machine fingerprint, environment,
 * toolchain and runtime, the whole machine.json), each verified
 * configuration of summary.csv with its rounds and fit.csv's Amdahl f when
 * the run has one.  A run already recorded (the same identity) is left as
 * it is.  Returns OMPS_OK, or an error with err naming the file or the
 * store's reason; nothing is written then.
 */
int omps_history_add_run(sqlite3 *db, const struct omps_history_input *run,
                         struct omps_history_added *out, char *err, size_t err_len);

/* Frees what omps_history_read_dir read; NULL is ignored. */
void omps_history_input_free(struct omps_history_input *run);

/* The measures a history keeps per configuration, each its own series. */
enum omps_measure {
    OMPS_MEASURE_SECONDS,    /* the run's median over its rounds' values */
    OMPS_MEASURE_SPEEDUP,    /* summary.csv's speedup */
    OMPS_MEASURE_EFFICIENCY, /* summary.csv's efficiency */
    OMPS_MEASURE_AMDAHL_F,   /* fit.csv's Amdahl f of the configuration's series */
    OMPS_MEASURES
};

/* One point of a series: one run. */
struct omps_history_point {
    size_t run;                /* index into the series' machine's runs */
    double value, low, high;   /* the value and its 95% interval (NaN: none) */
    size_t rounds;             /* rounds the value comes from (seconds) */
};

/* One series: a configuration (or, for f, a fitted series) on one machine. */
struct omps_history_series {
    enum omps_measure measure;
    struct omps_key key;        /* threads 0 for f's series */
    char name[512];             /* the key's name, or the fitted series' */
    char environment[128];      /* f's series: fit.csv's environment */
    struct omps_history_point *points;
    size_t count;
    size_t other_placement;     /* runs left out: no round on the series'
                                   usual placement (threads >= 2) */
    struct omps_change *changes;
    size_t nchanges;
    int judged;                 /* long enough, and its newest run kept */
};

/* One run as the series see it, in commit order. */
struct omps_history_run {
    long long id;
    char commit[64], commit_time[40], date[40];
};

/* One machine's runs and series. */
struct omps_history_machine {
    char fingerprint[512];
    struct omps_history_run *runs;
    size_t nruns;
    struct omps_history_series *series;
    size_t nseries;
};

struct omps_history {
    struct omps_history_machine *machines;
    size_t count;
};

/* The family-wise false-alarm rate of one history check: a recent change
 * for the worse fails the check only when its p-value, Holm-adjusted over
 * every judged series, is below it (the gate's own alpha). */
#define OMPS_HISTORY_FAMILY_ALPHA 0.05

/* The fewest points a series needs before its newest ones are judged. */
#define OMPS_HISTORY_MIN_POINTS 5

/*
 * Reads every run of db into series per machine and measure, in commit
 * order (commit time, then run date, then the order added), and finds each
 * series' change points at false-alarm rate alpha per test (log scale for
 * seconds, speedup and efficiency; f on its own scale).  Configurations of
 * kernels this build lacks are left out.  Returns OMPS_OK, or an error with
 * err; free with omps_history_free.
 */
int omps_history_load(sqlite3 *db, double alpha, struct omps_history *h, char *err,
                      size_t err_len);
void omps_history_free(struct omps_history *h);

/*
 * Sets p_holm of every change for the worse that starts in its machine's
 * last `last` runs in a judged series: Holm's step-down adjustment of their
 * p-values over the judged series of the whole history (each series tested
 * once at most, by its most significant recent change).  Returns how many
 * are confirmed (p_holm < OMPS_HISTORY_FAMILY_ALPHA), or -1 when out of
 * memory.
 */
long omps_history_confirm(struct omps_history *h, size_t last);

/* The measure's name in changes.csv ("seconds", "speedup", "efficiency",
 * "amdahl_f"), and whether a rise is worse (seconds, f) or a fall. */
const char *omps_measure_name(enum omps_measure m);
int omps_measure_rise_is_worse(enum omps_measure m);

/* Returns 1 when c is a change for the worse: slower, or scaling less. */
int omps_change_is_worse(const struct omps_history_series *s, const struct omps_change *c);

/* The commands: parse argv after "history" or "export", act, and return
 * the exit code (history check: 0 none, 1 a change for the worse in the
 * last K runs, 2 bad usage or input, 3 too short to decide). */
int omps_cmd_history(int argc, char **argv);

/* The options of history add (form 0), check (1), plot (2) and export (3),
 * for the parser and the synopsis (core/options.h). */
extern const struct omps_option omps_history_options[];
extern const size_t omps_history_option_count;
int omps_cmd_export(int argc, char **argv);

/* One row of changes.csv (core/columns.h's OMPS_CHANGES_COLUMNS). */
struct omps_change_row {
    const char *machine;
    const struct omps_history_series *series;
    const struct omps_history_run *run; /* the first run after the change */
    const struct omps_change *change;
    size_t run_number;                  /* that run's place in commit order, from 1 */
    int worse;                          /* slower, or scaling less */
    int recent;                         /* among the machine's last K runs */
};

/* Writes DIR/changes.csv atomically (every change point of every series;
 * recent: among each machine's last `last` runs).  Returns 0, or OMPS_EIO
 * with errno. */
int omps_history_write_changes(const char *dir, const struct omps_history *h, size_t last);

/* `history plot`: the trend data, gnuplot script, pictures and index.html
 * in DIR.  Returns 0, or -1 with a message on stderr. */
int omps_history_plot(const struct omps_history *h, const char *dir);

/* `export`: DIR's summary in format ("bencher", "github-action-benchmark"
 * or "otava") on f.  Returns 0, or an error with err. */
int omps_history_export(const char *dir, const char *format, FILE *f, char *err,
                        size_t err_len);

#endif
