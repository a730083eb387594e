/*
 * What the picture catalogue's parts (fit/pictures.c, fit/picture_sweeps.c)
 * share: settings text for gnuplot, one row of pictures.csv, data files in
 * WORK.  Private to the fit layer.
 */
#ifndef OMPSCALE_PICTURE_FILES_H
#define OMPSCALE_PICTURE_FILES_H

#include <stddef.h>
#include <stdio.h>

#include "pictures.h"

/* Text that grows: settings and word lists (cut short, never overrun). */
struct pic_text {
    char s[16384];
    size_t n;
};

/* The catalogue being written: the fit's points and series, WORK, the
 * open pictures.csv, and whether any file failed. */
struct pic_catalogue {
    const struct omps_fit_input *in;
    const struct omps_fitted_series *s;
    size_t n;
    const char *work;
    FILE *csv;
    int failed;
};

/* What the value files of one picture hold, to decide its axes. */
struct pic_extent {
    long nmax;
    int drawable;  /* a finite value to draw */
    double lo, hi; /* the smallest and largest positive value */
};

/* Appends printf-formatted text. */
void pic_add(struct pic_text *t, const char *fmt, ...);

/* v as gnuplot reads it: "NaN" for what it should skip. */
void pic_add_value(struct pic_text *t, double v);

/* s with every character c made r (a quote that would end a string). */
void pic_add_replacing(struct pic_text *t, const char *s, char c, const char *r);

/* One -e setting: NAME='VALUE' (a ' inside becomes a typographic one). */
void pic_set_text(struct pic_text *t, const char *name, const char *value);

/* One -e setting: NAME=NUMBER. */
void pic_set_number(struct pic_text *t, const char *name, double v);

/* Point i of series id, and the kernel of series id. */
const struct omps_fit_point *pic_point(const struct pic_catalogue *c, size_t id,
                                       size_t i);
const struct omps_kernel *pic_kernel_of(const struct pic_catalogue *c, size_t id);

/* One row of pictures.csv. */
void pic_entry(struct pic_catalogue *c, const char *file, const char *section,
               const struct omps_kernel *k, const char *script,
               const struct pic_text *data, const char *title, const char *caption);

/* Opens WORK/name for writing; NULL (and the catalogue failed) when not;
 * pic_data_close closes it. */
FILE *pic_data_file(struct pic_catalogue *c, const char *name);

void pic_data_close(struct pic_catalogue *c, FILE *f);

/* A data file's first line: its quoted legend title. */
void pic_title_line(FILE *f, const char *title);

/* "Title of the whole picture — machine". */
void pic_title(const struct pic_catalogue *c, char *buf, size_t len, const char *what);

/* A fit for FITS, USLA or USLB: its value, or "none". */
void pic_add_fit(struct pic_text *t, double v);

/* The pictures of picture_sweeps.c. */

/* chunks-K (time against chunk size, the U curve of "too small: overhead;
 * too large: imbalance") or PARAM-K (time against k's one parameter, e.g.
 * cutoff-recursive_sum), when a curve swept three values or more. */
void pic_sweep_picture(struct pic_catalogue *c, const struct omps_kernel *k,
                       int by_param, const char *section);

/* environments-K: each environment's best schedule at k's most threads,
 * side by side with its interval, where k ran in two environments or more. */
void pic_environments_picture(struct pic_catalogue *c, const struct omps_kernel *k);

/* roofline: the scaling kernels that count flops among kernels[0..nk),
 * at one thread and their most, under the measured ceilings
 * (fit/roofline.c). */
void pic_roofline_picture(struct pic_catalogue *c, const struct omps_kernel **kernels,
                          size_t nk);

/* core-to-core: the heat map of DIR/machine.json's latency map, when the
 * run measured one. */
void pic_latency_picture(struct pic_catalogue *c, const char *dir);

#endif
