#include "key_read.h"

#include <string.h>

#include "errors.h"
#include "machine_file.h"
#include "parse.h"
#include "registry.h"

const char *const omps_key_column_names[OMPS_KC_COUNT] = {
    OMPS_WHOLE_KEY_COLUMNS(OMPS_COLUMN_STRING, k)};

int omps_key_columns_find(const struct omps_table *t, int col[OMPS_KC_COUNT])
{
    int missing = -1;
    for (int c = OMPS_KC_COUNT - 1; c >= 0; c--) {
        col[c] = omps_table_column(t, omps_key_column_names[c]);
        if (col[c] < 0 && c < OMPS_KC_REQUIRED)
            missing = c;
    }
    return missing;
}

static const char *cell(const struct omps_table *t, size_t row, const int col[], int c)
{
    return col[c] < 0 ? NULL : omps_table_cell(t, row, (size_t)col[c]);
}

/* The whole numbers of the key: n, threads, chunk and ranks.  Returns -1,
 * or the column that is not a whole number in its range. */
static int read_counts(const struct omps_table *t, size_t row, const int col[],
                       struct omps_key *k)
{
    static const struct {
        int column;
        long lo, hi;
    } counts[] = {{OMPS_KC_n, 1, 1L << 40},
                  {OMPS_KC_threads, 1, OMPS_MAX_THREADS},
                  {OMPS_KC_chunk, 0, 1L << 30},
                  {OMPS_KC_ranks, 1, OMPS_MAX_RANKS}};
    long v[4];
    for (size_t i = 0; i < 4; i++) {
        const char *s = cell(t, row, col, counts[i].column);
        /* A file from before the ranks column ran one process each. */
        v[i] = 1;
        if (s != NULL && omps_parse_long(s, counts[i].lo, counts[i].hi, &v[i]) != 0)
            return counts[i].column;
    }
    k->n = (uint64_t)v[0];
    k->threads = (int)v[1];
    k->schedule.chunk = (int)v[2];
    k->ranks = (int)v[3];
    return -1;
}

int omps_key_read(const struct omps_table *t, size_t row, const int col[OMPS_KC_COUNT],
                  struct omps_key *k, const char **what)
{
    memset(k, 0, sizeof *k);
    const char *name = cell(t, row, col, OMPS_KC_kernel);
    k->kernel = omps_kernel_find(name);
    /* A kernel of a plugin the run loaded: its directory's machine.json
     * names the plugin, which is loaded once and the name looked up again. */
    if (k->kernel == NULL && name != NULL && t->dir[0] != '\0') {
        char err[512];
        if (omps_run_dir_load_plugins(t->dir, err, sizeof err) == 0)
            k->kernel = omps_kernel_find(name);
    }
    *what = "is not a kernel of this build, nor of a plugin its run loaded";
    if (k->kernel == NULL)
        return OMPS_KC_kernel;
    *what = "are not the kernel's parameters";
    if (omps_key_parse_params(k, cell(t, row, col, OMPS_KC_params)) != OMPS_OK)
        return OMPS_KC_params;
    *what = "is not a whole number in range";
    const int bad_count = read_counts(t, row, col, k);
    if (bad_count >= 0)
        return bad_count;
    *what = "is not 1 for an OpenMP kernel";
    if (k->kernel->ranked == OMPS_RANKED_NO && k->ranks != 1)
        return OMPS_KC_ranks;
    *what = "is not a schedule";
    if (omps_schedule_kind(cell(t, row, col, OMPS_KC_schedule), &k->schedule.kind) !=
        OMPS_OK)
        return OMPS_KC_schedule;
    const char *cells[OMPS_AXES];
    for (int a = 0; a < OMPS_AXES; a++)
        cells[a] = cell(t, row, col, OMPS_KC_bind + a);
    const int bad_axis = omps_env_from_cells(cells, &k->env);
    *what = "is not a value of that axis";
    return bad_axis < 0 ? -1 : OMPS_KC_bind + bad_axis;
}
