/*
 * The history store: one SQLite file (default results/history.sqlite) that
 * keeps every run added to it.  Its schema is versioned (PRAGMA
 * user_version) and marked as ompscale's (PRAGMA application_id), so a
 * foreign or damaged file is refused, never overwritten, and an older
 * schema is migrated in place, one step at a time, in one transaction.
 */
#ifndef OMPSCALE_STORE_H
#define OMPSCALE_STORE_H

#include <stddef.h>

#include <sqlite3.h>

/* The schema this build writes, and the application id ("omps"). */
#define OMPS_HISTORY_SCHEMA 1
#define OMPS_HISTORY_APPLICATION_ID 0x6f6d7073
#define OMPS_HISTORY_DEFAULT_DB "results/history.sqlite"

/*
 * Opens the history at path.  With writable, a missing or empty file is
 * created with the current schema and an older schema is migrated; without
 * it the file must exist and be current.  Waits up to half a minute for
 * another writer (two `history add` at once both land).  Returns 0 with *db
 * open (close with sqlite3_close), or OMPS_EIO / OMPS_EFORMAT with err
 * "PATH: why" (not a database, not an ompscale history, a newer schema,
 * damaged) and nothing written.
 */
int omps_store_open(const char *path, int writable, sqlite3 **db, char *err, size_t err_len);

/* Runs one SQL statement (or several, ';'-separated) without results.
 * Returns 0, or OMPS_EIO with err saying SQLite's reason. */
int omps_store_exec(sqlite3 *db, const char *sql, char *err, size_t err_len);

#endif
