#define _GNU_SOURCE
#include "common.h"

#include "errors.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>
#include <sched.h>

int omps_bind_wanted(const char *text)
{
    static const char *const names[] = {"false", "true", "master", "close", "spread",
                                        "primary"};
    static const omp_proc_bind_t values[] = {omp_proc_bind_false, omp_proc_bind_true,
                                             omp_proc_bind_master, omp_proc_bind_close,
                                             omp_proc_bind_spread, omp_proc_bind_master};
    char item[32];
    if (text == NULL)
        return OMPS_BIND_NONE;
    /* The second item when there is one, else the first. */
    const char *comma = strchr(text, ',');
    const char *from = comma ? comma + 1 : text;
    size_t len = strcspn(from, ",");
    while (len > 0 && (*from == ' ' || *from == '\t'))
        from++, len--;
    while (len > 0 && (from[len - 1] == ' ' || from[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof item)
        return OMPS_BIND_INVALID;
    for (size_t i = 0; i < len; i++)
        item[i] = (char)(from[i] | 0x20);
    item[len] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(item, names[i]) == 0)
            return (int)values[i] + OMPS_BIND_OFFSET;
    }
    return OMPS_BIND_INVALID;
}

/* Whether this thread runs where the binding asked for puts it; fills why
 * when not. */
static int bound_as_asked(int want, char *why, size_t len)
{
    const int bind = (int)omp_get_proc_bind();
    if (want == OMPS_BIND_INVALID) {
        snprintf(why, len, "OMP_PROC_BIND holds a value the runtime ignores (it reports "
                 "binding %d)", bind);
        return 0;
    }
    want -= OMPS_BIND_OFFSET;
    const int same = want == omp_proc_bind_true ? bind != omp_proc_bind_false : bind == want;
    if (!same) {
        snprintf(why, len, "OMP_PROC_BIND asked for binding %d, the runtime reports %d", want,
                 bind);
        return 0;
    }
    if (want == omp_proc_bind_false)
        return 1;
    const int place = omp_get_place_num(), cpu = sched_getcpu();
    if (place < 0) {
        snprintf(why, len, "thread %d is bound to no place", omp_get_thread_num());
        return 0;
    }
    int ids[1024];
    const int n = omp_get_place_num_procs(place);
    if (n > 0 && n <= (int)(sizeof ids / sizeof ids[0])) {
        omp_get_place_proc_ids(place, ids);
        for (int i = 0; i < n; i++) {
            if (ids[i] == cpu)
                return 1;
        }
    }
    snprintf(why, len, "thread %d runs on CPU %d, outside its place %d", omp_get_thread_num(),
             cpu, place);
    return 0;
}

void omps_team_note(struct omps_team *team)
{
    char why[sizeof team->bind_why];
    if (team->want_bind != OMPS_BIND_NONE && !bound_as_asked(team->want_bind, why, sizeof why)) {
#pragma omp atomic
        team->bind_mismatches++;
        /* The first mismatch is the one reported. */
#pragma omp critical(omps_bind_why)
        if (team->bind_why[0] == '\0')
            snprintf(team->bind_why, sizeof team->bind_why, "%s", why);
    }
    if (omp_get_thread_num() != 0)
        return;
    omp_sched_t kind;
    int chunk;
    omp_get_schedule(&kind, &chunk);
    /* The monotonic modifier is not part of what the harness asks for. */
    kind = (omp_sched_t)(kind & ~omp_sched_monotonic);
    team->seen_threads = omp_get_num_threads();
    team->seen_kind = kind;
    team->seen_chunk = chunk;
    team->regions++;
    int ok = team->seen_threads == team->want_threads;
    if (team->want_kind != 0) {
        ok = ok && kind == team->want_kind;
        /* Chunk 0 asks for the runtime's default, whatever it reports. */
        ok = ok && (team->want_chunk == 0 || chunk == team->want_chunk);
    }
    if (!ok)
        team->mismatches++;
}

void omps_team_reset(struct omps_team *team)
{
    team->seen_threads = 0;
    team->seen_kind = 0;
    team->seen_chunk = 0;
    team->regions = 0;
    team->mismatches = 0;
    team->bind_mismatches = 0;
    team->bind_why[0] = '\0';
}

int omps_team_check(const struct omps_team *team, char *why, size_t why_len)
{
    if (team->regions == 0) {
        snprintf(why, why_len, "the kernel never reported its team");
        return -1;
    }
    if (team->bind_mismatches > 0) {
        snprintf(why, why_len, "binding: %s (%ld threads in %ld regions)", team->bind_why,
                 team->bind_mismatches, team->regions);
        return -1;
    }
    if (team->mismatches == 0)
        return 0;
    snprintf(why, why_len,
             "%ld of %ld parallel regions ran with %d threads, schedule "
             "kind %d chunk %d; asked for %d threads, kind %d chunk %d",
             team->mismatches, team->regions, team->seen_threads,
             (int)team->seen_kind, team->seen_chunk, team->want_threads,
             (int)team->want_kind, team->want_chunk);
    return -1;
}

double *omps_alloc_doubles(uint64_t n)
{
    if (n == 0 || n > SIZE_MAX / sizeof(double))
        return NULL;
    size_t bytes = (size_t)n * sizeof(double);
    /* aligned_alloc wants a size that is a multiple of the alignment. */
    bytes = (bytes + 63) / 64 * 64;
    return aligned_alloc(64, bytes);
}

/* A multiplicative hash spreads values so neighbours differ. */
static double pattern_value(uint64_t i)
{
    uint64_t h = (i * UINT64_C(2654435761)) % 1021;
    return 1.0 + (double)(h + 1) / 1024.0;
}

void omps_fill_pattern(double *a, uint64_t n)
{
    const int64_t len = (int64_t)n;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < len; i++)
        a[i] = pattern_value((uint64_t)i);
}

void omps_fill_pattern_from(double *a, uint64_t n, uint64_t first)
{
    const int64_t len = (int64_t)n;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < len; i++)
        a[i] = pattern_value(first + (uint64_t)i);
}

double omps_pattern_at(uint64_t i)
{
    return pattern_value(i);
}

void omps_fill_nan(double *a, uint64_t n)
{
    const int64_t len = (int64_t)n;
    const double nan_value = nan("");
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < len; i++)
        a[i] = nan_value;
}

void omps_copy_doubles(double *dst, const double *src, uint64_t n)
{
    const int64_t len = (int64_t)n;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < len; i++)
        dst[i] = src[i];
}

uint64_t omps_default_array_length(const struct omps_sizing *sizing)
{
    const uint64_t quick_length = UINT64_C(1) << 20;
    const uint64_t assumed_llc = UINT64_C(32) << 20;
    if (sizing->quick)
        return quick_length;
    uint64_t llc = sizing->llc_bytes ? sizing->llc_bytes : assumed_llc;
    uint64_t n = 4 * llc / sizeof(double);
    n = (n + 4095) / 4096 * 4096;
    return n < quick_length ? quick_length : n;
}

int omps_pair_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct omps_pair *p = calloc(1, sizeof *p);
    if (p == NULL)
        return OMPS_ENOMEM;
    p->n = (int64_t)n;
    p->a = omps_alloc_doubles(n);
    p->b = omps_alloc_doubles(n);
    if (p->a == NULL || p->b == NULL) {
        omps_pair_teardown(p);
        return OMPS_ENOMEM;
    }
    omps_fill_pattern(p->a, n);
    omps_fill_nan(p->b, n);
    *state = p;
    return OMPS_OK;
}

void omps_pair_teardown(void *state)
{
    struct omps_pair *p = state;
    if (p == NULL)
        return;
    free(p->a);
    free(p->b);
    free(p);
}

void omps_pair_poison(void *state)
{
    struct omps_pair *p = state;
    omps_fill_nan(p->b, (uint64_t)p->n);
}

void omps_pair_corrupt(void *state)
{
    struct omps_pair *p = state;
    p->b[p->n / 2] = p->a[p->n / 2] * 1.5;
}

double omps_pair_footprint(uint64_t n)
{
    return 2.0 * (double)n * sizeof(double);
}

struct omps_work omps_cube_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = 2.0 * (double)n,
                              .bytes = 2.0 * (double)n * sizeof(double)};
}
