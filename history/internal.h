/*
 * What the history's files share and nothing else uses.
 */
#ifndef OMPSCALE_HISTORY_INTERNAL_H
#define OMPSCALE_HISTORY_INTERNAL_H

#include <stddef.h>

#include <sqlite3.h>

#include "history.h"

/* Appends to m one series of Amdahl f per fitted series that its runs'
 * fit.csv named (fit_series.c).  Returns OMPS_OK, or an error with err. */
int omps_history_fit_series(sqlite3 *db, struct omps_history_machine *m, char *err,
                            size_t err_len);

/* Appends an empty series of measure with room for that many points to m;
 * NULL when out of memory. */
struct omps_history_series *omps_history_new_series(struct omps_history_machine *m,
                                                    enum omps_measure measure, size_t room);

/* Column i of the current row as a number, NaN for NULL. */
double omps_history_column_number(sqlite3_stmt *st, int i);

/* Prepares sql on db into *st; returns OMPS_OK, or OMPS_EIO with err
 * saying SQLite's reason. */
int omps_history_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *err,
                         size_t err_len);

/* The index of the run with store id `id` among m's runs (SIZE_MAX: none). */
size_t omps_history_run_index(const struct omps_history_machine *m, long long id);

#endif
