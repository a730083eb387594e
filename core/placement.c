/* Placements from the rounds' probes: natural breaks in their logs. */
#include "placement.h"

#include <math.h>
#include <stdlib.h>

struct probe {
    double ns;
    size_t at; /* its index in the caller's array */
};

static int compare_probes(const void *a, const void *b)
{
    const double x = ((const struct probe *)a)->ns, y = ((const struct probe *)b)->ns;
    return (x > y) - (x < y);
}

/* The median of the sorted p[lo..hi). */
static double median_of(const struct probe *p, size_t lo, size_t hi)
{
    const size_t n = hi - lo, mid = lo + n / 2;
    return n % 2 ? p[mid].ns : 0.5 * (p[mid - 1].ns + p[mid].ns);
}

/* Where the sorted p[lo..hi) splits into two placements: the index of the
 * first probe of the upper one at the widest qualifying gap, or 0. */
static size_t best_split(const struct probe *p, size_t lo, size_t hi, size_t least)
{
    size_t at = 0;
    double widest = OMPS_PLACEMENT_GAP;
    for (size_t k = lo + least; k + least <= hi; k++) {
        const double gap = p[k].ns / p[k - 1].ns;
        if (gap >= widest &&
            median_of(p, k, hi) >= OMPS_PLACEMENT_RATIO * median_of(p, lo, k)) {
            widest = gap;
            at = k;
        }
    }
    return at;
}

/* Numbers the placements of p[lo..hi) from *next, lowest first. */
static void split(const struct probe *p, size_t lo, size_t hi, size_t least, int *next,
                  int *class_of)
{
    const size_t k = best_split(p, lo, hi, least);
    if (k != 0) {
        split(p, lo, k, least, next, class_of);
        split(p, k, hi, least, next, class_of);
        return;
    }
    for (size_t i = lo; i < hi; i++)
        class_of[p[i].at] = *next;
    ++*next;
}

int omps_placement_classes(const double *probe_ns, size_t n, int *class_of)
{
    struct probe *p = malloc((n + 1) * sizeof *p);
    if (p == NULL)
        return -1;
    size_t finite = 0;
    for (size_t i = 0; i < n; i++) {
        class_of[i] = -1;
        if (isfinite(probe_ns[i]) && probe_ns[i] > 0)
            p[finite++] = (struct probe){probe_ns[i], i};
    }
    qsort(p, finite, sizeof *p, compare_probes);
    size_t least = (size_t)ceil(OMPS_PLACEMENT_MIN_SHARE * (double)finite);
    least = least < 1 ? 1 : least;
    int classes = 0;
    if (finite > 0)
        split(p, 0, finite, least, &classes, class_of);
    free(p);
    return classes;
}

int omps_placement_modes(const double *probe_ns, size_t n)
{
    size_t finite = 0;
    for (size_t i = 0; i < n; i++)
        finite += isfinite(probe_ns[i]) && probe_ns[i] > 0;
    if (finite < 2)
        return 0;
    int *class_of = malloc(n * sizeof *class_of);
    if (class_of == NULL)
        return 0;
    const int modes = omps_placement_classes(probe_ns, n, class_of);
    free(class_of);
    return modes < 0 ? 0 : modes;
}

int omps_placement_usual(const int *class_of, size_t n, int classes)
{
    int usual = -1;
    size_t most = 0;
    for (int c = 0; classes > 1 && c < classes; c++) {
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
            count += class_of[i] == c;
        if (count > most) {
            most = count;
            usual = c;
        }
    }
    return usual;
}
