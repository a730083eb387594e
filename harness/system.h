/*
 * The machine's state that moves timings, recorded in machine.json's
 * "system" (Hoefler and Belli: document every factor that can vary): the
 * CPU frequency governor and limits, turbo, transparent huge pages, NUMA
 * balancing, address-space randomisation, SMT, the kernel, a hypervisor,
 * and the load average at the start; null where the machine does not say.
 * Settings known to add noise come with what to change; nothing is changed.
 */
#ifndef OMPSCALE_SYSTEM_H
#define OMPSCALE_SYSTEM_H

#include <jansson.h>

/*
 * Reads the state from /proc and /sys under root ("" for the machine's own;
 * a test passes a directory that imitates them).  logical_cpus scales the
 * load average.  Returns a new object, its "noise" an array of one-line
 * findings ("the CPU frequency governor is powersave: ... (cpupower
 * frequency-set -g performance)"), or NULL when out of memory.
 */
json_t *omps_system_json(const char *root, int logical_cpus);

/* The root the run reads: OMPSCALE_SYSTEM_ROOT, or "" for the machine's. */
const char *omps_system_root(void);

#endif
