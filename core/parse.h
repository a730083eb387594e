/*
 * The small parsers every layer shares: whole numbers, finite numbers and
 * durations, each all or nothing (a trailing character is an error), the
 * gate's --alpha and --threshold, and mkdir -p.
 */
#ifndef OMPS_PARSE_H
#define OMPS_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Parses a whole decimal integer in [lo, hi]; 0 or OMPS_EINVAL. */
int omps_parse_long(const char *text, long lo, long hi, long *out);

/* Parses a whole decimal number of 64 bits, no sign; 0 or OMPS_EINVAL. */
int omps_parse_u64(const char *text, uint64_t *out);

/* Parses a finite decimal number; 0 or OMPS_EINVAL. */
int omps_parse_double(const char *text, double *out);

/* Parses a duration "90", "90s", "3m", "1h", "1m30s" into seconds, or
 * "none" into INFINITY.  Returns 0 or OMPS_EINVAL. */
int omps_parse_duration(const char *text, double *seconds);

/* A size in bytes as people write it, the inverse of the parsers above:
 * "512 KiB", "32 MiB", "1.5 GiB" (one decimal unless within 0.05 of a
 * whole unit). */
void omps_format_bytes(uint64_t bytes, char *out, size_t len);

/* Creates dir and its missing parents, like mkdir -p; 0 or -1 (errno). */
int omps_make_dirs(const char *dir);

/* --alpha A of compare, fleet and history: a level in (0, 1).  Returns 0,
 * or -1 with err "--alpha: 'A' is not a number in (0, 1)". */
int omps_parse_alpha(const char *value, double *alpha, char *err, size_t err_len);

/* --threshold PCT of compare and fleet: a percentage in [0, 1000), stored
 * as a fraction.  Returns 0, or -1 with err naming the option. */
int omps_parse_threshold(const char *value, double *fraction, char *err, size_t err_len);

#endif
