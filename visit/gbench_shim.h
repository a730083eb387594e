/*
 * The C face of Google Benchmark: a handful of functions over an opaque
 * session.  The harness times one batch at a time (one visit of one
 * configuration in a round): the shim registers it, times the body with
 * real time, hands the repetitions back, and appends Google Benchmark's own
 * JSON for it to one document that is closed by omps_gb_finish.
 */
#ifndef OMPSCALE_GBENCH_SHIM_H
#define OMPSCALE_GBENCH_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct omps_gb;

/* One configuration's recorded repetitions, handed to report(). */
struct omps_gb_result {
    int repetitions;         /* entries in seconds and verified */
    long iterations;         /* kernel runs in each repetition */
    const double *seconds;   /* wall time of one run, per repetition */
    const int *verified;     /* 1 or 0, per repetition */
    const char *failure;     /* why verification failed, or NULL */
    const char *error;       /* why the configuration was skipped, or NULL */
};

/*
 * Callbacks; ctx is the pointer given at registration.  begin runs before
 * each batch of timed runs, told how many runs the batch will time (Google
 * Benchmark's count for it, also while it searches for one), and returns 0,
 * or non-zero with a reason in why to skip the configuration.  prepare (may be NULL) runs untimed before every
 * run; body is the timed run.  end runs after each batch and returns 1 when
 * the result verified, else 0 with the reason in why.  stop returns non-zero
 * once the sweep is interrupted.  report receives the configuration's
 * results once all its repetitions are done.
 */
struct omps_gb_hooks {
    int (*begin)(void *ctx, long runs, char *why, size_t why_len);
    void (*prepare)(void *ctx);
    void (*body)(void *ctx);
    int (*end)(void *ctx, char *why, size_t why_len);
    int (*stop)(void *ctx);
    void (*report)(void *ctx, const struct omps_gb_result *result);
};

/* How long and how often one batch is timed, and its work per run
 * (reported in the JSON as FLOP/s, bytes_per_second and items_per_second).
 * iterations 0 lets Google Benchmark find a count that lasts min_time. */
struct omps_gb_options {
    double min_time;
    long iterations;
    int repetitions;
    int has_prepare; /* call hooks->prepare before every run */
    double flops;
    double bytes;
    double items;
};

/*
 * Creates a session that writes Google Benchmark's JSON to json_path.
 * argv0 names the executable in the JSON context.  Google Benchmark's own
 * flags are fixed here, so BENCHMARK_* variables in the environment cannot
 * filter, repeat, reorder or redirect what ompscale times.  Returns 0 or a
 * negative OMPS_E* code (OMPS_EIO: json_path cannot be written); *out is
 * owned by the caller and freed with omps_gb_destroy.
 */
int omps_gb_create(struct omps_gb **out, const char *argv0,
                   const char *json_path, const struct omps_gb_hooks *hooks);

/* Times one batch now under the given name, calling the hooks with ctx, and
 * hands its result to hooks->report.  Returns 0, or OMPS_ENOMEM. */
int omps_gb_run_batch(struct omps_gb *gb, const char *name, void *ctx,
                      const struct omps_gb_options *options);

/* Closes the JSON document.  Returns 0, or OMPS_EIO when it could not be
 * written. */
int omps_gb_finish(struct omps_gb *gb);

/* Frees the session; safe on NULL. */
void omps_gb_destroy(struct omps_gb *gb);

#ifdef __cplusplus
}
#endif

#endif
