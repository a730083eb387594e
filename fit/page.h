/*
 * `ompscale page DIR`: DIR/index.html, one self-contained page for a run
 * (no network, no script): the machine, every picture grouped by family
 * (a picture the plot stage should have drawn but did not is named), the
 * fits with their intervals, the summary and, when present, the gate's
 * verdict.  The plot stage writes it last.
 */
#ifndef OMPSCALE_PAGE_H
#define OMPSCALE_PAGE_H

#include <stdio.h>

#include "options.h"
#include "table.h"

/* Writes DIR/index.html; returns the exit code (0, or 2 with one line on
 * stderr when DIR has no summary.csv or the page cannot be written). */
int omps_cmd_page(int argc, char **argv);

/* The section on programs run by command (machine.json's commands): each
 * one's command, how it was timed and checked (saying so when only its
 * exit status was), and what it used at each configuration of summary.csv
 * (sum), naming one that never went parallel.  Nothing without commands. */
void omps_page_programs(FILE *f, const char *dir, const struct omps_table *sum);

/* page's options (core/options.h): what the parser accepts and the usage
 * shows. */
extern const struct omps_option omps_page_options[];
extern const size_t omps_page_option_count;

#endif
