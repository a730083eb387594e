/* The picture catalogue's shared parts (picture_files.h). */
#define _POSIX_C_SOURCE 200809L
#include "picture_files.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "csv_write.h"

void pic_add(struct pic_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int w =
        t->n < sizeof t->s ? vsnprintf(t->s + t->n, sizeof t->s - t->n, fmt, ap) : 0;
    va_end(ap);
    if (w > 0)
        t->n = t->n + (size_t)w < sizeof t->s ? t->n + (size_t)w : sizeof t->s - 1;
}

/* v as gnuplot reads it: "NaN" for what it should skip. */
void pic_add_value(struct pic_text *t, double v)
{
    if (isfinite(v))
        pic_add(t, " %.17g", v);
    else
        pic_add(t, " NaN");
}

/* s with every character c made r (a quote that would end a string). */
void pic_add_replacing(struct pic_text *t, const char *s, char c, const char *r)
{
    for (; *s; s++) {
        if (*s == c)
            pic_add(t, "%s", r);
        else
            pic_add(t, "%c", *s);
    }
}

/* One -e setting: NAME='VALUE' (a ' inside becomes a typographic one). */
void pic_set_text(struct pic_text *t, const char *name, const char *value)
{
    pic_add(t, "%s%s='", t->n ? "; " : "", name);
    pic_add_replacing(t, value, '\'', "\xe2\x80\x99");
    pic_add(t, "'");
}

void pic_set_number(struct pic_text *t, const char *name, double v)
{
    pic_add(t, "%s%s=%.17g", t->n ? "; " : "", name, v);
}

const struct omps_fit_point *pic_point(const struct pic_catalogue *c, size_t id,
                                       size_t i)
{
    return &c->in->points[c->s[id].members[i]];
}

const struct omps_kernel *pic_kernel_of(const struct pic_catalogue *c, size_t id)
{
    return pic_point(c, id, 0)->key.kernel;
}

/* One row of pictures.csv. */
void pic_entry(struct pic_catalogue *c, const char *file, const char *section,
               const struct omps_kernel *k, const char *script,
               const struct pic_text *data, const char *title, const char *caption)
{
    struct pic_text clean = {.n = 0};
    pic_add_replacing(&clean, title, '\'', "\xe2\x80\x99");
    const struct omps_picture pic = {file,    section, k ? k->name : "", script,
                                     data->s, clean.s, caption};
    const struct omps_picture *row = &pic;
    FILE *f = c->csv;
    int first = 1;
    OMPS_PICTURE_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}

/* Opens WORK/name for writing; NULL (and the catalogue failed) when not. */
FILE *pic_data_file(struct pic_catalogue *c, const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", c->work, name);
    FILE *f = fopen(path, "w");
    c->failed |= f == NULL;
    return f;
}

void pic_data_close(struct pic_catalogue *c, FILE *f)
{
    if (f != NULL && fclose(f) != 0)
        c->failed = 1;
}

/* A data file's first line: its quoted legend title. */
void pic_title_line(FILE *f, const char *title)
{
    struct pic_text t = {.n = 0};
    pic_add_replacing(&t, title, '"', "'");
    fprintf(f, "\"%s\"\n", t.s);
}

/* "Title of the whole picture — machine". */
void pic_title(const struct pic_catalogue *c, char *buf, size_t len, const char *what)
{
    snprintf(buf, len, "%s — %s", what, c->in->caption);
}

/* A fit for FITS, USLA or USLB: its value, or "none". */
void pic_add_fit(struct pic_text *t, double v)
{
    if (isfinite(v))
        pic_add(t, " %.17g", v);
    else
        pic_add(t, " none");
}
