#define _GNU_SOURCE
#include "common.h"

#include "errors.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>
#include <sched.h>
#include <sys/mman.h>

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

/* Arrays this large are aligned to a huge page and asked to be backed by
 * transparent huge pages, which make first touch and TLB misses cheaper
 * (machine.json records the kernel's THP mode). */
#define HUGE_PAGE_BYTES ((size_t)2 << 20)

double *omps_alloc_doubles(uint64_t n)
{
    if (n == 0 || n > SIZE_MAX / sizeof(double))
        return NULL;
    size_t bytes = (size_t)n * sizeof(double);
    const size_t align = bytes >= 2 * HUGE_PAGE_BYTES ? HUGE_PAGE_BYTES : 64;
    /* aligned_alloc wants a size that is a multiple of the alignment. */
    bytes = (bytes + align - 1) / align * align;
    double *a = aligned_alloc(align, bytes);
    if (a != NULL && align == HUGE_PAGE_BYTES)
        madvise(a, bytes, MADV_HUGEPAGE);
    return a;
}

/* The pattern: a multiplicative hash spreads values so neighbours differ.
 * Below 2^32 the product cannot wrap, so (i * K) % 1021 equals
 * ((i % 1021) * (K % 1021)) % 1021, and a table of 1021 values serves a
 * fill without a division per element. */
#define PATTERN_K UINT64_C(2654435761)
#define PATTERN_PERIOD 1021

static double pattern_value(uint64_t i)
{
    uint64_t h = (i * PATTERN_K) % PATTERN_PERIOD;
    return 1.0 + (double)(h + 1) / 1024.0;
}

/* Fills a[0..n) with the pattern's elements first..first+n. */
static void fill_pattern_span(double *a, int64_t n, uint64_t first)
{
    if (first + (uint64_t)n > (UINT64_C(1) << 32)) {
        for (int64_t i = 0; i < n; i++)
            a[i] = pattern_value(first + (uint64_t)i);
        return;
    }
    double table[PATTERN_PERIOD];
    for (uint64_t j = 0; j < PATTERN_PERIOD; j++)
        table[j] = pattern_value(j);
    uint64_t j = first % PATTERN_PERIOD;
    for (int64_t i = 0; i < n; i++) {
        a[i] = table[j];
        j = j + 1 == PATTERN_PERIOD ? 0 : j + 1;
    }
}

void omps_fill_pattern(double *a, uint64_t n)
{
    omps_fill_pattern_from(a, n, 0);
}

void omps_fill_pattern_from(double *a, uint64_t n, uint64_t first)
{
    const int64_t len = (int64_t)n;
    /* Each thread fills the block a static schedule gives it, so pages are
     * first touched by the threads that later use them. */
#pragma omp parallel
    {
        const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
        const int64_t lo = len * t / nt, hi = len * (t + 1) / nt;
        fill_pattern_span(a + lo, hi - lo, first + (uint64_t)lo);
    }
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

static uint64_t last_level_cache = UINT64_C(32) << 20;

void omps_set_last_level_cache(uint64_t bytes)
{
    if (bytes > 0)
        last_level_cache = bytes;
}

const char *omps_stores_setting(void)
{
    const char *v = getenv("OMPSCALE_STORES");
    if (v == NULL || *v == '\0' || strcmp(v, "auto") == 0)
        return "auto";
    return strcmp(v, "streaming") == 0 || strcmp(v, "ordinary") == 0 ? v : NULL;
}

int omps_stores_streaming(double bytes)
{
    /* Read once: the timed runs call this, and getenv walks the
     * environment.  -1: the rule decides. */
    static int forced = -2;
    if (forced == -2) {
        const char *v = omps_stores_setting();
        forced = v == NULL || strcmp(v, "auto") == 0 ? -1 : strcmp(v, "streaming") == 0;
    }
    return forced >= 0 ? forced : bytes > (double)last_level_cache;
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
    p->cubings = OMPS_PAIR_STALE;
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
    p->cubings = OMPS_PAIR_STALE;
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

double omps_cubed(double x, int k)
{
    for (int c = 0; c < k; c++)
        x = x * x * x;
    return x;
}

int omps_cubing_restore(int *cubings)
{
    const int restore = *cubings == OMPS_PAIR_STALE || *cubings >= OMPS_MAX_CUBINGS;
    if (restore)
        *cubings = 0;
    ++*cubings;
    return restore;
}

/* What element x of a must have become under rule. */
static double pair_want(const struct omps_pair *p, enum omps_pair_rule rule, double x)
{
    return rule == OMPS_PAIR_COPY ? x : omps_cubed(x, rule == OMPS_PAIR_CUBE ? 1 : p->cubings);
}

/* Whether element i of the pair's output is what rule says it must be. */
static int pair_element_ok(const struct omps_pair *p, enum omps_pair_rule rule, int64_t i)
{
    const double x = p->a[i], y = p->b[i];
    if (rule == OMPS_PAIR_COPY)
        return memcmp(&x, &y, sizeof x) == 0;
    return y == pair_want(p, rule, x) && (rule != OMPS_PAIR_CUBED || isnormal(y));
}

/* Elements checked (and poisoned) together: small enough to stay in the
 * first-level cache between the check and the poisoning. */
#define CHECK_BLOCK 2048

/* Whether any b[i] of [lo, hi) differs from a[i] cubed k times over (or,
 * with normal, is not a normal number).  Inlined at each constant k, the
 * cubings unroll and the loop vectorizes. */
static inline __attribute__((always_inline)) int
cubed_block_bad(const double *restrict a, const double *restrict b, int64_t lo, int64_t hi,
                int k, int normal)
{
    int bad = 0;
    for (int64_t i = lo; i < hi; i++) {
        const double w = omps_cubed(a[i], k);
        const double m = fabs(b[i]);
        /* isnormal as a range check, with bitwise operators only, so the
         * loop has no branch and vectorizes (a NaN fails b[i] != w). */
        bad |= (b[i] != w) | (normal & ((m < DBL_MIN) | (m > DBL_MAX)));
    }
    return bad;
}

/* Whether any element of b[lo..hi) breaks rule: a loop without branches
 * that the compiler vectorizes, so checking runs near memory speed. */
static int pair_block_bad(const struct omps_pair *p, enum omps_pair_rule rule, int64_t lo,
                          int64_t hi)
{
    const double *restrict a = p->a, *restrict b = p->b;
    if (rule == OMPS_PAIR_COPY) {
        uint64_t diff = 0;
        for (int64_t i = lo; i < hi; i++) {
            uint64_t x, y;
            memcpy(&x, &a[i], sizeof x);
            memcpy(&y, &b[i], sizeof y);
            diff |= x ^ y;
        }
        return diff != 0;
    }
    const int k = rule == OMPS_PAIR_CUBE ? 1 : p->cubings;
    const int normal = rule == OMPS_PAIR_CUBED;
    switch (k) {
    case 1: return cubed_block_bad(a, b, lo, hi, 1, normal);
    case 2: return cubed_block_bad(a, b, lo, hi, 2, normal);
    case 3: return cubed_block_bad(a, b, lo, hi, 3, normal);
    case 4: return cubed_block_bad(a, b, lo, hi, 4, normal);
    case 5: return cubed_block_bad(a, b, lo, hi, 5, normal);
    case 6: return cubed_block_bad(a, b, lo, hi, 6, normal);
    default: return cubed_block_bad(a, b, lo, hi, k, normal);
    }
}

/* Whether shared_array's output can hold no run's result (nothing was
 * prepared for a run since it was set up or poisoned); why says so. */
static int pair_unrun(const struct omps_pair *p, enum omps_pair_rule rule, const char *name,
                      char *why, size_t why_len)
{
    if (rule != OMPS_PAIR_CUBED || p->cubings >= 1)
        return 0;
    snprintf(why, why_len, "%s holds no run's result: nothing ran since it was poisoned", name);
    return 1;
}

int omps_pair_check(struct omps_pair *p, enum omps_pair_rule rule, int poison,
                    const char *name, char *why, size_t why_len)
{
    const int64_t n = p->n;
    const double nan_value = nan("");
    int64_t first_bad = n;
    if (pair_unrun(p, rule, name, why, why_len))
        return -1;
    /* The team the harness set checks the whole output, block by block;
     * poisoning in the same pass saves a second one over the array. */
#pragma omp parallel for schedule(static) reduction(min : first_bad)
    for (int64_t lo = 0; lo < n; lo += CHECK_BLOCK) {
        const int64_t hi = lo + CHECK_BLOCK < n ? lo + CHECK_BLOCK : n;
        if (pair_block_bad(p, rule, lo, hi)) {
            for (int64_t i = lo; i < hi && i < first_bad; i++) {
                if (!pair_element_ok(p, rule, i))
                    first_bad = i;
            }
        }
        for (int64_t i = lo; poison && i < hi; i++)
            p->b[i] = nan_value;
    }
    if (poison)
        p->cubings = OMPS_PAIR_STALE;
    if (first_bad == n)
        return 0;
    const double x = p->a[first_bad];
    const double want = pair_want(p, rule, x);
    /* Once poisoned, the wrong value itself is gone: name what was wanted. */
    if (poison)
        snprintf(why, why_len, "%s[%lld] was wrong, want %.17g", name, (long long)first_bad,
                 want);
    else
        snprintf(why, why_len, "%s[%lld] = %.17g, want %.17g", name, (long long)first_bad,
                 p->b[first_bad], want);
    return -1;
}

/* Elements per sampled page: one 4 KiB page of doubles. */
#define SAMPLE_PAGE 512
/* Chunks shorter than a page have their ends left to the page samples. */
#define SAMPLE_MIN_CHUNK 512

/* The sampled element of page `page` under salt. */
static int64_t sample_in_page(uint64_t salt, int64_t page)
{
    uint64_t z = salt ^ ((uint64_t)page * UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 31)) * UINT64_C(0xBF58476D1CE4E5B9);
    return page * SAMPLE_PAGE + (int64_t)((z ^ (z >> 29)) % SAMPLE_PAGE);
}

int64_t omps_visit_samples(int64_t n, uint64_t salt, int chunk,
                           int (*visit)(void *obj, int64_t i, const void *ctx), void *obj,
                           const void *ctx)
{
    const int64_t pages = (n + SAMPLE_PAGE - 1) / SAMPLE_PAGE;
    const int64_t c = chunk >= SAMPLE_MIN_CHUNK ? chunk : 0;
    const int64_t chunks = c > 0 ? (n + c - 1) / c : 0;
    int64_t first_bad = n;
#pragma omp parallel for schedule(static) reduction(min : first_bad)
    for (int64_t g = 0; g < pages; g++) {
        const int64_t i = sample_in_page(salt, g);
        if (i < n && !visit(obj, i, ctx) && i < first_bad)
            first_bad = i;
    }
#pragma omp parallel for schedule(static) reduction(min : first_bad)
    for (int64_t k = 0; k < chunks; k++) {
        const int64_t lo = k * c, hi = lo + c < n ? lo + c - 1 : n - 1;
        if (!visit(obj, lo, ctx) && lo < first_bad)
            first_bad = lo;
        if (!visit(obj, hi, ctx) && hi < first_bad)
            first_bad = hi;
    }
    return first_bad;
}

static int poison_one(void *obj, int64_t i, const void *ctx)
{
    struct omps_pair *p = obj;
    (void)ctx;
    p->b[i] = nan("");
    return 1;
}

static int check_one(void *obj, int64_t i, const void *ctx)
{
    return pair_element_ok(obj, *(const enum omps_pair_rule *)ctx, i);
}

void omps_pair_poison_sample(void *state, uint64_t salt, int chunk)
{
    struct omps_pair *p = state;
    omps_visit_samples(p->n, salt, chunk, poison_one, p, NULL);
}

int omps_pair_check_sample(struct omps_pair *p, enum omps_pair_rule rule, uint64_t salt,
                           int chunk, const char *name, char *why, size_t why_len)
{
    if (pair_unrun(p, rule, name, why, why_len))
        return -1;
    const int64_t bad = omps_visit_samples(p->n, salt, chunk, check_one, p, &rule);
    if (bad == p->n)
        return 0;
    snprintf(why, why_len, "%s[%lld] = %.17g, want %.17g (a sampled check)", name,
             (long long)bad, p->b[bad], pair_want(p, rule, p->a[bad]));
    return -1;
}
