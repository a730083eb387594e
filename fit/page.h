/*
 * `ompscale page DIR`: DIR/index.html, one self-contained page for a run
 * (no network, no script): the machine, every picture grouped by family
 * (a picture the plot stage should have drawn but did not is named), the
 * fits with their intervals, the summary and, when present, the gate's
 * verdict.  The plot stage writes it last.
 */
#ifndef OMPSCALE_PAGE_H
#define OMPSCALE_PAGE_H

#include "options.h"

/* Writes DIR/index.html; returns the exit code (0, or 2 with one line on
 * stderr when DIR has no summary.csv or the page cannot be written). */
int omps_cmd_page(int argc, char **argv);

/* page's options (core/options.h): what the parser accepts and the usage
 * shows. */
extern const struct omps_option omps_page_options[];
extern const size_t omps_page_option_count;

#endif
