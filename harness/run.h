/*
 * The `run` and `summarize` subcommands: planning, the budget check, the
 * dry run, the run directory's lock and journal, resuming, and the exit
 * code.  main() only dispatches here.
 */
#ifndef OMPSCALE_RUN_H
#define OMPSCALE_RUN_H

#include <signal.h>

/* `ompscale run ARGS`; returns the process exit code (0, 1, 2 or 130).
 * stop is set by the signal handlers that omps_cmd_run installs. */
int omps_cmd_run(int argc, char **argv, const char *argv0, volatile sig_atomic_t *stop);

/* `ompscale summarize DIR`: rebuilds DIR/summary.csv from DIR/runs.csv;
 * returns 0 or 2. */
int omps_cmd_summarize(int argc, char **argv);

#endif
