/*
 * Writers for runs.csv and summary.csv (RFC 4180, one header row, full
 * precision numbers) and files that appear only when complete.
 */
#ifndef OMPSCALE_CSV_H
#define OMPSCALE_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "columns.h"
#include "key.h"
#include "stats.h"

/*
 * A file written under a temporary name in its final directory and renamed
 * into place by omps_outfile_commit, so readers never see half a file: on
 * a full disk, a signal (core/interrupt.h removes the temporary) or a
 * power cut (the next writer into the directory removes a dead process's
 * temporaries), the old file stays or no file appears.
 */
struct omps_outfile {
    char path[4096];
    char tmp[4096];
    FILE *f;
    int slot;  /* core/interrupt.h's, for the temporary */
    int error; /* errno of the failed open or commit, 0 */
};

/* Creates DIR/NAME's temporary file, after removing DIR's temporaries of
 * processes that are gone.  Returns 0 or OMPS_EIO (errno set). */
int omps_outfile_open(struct omps_outfile *o, const char *dir, const char *name);

/* Flushes, fsyncs, closes and renames into place, then fsyncs the
 * directory, so a power cut after it returns leaves the new file whole.
 * A temporary another writer filled (f == NULL) is fsynced and renamed.
 * Returns 0 or OMPS_EIO (errno set: ENOSPC for a full disk); on error the
 * temporary file is removed and the old file, if any, is untouched. */
int omps_outfile_commit(struct omps_outfile *o);

/* The message for a failed open or commit: "cannot write PATH: REASON". */
void omps_outfile_error(const struct omps_outfile *o, char *err, size_t len);

/* Closes and removes the temporary file; safe on a file never opened. */
void omps_outfile_abort(struct omps_outfile *o);

/* One row of runs.csv. */
struct omps_run_row {
    const struct omps_key *key;
    int repetition;
    double seconds;
    int verified;
    int oversubscribed;
    long round;
    double probe_ns; /* the round's cache-line round trip; NaN: none */
    const char *runtime; /* the OpenMP runtime the process loaded */
    double result;       /* the computed result; NaN: the kernel has none */
    double others_busy;  /* the CPUs' share other work took during its batch */
    struct omps_process_use use; /* a program's (run --command); not measured */
};

/* Writes s as one CSV field, quoted when it holds a comma, quote or newline. */
void omps_csv_text(FILE *f, const char *s);

/* Writes v with 17 significant digits; NaN and infinities, values that are
 * not there, as an empty field: the one numbers-or-empty rule of every
 * CSV file ompscale writes. */
void omps_csv_number(FILE *f, double v);

/* The writers of columns.h's types, for the lists' X: each writes a comma
 * first unless *first, which it then clears. */
void omps_csv_put_TEXT(FILE *f, int *first, const char *s);
void omps_csv_put_UINT(FILE *f, int *first, unsigned long long v);
void omps_csv_put_INT(FILE *f, int *first, long long v);
void omps_csv_put_NUMBER(FILE *f, int *first, double v);
void omps_csv_put_PROBE(FILE *f, int *first, double v);
void omps_csv_put_POSITIVE(FILE *f, int *first, long long v);
void omps_csv_put_NONNEGATIVE(FILE *f, int *first, long long v);

/* X for a column list: writes one column of `row` to f, with `int first`
 * set to 1 before the row's first column. */
#define OMPS_CSV_WRITE_COLUMN(name, type, value) omps_csv_put_##type(f, &first, (value));

/* Writes the key's six columns (OMPS_KEY_COLUMNS, no newline). */
void omps_csv_key(FILE *f, const struct omps_key *k);

/* Writes one runs.csv row (OMPS_RUNS_COLUMNS), newline included. */
void omps_csv_run_row(FILE *f, const struct omps_run_row *row);

/* Writes one summary.csv row (OMPS_SUMMARY_COLUMNS), newline included. */
void omps_csv_summary_row(FILE *f, const struct omps_summary_row *row);

/* Writes one --dry-run plan row (OMPS_PLAN_COLUMNS), newline included. */
void omps_csv_plan_row(FILE *f, const struct omps_key *row);

#endif
