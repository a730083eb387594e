/*
 * Reading runs.csv back: the rows of a run directory's journal as typed
 * records, with columns found by header name.  Summarize, resume and the
 * tests read runs.csv through this one reader.
 */
#ifndef OMPSCALE_RUNS_READ_H
#define OMPSCALE_RUNS_READ_H

#include <stddef.h>

#include "key.h"
#include "stats.h"

struct omps_run_record {
    struct omps_key key;
    int repetition;
    double seconds;
    int verified;
    int oversubscribed;
    long round;     /* 0 in a file from before the round column */
    double probe_ns; /* the round's placement probe; NaN when absent */
    char runtime[64]; /* the OpenMP runtime loaded; "" when absent */
    double result;    /* the run's computed result; NaN when absent */
    double others_busy; /* the share of the CPUs other work took; NaN: absent */
    struct omps_process_use use; /* a program's use; not measured when absent */
    size_t line;    /* where the row ends in the file */
};

struct omps_runs {
    struct omps_run_record *rows;
    size_t count;
    int has_round; /* the file has a round column */
    size_t cut_line; /* a last line cut short and left out; 0: none */
};

/*
 * Reads path.  The key columns, seconds and verified are required, in any
 * position; repetition, oversubscribed and round are read when present
 * (without repetition, each row counts as its own);
 * other columns are ignored.  A last line cut short (a power cut or a full
 * disk while the journal was appended) is left out with a warning on
 * stderr, and runs->cut_line says where.  Returns 0; OMPS_EIO when the file cannot be
 * read; OMPS_EFORMAT with err "PATH:LINE: what" (a missing column, an
 * unknown kernel, a bad number); OMPS_ENOMEM.  Free with omps_runs_free.
 */
int omps_runs_read(const char *path, struct omps_runs *runs, char *err, size_t err_len);

/* Frees the rows; safe on a zeroed struct. */
void omps_runs_free(struct omps_runs *runs);

#endif
