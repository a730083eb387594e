/*
 * copy: b[i] = a[i], STREAM's Copy over the same array length as the maps,
 * so every run carries its own memory-bandwidth ceiling.
 *
 * Arrays larger than the last-level cache are written with non-temporal
 * stores, a cache line at a time, as glibc's memcpy does above its
 * threshold (and so STREAM built by gcc, whose Copy loop becomes a memcpy
 * call): ordinary stores first read every line they write
 * (write-allocate), 24 bytes of traffic for the 16 counted, and on the
 * Intel VM of issue 25 reached 0.55-0.6 of STREAM's Copy for it.
 */
#include <stdio.h>
#include <string.h>

#include <omp.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "common.h"
#include "kernel.h"

/* Doubles per 64-byte cache line. */
#define LINE 8

#if defined(__SSE2__)
/* Writes the line at b (64-byte aligned) from a, bypassing the caches. */
static inline void stream_line(double *restrict b, const double *restrict a)
{
#if defined(__AVX512F__)
    _mm512_stream_pd(b, _mm512_load_pd(a));
#elif defined(__AVX__)
    _mm256_stream_pd(b, _mm256_load_pd(a));
    _mm256_stream_pd(b + 4, _mm256_load_pd(a + 4));
#else
    for (int k = 0; k < LINE; k += 2)
        _mm_stream_pd(b + k, _mm_load_pd(a + k));
#endif
}

/* The schedule's chunk counts elements; the streaming loop's iterations
 * are lines, so this thread's chunk becomes the same span in lines.  The
 * change lives in the implicit task's ICVs and ends with the region. */
static void chunk_in_lines(void)
{
    omp_sched_t kind;
    int chunk;
    omp_get_schedule(&kind, &chunk);
    if (chunk > 0)
        omp_set_schedule(kind, chunk >= LINE ? chunk / LINE : 1);
}

static void copy_streaming(const double *restrict a, double *restrict b, int64_t n,
                           struct omps_team *team)
{
    const int64_t lines = n / LINE;
#pragma omp parallel
    {
        omps_team_note(team);
        chunk_in_lines();
#pragma omp for schedule(runtime) nowait
        for (int64_t l = 0; l < lines; l++)
            stream_line(b + LINE * l, a + LINE * l);
        /* The stores are weakly ordered: fenced before the region's
         * closing barrier, so verification sees them. */
        _mm_sfence();
#pragma omp single
        for (int64_t i = LINE * lines; i < n; i++)
            b[i] = a[i];
    }
}
#endif

static void copy_cached(const double *restrict a, double *restrict b, int64_t n,
                        struct omps_team *team)
{
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp for simd schedule(runtime)
        for (int64_t i = 0; i < n; i++)
            b[i] = a[i];
    }
}

static void copy_run(void *state, struct omps_team *team)
{
    struct omps_pair *p = state;
#if defined(__SSE2__)
    if (omps_stores_streaming(omps_pair_footprint((uint64_t)p->n))) {
        copy_streaming(p->a, p->b, p->n, team);
        return;
    }
#endif
    copy_cached(p->a, p->b, p->n, team);
}

/* Compares bit patterns, so a NaN left by poisoning never matches. */
static int copy_verify(void *state, char *why, size_t why_len)
{
    return omps_pair_check(state, OMPS_PAIR_COPY, 0, "b", why, why_len);
}

static int copy_verify_poison(void *state, char *why, size_t why_len)
{
    return omps_pair_check(state, OMPS_PAIR_COPY, 1, "b", why, why_len);
}

static int copy_verify_sample(void *state, uint64_t salt, int chunk, char *why, size_t why_len)
{
    return omps_pair_check_sample(state, OMPS_PAIR_COPY, salt, chunk, "b", why, why_len);
}

/* STREAM counts 16 bytes per element for Copy (no write-allocate). */
static struct omps_work copy_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = 0.0,
                              .bytes = 2.0 * (double)n * sizeof(double)};
}

const struct omps_kernel omps_kernel_copy = {
    .name = "copy",
    .summary = "b[i] = a[i], STREAM Copy: the memory-bandwidth ceiling for "
               "the maps",
    .unit = OMPS_UNIT_GBPS,
    .bound = OMPS_BOUND_BANDWIDTH,
    .scheduled = 1,
    .default_size = omps_default_array_length,
    .footprint = omps_pair_footprint,
    .state_family = OMPS_PAIR_FAMILY,
    .setup = omps_pair_setup,
    .poison = omps_pair_poison,
    .run = copy_run,
    .verify = copy_verify,
    .verify_poison = copy_verify_poison,
    .poison_sample = omps_pair_poison_sample,
    .verify_sample = copy_verify_sample,
    .teardown = omps_pair_teardown,
    .corrupt = omps_pair_corrupt,
    .work = copy_work,
};
