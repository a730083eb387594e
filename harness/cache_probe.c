#define _GNU_SOURCE
#include "cache_probe.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "files.h"
#include "journal.h"
#include "parse.h"

#define FIRST_BYTES (256u << 10) /* past any L1, inside most L2s */
#define MEMORY_BAND 1.25         /* points this close to the last are at memory */
#define PLATEAU_STEP 1.05        /* a smaller size this little faster: a plateau */
#define RISE 1.3                 /* memory at least this slower than the plateau */
#define CACHE_FASTER 1.5         /* a point this much faster than memory is in a cache */
#define PROBE_VERSION 1          /* bumped when a kept probe's meaning changes */
/* The shares of the probe's time for the first sweep and, with the
 * second reading of the sizes around the knee, for both; the rest is the
 * last size's reading, which may run past them. */
#define SWEEP_SHARE 0.6
#define AGAIN_SHARE 0.85

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- the knee rule ----------------------------------------------------- */

/* Time per byte at point i. */
static double per_byte(const struct omps_cache_curve *c, size_t i)
{
    return 1.0 / c->gbs[i];
}

/* The knee of points [0, n): *plateau gets the plateau's index (n - 1 when
 * no knee shows).  Returns the capacity, with *at_least set when it is only
 * a lower bound; 0 when n is too small to say anything. */
static double knee_of(const struct omps_cache_curve *c, size_t n, size_t *plateau, int *at_least)
{
    *plateau = n > 0 ? n - 1 : 0;
    *at_least = 1;
    if (n < 3)
        return n > 0 ? c->bytes[n - 1] : 0;
    const double mem = per_byte(c, n - 1);
    /* The last point well faster than memory: inside the cache, or on the
     * upper part of its fall. */
    size_t j = n - 1;
    while (j > 0 && per_byte(c, j) * CACHE_FASTER > mem)
        j--;
    if (per_byte(c, j) * CACHE_FASTER > mem)
        return c->bytes[n - 1]; /* level throughout: no knee within the sizes */
    /* Down the fall to where it flattens. */
    while (j > 0 && per_byte(c, j - 1) * PLATEAU_STEP < per_byte(c, j))
        j--;
    *plateau = j;
    const double half = 0.5 * (per_byte(c, j) + mem);
    size_t i = j + 1;
    while (i < n && per_byte(c, i) < half)
        i++;
    /* Memory reached: two points past the crossing near its level. */
    size_t near = 0;
    for (size_t m = i; m < n; m++)
        near += per_byte(c, m) * MEMORY_BAND >= mem;
    if (i >= n || near < 2)
        return c->bytes[j]; /* still falling at the end */
    *at_least = 0;
    const double t = per_byte(c, i), before = per_byte(c, i - 1);
    const double frac = t > before ? (half - before) / (t - before) : 1.0;
    return c->bytes[i - 1] * pow(c->bytes[i] / c->bytes[i - 1], frac);
}

struct omps_cache_knees omps_cache_knees(const struct omps_cache_curve *c, uint64_t reach)
{
    struct omps_cache_knees k = {0};
    size_t plateau = 0, inner_plateau = 0;
    double last = knee_of(c, c->n, &plateau, &k.at_least);
    /* A knee of a private L2's size on a curve that stopped short: its
     * last plateau may be a cache still, so the answer is a lower bound
     * and that knee the level inside. */
    if (!k.at_least && last < OMPS_L2_MOST && c->n > 0 && c->bytes[c->n - 1] < (double)reach) {
        k.inner = (uint64_t)last;
        k.last = (uint64_t)c->bytes[c->n - 1];
        k.at_least = 1;
        return k;
    }
    k.last = (uint64_t)last;
    int inner_bound = 1;
    const double inner = k.at_least ? 0 : knee_of(c, plateau + 1, &inner_plateau, &inner_bound);
    k.inner = inner_bound ? 0 : (uint64_t)inner;
    return k;
}

/* ---- measuring --------------------------------------------------------- */

typedef uint64_t omps_lanes __attribute__((vector_size(32)));

/* Reads n lanes and folds them, so the reads cannot be left out. */
static uint64_t read_lanes(const omps_lanes *a, size_t n)
{
    omps_lanes s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    for (size_t i = 0; i + 4 <= n; i += 4) {
        s0 ^= a[i];
        s1 ^= a[i + 1];
        s2 ^= a[i + 2];
        s3 ^= a[i + 3];
    }
    const omps_lanes s = s0 ^ s1 ^ s2 ^ s3;
    return s[0] ^ s[1] ^ s[2] ^ s[3];
}

/* Where every thread folds what it read, so no read is left out. */
static uint64_t sink;

/* The best of `passes` reads of the first `bytes` of buf by `threads`
 * threads, each reading its own share between two barriers; GB/s. */
static double read_rate(const char *buf, size_t bytes, int threads, int passes)
{
    const size_t lanes = bytes / sizeof(omps_lanes);
    double best = INFINITY;
#pragma omp parallel num_threads(threads)
    {
        const size_t id = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
        const size_t lo = lanes * id / nt / 4 * 4, hi = lanes * (id + 1) / nt / 4 * 4;
        const omps_lanes *a = (const omps_lanes *)buf + lo;
        uint64_t fold = read_lanes(a, hi - lo); /* one pass to warm */
        for (int r = 0; r < passes; r++) {
            double t0 = 0;
#pragma omp barrier
#pragma omp master
            t0 = now();
            fold ^= read_lanes(a, hi - lo);
#pragma omp barrier
#pragma omp master
            best = fmin(best, now() - t0);
        }
        __atomic_fetch_xor(&sink, fold, __ATOMIC_RELAXED);
    }
    return (double)bytes / best / 1e9;
}

/* Whether the last three points read level with each other and slower
 * than the fastest point by RISE. */
static int at_memory(const struct omps_cache_curve *c)
{
    if (c->n < 4)
        return 0;
    double fastest = 0;
    for (size_t i = 0; i < c->n; i++)
        fastest = fmax(fastest, c->gbs[i]);
    const double a = c->gbs[c->n - 1], b = c->gbs[c->n - 2], d = c->gbs[c->n - 3];
    return fmax(a, fmax(b, d)) <= 1.15 * fmin(a, fmin(b, d)) && fastest >= RISE * fmax(a, fmax(b, d));
}

static void add_point(struct omps_cache_curve *c, double bytes, double gbs)
{
    c->bytes[c->n] = bytes;
    c->gbs[c->n++] = gbs;
}

/* The passes a size gets: about 64 MiB of reading, 3 to 50 passes. */
static int passes_for(double size)
{
    return (int)fmax(3, fmin(50, 64.0 * 1048576.0 / size));
}

/*
 * Reads the sizes up to four times the first knee twice more, keeping
 * each size's best rate: other guests' bursts on a shared L3 last longer
 * than one size's passes (here the one-thread knee moved between 16 and
 * 24 MiB from one probe to the next), and the best of three sweeps over a
 * second is the cache as these CPUs have it when the neighbours are
 * quiet.  The sizes are already in memory, so this costs reading alone.
 */
static void read_again(struct omps_cache_probe *p, const char *buf, double deadline)
{
    const struct omps_cache_knees first = omps_cache_knees(&p->one, p->reach);
    const double upto = first.at_least ? INFINITY : 4.0 * (double)first.last;
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < p->one.n && p->one.bytes[i] <= upto && now() < deadline; i++) {
            const size_t size = (size_t)p->one.bytes[i];
            p->one.gbs[i] = fmax(p->one.gbs[i], read_rate(buf, size, 1, passes_for(size)));
            p->all.gbs[i] = fmax(p->all.gbs[i], read_rate(buf, size, p->threads,
                                                          passes_for(size)));
        }
    }
}

int omps_cache_probe_measure(struct omps_cache_probe *p, uint64_t least, uint64_t most,
                             double seconds)
{
    memset(p, 0, sizeof *p);
    p->threads = omp_get_num_procs();
    char *buf = mmap(NULL, most, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
                     MAP_NORESERVE, -1, 0);
    if (buf == MAP_FAILED)
        return -1;
    madvise(buf, most, MADV_HUGEPAGE);
    const double t0 = now();
    size_t touched = 0;
    double touching = 0; /* seconds spent writing new memory */
    for (double b = FIRST_BYTES; b <= (double)most && p->one.n < OMPS_CURVE_MAX; b *= M_SQRT2) {
        const size_t size = (size_t)b / 4096 * 4096;
        /* A size whose first touch alone would pass the time is not read
         * (first touch ran at 0.45 GB/s on this project's KVM guest). */
        if (touched > 0 && now() + touching / (double)touched * (double)(size - touched) >
                               t0 + SWEEP_SHARE * seconds)
            break;
        /* Written, not only read, so that every page is a page of its own
         * and not the shared zero page. */
        const double w0 = now();
        memset(buf + touched, 0x5a, size - touched);
        touching += now() - w0;
        touched = size;
        const int passes = passes_for((double)size);
        add_point(&p->one, (double)size, read_rate(buf, size, 1, passes));
        add_point(&p->all, (double)size, read_rate(buf, size, p->threads, passes));
        if ((size >= least && at_memory(&p->one) && at_memory(&p->all)) ||
            now() - t0 > SWEEP_SHARE * seconds)
            break;
    }
    p->reach = least;
    read_again(p, buf, t0 + AGAIN_SHARE * seconds);
    munmap(buf, most);
    p->seconds = now() - t0;
    p->one_knees = omps_cache_knees(&p->one, p->reach);
    p->all_knees = omps_cache_knees(&p->all, p->reach);
    return p->one.n > 0 ? 0 : -1;
}

/* ---- keeping ----------------------------------------------------------- */

void omps_cache_fingerprint(const struct omps_cache_facts *f, const char *cpu_model,
                            const char *cpus, char *out, size_t len)
{
    const int version = PROBE_VERSION;
    uint64_t h = omps_hash_bytes(OMPS_HASH_START, &version, sizeof version);
    h = omps_hash_bytes(h, cpu_model, strlen(cpu_model));
    h = omps_hash_bytes(h, cpus, strlen(cpus));
    for (int l = 0; l < OMPS_CACHE_LEVELS; l++) {
        const uint64_t r[3] = {f->levels[l].sysfs, f->levels[l].hwloc, f->levels[l].cpuid};
        h = omps_hash_bytes(h, r, sizeof r);
    }
    snprintf(out, len, "%016llx", (unsigned long long)h);
}

static json_t *curve_json(const struct omps_cache_curve *c)
{
    json_t *bytes = json_array(), *gbs = json_array();
    for (size_t i = 0; i < c->n; i++) {
        json_array_append_new(bytes, json_integer((json_int_t)c->bytes[i]));
        json_array_append_new(gbs, json_real(c->gbs[i]));
    }
    return json_pack("{s:o, s:o}", "bytes", bytes, "gb_per_s", gbs);
}

/* Reads a curve back; 0 when it is whole and ascending. */
static int curve_read(json_t *o, struct omps_cache_curve *c)
{
    json_t *bytes = json_object_get(o, "bytes"), *gbs = json_object_get(o, "gb_per_s");
    const size_t n = json_array_size(bytes);
    if (n == 0 || n > OMPS_CURVE_MAX || json_array_size(gbs) != n)
        return -1;
    c->n = 0;
    for (size_t i = 0; i < n; i++) {
        const double b = json_number_value(json_array_get(bytes, i));
        const double r = json_number_value(json_array_get(gbs, i));
        if (!(b > 0 && r > 0) || (i > 0 && !(b > c->bytes[i - 1])))
            return -1;
        add_point(c, b, r);
    }
    return 0;
}

static json_t *knees_json(const struct omps_cache_knees *k)
{
    return json_pack("{s:I, s:b, s:o}", "last_bytes", (json_int_t)k->last, "at_least",
                     k->at_least, "inner_bytes",
                     k->inner ? json_integer((json_int_t)k->inner) : json_null());
}

json_t *omps_cache_probe_json(const struct omps_cache_probe *p)
{
    return json_pack("{s:s, s:i, s:f, s:b, s:i, s:I, s:o, s:o, s:o, s:o}", "fingerprint",
                     p->fingerprint, "version", PROBE_VERSION, "seconds", p->seconds, "reused",
                     p->reused, "threads", p->threads, "reach_bytes", (json_int_t)p->reach,
                     "one_thread", curve_json(&p->one), "all_threads", curve_json(&p->all),
                     "one_thread_knees", knees_json(&p->one_knees), "all_threads_knees",
                     knees_json(&p->all_knees));
}

/* Reads a kept probe; 0 when it is this machine's and whole. */
static int probe_read(const char *path, struct omps_cache_probe *p)
{
    json_t *root = json_load_file(path, 0, NULL);
    const char *fp = json_string_value(json_object_get(root, "fingerprint"));
    int rc = -1;
    if (fp != NULL && strcmp(fp, p->fingerprint) == 0 &&
        json_integer_value(json_object_get(root, "version")) == PROBE_VERSION &&
        curve_read(json_object_get(root, "one_thread"), &p->one) == 0 &&
        curve_read(json_object_get(root, "all_threads"), &p->all) == 0) {
        p->threads = (int)json_integer_value(json_object_get(root, "threads"));
        p->seconds = json_number_value(json_object_get(root, "seconds"));
        p->reach = (uint64_t)json_integer_value(json_object_get(root, "reach_bytes"));
        p->one_knees = omps_cache_knees(&p->one, p->reach);
        p->all_knees = omps_cache_knees(&p->all, p->reach);
        p->reused = 1;
        rc = 0;
    }
    json_decref(root);
    return rc;
}

int omps_cache_probe_get(struct omps_cache_probe *p, const char *dir, int mode,
                         uint64_t largest_report)
{
    char path[4200], name[64], fingerprint[sizeof p->fingerprint];
    snprintf(fingerprint, sizeof fingerprint, "%s", p->fingerprint);
    snprintf(name, sizeof name, "cache-probe-%s.json", fingerprint);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (mode < 2 && probe_read(path, p) == 0)
        return 0;
    if (mode == 0)
        return -1;
    /* Past twice the largest report (a 1 GiB L3 is read to 2 GiB), at
     * least 64 MiB, and at most 2 GiB or an eighth of memory. */
    const double memory = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    const uint64_t least = largest_report * 2 > (UINT64_C(64) << 20) ? largest_report * 2
                                                                      : UINT64_C(64) << 20;
    uint64_t most = least * 4 < (UINT64_C(2) << 30) ? least * 4 : UINT64_C(2) << 30;
    if (memory > 0 && (double)most > memory / 8)
        most = (uint64_t)(memory / 8);
    if (omps_cache_probe_measure(p, least, most, 2.0) != 0)
        return -1;
    snprintf(p->fingerprint, sizeof p->fingerprint, "%s", fingerprint);
    json_t *root = omps_cache_probe_json(p);
    /* Only the keeping is lost when the directory cannot be made or written. */
    if (root != NULL && omps_make_dirs(dir) == 0)
        omps_write_json(dir, name, root);
    json_decref(root);
    return 0;
}

void omps_cache_probe_apply(const struct omps_cache_probe *p, struct omps_cache_facts *f)
{
    struct omps_cache_level *last = &f->levels[f->last - 1];
    last->measured = p->one_knees.last;
    last->at_least = p->one_knees.at_least;
    if (f->last >= 2 && p->one_knees.inner)
        f->levels[f->last - 2].measured = p->one_knees.inner;
    omps_cache_choose(f);
}
