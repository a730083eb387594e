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

/* What `run --command` was told of one program: its kernel's name, its
 * shell command line, and --check, --time-from and --result (NULL: not
 * given). */
struct omps_command {
    const char *name;
    const char *command;
    const char *check;
    const char *time_from;
    const char *result;
    int ranked; /* run under mpirun at --ranks' counts (threads per rank) */
};

/*
 * Makes and registers (registry.h) the kernel c->name for c's program.
 * Registering the same name with the same command again does nothing.
 * Returns 0, or OMPS_EINVAL with err naming the problem (a name that is
 * not letters, digits and '_', or that another kernel has, or a pattern
 * that is not an extended regular expression with one group).
 */
int omps_command_kernel(const struct omps_command *c, char *err, size_t err_len);

/* A kernel name for COMMAND: its program's base name, each character that
 * is not a letter, digit or '_' made '_'. */
void omps_command_name(const char *command, char *name, size_t len);

#endif
