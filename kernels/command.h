/*
 * A program started by command as a kernel (`ompscale run --command`): a
 * kernel of its own name whose runs are whole processes, so that the plan,
 * the rounds, the files and everything after them treat it as any other.
 * Its functions are stubs the harness never calls; the command venue
 * (harness/venue_command.c) starts the program instead.
 */
#ifndef OMPSCALE_COMMAND_H
#define OMPSCALE_COMMAND_H

#include <stddef.h>

#include "kernel.h"

/*
 * Makes and registers (registry.h) the kernel NAME for the shell command
 * line COMMAND, with CHECK (or NULL) run after each timed run.  Registering
 * the same name with the same command again does nothing.  Returns 0, or
 * OMPS_EINVAL with err naming the problem (a name that is not letters,
 * digits and '_', or that another kernel has).
 */
int omps_command_kernel(const char *name, const char *command, const char *check, char *err,
                        size_t err_len);

/* A kernel name for COMMAND: its program's base name, each character that
 * is not a letter, digit or '_' made '_'. */
void omps_command_name(const char *command, char *name, size_t len);

#endif
