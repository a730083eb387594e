/* A prototype for issue 40 ("Measure the machine instead of trusting
 * it"), not yet part of `ompscale run`: the dependent-load latency curve of
 * this CPU over working sets from 4 MiB, and the capacity it shows by the
 * rule of omps_cache_knee below.  It prints the curve and the knee beside
 * what sysfs says.  `--self-test` checks the rule on synthetic curves
 * with known knees.
 *
 * What it showed on the 2-vCPU Zen 3 KVM guest of 2026-12-07 (sysfs: a
 * 32 MiB L3): a chase over 4 KiB pages rises at 8 MiB, the L2 TLB's reach,
 * which hides the L3; over 2 MiB groups (huge pages) the L3 latency holds
 * (15.5 ns) to 10 MiB and climbs through 16-22 MiB to memory (60-75 ns), a
 * knee of 12.5 MiB by the rule; with the test suite running on the other
 * vCPU the whole curve moved (66 ns at 4 MiB, knee 4-6 MiB).  The L3 is
 * shared with other guests, so "effective" is what the neighbours leave.
 * Build: cc -O2 bench/cache_latency.c -o cache_latency -lm
 * Usage: cache_latency [MOST_MIB [SECONDS]] | --self-test */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#define OMPS_CACHE_CURVE_MAX 32

/* Latency against working-set size, sizes ascending. */
struct omps_cache_curve {
    size_t n;
    double bytes[OMPS_CACHE_CURVE_MAX];
    double ns[OMPS_CACHE_CURVE_MAX]; /* nanoseconds per dependent load */
};

/*
 * The capacity the curve shows, by this rule: the on-chip latency L0 is
 * the curve's first point, the memory latency Lm its last; without a rise
 * of at least 1.6 times (no knee inside the sizes measured) the answer is
 * 0.  Otherwise, at the first size S whose latency is past a fifth of the
 * way from L0 to Lm, a chase that misses a share m = (L(S) - L0) / (Lm -
 * L0) of its loads over a cache of C holds C = S (1 - m) (random access
 * over S bytes hits about C / S of the time); the answer is that C.
 */
uint64_t omps_cache_knee(const struct omps_cache_curve *c);

/*
 * Measures the curve on the CPU this thread runs on, from 4 MiB up to
 * `most` bytes, stopping once two sizes in a row are at the memory
 * latency (three times the first) or `seconds` have passed.  Returns 0, or
 * -1 when memory for the chase could not be had.
 */
int omps_cache_measure(struct omps_cache_curve *c, uint64_t most, double seconds);


#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define LINE 64            /* bytes a load brings in */
/* The chase keeps to one huge page (or 512 small ones) at a time, so that
 * it measures the caches and not the TLB's reach, which a chase over 4 KiB
 * pages meets at 8 MiB on a Zen 3 (and which hides the L3 behind it). */
#define PAGE (2u << 20)
#define FIRST (4u << 20)   /* the first working set: past any private L2 */
#define TIMED_LOADS 100000 /* loads in one timed pass */
#define RISE 1.6           /* memory over on-chip latency that shows a knee */
#define AT_MEMORY 3.0      /* a size this many times the first is at memory */

uint64_t omps_cache_knee(const struct omps_cache_curve *c)
{
    if (c->n < 3)
        return 0;
    const double l0 = c->ns[0], lm = c->ns[c->n - 1];
    if (!(lm >= RISE * l0))
        return 0;
    for (size_t i = 1; i < c->n; i++) {
        const double miss = (c->ns[i] - l0) / (lm - l0);
        if (!(miss > 0.2))
            continue;
        /* Between the last size that was in the cache and this one. */
        const double held = c->bytes[i] * (1.0 - fmin(miss, 1.0));
        return (uint64_t)fmin(fmax(held, c->bytes[i - 1]), c->bytes[i]);
    }
    return 0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

static void shuffle(size_t *a, size_t n, uint64_t *seed)
{
    for (size_t i = n; i > 1; i--) {
        const size_t j = (size_t)(next_random(seed) % i), t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* Links the first `pages` pages of buf into one cycle of lines: the pages
 * in a random order, each page's lines in a random order, so that every
 * load misses a prefetcher's guess but the TLB only once a page. */
static int link_cycle(char *buf, size_t pages, uint64_t *seed)
{
    const size_t per_page = PAGE / LINE;
    size_t *page = malloc(pages * sizeof *page), *in_page = malloc(per_page * sizeof *in_page);
    if (page == NULL || in_page == NULL) {
        free(page);
        free(in_page);
        return -1;
    }
    for (size_t p = 0; p < pages; p++)
        page[p] = p;
    shuffle(page, pages, seed);
    char *first = NULL, **last = NULL;
    for (size_t p = 0; p < pages; p++) {
        for (size_t l = 0; l < per_page; l++)
            in_page[l] = l;
        shuffle(in_page, per_page, seed);
        for (size_t l = 0; l < per_page; l++) {
            char *line = buf + page[p] * PAGE + in_page[l] * LINE;
            if (last != NULL)
                *last = line;
            else
                first = line;
            last = (char **)line;
        }
    }
    *last = first;
    free(page);
    free(in_page);
    return 0;
}

/* Follows the cycle from *at for `loads` loads; returns the time taken. */
static double chase(void **at, size_t loads)
{
    void **p = *at;
    const double t0 = now();
    for (size_t i = 0; i < loads; i++)
        p = (void **)*p;
    const double t = now() - t0;
    *at = p;
    return t;
}

/* The nanoseconds a load of the first `bytes` of buf takes: a warm pass
 * over the whole cycle (at most 4M loads), then the best of three timed
 * passes. */
static double latency(char *buf, size_t bytes, uint64_t *seed)
{
    const size_t pages = bytes / PAGE, lines = pages * (PAGE / LINE);
    if (link_cycle(buf, pages, seed) != 0)
        return NAN;
    void *at = buf;
    chase(&at, lines < (4u << 20) ? lines : (4u << 20));
    double best = INFINITY;
    for (int r = 0; r < 3; r++)
        best = fmin(best, chase(&at, TIMED_LOADS));
    /* Keeps the chase's last address alive, so it is not optimized away. */
    static void *volatile sink;
    sink = at;
    (void)sink;
    return 1e9 * best / TIMED_LOADS;
}

/* Pins this thread to the CPU it runs on, saving its affinity in was. */
static int pin_here(cpu_set_t *was)
{
    cpu_set_t one;
    const int cpu = sched_getcpu();
    if (cpu < 0 || sched_getaffinity(0, sizeof *was, was) != 0)
        return -1;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    return sched_setaffinity(0, sizeof one, &one);
}

/* Whether the last two points are both at memory: well above the first
 * and level with each other. */
static int at_memory(const struct omps_cache_curve *c)
{
    const size_t n = c->n;
    return n >= 3 && c->ns[n - 1] >= AT_MEMORY * c->ns[0] &&
           c->ns[n - 2] >= AT_MEMORY * c->ns[0] && c->ns[n - 1] <= 1.15 * c->ns[n - 2];
}

int omps_cache_measure(struct omps_cache_curve *c, uint64_t most, double seconds)
{
    memset(c, 0, sizeof *c);
    most = most < 2 * FIRST ? 2 * FIRST : most;
    char *buf = mmap(NULL, most, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                     -1, 0);
    if (buf == MAP_FAILED)
        return -1;
    madvise(buf, most, MADV_HUGEPAGE);
    cpu_set_t was;
    const int pinned = pin_here(&was) == 0;
    uint64_t seed = 0x9E3779B97F4A7C15u;
    const double t0 = now();
    for (double bytes = FIRST; bytes <= (double)most && c->n < OMPS_CACHE_CURVE_MAX;
         bytes *= M_SQRT2) {
        const size_t size = (size_t)bytes / PAGE * PAGE;
        if (c->n > 0 && (double)size <= c->bytes[c->n - 1])
            continue;
        const double ns = latency(buf, size, &seed);
        if (!isfinite(ns))
            break;
        c->bytes[c->n] = (double)size;
        c->ns[c->n++] = ns;
        if (at_memory(c) || now() - t0 > seconds)
            break;
    }
    if (pinned)
        sched_setaffinity(0, sizeof was, &was);
    munmap(buf, most);
    return c->n > 0 ? 0 : -1;
}

/* Synthetic curves with known knees: a step at C, and the partial-hit
 * model L(S) = L0 + (1 - min(1, C / S)) (Lm - L0); the rule must land
 * within 1.5 times of C, and say 0 for a flat curve. */
static int self_test(void)
{
    int bad = 0;
    for (double mib = 6; mib <= 512; mib *= 1.7) {
        for (int model = 0; model < 2; model++) {
            struct omps_cache_curve c = {0};
            for (double s = 4; s <= 8 * mib && c.n < OMPS_CACHE_CURVE_MAX; s *= M_SQRT2) {
                const double miss = model == 0 ? (s > mib) : 1.0 - fmin(1.0, mib / s);
                c.bytes[c.n] = s * 1048576.0;
                c.ns[c.n++] = 12.0 + miss * 80.0;
            }
            const double got = (double)omps_cache_knee(&c) / 1048576.0;
            if (!(got >= mib / 1.5 && got <= mib * 1.5)) {
                printf("FAIL: %s curve with a %.1f MiB cache: knee %.1f MiB\n",
                       model == 0 ? "step" : "partial-hit", mib, got);
                bad++;
            }
        }
    }
    struct omps_cache_curve flat = {.n = 5, .bytes = {4, 8, 16, 32, 64}, .ns = {12, 12, 13, 12, 12}};
    if (omps_cache_knee(&flat) != 0)
        printf("FAIL: a flat curve has a knee\n"), bad++;
    if (bad == 0)
        printf("ok: the knee rule lands within 1.5x of every synthetic cache\n");
    return bad != 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--self-test") == 0)
        return self_test();
    const double most = argc > 1 ? atof(argv[1]) : 1024, seconds = argc > 2 ? atof(argv[2]) : 2;
    struct omps_cache_curve c;
    const double t0 = now();
    if (omps_cache_measure(&c, (uint64_t)(most * 1048576.0), seconds) != 0)
        return 1;
    const double took = now() - t0;
    for (size_t i = 0; i < c.n; i++)
        printf("%8.1f MiB %7.1f ns\n", c.bytes[i] / 1048576.0, c.ns[i]);
    char sysfs[64] = "none";
    FILE *f = fopen("/sys/devices/system/cpu/cpu0/cache/index3/size", "r");
    if (f != NULL && fgets(sysfs, sizeof sysfs, f) != NULL)
        sysfs[strcspn(sysfs, "\n")] = '\0';
    if (f != NULL)
        fclose(f);
    printf("knee %.1f MiB (sysfs L3: %s) in %.2f s\n", (double)omps_cache_knee(&c) / 1048576.0,
           sysfs, took);
    return 0;
}
