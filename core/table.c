#define _POSIX_C_SOURCE 200809L
#include "table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "errors.h"
#include "parse.h"

/* What the libcsv callbacks build up. */
struct reader {
    struct omps_table *t;
    char **row;       /* fields of the row being read */
    size_t nfields;
    size_t cap;
    size_t line;      /* the line being fed */
    size_t bad_line;  /* first ragged row's line, 0 if none */
    size_t bad_fields;
    size_t nul_line;  /* the first line with a NUL byte, 0 if none */
    int journal;      /* a last line without its newline is left out */
    int nomem;
};

static char *dup_field(const void *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy != NULL) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->nfields == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        char **row = realloc(r->row, cap * sizeof *row);
        if (row == NULL) {
            r->nomem = 1;
            return;
        }
        r->row = row;
        r->cap = cap;
    }
    char *copy = dup_field(s ? s : "", len);
    r->nomem |= copy == NULL;
    r->row[r->nfields++] = copy;
}

static void drop_row(struct reader *r)
{
    for (size_t i = 0; i < r->nfields; i++)
        free(r->row[i]);
    r->nfields = 0;
}

static int append_row(struct reader *r)
{
    struct omps_table *t = r->t;
    char **cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof *cells);
    if (cells != NULL)
        t->cells = cells;
    size_t *lines = realloc(t->lines, (t->nrows + 1) * sizeof *lines);
    if (lines != NULL)
        t->lines = lines;
    if (cells == NULL || lines == NULL)
        return -1;
    memcpy(&t->cells[t->nrows * t->ncols], r->row, t->ncols * sizeof *cells);
    t->lines[t->nrows++] = r->line;
    r->nfields = 0;
    return 0;
}

static void on_row(int c, void *data)
{
    (void)c;
    struct reader *r = data;
    struct omps_table *t = r->t;
    if (r->nomem)
        return;
    if (t->header == NULL) {
        t->header = r->row;
        t->ncols = r->nfields;
        r->row = NULL;
        r->cap = r->nfields = 0;
        return;
    }
    if (r->nfields != t->ncols) {
        if (r->bad_line == 0) {
            r->bad_line = r->line;
            r->bad_fields = r->nfields;
        }
        drop_row(r);
        return;
    }
    if (append_row(r) != 0)
        r->nomem = 1;
}

/* Fields keep their spaces: the contract has none to trim. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static int feed(FILE *f, struct csv_parser *p, struct reader *r)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
        r->line++;
        /* A NUL byte would end a field early without a word: a damaged
         * file, refused. */
        if (memchr(line, '\0', (size_t)len) != NULL) {
            r->nul_line = r->line;
            break;
        }
        /* Every writer ends its rows with a newline: a journal's last line
         * without one was cut by a power cut or a full disk. */
        if (r->journal && line[len - 1] != '\n') {
            r->t->cut_line = r->line;
            break;
        }
        if (csv_parse(p, line, (size_t)len, on_field, on_row, r) != (size_t)len)
            rc = -1;
    }
    free(line);
    if (rc == 0 && csv_fini(p, on_field, on_row, r) != 0)
        rc = -1;
    return rc;
}

static int read_table(const char *path, struct omps_table *t, int journal, char *err,
                      size_t err_len)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return OMPS_EIO;
    }
    struct csv_parser p;
    struct reader r = {.t = t, .journal = journal};
    int rc = OMPS_OK;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0) {
        fclose(f);
        return OMPS_ENOMEM;
    }
    csv_set_space_func(&p, no_space);
    const int fed = feed(f, &p, &r);
    if (r.nul_line != 0) {
        snprintf(err, err_len, "%s:%zu: a NUL byte: the file is damaged", path, r.nul_line);
        rc = OMPS_EFORMAT;
    } else if (fed != 0) {
        snprintf(err, err_len, "%s:%zu: malformed CSV (%s)", path, r.line,
                 csv_strerror(csv_error(&p)));
        rc = OMPS_EFORMAT;
    } else if (r.nomem) {
        rc = OMPS_ENOMEM;
        snprintf(err, err_len, "%s: out of memory", path);
    } else if (t->header == NULL) {
        snprintf(err, err_len, "%s: empty file, no header row", path);
        rc = OMPS_EFORMAT;
    } else if (r.bad_line != 0) {
        snprintf(err, err_len, "%s:%zu: %zu fields where the header has %zu",
                 path, r.bad_line, r.bad_fields, t->ncols);
        rc = OMPS_EFORMAT;
    }
    drop_row(&r);
    free(r.row);
    csv_free(&p);
    fclose(f);
    if (rc != OMPS_OK)
        omps_table_free(t);
    return rc;
}

/* Records the directory of path in t. */
static int note_dir(const char *path, struct omps_table *t, int rc)
{
    const char *slash = strrchr(path, '/');
    if (rc == OMPS_OK)
        snprintf(t->dir, sizeof t->dir, "%.*s", slash ? (int)(slash - path) : 1,
                 slash ? (slash == path ? "/" : path) : ".");
    return rc;
}

int omps_table_read(const char *path, struct omps_table *t, char *err, size_t err_len)
{
    return note_dir(path, t, read_table(path, t, 0, err, err_len));
}

int omps_table_read_journal(const char *path, struct omps_table *t, char *err, size_t err_len)
{
    return note_dir(path, t, read_table(path, t, 1, err, err_len));
}

int omps_table_column(const struct omps_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++) {
        if (strcmp(t->header[i], name) == 0)
            return (int)i;
    }
    return -1;
}

int omps_table_columns(const struct omps_table *t, const char *const *names, size_t n, int *col)
{
    int absent = 0;
    for (size_t i = 0; i < n; i++)
        absent += (col[i] = omps_table_column(t, names[i])) < 0;
    return absent;
}

const char *omps_table_cell(const struct omps_table *t, size_t row, size_t col)
{
    return t->cells[row * t->ncols + col];
}

void omps_table_free(struct omps_table *t)
{
    for (size_t i = 0; t->header != NULL && i < t->ncols; i++)
        free(t->header[i]);
    for (size_t i = 0; t->cells != NULL && i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->header);
    free(t->cells);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

double omps_table_number(const struct omps_table *t, size_t row, int col)
{
    double v;
    if (col < 0)
        return NAN;
    const char *s = omps_table_cell(t, row, (size_t)col);
    return *s && omps_parse_double(s, &v) == 0 ? v : NAN;
}
