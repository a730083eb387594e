#define _GNU_SOURCE
/*
 * The cache facts: the rule that picks the size a run uses on the machines
 * that lie (no cache files, a CPUID figure 16 times the truth, hwloc and
 * sysfs disagreeing, a host's L3 passed to a guest), and the knee rule on
 * bandwidth curves with known capacities, noisy and clean.
 */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cache_probe.h"
#include "caches.h"
#include "check.h"
#include "rng.h"

#define MIB (UINT64_C(1) << 20)

/* Facts for the last level (L3) from the three reports and a measurement. */
static struct omps_cache_facts l3(uint64_t sysfs, uint64_t hwloc, uint64_t cpuid,
                                  uint64_t measured, int at_least)
{
    struct omps_cache_facts f = {.last = 3};
    f.levels[2] = (struct omps_cache_level){sysfs, hwloc, cpuid, measured, at_least};
    omps_cache_choose(&f);
    return f;
}

static void test_choice(void)
{
    /* The bhyve guest: no cache files, hwloc and CPUID the socket's 508 MiB,
     * two vCPUs on two 32 MiB CCDs. */
    struct omps_cache_facts f = l3(0, 508 * MIB, 508 * MIB, 32 * MIB, 0);
    CHECK_INT_EQ(f.used, 32 * MIB);
    CHECK_STR_EQ(f.used_from, "measured");
    CHECK(strstr(f.finding, "hwloc 508 MiB") != NULL);
    CHECK(strstr(f.finding, "sysfs none") != NULL);
    CHECK(strstr(f.finding, "behave as if they had 32 MiB") != NULL);
    /* The same guest planned without a probe (a dry run): the report. */
    f = l3(0, 508 * MIB, 508 * MIB, 0, 0);
    CHECK_INT_EQ(f.used, 508 * MIB);
    CHECK_STR_EQ(f.used_from, "hwloc");
    CHECK(f.finding[0] == '\0');
    /* A CPUID figure 16 times the truth beside a right sysfs: sysfs, and a
     * finding naming CPUID. */
    f = l3(32 * MIB, 32 * MIB, 512 * MIB, 28 * MIB, 0);
    CHECK_INT_EQ(f.used, 32 * MIB);
    CHECK_STR_EQ(f.used_from, "sysfs");
    CHECK(strstr(f.finding, "cpuid 512 MiB") != NULL);
    /* hwloc and sysfs four times apart with no measurement: sysfs first,
     * and the disagreement said. */
    f = l3(16 * MIB, 64 * MIB, 0, 0, 0);
    CHECK_INT_EQ(f.used, 16 * MIB);
    CHECK(f.finding[0] != '\0');
    /* Every report 56 bytes (a GitHub-hosted EPYC guest): the measurement. */
    f = l3(56, 56, 56, 32 * MIB, 0);
    CHECK_INT_EQ(f.used, 32 * MIB);
    CHECK_STR_EQ(f.used_from, "measured");
    /* Nothing at all: the assumption, said as one. */
    f = l3(0, 0, 0, 0, 0);
    CHECK_INT_EQ(f.used, OMPS_CACHE_ASSUMED);
    CHECK_STR_EQ(f.used_from, "assumed");
    CHECK(f.finding[0] == '\0');
    /* Only a measurement. */
    f = l3(0, 0, 0, 24 * MIB, 0);
    CHECK_INT_EQ(f.used, 24 * MIB);
    CHECK(f.finding[0] == '\0');
    /* A 1 GiB L3 the probe could not read past 512 MiB: a lower bound
     * agrees with the report and no finding is raised. */
    f = l3(1024 * MIB, 1024 * MIB, 0, 512 * MIB, 1);
    CHECK_INT_EQ(f.used, 1024 * MIB);
    CHECK(f.finding[0] == '\0');
    /* A report of 8 MiB when the CPUs held 64 MiB without a fall. */
    f = l3(8 * MIB, 0, 0, 64 * MIB, 1);
    CHECK_INT_EQ(f.used, 64 * MIB);
    CHECK(strstr(f.finding, "at least 64 MiB") != NULL);
    /* Within twice: the report stands and nothing is said. */
    f = l3(32 * MIB, 32 * MIB, 32 * MIB, 17 * MIB, 0);
    CHECK_INT_EQ(f.used, 32 * MIB);
    CHECK(f.finding[0] == '\0');
}

/*
 * A curve over sizes from 256 KiB by sqrt(2) to `most`, of a private L2
 * (1 MiB, 100 GB/s) in front of a last level of `cache` (50 GB/s) and
 * memory (20 GB/s): a step at each capacity when lru, otherwise the
 * partial hits of random replacement (C / S of the reads hit); noise is
 * the relative spread of each point.
 */
static struct omps_cache_curve curve(double cache, double most, int lru, double noise)
{
    struct omps_cache_curve c = {0};
    const double l2 = 1.0 * (double)MIB, t2 = 1 / 100.0, t3 = 1 / 50.0, tm = 1 / 20.0;
    for (double s = 256 * 1024.0; s <= most && c.n < OMPS_CURVE_MAX; s *= M_SQRT2) {
        const double hit2 = lru ? (s <= l2) : fmin(1, l2 / s);
        const double hit3 = lru ? (s <= cache) : fmin(1, cache / s);
        const double t = hit2 * t2 + (1 - hit2) * (hit3 * t3 + (1 - hit3) * tm);
        c.bytes[c.n] = s;
        c.gbs[c.n++] = (1 / t) * (1 + noise * gaussian());
    }
    return c;
}

static void test_knees(void)
{
    rng_state = 40;
    for (double mib = 6; mib <= 1024; mib *= 1.7) {
        const double cache = mib * (double)MIB;
        for (int lru = 0; lru < 2; lru++) {
            /* Random replacement reads up to twice high: half its reads
             * still hit at twice the capacity. */
            const double high = lru ? 1.5 : 2.1;
            struct omps_cache_curve c = curve(cache, 16 * cache, lru, 0.02);
            struct omps_cache_knees k = omps_cache_knees(&c, (uint64_t)(16 * cache));
            CHECK_REPORT(!k.at_least && (double)k.last >= cache / 1.5 &&
                             (double)k.last <= cache * high,
                         "%s cache of %.1f MiB read as %s%.1f MiB", lru ? "lru" : "random",
                         mib, k.at_least ? "at least " : "", (double)k.last / (double)MIB);
            if (lru)
                CHECK_REPORT(k.inner >= MIB / 1.5 * 1 && k.inner <= MIB * 1.5,
                             "the 1 MiB L2 in front of %.1f MiB read as %.2f MiB", mib,
                             (double)k.inner / (double)MIB);
        }
    }
    /* Read only to half the capacity: a lower bound, never a knee. */
    struct omps_cache_curve c = curve(256.0 * (double)MIB, 128.0 * (double)MIB, 1, 0.02);
    struct omps_cache_knees k = omps_cache_knees(&c, 512 * MIB);
    CHECK(k.at_least);
    CHECK((double)k.last >= 64.0 * (double)MIB);
    CHECK(k.inner >= MIB / 1.5 && k.inner <= MIB * 1.5);
    /* The same curve read to its reach (a machine without an L3, its
     * memory behind a 1 MiB L2): the L2 is the last level. */
    k = omps_cache_knees(&c, 64 * MIB);
    CHECK(!k.at_least && k.last >= MIB / 1.5 && k.last <= MIB * 1.5);
    /* Read to just past it: still falling at the end, a lower bound. */
    c = curve(80.0 * (double)MIB, 100.0 * (double)MIB, 1, 0.0);
    k = omps_cache_knees(&c, 160 * MIB);
    CHECK(k.at_least);
    /* A flat curve (a cache larger than anything read). */
    struct omps_cache_curve flat = {.n = 5, .bytes = {1, 2, 4, 8, 16}, .gbs = {50, 51, 49, 50, 50}};
    k = omps_cache_knees(&flat, 64 * MIB);
    CHECK(k.at_least);
    CHECK_INT_EQ(k.last, 16);
}

/* ---- the run, end to end (when OMPSCALE names the binary) ------------ */

static char tmp[256];

/* Runs a one-configuration sweep into tmp/runs/NAME under an imitated
 * machine with no cache files; returns its exit status. */
static int sweep(const char *bin, const char *name, const char *extra)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/root && OMPSCALE_SYSTEM_ROOT=%s/root %s run --quick "
             "--kernels midpoint --threads 1 --out %s/runs/%s %s >/dev/null 2>%s/%s.err",
             tmp, tmp, bin, tmp, name, extra, tmp, name);
    return system(cmd);
}

static json_t *machine_of(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/runs/%s/machine.json", tmp, name);
    return json_load_file(path, 0, NULL);
}

/* The kept probe's path in tmp/runs/.ompscale (one file, hidden from a
 * glob over the run directories); 0 when there is one. */
static int kept_probe(char *path, size_t len)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/runs/.ompscale", tmp);
    DIR *d = opendir(dir);
    int found = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, "cache-probe-", 12) == 0)
            snprintf(path, len, "%s/%s", dir, e->d_name), found++;
    }
    if (d != NULL)
        closedir(d);
    return found == 1 ? 0 : -1;
}

/* The last level's object in a machine.json. */
static json_t *last_level(json_t *m)
{
    json_t *levels = json_object_get(m, "cache_levels");
    return json_array_get(levels, json_array_size(levels) - 1);
}

static int file_has(const char *name, const char *text)
{
    char path[512], line[2048];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    FILE *f = fopen(path, "r");
    int found = 0;
    while (f != NULL && !found && fgets(line, sizeof line, f) != NULL)
        found = strstr(line, text) != NULL;
    if (f != NULL)
        fclose(f);
    return found;
}

/* Rewrites the kept probe's one-thread curve as a cache of `cache` bytes
 * in front of memory, so the next run reads that measurement. */
static void plant_probe(const char *path, double cache)
{
    json_t *root = json_load_file(path, 0, NULL), *bytes = json_array(), *gbs = json_array();
    for (double s = 256 * 1024.0; s <= 64 * cache; s *= M_SQRT2) {
        json_array_append_new(bytes, json_integer((json_int_t)s));
        json_array_append_new(gbs, json_real(s <= cache ? 60.0 : 20.0));
    }
    json_object_set_new(root, "one_thread", json_pack("{s:o, s:o}", "bytes", bytes,
                                                      "gb_per_s", gbs));
    json_object_set_new(root, "reach_bytes", json_integer(0));
    CHECK(json_dump_file(root, path, 0) == 0);
    json_decref(root);
}

static void test_run(const char *bin)
{
    snprintf(tmp, sizeof tmp, "/tmp/omps-caches-XXXXXX");
    if (mkdtemp(tmp) == NULL)
        return;
    /* No cache files: sysfs says nothing, the probe measures and keeps. */
    CHECK_INT_EQ(sweep(bin, "first", ""), 0);
    json_t *m = machine_of("first");
    json_t *last = last_level(m);
    CHECK(json_is_null(json_object_get(last, "sysfs_bytes")));
    CHECK(json_is_false(json_object_get(json_object_get(m, "cache_probe"), "reused")));
    CHECK(json_integer_value(json_object_get(m, "llc_bytes")) ==
          json_integer_value(json_object_get(last, "used_bytes")));
    const json_int_t hwloc = json_integer_value(json_object_get(last, "hwloc_bytes"));
    json_decref(m);
    char probe[600];
    CHECK(kept_probe(probe, sizeof probe) == 0);
    /* The next run reads the kept probe. */
    CHECK_INT_EQ(sweep(bin, "again", ""), 0);
    m = machine_of("again");
    CHECK(json_is_true(json_object_get(json_object_get(m, "cache_probe"), "reused")));
    json_decref(m);
    /* hwloc's figure 16 times what the CPUs show (the guest of a host with
     * a larger L3): the measurement is used, and said on stderr, in
     * machine.json and on the page. */
    if (hwloc >= (json_int_t)(32 * MIB)) {
        plant_probe(probe, (double)hwloc / 16);
        CHECK_INT_EQ(sweep(bin, "lied", ""), 0);
        m = machine_of("lied");
        const double used = (double)json_integer_value(json_object_get(m, "llc_bytes"));
        CHECK_REPORT(used >= (double)hwloc / 16 / 1.5 && used <= (double)hwloc / 16 * 1.5,
                     "sized for %.0f bytes, not about %lld / 16", used, (long long)hwloc);
        CHECK_STR_EQ(json_string_value(json_object_get(last_level(m), "used_from")), "measured");
        CHECK(json_string_value(json_object_get(m, "cache_finding")) != NULL);
        CHECK(file_has("lied.err", "ompscale: caches: the machine's reports of its L"));
        char cmd[800];
        snprintf(cmd, sizeof cmd, "%s page %s/runs/lied >/dev/null 2>&1", bin, tmp);
        CHECK(system(cmd) == 0);
        CHECK(file_has("runs/lied/index.html", "class=\"finding\">Caches: the machine"));
        json_decref(m);
    } else {
        printf("skipped the lying-machine case: hwloc reports no cache of 32 MiB or more\n");
    }
    /* --reprobe measures again, replacing the planted curve. */
    CHECK_INT_EQ(sweep(bin, "reprobed", "--reprobe"), 0);
    m = machine_of("reprobed");
    CHECK(json_is_false(json_object_get(json_object_get(m, "cache_probe"), "reused")));
    /* Measured again, the planted curve is gone: the size is hwloc's, or on
     * a machine busy enough to halve the cache these CPUs see, the new
     * measurement's, never the planted one's. */
    const char *from = json_string_value(json_object_get(last_level(m), "used_from"));
    CHECK(from != NULL && (strcmp(from, "hwloc") == 0 || strcmp(from, "measured") == 0));
    CHECK(hwloc < (json_int_t)(32 * MIB) ||
          json_integer_value(json_object_get(m, "llc_bytes")) > hwloc / 16 * 3 / 2);
    json_decref(m);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    test_choice();
    test_knees();
    const char *bin = getenv("OMPSCALE");
    if (bin != NULL && *bin != '\0')
        test_run(bin);
    return CHECK_DONE();
}
