/*
 * The headline: DIR/headline.csv, one row per kernel that answers "how
 * does it scale here and what limits it".  A scaling kernel's row is its
 * best series (the highest speedup at the most cores it was fitted at):
 * the cores reached, speedup and efficiency there, Amdahl's f with its
 * interval or the USL's peak, the share of its hardware bound, and a few
 * words naming the limit; an overhead, contention or false-sharing
 * kernel's row is its cost at the most threads in its own unit.  The rules
 * that name the limit are written down in docs/methods.md ("The headline")
 * and tested on synthetic runs.
 */
#ifndef OMPSCALE_HEADLINE_H
#define OMPSCALE_HEADLINE_H

#include <stddef.h>

#include "fit.h"

/* One row of headline.csv (core/columns.h's OMPS_HEADLINE_COLUMNS). */
struct omps_headline_row {
    const char *kernel, *family, *series;
    long cores;
    double speedup, speedup_lo, speedup_hi, efficiency;
    double f, f_lo, f_hi, peak;
    double bound_fraction, rate, rate_lo, rate_hi;
    const char *unit;
    char limit[200];
    char picture[200]; /* the picture its numbers come from (no extension) */
    const char *versus_ideal; /* the speedup against ideal (the cores): ideal
                                 within 5%, below, above or undecided; "" when
                                 it has no speedup */
    double rounds_needed;     /* undecided: about the rounds in all that would
                                 decide it at this noise; NaN otherwise */
};

/*
 * The limit of a scaling kernel's best series, by the headline's rules:
 * best is the series, others every series of the same kernel.  Writes a
 * few words into row->limit.
 */
void omps_headline_limit(const struct omps_fit_input *in,
                         const struct omps_fitted_series *best,
                         const struct omps_fitted_series *const *others, size_t nothers,
                         struct omps_headline_row *row);

/* Writes DIR/headline.csv (atomically) from in's points and their fitted
 * series s[0..n).  Returns 0, or -1 when it cannot be written. */
int omps_headline_write(const char *dir, const struct omps_fit_input *in,
                        const struct omps_fitted_series *s, size_t n);

#endif
