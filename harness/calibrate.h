/*
 * The cost model's rates, measured on the machine at hand before planning:
 * how fast fresh memory is first touched, how fast one thread and every
 * usable CPU stream through memory, and what starting a child process
 * costs.  The plan's estimate uses them in place of guesses; machine.json
 * records them.
 */
#ifndef OMPSCALE_CALIBRATE_H
#define OMPSCALE_CALIBRATE_H

#include <jansson.h>

struct omps_rates {
    int measured;        /* 1: measured here; 0: the model's defaults */
    int cpus;            /* the team the all-CPU rates were measured with */
    double touch_1;      /* bytes per second one thread fills into fresh pages */
    double touch_all;    /* the same with every usable CPU */
    double stream_1;     /* bytes per second one thread copies from memory,
                            counted as STREAM counts Copy (read + write) */
    double stream_all;   /* the same with every usable CPU */
    double check_1;      /* bytes of a pair state per second one thread
                            verifies and poisons in one pass (common.h) */
    double check_all;    /* the same with every usable CPU */
    double child_start_s; /* starting this executable as a new process */
    double division_ns;  /* one core's time per division (probe.h); NaN:
                            unknown, as under a synthetic topology */
    double seconds;      /* what the calibration took */
};

/* Fills r with the model's defaults for a machine of `cores` cores: used
 * under a synthetic topology, which describes another machine. */
void omps_rates_default(struct omps_rates *r, int cores);

/*
 * Measures r on this machine with `cpus` usable CPUs, in about a fifth of a
 * second: first touch, copies and checks over 64 MiB arrays, flushed from
 * the caches before each copy where the processor allows it, three starts
 * of self_exe, and the division probe.  Returns 0, or OMPS_ENOMEM (r then
 * holds the defaults).
 */
int omps_rates_measure(struct omps_rates *r, int cpus, const char *self_exe);

/* Bytes per second a team of `threads` touches, streams through memory, or
 * checks: the one-thread rate, growing linearly to the all-CPU rate at
 * r->cpus. */
double omps_rates_touch(const struct omps_rates *r, int threads);
double omps_rates_stream(const struct omps_rates *r, int threads);
double omps_rates_check(const struct omps_rates *r, int threads);

/* The rates as a JSON object for machine.json; NULL when out of memory. */
json_t *omps_rates_json(const struct omps_rates *r);

#endif
