#define _GNU_SOURCE
#include "load.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double seconds_of(const struct timespec *t)
{
    return (double)t->tv_sec + 1e-9 * (double)t->tv_nsec;
}

/* A process's CPU time in seconds (0 when its clock cannot be read). */
static double cpu_time(pid_t pid)
{
    clockid_t id = CLOCK_PROCESS_CPUTIME_ID;
    struct timespec t;
    if (pid > 0 && clock_getcpuclockid(pid, &id) != 0)
        return 0;
    return clock_gettime(id, &t) == 0 ? seconds_of(&t) : 0;
}

/* Sums /proc/stat's busy ticks (user, nice, system, irq, softirq, steal)
 * over the CPUs in set; returns how many CPUs were summed. */
static int busy_ticks(const cpu_set_t *set, double *ticks)
{
    char line[512];
    FILE *f = fopen("/proc/stat", "r");
    int cpus = 0;
    *ticks = 0;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        unsigned long long v[8] = {0};
        int cpu;
        if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9')
            continue;
        if (sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0], &v[1],
                   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 9 ||
            cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, set))
            continue;
        /* v: user nice system idle iowait irq softirq steal. */
        *ticks += (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);
        cpus++;
    }
    if (f != NULL)
        fclose(f);
    return cpus;
}

void omps_load_read(struct omps_load *l, pid_t child)
{
    cpu_set_t set;
    struct timespec now;
    double ticks = 0;
    const long hz = sysconf(_SC_CLK_TCK);
    memset(l, 0, sizeof *l);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && hz > 0)
        l->cpus = busy_ticks(&set, &ticks);
    l->busy = hz > 0 ? ticks / (double)hz : 0;
    l->own = cpu_time(0) + (child > 0 ? cpu_time(child) : 0);
    clock_gettime(CLOCK_MONOTONIC, &now);
    l->wall = seconds_of(&now);
}

double omps_load_others(const struct omps_load *a, const struct omps_load *b)
{
    const double wall = b->wall - a->wall;
    if (a->cpus == 0 || a->cpus != b->cpus || !(wall > 0))
        return NAN;
    const double others = (b->busy - a->busy) - (b->own - a->own);
    const double share = others / (wall * a->cpus);
    return share < 0 ? 0 : share > 1 ? 1 : share;
}

double omps_load_since(const struct omps_load *start, pid_t child)
{
    struct omps_load now;
    if (child < 0)
        return NAN;
    omps_load_read(&now, child);
    return omps_load_others(start, &now);
}
