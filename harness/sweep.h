/*
 * The sweep behind `ompscale run`: it plans configurations (kernel, size,
 * params, threads, schedule), times each through Google Benchmark, verifies
 * every result, and writes the run directory.
 */
#ifndef OMPSCALE_SWEEP_H
#define OMPSCALE_SWEEP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "machine.h"

struct omps_sweep;

/* One configuration and, once run, its repetitions. */
struct omps_config {
    const struct omps_kernel *kernel;
    uint64_t n;
    double params[OMPS_MAX_PARAMS];
    char params_text[128];
    int threads;
    struct omps_schedule schedule;
    int oversubscribed;
    char name[256];
    struct omps_sweep *sweep;
    int repetitions;  /* recorded */
    double *seconds;  /* [repetitions] */
    int *verified;    /* [repetitions] */
    int failed;       /* a repetition failed verification */
};

/*
 * Plans the configurations for opts on machine m: kernel-major, then
 * schedule, then threads.  Returns 0 or OMPS_EINVAL (err names the bad size
 * or option) or OMPS_ENOMEM.  *configs is owned by the caller (free()).
 */
int omps_sweep_plan(const struct omps_run_options *opts,
                    const struct omps_machine *m, struct omps_config **configs,
                    size_t *count, char *err, size_t err_len);

/*
 * Runs a planned sweep and writes opts->out_dir.  stop is polled between and
 * during runs; once it is non-zero the sweep ends, keeping completed rows.
 * Returns the process exit code: 0 success, 1 a result failed verification,
 * 2 bad input or an unwritable directory, 130 interrupted.
 */
int omps_sweep_run(const struct omps_run_options *opts,
                   const struct omps_machine *m, struct omps_config *configs,
                   size_t count, const char *argv0,
                   volatile sig_atomic_t *stop);

/* Frees what omps_sweep_run stored in each configuration and the array. */
void omps_configs_free(struct omps_config *configs, size_t count);

/* Formats v as the shortest text that reads back as the same double. */
void omps_format_double(double v, char *buf, size_t len);

#endif
