/* Helpers the array kernels share: allocation, deterministic fills. */
#ifndef OMPSCALE_KERNELS_COMMON_H
#define OMPSCALE_KERNELS_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

/*
 * Returns a 64-byte aligned array of n doubles, or NULL when it cannot be
 * allocated.  The caller frees it with free().
 */
double *omps_alloc_doubles(uint64_t n);

/*
 * Fills a with a deterministic pattern of values in (1, 2): every value
 * differs from its own cube, so an update that skips an element is seen.
 * The fill runs in parallel with a static schedule so pages are first
 * touched by the threads that later use them.
 */
void omps_fill_pattern(double *a, uint64_t n);

/* Fills a with quiet NaNs, so an element a run fails to write fails
 * verification. */
void omps_fill_nan(double *a, uint64_t n);

/* Fills a[0..n) with the pattern's elements first..first+n, so that a slice
 * of an array held by one MPI rank matches the whole array's values. */
void omps_fill_pattern_from(double *a, uint64_t n, uint64_t first);

/* The pattern's element i. */
double omps_pattern_at(uint64_t i);

/* Copies n doubles from src to dst in parallel. */
void omps_copy_doubles(double *dst, const double *src, uint64_t n);

/*
 * Two arrays of n doubles, the state of every map-like kernel: a holds the
 * input pattern, b starts as NaN (an output not yet written).
 */
struct omps_pair {
    int64_t n;
    double *a;
    double *b;
    /* shared_array's: how often the runs since b was last restored from a
     * have cubed it, or OMPS_PAIR_STALE when b holds anything else (set by
     * set-up and poisoning, so the next prepare step restores it). */
    int cubings;
    /* read's: the sum of a's bit patterns its last run made, whether a
     * run made it since the last poisoning, and the serial reference
     * (computed at its first check; a is never written after set-up). */
    uint64_t read_sum, read_reference;
    int read_fresh, read_reference_known;
};

#define OMPS_PAIR_STALE (-1)

/* The in-place cubing kernels (shared_array, mpi_shared_array) restore
 * their array before the run that would cube it a seventh time: values in
 * (1, 2) cubed six times stay below 2^729, finite and normal. */
#define OMPS_MAX_CUBINGS 6

/* Before an in-place cubing run: whether the array must be restored first
 * (*cubings is OMPS_PAIR_STALE, or OMPS_MAX_CUBINGS); either way counts the
 * cubing the run is to do, so that a run that does not happen leaves the
 * array short of what verification expects. */
int omps_cubing_restore(int *cubings);

/* x cubed k times over, as the kernels compute it (x * x * x each time). */
double omps_cubed(double x, int k);

/* The state family of the kernels whose state is a pair (kernel.h). */
#define OMPS_PAIR_FAMILY "pair"

/* Allocates and fills a pair; returns 0 or OMPS_ENOMEM.  *state receives a
 * struct omps_pair owned by the caller, freed with omps_pair_teardown. */
int omps_pair_setup(void **state, uint64_t n, const double *params);

/* Frees a pair and both of its arrays. */
void omps_pair_teardown(void *state);

/* Refills b with NaN (and marks it stale). */
void omps_pair_poison(void *state);

/* Sets one element of b to a value no correct run of any pair kernel
 * produces, as a lost or torn update would. */
void omps_pair_corrupt(void *state);

/* What a pair kernel's output must hold: b[i] bit for bit a[i]; b[i] =
 * a[i]^3; or a[i] cubed p->cubings times over, and a normal number. */
enum omps_pair_rule { OMPS_PAIR_COPY, OMPS_PAIR_CUBE, OMPS_PAIR_CUBED };

/*
 * Checks every element of p->b against rule, in parallel over the team in
 * force, and with poison refills b with NaN in the same pass (what
 * omps_pair_poison does).  Returns 0, or -1 with why naming the first wrong
 * element as name[i].
 */
int omps_pair_check(struct omps_pair *p, enum omps_pair_rule rule, int poison,
                    const char *name, char *why, size_t why_len);

/*
 * The sampled checks of a pair's output (kernel.h's poison_sample and
 * verify_sample): one element of every 4 KiB page, at a position salt
 * chooses, and both ends of every chunk of `chunk` elements (chunks shorter
 * than a page are left to the page samples).  Poisoning writes NaN there;
 * checking compares there as omps_pair_check does.
 */
void omps_pair_poison_sample(void *state, uint64_t salt, int chunk);

/* Calls visit(obj, i, ctx) on every sampled index i of n elements (the
 * positions above), in parallel over the team in force.  Returns the
 * least index whose visit returned 0, or n when none did. */
int64_t omps_visit_samples(int64_t n, uint64_t salt, int chunk,
                           int (*visit)(void *obj, int64_t i, const void *ctx), void *obj,
                           const void *ctx);
int omps_pair_check_sample(struct omps_pair *p, enum omps_pair_rule rule, uint64_t salt,
                           int chunk, const char *name, char *why, size_t why_len);

/* The work of cubing n elements as a stream: 2 flops and 16 bytes each. */
struct omps_work omps_cube_work(uint64_t n, const double *params);

/*
 * Whether a kernel that writes `bytes` of output through the caches should
 * write it with non-temporal stores instead: when the arrays it streams
 * cannot stay in the last-level cache, so every line written would first
 * be read for nothing (write-allocate) and then evicted.
 * OMPSCALE_STORES=streaming or ordinary overrides the rule (for
 * bench/stream-side.sh); kernel.h's omps_stores_setting checks it.
 */
int omps_stores_streaming(double bytes);

/* Bytes a pair of n-element arrays takes. */
double omps_pair_footprint(uint64_t n);

/* Default array length: at least four times the last-level cache. */
uint64_t omps_default_array_length(const struct omps_sizing *sizing);

#endif
