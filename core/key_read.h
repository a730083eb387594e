/*
 * Reading a configuration key from a table's row: the key's columns
 * (core/columns.h's OMPS_KEY_COLUMNS, the environment's axes and ranks),
 * found by name once per file, then parsed row by row into a struct
 * omps_key.  runs.csv's reader and the fits' summary.csv reader share it, so
 * every file pairs its rows by the same typed key and nothing compares
 * kernel, params or schedule text.
 */
#ifndef OMPSCALE_KEY_READ_H
#define OMPSCALE_KEY_READ_H

#include <stddef.h>

#include "columns.h"
#include "env.h"
#include "key.h"
#include "table.h"

/* The key's columns (core/columns.h's OMPS_WHOLE_KEY_COLUMNS), as
 * OMPS_KC_kernel ... OMPS_KC_ranks.  The first OMPS_KC_REQUIRED must be
 * there; a file without an axis's column ran the runtime's default, one
 * without ranks ran every configuration as one process. */
#define OMPS_KC_INDEX(name, type, value) OMPS_KC_##name,
enum omps_key_column {
    OMPS_WHOLE_KEY_COLUMNS(OMPS_KC_INDEX, k) OMPS_KC_COUNT,
    OMPS_KC_REQUIRED = OMPS_KC_bind
};

/* The header name of each key column. */
extern const char *const omps_key_column_names[OMPS_KC_COUNT];

/* Finds the key's columns in t (col[c] = -1 where absent).  Returns -1, or
 * the first required column that is missing. */
int omps_key_columns_find(const struct omps_table *t, int col[OMPS_KC_COUNT]);

/*
 * Reads row's key into *k.  Returns -1, or the key column whose cell is bad
 * with *what saying why ("is not a kernel of this build", ...), for the
 * caller's "PATH:LINE: COLUMN 'VALUE' WHAT".
 */
int omps_key_read(const struct omps_table *t, size_t row, const int col[OMPS_KC_COUNT],
                  struct omps_key *k, const char **what);

#endif
