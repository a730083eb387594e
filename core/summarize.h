/*
 * summary.csv, derived from runs.csv alone: `ompscale summarize DIR` and the
 * end of every run use this one function.
 */
#ifndef OMPSCALE_SUMMARIZE_H
#define OMPSCALE_SUMMARIZE_H

#include <stddef.h>

/*
 * Reads DIR/runs.csv and writes DIR/summary.csv atomically: one row per
 * configuration whose repetitions all verified, sorted by key.  Returns 0;
 * OMPS_EIO or OMPS_EFORMAT with err naming the file (and line); OMPS_ENOMEM.
 * On error summary.csv is left as it was.
 */
int omps_summarize_dir(const char *dir, char *err, size_t err_len);

#endif
