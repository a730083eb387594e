#define _GNU_SOURCE
#include "caches.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "latency.h"
#include "parse.h"

static const char *const source_names[] = {"sysfs", "hwloc", "cpuid"};

/* The first CPU this process may run on: its caches are the ones a
 * single-threaded kernel meets (cpu0 may be a core of another kind). */
static int first_usable_cpu(const char *root)
{
    int cpu = 0;
    return *root == '\0' && omps_latency_usable_cpus(&cpu, 1) == 1 ? cpu : 0;
}

/* Reads one line of a sysfs file; 0 on success. */
static int read_text(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    const int ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    return ok ? 0 : -1;
}

/* "32K", "1024K" or "32M" as bytes; 0 when it is not a size. */
static uint64_t sysfs_size(const char *text)
{
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text)
        return 0;
    if (*end == 'K')
        v <<= 10;
    else if (*end == 'M')
        v <<= 20;
    else if (*end == 'G')
        v <<= 30;
    return v;
}

/* Reads field of cache entry `index` of the CPU under base into buf; 0 on
 * success. */
static int read_field(const char *base, int index, const char *field, char *buf, size_t len)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/index%d/%s", base, index, field);
    return read_text(path, buf, len);
}

/* Reads sysfs's cache entries, kept in f->sysfs, and each level's largest
 * data or unified cache. */
static void read_sysfs(struct omps_cache_facts *f, const char *root)
{
    char base[4200];
    snprintf(base, sizeof base, "%s/sys/devices/system/cpu/cpu%d/cache", root,
             first_usable_cpu(root));
    for (int i = 0; i < 16 && f->nsysfs < OMPS_MAX_CACHES; i++) {
        struct omps_cache *c = &f->sysfs[f->nsysfs];
        char text[64];
        if (read_field(base, i, "size", text, sizeof text) != 0)
            break;
        c->size_bytes = sysfs_size(text);
        c->level = read_field(base, i, "level", text, sizeof text) == 0 ? atoi(text) : 0;
        c->line_bytes =
            read_field(base, i, "coherency_line_size", text, sizeof text) == 0 ? atoi(text) : 0;
        if (read_field(base, i, "type", c->type, sizeof c->type) != 0)
            snprintf(c->type, sizeof c->type, "unknown");
        if (read_field(base, i, "shared_cpu_list", c->shared_cpus, sizeof c->shared_cpus) != 0)
            c->shared_cpus[0] = '\0';
        f->nsysfs++;
        if (strcmp(c->type, "Instruction") != 0 && c->level >= 1 &&
            c->level <= OMPS_CACHE_LEVELS && c->size_bytes > f->levels[c->level - 1].sysfs)
            f->levels[c->level - 1].sysfs = c->size_bytes;
    }
}

/* CPUID as the C library reads it (glibc asks CPUID leaf 4 or 0x8000001D
 * on x86); sysconf says 0 or -1 for a level it does not know. */
static void read_cpuid(struct omps_cache_facts *f)
{
    const int names[OMPS_CACHE_LEVELS] = {_SC_LEVEL1_DCACHE_SIZE, _SC_LEVEL2_CACHE_SIZE,
                                          _SC_LEVEL3_CACHE_SIZE, _SC_LEVEL4_CACHE_SIZE};
    for (int l = 0; l < OMPS_CACHE_LEVELS; l++) {
        const long v = sysconf(names[l]);
        f->levels[l].cpuid = v > 0 ? (uint64_t)v : 0;
    }
}

static uint64_t report_of(const struct omps_cache_level *l, int source)
{
    return source == 0 ? l->sysfs : source == 1 ? l->hwloc : l->cpuid;
}

void omps_cache_reports(struct omps_cache_facts *f, const char *root,
                        const uint64_t hwloc_bytes[OMPS_CACHE_LEVELS], int synthetic)
{
    memset(f, 0, sizeof *f);
    f->synthetic = synthetic;
    if (!synthetic)
        read_sysfs(f, root);
    for (int l = 0; l < OMPS_CACHE_LEVELS; l++)
        f->levels[l].hwloc = hwloc_bytes[l];
    if (!synthetic && *root == '\0')
        read_cpuid(f);
    f->last = 3;
    for (int l = OMPS_CACHE_LEVELS; l >= 1; l--) {
        const struct omps_cache_level *c = &f->levels[l - 1];
        if (c->sysfs || c->hwloc || c->cpuid) {
            f->last = l;
            break;
        }
    }
    omps_cache_choose(f);
}

/* How many times apart two sizes are (at least 1). */
static double apart(uint64_t a, uint64_t b)
{
    return a > b ? (double)a / (double)b : (double)b / (double)a;
}

/* Whether any two figures for the level are more than twice apart; a
 * lower bound disagrees only with a report below half of it. */
static int disagree(const struct omps_cache_level *l)
{
    for (int a = 0; a < 3; a++) {
        for (int b = a + 1; b < 3; b++) {
            const uint64_t x = report_of(l, a), y = report_of(l, b);
            if (x && y && apart(x, y) > OMPS_CACHE_DISAGREE)
                return 1;
        }
        const uint64_t x = report_of(l, a);
        if (x && l->measured && (l->at_least ? (double)x < (double)l->measured / OMPS_CACHE_DISAGREE
                                             : apart(x, l->measured) > OMPS_CACHE_DISAGREE))
            return 1;
    }
    return 0;
}

/* The finding: every report of the last level, what the CPUs showed and
 * what the run sizes for, in one line. */
static void write_finding(struct omps_cache_facts *f)
{
    const struct omps_cache_level *l = &f->levels[f->last - 1];
    char size[32];
    size_t used = (size_t)snprintf(f->finding, sizeof f->finding,
                                   "the machine's reports of its L%d disagree:", f->last);
    for (int s = 0; s < 3 && used < sizeof f->finding; s++) {
        const uint64_t x = report_of(l, s);
        omps_format_bytes(x, size, sizeof size);
        used += (size_t)snprintf(f->finding + used, sizeof f->finding - used, "%s %s %s",
                                 s ? "," : "", source_names[s], x ? size : "none");
    }
    if (l->measured && used < sizeof f->finding) {
        omps_format_bytes(l->measured, size, sizeof size);
        used += (size_t)snprintf(f->finding + used, sizeof f->finding - used,
                                 "; these CPUs behave as if they had %s%s", l->at_least ?
                                 "at least " : "", size);
    }
    omps_format_bytes(f->used, size, sizeof size);
    if (used < sizeof f->finding)
        snprintf(f->finding + used, sizeof f->finding - used, "; sized for %s (%s)", size,
                 f->used_from);
}

/* The report of the last level: the first source that names it. */
static int first_report(const struct omps_cache_level *l, uint64_t *size)
{
    for (int s = 0; s < 3; s++) {
        if ((*size = report_of(l, s)) != 0)
            return s;
    }
    return -1;
}

static void use(struct omps_cache_facts *f, uint64_t size, const char *from, const char *why)
{
    f->used = size;
    snprintf(f->used_from, sizeof f->used_from, "%s", from);
    snprintf(f->why, sizeof f->why, "%s", why);
}

void omps_cache_choose(struct omps_cache_facts *f)
{
    const struct omps_cache_level *l = &f->levels[f->last - 1];
    uint64_t report = 0;
    const int source = first_report(l, &report);
    const char *from = source >= 0 ? source_names[source] : "";
    f->finding[0] = '\0';
    if (l->measured && source < 0)
        use(f, l->measured, "measured", "no report names the last level");
    else if (l->measured && l->at_least && (double)report < (double)l->measured / OMPS_CACHE_DISAGREE)
        use(f, l->measured, "measured", "the CPUs held more than twice the reported size in cache");
    else if (l->measured && !l->at_least && apart(report, l->measured) > OMPS_CACHE_DISAGREE)
        use(f, l->measured, "measured", "the report is more than twice off what these CPUs showed");
    else if (source >= 0)
        use(f, report, from, l->measured ? "the report agrees with the measurement within twice"
                                         : "no measurement; the first report that names it");
    else
        use(f, OMPS_CACHE_ASSUMED, "assumed", "nothing reports or measured a cache");
    if (disagree(l))
        write_finding(f);
}

/* A size, or null for none. */
static json_t *size_or_null(uint64_t v)
{
    return v ? json_integer((json_int_t)v) : json_null();
}

json_t *omps_cache_facts_json(const struct omps_cache_facts *f)
{
    json_t *list = json_array();
    for (int i = 0; list != NULL && i < OMPS_CACHE_LEVELS; i++) {
        const struct omps_cache_level *l = &f->levels[i];
        if (!l->sysfs && !l->hwloc && !l->cpuid && !l->measured && i + 1 != f->last)
            continue;
        json_t *o = json_pack("{s:i, s:o, s:o, s:o, s:o, s:b}", "level", i + 1, "sysfs_bytes",
                              size_or_null(l->sysfs), "hwloc_bytes", size_or_null(l->hwloc),
                              "cpuid_bytes", size_or_null(l->cpuid), "measured_bytes",
                              size_or_null(l->measured), "measured_at_least", l->at_least);
        if (o != NULL && i + 1 == f->last)
            json_object_update_new(o, json_pack("{s:I, s:s, s:s}", "used_bytes",
                                                (json_int_t)f->used, "used_from", f->used_from,
                                                "why", f->why));
        json_array_append_new(list, o);
    }
    return list;
}
