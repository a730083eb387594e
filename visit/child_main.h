/*
 * `ompscale child`, run by the sweep itself (never by a user) for each
 * environment group and each group of MPI ranks: reads visits from
 * standard input, makes each with a visitor as the sweep would in its own
 * process, and answers on standard output (protocol.h).
 */
#ifndef OMPSCALE_CHILD_MAIN_H
#define OMPSCALE_CHILD_MAIN_H

#include <stddef.h>

/* The command after "child": argc and argv from its first option.
 * node_record writes this host's record (protocol.h's node fields from
 * HOST to RUNTIME), which each rank of a group reports.  Returns the
 * process exit code. */
int omps_visit_child(int argc, char **argv, const char *argv0,
                     void (*node_record)(char *out, size_t len));

#endif
