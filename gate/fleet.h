/*
 * `ompscale fleet DIR...`: which node of a set that ran the same plan is
 * slower than its siblings (fleet.c).
 */
#ifndef OMPSCALE_FLEET_H
#define OMPSCALE_FLEET_H

#include <stddef.h>

#include "options.h"

struct omps_judgement;

/* One row of fleet.csv (core/columns.h's OMPS_FLEET_COLUMNS). */
struct omps_fleet_row {
    const char *host, *dir;
    const struct omps_judgement *j;
};

/* fleet's options, for the parser and the synopsis. */
extern const struct omps_option omps_fleet_options[];
extern const size_t omps_fleet_option_count;

/* The command: parses argv after "fleet", judges, prints a line per node,
 * writes REPORT/fleet.csv and fleet.html (default results/fleet).  Returns
 * 0 when no node is slower, 1 when one is (named), 2 for bad usage or
 * input. */
int omps_cmd_fleet(int argc, char **argv);

#endif
