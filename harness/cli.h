/*
 * Parsing of the `ompscale run` command line.  Every parser is a pure
 * function: it returns 0, or OMPS_EINVAL with a one-line message in err that
 * names the bad value.
 */
#ifndef OMPSCALE_CLI_H
#define OMPSCALE_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "key.h"
#include "options.h"

#define OMPS_MAX_LIST 64      /* kernels, schedules, sizes, --set items */
#define OMPS_MAX_SIZE (UINT64_C(1) << 40)

struct omps_size_override {
    const struct omps_kernel *kernel; /* NULL: every kernel */
    uint64_t n;
};

#define OMPS_MAX_VALUES 16 /* values in one --set list */
#define OMPS_AXIS_VALUES 8 /* values of one environment axis */

struct omps_param_override {
    const struct omps_kernel *kernel;
    size_t param;
    double values[OMPS_MAX_VALUES];
    size_t nvalues;
};

struct omps_run_options {
    const struct omps_kernel *kernels[OMPS_MAX_LIST];
    size_t nkernels; /* 0: all kernels */
    int threads[OMPS_MAX_THREADS];
    size_t nthreads; /* 0: the default list */
    struct omps_schedule schedules[OMPS_MAX_LIST];
    size_t nschedules; /* 0: the default list */
    struct omps_size_override sizes[OMPS_MAX_LIST];
    size_t nsizes;
    struct omps_param_override sets[OMPS_MAX_LIST];
    size_t nsets;
    int repetitions;      /* the minimum per configuration */
    int repetitions_given;
    double min_time;
    int min_time_given;
    double budget;        /* seconds for the sweep; INFINITY: no limit */
    double precision;     /* the 95% interval's half-width / median wanted */
    int precision_given;
    uint64_t seed;
    int seed_given;
    const char *out_dir;
    int quick;
    int dry_run;
    int reprobe;          /* --reprobe: measure the caches again (cache_probe.h) */
    const char *resume_dir; /* --resume DIR, or NULL */
    int force;
    int auto_environments; /* --auto-environments: close against spread where it matters */
    /* The environment axes (--bind, --places, --wait-policy, --toolchains):
     * the values each sweeps; an axis with no values is not swept, and any
     * swept axis runs every configuration in a child process. */
    unsigned char axis[OMPS_AXES][OMPS_AXIS_VALUES];
    size_t naxis[OMPS_AXES];
    /* --toolchain-binary NAME=PATH: the ompscale built by another toolchain. */
    const char *toolchain_binary[OMPS_AXIS_VALUES];
    /* The process kernels' rank counts (--ranks; 0: the default list), the
     * hosts mpirun may use (--hostfile, and how many it names), and whether
     * ranks x threads may pass the cores (--oversubscribe). */
    int ranks[OMPS_MAX_THREADS];
    size_t nranks;
    const char *hostfile;
    int hosts;
    int oversubscribe;
    /* What "max" in --threads resolves to, set before parsing. */
    int logical_cpus;
};

/* Parses --ranks: counts and ranges A-B from 1 to OMPS_MAX_RANKS, sorted
 * and distinct.  Returns 0 or OMPS_EINVAL with err naming the item. */
int omps_parse_ranks(const char *text, int *out, size_t cap, size_t *count, char *err,
                     size_t err_len);

/* Reads --hostfile: counts the hosts it names (lines that are neither empty
 * nor comments).  Returns 0, or OMPS_EINVAL when it cannot be read or names
 * none. */
int omps_read_hostfile(const char *path, int *hosts, char *err, size_t err_len);

/* Loads every plugin argv names with --load (registry.h), before the other
 * options are read; 0, or OMPS_EINVAL with err the plugin's one line. */
int omps_load_plugins(int argc, char **argv, char *err, size_t err_len);

/* Returns 1 when opts sweeps any environment axis. */
int omps_run_options_use_children(const struct omps_run_options *opts);

/* Fills opts with the defaults that do not depend on the machine. */
void omps_run_options_init(struct omps_run_options *opts);

/* run's options (core/options.h): what the parser accepts and the usage
 * shows. */
extern const struct omps_option omps_run_options[];
extern const size_t omps_run_option_count;

/*
 * Parses the arguments after "run".  Returns 0, or OMPS_EINVAL with err
 * naming the problem.  logical_cpus resolves "max" in --threads.
 */
int omps_parse_run_args(int argc, char **argv, int logical_cpus,
                        struct omps_run_options *opts, char *err,
                        size_t err_len);

/*
 * Parses a thread list such as "1,2,4", "1-16", "max" or "1-4,8" into
 * ascending, distinct counts.  Returns 0 or OMPS_EINVAL.
 */
int omps_parse_threads(const char *text, int logical_cpus, int *out,
                       size_t cap, size_t *count, char *err, size_t err_len);

/* Parses "static,dynamic:64,guided,auto" into schedules. */
int omps_parse_schedules(const char *text, struct omps_schedule *out,
                         size_t cap, size_t *count, char *err, size_t err_len);

/* Parses one schedule "kind[:chunk]". */
int omps_parse_schedule(const char *text, struct omps_schedule *out, char *err,
                        size_t err_len);

/* Parses "K1,K2" into registered kernels, dropping repeats. */
int omps_parse_kernels(const char *text, const struct omps_kernel **out,
                       size_t cap, size_t *count, char *err, size_t err_len);

/* Parses "N" or "KERNEL=N". */
int omps_parse_size(const char *text, struct omps_size_override *out,
                    char *err, size_t err_len);

/* Parses "KERNEL.PARAM=V1[,V2...]", checking each value against the
 * parameter's range.  Several values sweep the parameter. */
int omps_parse_set(const char *text, struct omps_param_override *out,
                   char *err, size_t err_len);


#endif
