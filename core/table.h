/*
 * A whole CSV file read into memory with libcsv (RFC 4180, strict): a header
 * and rows of text cells, each row with its line number, so every error can
 * name the file and line.
 */
#ifndef OMPSCALE_TABLE_H
#define OMPSCALE_TABLE_H

#include <stddef.h>

struct omps_table {
    size_t ncols;
    char **header;  /* [ncols] */
    size_t nrows;
    char **cells;   /* [nrows * ncols], row-major */
    size_t *lines;  /* [nrows]: the line each row ends on */
    size_t cut_line; /* omps_table_read_journal: a last line left out, 0 */
    /* The directory the file lies in ("." for a bare name): a reader of a
     * run directory's rows finds its plugins there (key_read.h). */
    char dir[4096];
};

/*
 * Reads path.  Every row must have as many fields as the header.  Returns 0;
 * OMPS_EIO when the file cannot be read; OMPS_EFORMAT when it is empty,
 * malformed, ragged or holds a NUL byte (err says "PATH:LINE: what");
 * OMPS_ENOMEM.  On error t holds nothing to free.
 */
int omps_table_read(const char *path, struct omps_table *t, char *err,
                    size_t err_len);

/* As omps_table_read, for a journal appended a row at a time (runs.csv):
 * a last line without its newline, cut by a power cut or a full disk, is
 * left out and its number put in t->cut_line; the rows before it are read
 * as usual. */
int omps_table_read_journal(const char *path, struct omps_table *t, char *err,
                            size_t err_len);

/* Returns the index of the named column, or -1. */
int omps_table_column(const struct omps_table *t, const char *name);

/* col[i] = the index of names[i] (-1 when absent) for i < n: a file's
 * columns looked up by its core/columns.h list, so that col[OMPS_FIT_value]
 * is fit.csv's value column.  Returns how many are absent. */
int omps_table_columns(const struct omps_table *t, const char *const *names, size_t n, int *col);

/* Returns the cell at (row, col); both must be in range. */
const char *omps_table_cell(const struct omps_table *t, size_t row, size_t col);

/* The cell at (row, col) as an optional number: NaN when col is -1 (the
 * column is absent) or the cell is empty, "nan" or not a finite number, as
 * every writer here leaves a value that is not there. */
double omps_table_number(const struct omps_table *t, size_t row, int col);

/* Frees everything the table holds; safe on a zeroed table. */
void omps_table_free(struct omps_table *t);

#endif
