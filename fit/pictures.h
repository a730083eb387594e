/*
 * The picture catalogue.  `ompscale fit DIR --data WORK` decides every
 * picture the run's data makes: it writes the data files each picture
 * draws from into WORK and one row per picture into DIR/pictures.csv
 * (core/columns.h: the file, the page section and kernel it belongs to,
 * the gnuplot script and its settings, the title and the caption).
 * plots/draw.sh draws the rows and `ompscale page` shows them, both by
 * column name, so a picture is named in one place.
 */
#ifndef OMPSCALE_PICTURES_H
#define OMPSCALE_PICTURES_H

#include <stddef.h>

#include "fit.h"

/* One row of pictures.csv. */
struct omps_picture {
    const char *file;    /* base name in DIR: FILE.png and FILE.svg */
    const char *section; /* the page's section: machine, scaling, overhead,
                            contention, false_sharing or environments */
    const char *kernel;  /* the kernel it belongs to; empty for several */
    const char *script;  /* the gnuplot script in plots/ */
    const char *data;    /* its -e settings, naming data files in WORK */
    const char *title;   /* the picture's own title */
    const char *caption; /* what the page says it shows */
};

/*
 * Writes every picture's data into work and DIR/pictures.csv (atomically)
 * from the points of in, its fitted series s[0..n) and DIR/machine.json's
 * latency map.  Returns 0, or -1 when a file cannot be written.
 */
int omps_pictures_write(const char *dir, const char *work,
                        const struct omps_fit_input *in,
                        const struct omps_fitted_series *s, size_t n);

#endif
