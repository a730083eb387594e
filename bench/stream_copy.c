/*
 * A STREAM-like Copy reference for bench/stream-side.sh: STREAM's Copy loop
 * (c[j] = a[j] under `omp parallel for`) over static arrays of
 * STREAM_ARRAY_SIZE doubles, as STREAM declares them, its initialisation
 * by the threads that use the arrays, its best of NTIMES timings (the
 * first left out) and its byte count (16 per element).  Built as STREAM
 * is: gcc turns the loop over two distinct arrays into a memcpy call, and
 * glibc writes large copies with non-temporal stores.
 *
 *   cc -O3 -march=native -fopenmp -DSTREAM_ARRAY_SIZE=N stream_copy.c
 *   ./a.out   prints "copy_gbps BEST"
 */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#ifndef STREAM_ARRAY_SIZE
#define STREAM_ARRAY_SIZE 10000000
#endif
#define NTIMES 10

static double a[STREAM_ARRAY_SIZE], c[STREAM_ARRAY_SIZE];

int main(void)
{
    const long n = STREAM_ARRAY_SIZE;
#pragma omp parallel for
    for (long j = 0; j < n; j++) {
        a[j] = 1.0 + (double)(j % 1000) / 1000.0;
        c[j] = 0.0;
    }
    double best = 1e30;
    for (int k = 0; k < NTIMES; k++) {
        const double t = omp_get_wtime();
#pragma omp parallel for
        for (long j = 0; j < STREAM_ARRAY_SIZE; j++)
            c[j] = a[j];
        const double took = omp_get_wtime() - t;
        if (k > 0 && took < best)
            best = took;
    }
    if (memcmp(a, c, sizeof a) != 0) {
        fprintf(stderr, "stream_copy: c differs from a\n");
        return 1;
    }
    printf("copy_gbps %.3f\n", 16.0 * (double)n / best * 1e-9);
    return 0;
}
