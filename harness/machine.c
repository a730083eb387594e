#define _GNU_SOURCE
#include "machine.h"
#include "kernel.h"

#include <dlfcn.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "build_info.h"
#include "system.h"
#include "files.h"
#include "registry.h"
#include "git_info.h"

extern char **environ;

static void probe_cpu_model(struct omps_machine *m)
{
    snprintf(m->cpu_model, sizeof m->cpu_model, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (colon == NULL || strncmp(line, "model name", 10) != 0)
            continue;
        colon += 1 + strspn(colon + 1, " \t");
        colon[strcspn(colon, "\n")] = '\0';
        snprintf(m->cpu_model, sizeof m->cpu_model, "%s", colon);
        break;
    }
    fclose(f);
}

static void probe_affinity(struct omps_machine *m)
{
    cpu_set_t set;
    m->usable_cpus = m->logical_cpus;
    snprintf(m->affinity, sizeof m->affinity, "unknown");
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return;
    m->usable_cpus = CPU_COUNT(&set);
    size_t used = 0;
    m->affinity[0] = '\0';
    for (int cpu = 0; cpu < CPU_SETSIZE && used + 8 < sizeof m->affinity; cpu++) {
        if (!CPU_ISSET(cpu, &set))
            continue;
        int end = cpu;
        while (end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, &set))
            end++;
        int w = end > cpu ? snprintf(m->affinity + used, sizeof m->affinity - used,
                                     "%s%d-%d", used ? "," : "", cpu, end)
                          : snprintf(m->affinity + used, sizeof m->affinity - used,
                                     "%s%d", used ? "," : "", cpu);
        used += (size_t)(w > 0 ? w : 0);
        cpu = end;
    }
}

int omps_machine_probe(struct omps_machine *m, char *err, size_t err_len)
{
    memset(m, 0, sizeof *m);
    int rc = omps_topology_probe(&m->topology, err, err_len);
    if (rc != 0)
        return rc;
    probe_cpu_model(m);
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    m->logical_cpus = online > 0 ? (int)online : 1;
    probe_affinity(m);
    /* Counts come from the CPUs this process may use, as hwloc sees them
     * (the synthetic machine's under HWLOC_SYNTHETIC). */
    m->physical_cores = m->topology.cores;
    m->usable_cpus = m->topology.pus;
    if (m->topology.synthetic)
        m->logical_cpus = m->topology.pus;
    /* A synthetic machine's sizes come from its description alone
     * ("l3:2(size=32MB)"), so that --dry-run sizes kernels as there. */
    omps_cache_reports(&m->cache_facts, omps_system_root(), m->topology.cache_bytes,
                       m->topology.synthetic);
    m->llc_bytes = m->cache_facts.used;
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    m->memory_bytes = pages > 0 && page > 0 ? (double)pages * (double)page : INFINITY;
    m->line_bytes = m->cache_facts.nsysfs > 0 ? m->cache_facts.sysfs[0].line_bytes : 0;
    if (m->line_bytes <= 0) {
        long line = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
        m->line_bytes = line > 0 ? (int)line : 64;
    }
    m->division_ns = NAN; /* measured only by a run that will record it */
    m->fma_gflops = NAN;
    return 0;
}

void omps_machine_settle_caches(struct omps_machine *m, const char *dir, int mode)
{
    struct omps_cache_facts *f = &m->cache_facts;
    if (m->topology.synthetic)
        return;
    /* The probe reads past the largest size any report names. */
    uint64_t largest = 0;
    for (int l = 0; l < OMPS_CACHE_LEVELS; l++) {
        const uint64_t said[3] = {f->levels[l].sysfs, f->levels[l].hwloc, f->levels[l].cpuid};
        for (int s = 0; s < 3; s++)
            largest = said[s] > largest ? said[s] : largest;
    }
    omps_cache_fingerprint(f, m->cpu_model, m->topology.cpuset, m->cache_probe.fingerprint,
                           sizeof m->cache_probe.fingerprint);
    m->cache_probed = omps_cache_probe_get(&m->cache_probe, dir, mode, largest) == 0;
    if (m->cache_probed)
        omps_cache_probe_apply(&m->cache_probe, f);
    m->llc_bytes = f->used;
}

const char *omps_openmp_runtime(void)
{
    Dl_info info;
    /* The address of a runtime entry point names the library it lives in. */
    void *entry = (void *)(uintptr_t)&omp_get_num_threads;
    if (dladdr(entry, &info) != 0 && info.dli_fname != NULL)
        return info.dli_fname;
    return "unknown";
}

static json_t *caches_json(const struct omps_machine *m)
{
    json_t *list = json_array();
    for (int i = 0; list != NULL && i < m->cache_facts.nsysfs; i++) {
        const struct omps_cache *c = &m->cache_facts.sysfs[i];
        json_array_append_new(
            list, json_pack("{s:i, s:s, s:I, s:i, s:s}", "level", c->level,
                            "type", c->type, "size_bytes",
                            (json_int_t)c->size_bytes, "line_bytes",
                            c->line_bytes, "shared_cpu_list", c->shared_cpus));
    }
    return list;
}

/* Every OMP_*, GOMP_* and KMP_* variable, since each can change results. */
static json_t *openmp_env_json(void)
{
    json_t *env = json_object();
    for (char **e = environ; env != NULL && *e != NULL; e++) {
        if (strncmp(*e, "OMP_", 4) != 0 && strncmp(*e, "GOMP_", 5) != 0 &&
            strncmp(*e, "KMP_", 4) != 0)
            continue;
        const char *eq = strchr(*e, '=');
        if (eq == NULL)
            continue;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(eq - *e), *e);
        json_object_set_new(env, name, json_string(eq + 1));
    }
    return env;
}

static void iso_date(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* {"cpus": [OS indexes], "ns": [[row], ...]} in whole nanoseconds; a
 * failed pair is null. */
static json_t *latency_json(const struct omps_latency_map *map)
{
    json_t *cpus = json_array(), *rows = json_array();
    for (int i = 0; i < map->count; i++) {
        json_array_append_new(cpus, json_integer(map->cpus[i]));
        json_t *row = json_array();
        for (int j = 0; j < map->count; j++) {
            const double v = map->ns[i * map->count + j];
            json_array_append_new(row, isfinite(v) ? json_integer((json_int_t)llround(v))
                                                   : json_null());
        }
        json_array_append_new(rows, row);
    }
    return json_pack("{s:o, s:o}", "cpus", cpus, "ns", rows);
}

/* The kernel's transparent huge page mode (the bracketed word of
 * /sys/kernel/mm/transparent_hugepage/enabled, or "unknown"), and that
 * kernel arrays of 4 MiB and more ask for them (madvise). */
static json_t *thp_json(void)
{
    char line[256] = "", mode[32] = "unknown";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f != NULL) {
        if (fgets(line, sizeof line, f) == NULL)
            line[0] = '\0';
        fclose(f);
    }
    const char *open = strchr(line, '['), *close = open ? strchr(open, ']') : NULL;
    if (open != NULL && close != NULL && close - open - 1 < (long)sizeof mode)
        snprintf(mode, sizeof mode, "%.*s", (int)(close - open - 1), open + 1);
    return json_pack("{s:s, s:b}", "mode", mode, "asked_for_large_arrays", 1);
}

/* How copy writes large arrays: OMPSCALE_STORES, or the rule. */
static const char *stores_json(void)
{
    const char *v = omps_stores_setting();
    return v == NULL ? "auto" : v;
}

/* The plugins loaded: each one's absolute path, the hash of its bytes
 * (a rebuilt plugin is another build: --resume refuses it) and its
 * kernels. */
static json_t *plugins_json(void)
{
    json_t *list = json_array();
    for (size_t i = 0; i < omps_plugin_count(); i++) {
        const char *path = omps_plugin_path(i);
        uint64_t hash = 0;
        char text[32];
        json_t *kernels = json_array();
        for (size_t k = 0; k < omps_kernel_count(); k++) {
            if (omps_kernel_at(k)->origin != NULL && strcmp(omps_kernel_at(k)->origin, path) == 0)
                json_array_append_new(kernels, json_string(omps_kernel_at(k)->name));
        }
        snprintf(text, sizeof text, "%016llx",
                 omps_file_hash(path, &hash) == 0 ? (unsigned long long)hash : 0ULL);
        json_array_append_new(list, json_pack("{s:s, s:s, s:o}", "path", path, "hash", text,
                                              "kernels", kernels));
    }
    return list;
}

/* The programs run by command: each one's kernel name, command line,
 * check, --time-from and --result (absent when not given) and whether it
 * ran under mpirun. */
static json_t *commands_json(void)
{
    json_t *list = json_array();
    for (size_t k = 0; k < omps_kernel_count(); k++) {
        const struct omps_kernel *c = omps_kernel_at(k);
        if (c->command != NULL)
            json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:b}", "name",
                                                  c->name, "command", c->command, "check",
                                                  c->command_check, "time_from",
                                                  c->command_time_from, "result",
                                                  c->command_result, "ranked",
                                                  c->ranked != OMPS_RANKED_NO));
    }
    return list;
}

json_t *omps_machine_json(const struct omps_machine *m)
{
    char date[32], host[256] = "unknown";
    iso_date(date, sizeof date);
    gethostname(host, sizeof host - 1);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:I, s:i, s:o, s:s, s:s, s:s,"
        " s:i, s:s, s:o, s:s, s:b, s:s, s:o}",
        "date", date, "host", host, "cpu_model", m->cpu_model,
        "physical_cores", m->physical_cores, "logical_cpus", m->logical_cpus,
        "usable_cpus", m->usable_cpus, "affinity", m->affinity,
        "llc_bytes", (json_int_t)m->llc_bytes, "cache_line_bytes",
        m->line_bytes, "caches", caches_json(m), "compiler", OMPS_COMPILER,
        "compiler_flags", OMPS_C_FLAGS, "build_type", OMPS_BUILD_TYPE,
        "openmp_version", _OPENMP, "omp_runtime", omps_openmp_runtime(),
        "omp_environment", openmp_env_json(), "git_commit", OMPS_GIT_COMMIT,
        "git_dirty", OMPS_GIT_DIRTY, "ompscale_version", OMPS_VERSION, "topology",
        omps_topology_json(&m->topology));
    if (o != NULL && isfinite(m->division_ns))
        json_object_set_new(o, "division_ns", json_real(m->division_ns));
    if (o != NULL && isfinite(m->fma_gflops))
        json_object_set_new(o, "fma_gflops", json_real(m->fma_gflops));
    /* The commit's own time orders a history's runs by commit (ompscale
     * history); empty outside a git checkout. */
    if (o != NULL && OMPS_GIT_COMMIT_TIME[0] != '\0')
        json_object_set_new(o, "git_commit_time", json_string(OMPS_GIT_COMMIT_TIME));
    if (o != NULL)
        json_object_set_new(o, "copy_stores", json_string(stores_json()));
    if (o != NULL && omps_plugin_count() > 0)
        json_object_set_new(o, "plugins", plugins_json());
    json_t *commands = o != NULL ? commands_json() : NULL;
    if (commands != NULL && json_array_size(commands) > 0)
        json_object_set_new(o, "commands", commands);
    else
        json_decref(commands);
    if (o != NULL)
        json_object_set_new(o, "calibration", omps_rates_json(&m->rates));
    if (o != NULL)
        json_object_set_new(o, "transparent_hugepages", thp_json());
    if (o != NULL)
        json_object_set_new(o, "cache_levels", omps_cache_facts_json(&m->cache_facts));
    if (o != NULL && m->cache_facts.finding[0] != '\0')
        json_object_set_new(o, "cache_finding", json_string(m->cache_facts.finding));
    if (o != NULL && m->cache_probed)
        json_object_set_new(o, "cache_probe", omps_cache_probe_json(&m->cache_probe));
    if (o != NULL && m->latency.count >= 2)
        json_object_set_new(o, "core_to_core_ns", latency_json(&m->latency));
    return o;
}
