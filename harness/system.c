#define _POSIX_C_SOURCE 200809L
#include "system.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* CPU 0's frequency scaling: its governor and limits (kHz). */
#define CPUFREQ "/sys/devices/system/cpu/cpu0/cpufreq/"

/* The first line of ROOT/path without its newline into buf; 0, or -1 when
 * it cannot be read. */
static int read_line(const char *root, const char *path, char *buf, size_t len)
{
    char full[4096];
    snprintf(full, sizeof full, "%s%s", root, path);
    FILE *f = fopen(full, "r");
    if (f == NULL)
        return -1;
    const int ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

static json_t *text_or_null(const char *root, const char *path)
{
    char line[256];
    return read_line(root, path, line, sizeof line) == 0 ? json_string(line)
                                                         : json_null();
}

/* A whole number from ROOT/path, or null. */
static json_t *integer_or_null(const char *root, const char *path, long long scale)
{
    char line[256], *end;
    if (read_line(root, path, line, sizeof line) != 0)
        return json_null();
    const long long v = strtoll(line, &end, 10);
    return end != line ? json_integer(v / scale) : json_null();
}

/* A 0/1 file as a boolean (inverted for "no_turbo"), or null. */
static json_t *flag_or_null(const char *root, const char *path, int inverted)
{
    char line[64];
    if (read_line(root, path, line, sizeof line) != 0 ||
        (line[0] != '0' && line[0] != '1'))
        return json_null();
    return json_boolean((line[0] == '1') != inverted);
}

/* Turbo: intel_pstate's no_turbo, else cpufreq's boost. */
static json_t *turbo(const char *root)
{
    json_t *t = flag_or_null(root, "/sys/devices/system/cpu/intel_pstate/no_turbo", 1);
    if (json_is_null(t)) {
        json_decref(t);
        t = flag_or_null(root, "/sys/devices/system/cpu/cpufreq/boost", 0);
    }
    return t;
}

/* The bracketed choice of a sysfs mode file ("always [madvise] never"). */
static json_t *mode_or_null(const char *root, const char *path)
{
    char line[256];
    if (read_line(root, path, line, sizeof line) != 0)
        return json_null();
    const char *open = strchr(line, '['), *close = open ? strchr(open, ']') : NULL;
    if (open == NULL || close == NULL)
        return json_string(line);
    return json_stringn(open + 1, (size_t)(close - open - 1));
}

/* The hypervisor's own name from CPUID leaf 0x40000000 ("KVMKVMKVM"), or
 * an empty string where there is no such leaf. */
static void hypervisor_signature(char sig[13])
{
    sig[0] = '\0';
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    __cpuid(0x40000000, a, b, c, d);
    memcpy(sig, &b, 4);
    memcpy(sig + 4, &c, 4);
    memcpy(sig + 8, &d, 4);
    sig[12] = '\0';
    for (int i = 0; i < 12; i++)
        sig[i] = sig[i] >= 32 && sig[i] < 127 ? sig[i] : '\0';
    (void)a;
#endif
}

/* Whether /proc/cpuinfo's flags say "hypervisor", and which: the vendor
 * DMI names, else (on the machine itself) CPUID's signature. */
static json_t *hypervisor(const char *root)
{
    char path[4096], line[4096];
    snprintf(path, sizeof path, "%s/proc/cpuinfo", root);
    FILE *f = fopen(path, "r");
    int found = 0, flags = 0;
    while (f != NULL && !flags && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        flags = 1;
        found = strstr(line, " hypervisor") != NULL;
    }
    if (f != NULL)
        fclose(f);
    if (!flags)
        return json_null();
    if (!found)
        return json_false();
    char name[64] = "";
    if (read_line(root, "/sys/class/dmi/id/sys_vendor", name, sizeof name) != 0 && !*root)
        hypervisor_signature(name);
    return json_string(*name ? name : "unknown");
}

static json_t *load_average(const char *root)
{
    char line[256];
    double one;
    if (read_line(root, "/proc/loadavg", line, sizeof line) != 0 ||
        sscanf(line, "%lf", &one) != 1)
        return json_null();
    return json_real(one);
}

static json_t *kernel_release(const char *root)
{
    struct utsname u;
    /* A test's imitation names its own; the machine's comes from uname. */
    if (*root)
        return text_or_null(root, "/proc/sys/kernel/osrelease");
    return uname(&u) == 0 ? json_string(u.release) : json_null();
}

static void finding(json_t *noise, const char *text)
{
    json_array_append_new(noise, json_string(text));
}

/* The settings known to add noise, each with what would change it. */
static json_t *noise_of(json_t *s, int logical_cpus)
{
    json_t *noise = json_array();
    char buf[512];
    const char *gov = json_string_value(json_object_get(s, "cpu_governor"));
    if (gov != NULL && strcmp(gov, "performance") != 0) {
        snprintf(buf, sizeof buf,
                 "the CPU frequency governor is %s: the clock follows the "
                 "load (cpupower frequency-set -g performance)",
                 gov);
        finding(noise, buf);
    }
    if (json_is_true(json_object_get(s, "turbo")))
        finding(
            noise,
            "turbo boost is on: the clock depends on temperature and on how many "
            "cores are busy (echo 1 > /sys/devices/system/cpu/intel_pstate/no_turbo, "
            "or echo 0 > /sys/devices/system/cpu/cpufreq/boost)");
    if (json_is_true(json_object_get(s, "numa_balancing")))
        finding(noise,
                "NUMA balancing is on: the kernel moves pages while they are timed "
                "(sysctl kernel.numa_balancing=0)");
    const char *thp = json_string_value(json_object_get(s, "transparent_hugepages"));
    if (thp != NULL && strcmp(thp, "always") == 0)
        finding(
            noise,
            "transparent huge pages are 'always': khugepaged may merge pages during "
            "a run (echo madvise > /sys/kernel/mm/transparent_hugepage/enabled)");
    const double load = json_number_value(json_object_get(s, "load_average_1m"));
    if (json_is_number(json_object_get(s, "load_average_1m")) && logical_cpus > 0 &&
        load > 0.25 * logical_cpus) {
        snprintf(buf, sizeof buf,
                 "the load average was %.2f over %d CPUs at the start: other "
                 "work shares the machine (run when it is idle)",
                 load, logical_cpus);
        finding(noise, buf);
    }
    const char *hv = json_string_value(json_object_get(s, "hypervisor"));
    if (hv != NULL) {
        snprintf(
            buf, sizeof buf,
            "it runs under a hypervisor (%s): other guests' load and "
            "the host's placement of the vCPUs move timings (dedicated or pinned vCPUs "
            "help)",
            hv);
        finding(noise, buf);
    }
    return noise;
}

json_t *omps_system_json(const char *root, int logical_cpus)
{
    json_t *s = json_object();
    if (s == NULL)
        return NULL;
    json_object_set_new(s, "cpu_governor",
                        text_or_null(root, CPUFREQ "scaling_governor"));
    json_object_set_new(s, "cpu_min_mhz",
                        integer_or_null(root, CPUFREQ "scaling_min_freq", 1000));
    json_object_set_new(s, "cpu_max_mhz",
                        integer_or_null(root, CPUFREQ "scaling_max_freq", 1000));
    json_object_set_new(s, "turbo", turbo(root));
    json_object_set_new(
        s, "transparent_hugepages",
        mode_or_null(root, "/sys/kernel/mm/transparent_hugepage/enabled"));
    json_object_set_new(s, "numa_balancing",
                        flag_or_null(root, "/proc/sys/kernel/numa_balancing", 0));
    json_object_set_new(
        s, "aslr", integer_or_null(root, "/proc/sys/kernel/randomize_va_space", 1));
    json_object_set_new(s, "smt",
                        flag_or_null(root, "/sys/devices/system/cpu/smt/active", 0));
    json_object_set_new(s, "kernel", kernel_release(root));
    json_object_set_new(s, "hypervisor", hypervisor(root));
    json_object_set_new(s, "load_average_1m", load_average(root));
    json_object_set_new(s, "noise", noise_of(s, logical_cpus));
    return s;
}

const char *omps_system_root(void)
{
    const char *root = getenv("OMPSCALE_SYSTEM_ROOT");
    return root != NULL ? root : "";
}
