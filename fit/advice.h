/*
 * Advice, only where the data backs it: DIR/advice.csv, one line per
 * question the run can answer (which binding for the memory-bound
 * kernels, which schedule beats static, past which thread count a kernel
 * stops gaining, whether SMT threads help), each with the measured gain
 * and its 95% interval, and one of three outcomes: "use X" where the
 * interval excludes zero, "the same within +-5%" where it lies inside that
 * margin (core/lines.h's OMPS_SAME_MARGIN), else "undecided after K
 * rounds" with the rounds that would decide it.  The rules are in
 * docs/methods.md ("Advice") and tests/test_advice.c.
 */
#ifndef OMPSCALE_ADVICE_H
#define OMPSCALE_ADVICE_H

#include <stddef.h>

#include "fit.h"

/* One line of advice.csv (core/columns.h's OMPS_ADVICE_COLUMNS). */
struct omps_advice_row {
    const char *topic; /* binding, schedule, threads or smt */
    const char *kernel;
    long threads;                 /* the team size compared at */
    char better[160], worse[160]; /* the two settings, the faster first */
    double gain, lo, hi;          /* how much faster better is (time ratio - 1), 95% */
    const char *outcome;          /* use, same, undecided, or none (no interval) */
    long rounds;                  /* the rounds behind the fewer-rounded side; 0: unknown */
    double rounds_needed;         /* undecided: the rounds in all that would decide it
                                     at this noise (NaN otherwise) */
    char advice[400];
};

/* Writes DIR/advice.csv (atomically) from in's points and their fitted
 * series s[0..n).  Returns 0, or -1 when it cannot be written. */
int omps_advice_write(const char *dir, const struct omps_fit_input *in,
                      const struct omps_fitted_series *s, size_t n);

#endif
