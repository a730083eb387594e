/*
 * The run directory as a journal.  One process holds the directory's lock
 * for the life of a run; runs.csv is written under its final name from the
 * start, one flushed and fsync'd block per completed batch, so a Ctrl-C, a
 * SIGKILL or a crash keeps every completed batch; machine.json says whether
 * the run is running, complete or interrupted.
 */
#ifndef OMPSCALE_JOURNAL_H
#define OMPSCALE_JOURNAL_H

#include <stddef.h>

#include <jansson.h>

struct omps_journal {
    char dir[4096];
    int lock_fd; /* -1 when not held */
    int runs_fd; /* -1 when not open */
};

/*
 * Creates dir (and its parents) and takes its lock, without touching any
 * other file.  Returns 0; OMPS_EBUSY with err naming the process that holds
 * it; OMPS_EIO with err naming the directory.  A lock left by a process that
 * died is free: the kernel drops it with the process.
 */
int omps_journal_lock(struct omps_journal *j, const char *dir, char *err,
                      size_t err_len);

/* Removes an earlier run's files (runs.csv, summary.csv, fit.csv,
 * gbench.json, machine.json) and the temporaries a killed run left, so that
 * the new run's machine.json can be written before its runs.csv: a directory
 * with a machine.json is then always one that --resume can continue. */
void omps_journal_clear(struct omps_journal *j);

/* Creates runs.csv with its header.  Returns 0 or OMPS_EIO (errno set). */
int omps_journal_start(struct omps_journal *j, const char *header);

/* Reopens runs.csv to continue a run, cutting off a last line that a power
 * cut left without its newline.  A runs.csv that is missing or holds no
 * whole line (the run was killed before its header was written) is started
 * afresh.  Returns 0, OMPS_EFORMAT when its header is not `header` (another
 * version's columns), or OMPS_EIO (errno set). */
int omps_journal_reopen(struct omps_journal *j, const char *header);

/* Appends one block of whole lines in one write and fsyncs it.  Returns 0 or
 * OMPS_EIO (errno set). */
int omps_journal_append(struct omps_journal *j, const char *block, size_t len);

/* Closes runs.csv and releases the lock; safe to call twice. */
void omps_journal_close(struct omps_journal *j);

/* Writes root as DIR/NAME atomically (a temporary file, fsync, rename).
 * Returns 0 or OMPS_EIO. */
int omps_write_json(const char *dir, const char *name, json_t *root);


#endif
