/*
 * The lines a sweep and its children (kept environment children and rank 0
 * of a group of ranks) exchange on their pipes, each written and read here
 * and nowhere else.  Fields are separated by tabs; a line ends in '\n'.
 *
 *   parent -> child   visit KERNEL PARAMS N THREADS SCHEDULE CHUNK ITERATIONS
 *                           OVERSUBSCRIBED SALT DONE
 *   child -> parent   env VALUE... RUNTIME OK_OR_WHY   (first, once; "-" for
 *                           an axis left unset)
 *                     rep ITERATIONS SECONDS VERIFIED RESULT   (per repetition)
 *                     time TIMED SETUP POISON PREPARE VERIFY WARMUP SEARCH
 *                     failure WHY | error WHY
 *                     node HOST CPU_MODEL LOGICAL_CPUS CORES PACKAGES NUMA_NODES
 *                          L3_DOMAINS LLC_BYTES RUNTIME RANKS   (rank 0 of a
 *                           group, one per host, before its first answer)
 *                     done   (a visit's answer ends)
 *
 * and the command line of `ompscale child` itself (omps_proto_child_args):
 *
 *   ompscale child --min-time S --count N --llc BYTES --share-states 0|1
 *                  --live-bytes BYTES --json PATH --toolchain TC [--load PLUGIN]...
 *                  [--ranks mpirun]
 */
#ifndef OMPSCALE_PROTOCOL_H
#define OMPSCALE_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "env.h"
#include "registry.h"
#include "key.h"
#include "ranks.h"
#include "visit.h"

/* Splits line at tabs into at most max fields, keeping empty ones (an empty
 * params field is one); a newline ends the last.  Returns how many. */
size_t omps_proto_split(char *line, char **field, size_t max);

/* The "visit" line for request q into line[len]. */
void omps_proto_visit_line(char *line, size_t len, const struct omps_visit_request *q);

/* Reads a "visit" line into key (its environment e, the child's own) and
 * q (q->key is left for the caller to point at where it keeps the key).
 * 0 or OMPS_EINVAL. */
int omps_proto_read_visit(char *line, const struct omps_env *e, struct omps_key *key,
                          struct omps_visit_request *q);

/* Writes the "env" line: what the child inherited (e), the runtime it
 * loaded, and "ok" or why its own check failed (tabs and newlines in why
 * become spaces). */
void omps_proto_write_env(FILE *f, const struct omps_env *e, const char *runtime,
                          const char *why);

/* Reads an "env" line: value[a] for each axis ("" where unset), the
 * runtime, and "ok" or why.  Returns 0, or OMPS_EINVAL when it is not one. */
int omps_proto_read_env(char *line, const char **value, const char **runtime,
                        const char **why);

/* One "rep" line. */
void omps_proto_write_rep(FILE *f, long iterations, double seconds, int verified, double result);

/* Reads a "rep" line; 0 or OMPS_EINVAL. */
int omps_proto_read_rep(const char *line, long *iterations, double *seconds, int *verified,
                        double *result);

/* The "time" line: where a visit's time went (t, a visit's account). */
void omps_proto_write_time(FILE *f, const struct omps_sweep_time *t);

/* Reads a "time" line into t (its other fields zero); 0 or OMPS_EINVAL. */
int omps_proto_read_time(const char *line, struct omps_sweep_time *t);

/* A visit's whole answer: its error or repetitions, failure, time, done. */
void omps_proto_write_answer(FILE *f, const struct omps_visit_answer *a);

/* Reads one line of an answer into a (cleared by the caller first):
 * returns 1 at "done", else 0 (a line that is none of the answer's is
 * passed over). */
int omps_proto_read_answer(const char *line, struct omps_visit_answer *a);

/* What `ompscale child` is told on its command line. */
struct omps_child_args {
    struct omps_visit_settings set; /* measure_load is not carried: a child's parent measures */
    size_t count;           /* the visits, at most, it takes */
    const char *json;       /* its Google Benchmark JSON */
    unsigned char toolchain;
    int ranks;              /* started by mpirun as a group of ranks */
    /* The plugins it loads before its first visit (registry.h), so that
     * it knows every kernel its parent does. */
    const char *loads[OMPS_MAX_PLUGINS];
    size_t nloads;
};

/* Writes a's command line, from "child" on, into args (cap entries, text
 * holding their storage); returns how many.  The caller puts the binary
 * before them and a NULL after. */
size_t omps_proto_child_args(const struct omps_child_args *a, char **args, size_t cap,
                             char *text, size_t len);

/* Reads the command line after "child" into a; 0 or OMPS_EINVAL. */
int omps_proto_read_child_args(int argc, char **argv, struct omps_child_args *a);

/* The "node" line of one host, its record (the fields above from HOST to
 * RUNTIME, tab-separated) with the ranks it ran, into out[len] (ranks.c
 * gathers them). */
void omps_proto_node_line(char *out, size_t len, const char *record, int ranks);

/* Reads a "node" line into n; 0 or OMPS_EINVAL. */
int omps_proto_read_node(char *line, struct omps_node *n);

/* A "failure" or "error" line (what: either word) with its text. */
void omps_proto_write_text(FILE *f, const char *what, const char *text);

/* Whether line is a `what` line ("node", "time", ...): what and a tab. */
int omps_proto_is(const char *line, const char *what);

/* The text of a "failure" or "error" line, or NULL when line is not one. */
const char *omps_proto_text(const char *line, const char *what);

#endif
