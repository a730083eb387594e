#include "parse.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"

int omps_parse_u64(const char *text, uint64_t *out)
{
    char *end = NULL;
    if (text == NULL || *text < '0' || *text > '9')
        return OMPS_EINVAL;
    errno = 0;
    const unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return OMPS_EINVAL;
    *out = (uint64_t)v;
    return OMPS_OK;
}

/* Reads one "<number><unit>" term of a duration; returns its seconds or a
 * negative number when it is malformed. */
static double duration_term(const char **cursor)
{
    char *end = NULL;
    errno = 0;
    const char *s = *cursor;
    if (*s < '0' || *s > '9')
        return -1.0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || !isfinite(v))
        return -1.0;
    double unit = 1.0;
    if (*end == 'h')
        unit = 3600.0, end++;
    else if (*end == 'm')
        unit = 60.0, end++;
    else if (*end == 's')
        end++;
    *cursor = end;
    return v * unit;
}

int omps_parse_duration(const char *text, double *seconds)
{
    if (text == NULL || *text == '\0')
        return OMPS_EINVAL;
    if (strcmp(text, "none") == 0) {
        *seconds = INFINITY;
        return OMPS_OK;
    }
    double total = 0.0;
    for (const char *s = text; *s != '\0';) {
        const double term = duration_term(&s);
        if (term < 0.0)
            return OMPS_EINVAL;
        total += term;
    }
    if (!(total > 0.0) || total > 30 * 86400.0)
        return OMPS_EINVAL;
    *seconds = total;
    return OMPS_OK;
}

int omps_parse_long(const char *text, long lo, long hi, long *out)
{
    if (text == NULL || *text == '\0')
        return OMPS_EINVAL;
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return OMPS_EINVAL;
    *out = v;
    return OMPS_OK;
}

int omps_parse_double(const char *text, double *out)
{
    if (text == NULL || *text == '\0')
        return OMPS_EINVAL;
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v))
        return OMPS_EINVAL;
    *out = v;
    return OMPS_OK;
}

int omps_make_dirs(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int omps_parse_alpha(const char *value, double *alpha, char *err, size_t err_len)
{
    double v;
    if (omps_parse_double(value, &v) == 0 && v > 0 && v < 1) {
        *alpha = v;
        return 0;
    }
    snprintf(err, err_len, "--alpha: '%s' is not a number in (0, 1)", value);
    return -1;
}

int omps_parse_threshold(const char *value, double *fraction, char *err, size_t err_len)
{
    double v;
    if (omps_parse_double(value, &v) == 0 && v >= 0 && v < 1000) {
        *fraction = v / 100.0;
        return 0;
    }
    snprintf(err, err_len, "--threshold: '%s' is not a percentage in [0, 1000)", value);
    return -1;
}

void omps_format_bytes(uint64_t bytes, char *out, size_t len)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024.0 && u < 4)
        v /= 1024.0, u++;
    if (u == 0 || fabs(v - round(v)) < 0.05)
        snprintf(out, len, "%.0f %s", v, units[u]);
    else
        snprintf(out, len, "%.1f %s", v, units[u]);
}
