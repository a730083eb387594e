/*
 * Opening, checking and migrating the history store (store.h).
 */
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "errors.h"

/*
 * Schema step i takes a store from version i to i + 1.  A later schema adds
 * a step here and never edits an earlier one, so a history written by any
 * earlier build reaches the current version through the same steps.
 *
 * runs: one row per run directory added, recognised by `identity` (its
 * machine.json date and a hash of its runs.csv).  points: each verified
 * configuration of a run, its key both as the name omps_key_name writes
 * (read back into the typed key) and as columns for people's own queries,
 * with summary.csv's median, speedup and efficiency and their intervals.
 * rounds: each round's value (its fastest repetition, the gate's unit) and
 * the placement probe of that visit.  fits: fit.csv's Amdahl f per series.
 */
static const char *const schema_steps[OMPS_HISTORY_SCHEMA] = {
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY, identity TEXT NOT NULL UNIQUE, git_commit TEXT NOT NULL,"
    " commit_time TEXT NOT NULL, git_dirty INTEGER, run_date TEXT NOT NULL,"
    " machine TEXT NOT NULL, cpu_model TEXT, physical_cores INTEGER, logical_cpus INTEGER,"
    " omp_runtime TEXT, compiler TEXT, compiler_flags TEXT, ompscale_version TEXT,"
    " host TEXT, state TEXT NOT NULL, seed INTEGER, omp_environment TEXT, system TEXT,"
    " machine_json TEXT NOT NULL, source TEXT NOT NULL, added TEXT NOT NULL);"
    "CREATE TABLE points ("
    " id INTEGER PRIMARY KEY, run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " key TEXT NOT NULL, kernel TEXT NOT NULL, params TEXT NOT NULL, n INTEGER NOT NULL,"
    " threads INTEGER NOT NULL, schedule TEXT NOT NULL, chunk INTEGER NOT NULL,"
    " bind TEXT, places TEXT, wait_policy TEXT, toolchain TEXT, ranks INTEGER NOT NULL,"
    " runtime TEXT, median_s REAL, ci_low_s REAL, ci_high_s REAL, speedup REAL,"
    " speedup_ci_low REAL, speedup_ci_high REAL, efficiency REAL, UNIQUE (run, key));"
    "CREATE TABLE rounds ("
    " point INTEGER NOT NULL REFERENCES points(id) ON DELETE CASCADE,"
    " round INTEGER NOT NULL, seconds REAL NOT NULL, probe_ns REAL,"
    " PRIMARY KEY (point, round));"
    "CREATE TABLE fits ("
    " run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, kernel TEXT NOT NULL,"
    " params TEXT NOT NULL, n INTEGER NOT NULL, schedule TEXT NOT NULL,"
    " chunk INTEGER NOT NULL, environment TEXT NOT NULL, threads_per_rank INTEGER NOT NULL,"
    " parameter TEXT NOT NULL, value REAL, ci_low REAL, ci_high REAL, points INTEGER);"
    "CREATE INDEX points_by_run ON points (run);",
};

int omps_store_exec(sqlite3 *db, const char *sql, char *err, size_t err_len)
{
    char *why = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &why) == SQLITE_OK)
        return 0;
    snprintf(err, err_len, "%s", why != NULL ? why : sqlite3_errmsg(db));
    sqlite3_free(why);
    return OMPS_EIO;
}

/* Reads one integer PRAGMA (or any one-value query).  Returns 0, or
 * OMPS_EFORMAT with err saying SQLite's reason (a file that is not a
 * database fails here, on its first read). */
static int query_int(sqlite3 *db, const char *sql, long long *out, char *err, size_t err_len)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        snprintf(err, err_len, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : OMPS_EFORMAT;
}

/* Says whether the store at its version is one this build can use: ours,
 * not newer, and (to write) not damaged.  *version is its schema. */
static int check_store(sqlite3 *db, int writable, long long *version, char *err, size_t err_len)
{
    long long app = 0, tables = 0, ok = 0;
    int rc = query_int(db, "PRAGMA application_id", &app, err, err_len);
    if (rc == 0)
        rc = query_int(db, "PRAGMA user_version", version, err, err_len);
    if (rc == 0)
        rc = query_int(db, "SELECT count(*) FROM sqlite_master", &tables, err, err_len);
    if (rc != 0)
        return rc;
    if (app != OMPS_HISTORY_APPLICATION_ID && (app != 0 || tables > 0)) {
        snprintf(err, err_len, "not an ompscale history (application_id %#llx, %lld tables)",
                 app, tables);
        return OMPS_EFORMAT;
    }
    if (*version > OMPS_HISTORY_SCHEMA) {
        snprintf(err, err_len, "schema %lld is newer than this build's %d (a newer ompscale "
                 "wrote it)", *version, OMPS_HISTORY_SCHEMA);
        return OMPS_EFORMAT;
    }
    if (!writable && *version < OMPS_HISTORY_SCHEMA) {
        snprintf(err, err_len, "schema %lld is older than this build's %d ('ompscale history "
                 "add' migrates it)", *version, OMPS_HISTORY_SCHEMA);
        return OMPS_EFORMAT;
    }
    if (writable && tables > 0 && query_int(db, "PRAGMA quick_check", &ok, err, err_len) != 0)
        return OMPS_EFORMAT;
    return 0;
}

/* Checks the store and brings it to the current schema inside one write
 * transaction, so that two writers opening a new file at once see it
 * either empty or created whole, never half of each. */
static int migrate(sqlite3 *db, char *err, size_t err_len)
{
    long long version = 0;
    int rc = omps_store_exec(db, "BEGIN IMMEDIATE", err, err_len);
    if (rc == 0)
        rc = check_store(db, 1, &version, err, err_len);
    for (long long v = version; rc == 0 && v < OMPS_HISTORY_SCHEMA; v++)
        rc = omps_store_exec(db, schema_steps[v], err, err_len);
    char pragmas[128];
    snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             OMPS_HISTORY_APPLICATION_ID, OMPS_HISTORY_SCHEMA);
    if (rc == 0 && version < OMPS_HISTORY_SCHEMA)
        rc = omps_store_exec(db, pragmas, err, err_len);
    if (rc == 0)
        return omps_store_exec(db, "COMMIT", err, err_len);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Checks a store opened to read, its facts read in one transaction so that
 * a writer creating it meanwhile is seen whole or not at all. */
static int check_read_only(sqlite3 *db, char *err, size_t err_len)
{
    long long version = 0;
    int rc = omps_store_exec(db, "BEGIN", err, err_len);
    if (rc == 0)
        rc = check_store(db, 0, &version, err, err_len);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

int omps_store_open(const char *path, int writable, sqlite3 **db, char *err, size_t err_len)
{
    struct stat st;
    char why[400] = "";
    *db = NULL;
    if (!writable && stat(path, &st) != 0) {
        snprintf(err, err_len, "%s: no such history ('ompscale history add' makes one)", path);
        return OMPS_EIO;
    }
    if (*path == '\0' || (stat(path, &st) == 0 && !S_ISREG(st.st_mode))) {
        snprintf(err, err_len, "--db: '%s' is %s, not a history file", path,
                 *path == '\0' ? "empty" : S_ISDIR(st.st_mode) ? "a directory" : "not a file");
        return OMPS_EINVAL;
    }
    /* A writer killed mid-transaction (a signal, SIGKILL, a power cut)
     * leaves a hot journal that only a connection allowed to write can roll
     * back: a reader then opens the file to write and asks for no writes
     * (query_only), so its first read restores the last commit. */
    char journal[4200];
    snprintf(journal, sizeof journal, "%s-journal", path);
    const int recover = !writable && access(journal, F_OK) == 0 && access(path, W_OK) == 0;
    const int flags = writable  ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                      : recover ? SQLITE_OPEN_READWRITE
                                : SQLITE_OPEN_READONLY;
    int rc = sqlite3_open_v2(path, db, flags, NULL) == SQLITE_OK ? 0 : OMPS_EIO;
    if (rc == 0 && recover)
        rc = omps_store_exec(*db, "PRAGMA query_only = 1", why, sizeof why);
    if (rc != 0)
        snprintf(why, sizeof why, "%s", *db != NULL ? sqlite3_errmsg(*db) : "out of memory");
    if (rc == 0) {
        sqlite3_busy_timeout(*db, 30000);
        rc = writable ? migrate(*db, why, sizeof why) : check_read_only(*db, why, sizeof why);
    }
    if (rc == 0)
        rc = omps_store_exec(*db, "PRAGMA foreign_keys = ON", why, sizeof why);
    if (rc == 0)
        return 0;
    snprintf(err, err_len, "%s: %s", path, why);
    sqlite3_close(*db);
    *db = NULL;
    return rc;
}
