/*
 * How busy the machine's other work kept the CPUs while a batch ran: the
 * CPU time that other processes (and, on a VM, the hypervisor's steal)
 * took on the CPUs this process may run on, as a share of their capacity.
 * /proc/stat gives every CPU's busy time; the process's own (and the child
 * that ran the batch) comes from their CPU clocks, and the difference is
 * the others'.
 */
#ifndef OMPSCALE_LOAD_H
#define OMPSCALE_LOAD_H

#include <sys/types.h>

struct omps_load {
    double wall;  /* seconds, monotonic */
    double busy;  /* CPU seconds busy (steal included) on the CPUs, summed */
    double own;   /* CPU seconds of this process and the child measured */
    int cpus;     /* how many CPUs were summed; 0: /proc/stat unreadable */
};

/* Takes a reading: /proc/stat's busy time on this process's CPUs, and the
 * CPU time of this process and of child (0: none). */
void omps_load_read(struct omps_load *l, pid_t child);

/* The others' share of the CPUs between readings a and b, in [0, 1]; NaN
 * when either could not be taken or no time passed. */
double omps_load_others(const struct omps_load *a, const struct omps_load *b);

/* The others' share since start, child's CPU time counted as ours; NaN
 * when child is -1 (a process whose CPU time cannot be told apart). */
double omps_load_since(const struct omps_load *start, pid_t child);

#endif
