/*
 * <ompscale/kernel.h>: the public kernel API of ompscale, ABI version 1.
 *
 * A kernel is a const table of functions over an opaque state.  ompscale
 * calls setup once per (kernel, size, parameters) and keeps the state alive
 * across its visits; for every timed run, prepare (untimed, may be NULL)
 * and run; poison (untimed, may be NULL) before each batch of runs, and
 * verify after it.  Every parallel loop inside run should use
 * schedule(runtime): ompscale sets the team size and the schedule, and the
 * kernel records what its region really got by calling omps_team_note(team)
 * inside it, so that a run on the wrong team fails rather than counts.
 *
 * A plugin is a shared object that defines its kernels with struct
 * omps_kernel_api and lists them with OMPS_PLUGIN_KERNELS(&a, &b, ...),
 * which defines the one entry point ompscale looks for
 * (omps_plugin_kernels).  `ompscale run --load PLUGIN.so` loads it beside
 * the built-in kernels, which are defined with these same fields.
 *
 * What may change within ABI version 1 (docs/kernel-api.md): fields may be
 * added at the end of struct omps_kernel_api and new values at the end of
 * its enums; nothing is removed, reordered or given another meaning, and a
 * field added later is NULL or 0 in a plugin built against an older header
 * of the same version, which ompscale then treats as "not given".  A
 * change of any other kind is ABI version 2, and ompscale refuses a plugin
 * whose version it does not speak, in one line.
 */
#ifndef OMPSCALE_PUBLIC_KERNEL_H
#define OMPSCALE_PUBLIC_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes. */
#define OMPS_KERNEL_ABI 1

/* The work one run does; a kernel fills whichever applies and names the
 * unit of its rate: GFLOP/s counts flops, GB/s bytes, Mupdates/s items.
 * flops and bytes together place the kernel on the roofline. */
struct omps_work {
    double flops;
    double bytes;
    double items;
};

/* The unit a kernel's rate is given in. */
enum omps_unit {
    OMPS_UNIT_GFLOPS,           /* "GFLOP/s": flops / 1e9 per second */
    OMPS_UNIT_GBPS,             /* "GB/s": bytes / 1e9 per second */
    OMPS_UNIT_MUPDATES,         /* "Mupdates/s": items / 1e6 per second */
    OMPS_UNIT_US_PER_CONSTRUCT, /* "us/construct": built-in overhead kernels only */
    OMPS_UNIT_UNITS_PER_S       /* "units/s": items per second */
};

/* What a kernel's numbers mean, and so how they are drawn: a scaling
 * kernel does a fixed amount of work split over the team (speedup means
 * something, and Amdahl's law and the USL are fitted); the others do work
 * per thread, and are drawn in their own unit. */
enum omps_family {
    OMPS_FAMILY_SCALING,       /* the default: speedup, efficiency, fits */
    OMPS_FAMILY_OVERHEAD,      /* us per construct against threads */
    OMPS_FAMILY_CONTENTION,    /* one shared counter: time per update */
    OMPS_FAMILY_FALSE_SHARING, /* per-thread slots: time per update */
    OMPS_FAMILY_BLOCKING,      /* blocking waits: swept past the cores, not fitted */
};

/* A kernel's own tunable, set with --set KERNEL.NAME=VALUE. */
struct omps_param_def {
    const char *name;
    double default_value;
    double min_value;
    double max_value;
    const char *help;
    /* The values a sweep takes when --set does not name the parameter;
     * NULL: the default alone. */
    const double *sweep;
    size_t nsweep;
};

/* What sizing needs to know about the machine. */
struct omps_sizing {
    uint64_t llc_bytes; /* the largest cache level's size in bytes */
    int quick;          /* a smoke sweep: small sizes */
};

/* The team a run asked for and what its parallel region saw: ompscale's,
 * opaque to a kernel, which passes it to omps_team_note. */
struct omps_team;

/*
 * Records the team size and runtime schedule the calling thread sees.
 * Call it inside the kernel's parallel region, from every thread; ompscale
 * checks after the batch that the region had the team, schedule and
 * binding the configuration asked for.
 */
void omps_team_note(struct omps_team *team);

/*
 * The fields of a kernel, in their order: struct omps_kernel_api below, and
 * the first fields of ompscale's own kernels, which add their internal
 * extensions after them.  Required: name, summary, footprint, setup, run,
 * verify, teardown, work, default_size.  May be NULL: prepare, poison,
 * check, result, params (with nparams 0).
 */
#define OMPS_KERNEL_API_FIELDS                                                     \
    /* A name of letters, digits and '_' (it is a column value and a file      \
     * name), no built-in's and no other loaded kernel's. */                   \
    const char *name;                                                          \
    const char *summary; /* one line: what it measures */                     \
    enum omps_unit unit;                                                       \
    enum omps_family family;                                                   \
    int scheduled; /* 1: its loops use schedule(runtime); 0: runs as "none" */ \
    const struct omps_param_def *params;                                       \
    size_t nparams;                                                            \
    /* The default problem size for this machine. */                          \
    uint64_t (*default_size)(const struct omps_sizing *sizing);               \
    /* Bytes of memory setup allocates for size n (checked before setup). */   \
    double (*footprint)(uint64_t n);                                           \
    /* Allocates and initialises; returns 0, or a negative number. */         \
    int (*setup)(void **state, uint64_t n, const double *params);              \
    /* Untimed work before every run (restoring destroyed input); or NULL. */ \
    void (*prepare)(void *state);                                              \
    /* Untimed, before each batch: poisons the outputs, so that a run that    \
     * skips its work cannot verify on an earlier run's result; or NULL. */   \
    void (*poison)(void *state);                                               \
    /* The timed body: calls omps_team_note(team) inside its region. */       \
    void (*run)(void *state, struct omps_team *team);                          \
    /* Returns 0 when the last run's result is right, else writes why. */     \
    int (*verify)(void *state, char *why, size_t why_len);                     \
    void (*teardown)(void *state);                                             \
    /* The work of one run at size n. */                                       \
    struct omps_work (*work)(uint64_t n, const double *params);                \
    /* 0 when params suit size n, else writes why; or NULL. */                \
    int (*check)(uint64_t n, const double *params, char *why, size_t why_len); \
    /* The last run's floating-point result (runs.csv's result); or NULL. */  \
    double (*result)(const void *state);

struct omps_kernel_api {
    OMPS_KERNEL_API_FIELDS
};

/* The entry point a plugin defines (through OMPS_PLUGIN_KERNELS): its
 * kernels, how many, and the ABI version it was built against. */
typedef const struct omps_kernel_api *const *(*omps_plugin_entry)(int *abi, size_t *count);
#define OMPS_PLUGIN_SYMBOL "omps_plugin_kernels"

/* Defines the entry point over the kernels given, in the order `ompscale
 * list` shows them: OMPS_PLUGIN_KERNELS(&jacobi, &histogram). */
#define OMPS_PLUGIN_KERNELS(...)                                                   \
    const struct omps_kernel_api *const *omps_plugin_kernels(int *abi, size_t *count); \
    const struct omps_kernel_api *const *omps_plugin_kernels(int *abi, size_t *count)  \
    {                                                                              \
        static const struct omps_kernel_api *const list[] = {__VA_ARGS__};        \
        *abi = OMPS_KERNEL_ABI;                                                    \
        *count = sizeof list / sizeof list[0];                                     \
        return list;                                                               \
    }

#ifdef __cplusplus
}
#endif

#endif
