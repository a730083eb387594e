/*
 * What the fit tests share: synthetic run directories with known answers,
 * running plots/plot.sh and `ompscale fit` on them, and reading fit.csv by
 * column name.
 */
#ifndef OMPSCALE_TEST_FIT_SUPPORT_H
#define OMPSCALE_TEST_FIT_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* plots/plot.sh (the test's argument) and the scratch directory. */
extern const char *plot_sh;
extern char root[];

/* Makes the scratch directory and takes plot.sh from argv; returns 0, or 2
 * (the test's exit code) when it cannot. */
int fit_support_start(int argc, char **argv);

/* Removes the scratch directory; returns 0, or 2. */
int fit_support_end(void);

/* Seeds the noise write_run adds, so a noisy case is the same every run. */
void fit_support_seed(uint64_t seed);

struct synth {
    const char *kernel;
    double alpha, beta, noise; /* noise: relative sigma of each median */
    int max_threads;
    int physical_cores;
    int constant; /* every time equal */
};

/* One row of DIR/fit.csv, read by column name. */
struct fit_cells {
    double value, err, lo, hi;
    char note[256];
};

/* Time at N threads under USL (Amdahl when beta = 0). */
double usl_time(double t1, double alpha, double beta, int n);

/* Writes one summary.csv row by column name: cells holds name, value pairs
 * ending in NULL; every other column of OMPS_SUMMARY_HEADER is empty, so a
 * row stays right whatever columns the file gains. */
void summary_row(FILE *f, const char *const *cells);

/* The same for any header: header's columns, cells' values by name. */
void header_row(FILE *f, const char *header, const char *const *cells);

/* "%.17g" of v in buf. */
const char *num(char *buf, size_t len, double v);

/* Writes DIR/summary.csv and DIR/machine.json for one synthetic series. */
void write_run(const char *dir, const struct synth *s);

/* Runs plot.sh OPTIONS DIR quietly; returns its exit code. */
int run_plot_sh(const char *options, const char *dir);

/* Runs plot.sh DIR (fit and draw); returns its exit code. */
int run_plots(const char *dir);

/* Writes to `to` the columns of `from` that come before `column`, as a
 * runs.csv from before that column existed.  Returns 0, or -1. */
int copy_columns_before(const char *from, const char *to, const char *column);

/* Finds (model, parameter) in DIR/fit.csv.  Returns 0 when found. */
int fit_lookup(const char *dir, const char *model, const char *param,
               struct fit_cells *out);

/* Looks up (model, parameter) in DIR/fit.csv; returns 0 when found. */
int fit_value(const char *dir, const char *model, const char *param, double *value,
              double *err, char *note, size_t note_len);

/* ROOT/NAME into dir: a case's own run directory. */
void case_dir(char *dir, size_t len, const char *name);

/* Finds (model, parameter) in DIR/fit.csv: value, interval and note.
 * Returns 0 when found. */
int fit_interval(const char *dir, const char *model, const char *param, double *value,
                 double *lo, double *hi, char *note, size_t note_len);

/* Whether DIR/NAME exists. */
int exists(const char *dir, const char *name);

#endif
