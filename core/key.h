/*
 * The configuration key: the one typed identity of a configuration that the
 * planner, the sweep, the journal, the summary and the gate share.  Two rows
 * belong to the same configuration exactly when their keys compare equal;
 * nothing compares keys as text.
 */
#ifndef OMPSCALE_KEY_H
#define OMPSCALE_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "env.h"

/* A loop schedule: kind 0 means "none" (the kernel has no scheduled loop);
 * chunk 0 means the runtime's default. */
struct omps_schedule {
    omp_sched_t kind;
    int chunk;
};

#define OMPS_PARAMS_TEXT 128

struct omps_key {
    const struct omps_kernel *kernel;
    double params[OMPS_MAX_PARAMS]; /* the values in force, kernel order */
    char params_text[OMPS_PARAMS_TEXT]; /* "f=0.3;g=2", "" without params */
    uint64_t n;
    int threads;
    struct omps_schedule schedule;
    struct omps_env env; /* the environment (binding, places, wait, toolchain) */
    int ranks; /* MPI ranks, each with `threads` threads; 0 or 1: one process */
};

/* The key's rank count, 1 for an OpenMP kernel's (whose ranks may be 0). */
int omps_key_ranks(const struct omps_key *k);

/* The cores a configuration uses: ranks x threads. */
int omps_key_cores(const struct omps_key *k);

/* The ranks mpirun starts for a process kernel's configuration: its ranks,
 * or one for a kernel that spawns them itself; 0 for an OpenMP kernel,
 * which runs without mpirun. */
int omps_key_launch_ranks(const struct omps_key *k);

/* Returns 1 when a and b run in one child or one launch of ranks: one
 * environment, the same ranks launched, and both or neither spawning more
 * (a kernel that spawns is launched unbound, with room for its processes). */
int omps_key_same_launch(const struct omps_key *a, const struct omps_key *b);

/* Orders keys by kernel name, params, n, schedule kind, chunk, environment,
 * ranks, threads, so
 * that a sorted list holds each series together in thread order.  Returns
 * <0, 0 or >0 like strcmp. */
int omps_key_compare(const struct omps_key *a, const struct omps_key *b);

/* Returns 1 when a and b share a kernel instance (kernel, params, n), a
 * team size (unless any_threads), a rank count and an environment, so one
 * set-up state serves both.  A state is set up per team size where first
 * touch places its pages near the team (more than one NUMA node), and
 * shared by every team size of one process where there is one memory. */
int omps_key_same_state(const struct omps_key *a, const struct omps_key *b, int any_threads);

/* Orders keys by state (state family, params, n, environment), then
 * threads, so that a sorted list holds the keys of one state together.
 * Returns <0, 0 or >0 like strcmp. */
int omps_key_compare_state(const struct omps_key *a, const struct omps_key *b);

/* The name of what a key's state belongs to: its kernel's state family
 * (kernel.h), else the kernel itself. */
const char *omps_key_state_family(const struct omps_key *k);

/* Returns 1 when a and b belong to one scaling series: every field but
 * threads is equal (ranks included). */
int omps_key_same_series(const struct omps_key *a, const struct omps_key *b);

/* Returns 1 when a and b belong to one series over rank counts (a process
 * kernel's ranks of one team size each): every field but ranks is equal. */
int omps_key_same_rank_series(const struct omps_key *a, const struct omps_key *b);

/* Returns "static", "dynamic", "guided", "auto" or "none". */
const char *omps_schedule_name(omp_sched_t kind);

/* Parses "static", "dynamic", "guided", "auto" or "none" into *kind
 * ("none" is 0).  Returns 0 or OMPS_EINVAL. */
int omps_schedule_kind(const char *text, omp_sched_t *kind);

/* Writes the key as a readable name, e.g.
 * "midpoint[f=0.3]/n:1024/threads:2/schedule:static:0", followed by
 * "/bind:close/places:cores/wait_policy:passive/toolchain:clang" for the
 * environment fields that are set (the toolchain when it is not this
 * build's own). */
void omps_key_name(const struct omps_key *k, char *buf, size_t len);

/*
 * Reads a name that omps_key_name wrote back into *k (an environment field
 * left out is the runtime's default; a toolchain left out is this build's).
 * Returns 0, or OMPS_EINVAL for an unknown kernel, parameter, field or value.
 */
int omps_key_parse_name(const char *name, struct omps_key *k);

/* Formats the parameter values of k->kernel as "f=0.3;g=2" into
 * k->params_text. */
void omps_key_format_params(struct omps_key *k);

/*
 * Parses params_text (as omps_key_format_params writes it) into k->params
 * for k->kernel; parameters not named keep their defaults.  Returns 0 or
 * OMPS_EINVAL for an unknown name or a bad number.
 */
int omps_key_parse_params(struct omps_key *k, const char *text);

/* Formats v as the shortest text that reads back as the same double. */
void omps_format_double(double v, char *buf, size_t len);

#endif
