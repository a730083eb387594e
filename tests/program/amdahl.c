/* The test program for `run --command` (tests/command.sh): SERIAL ms of
 * work on one thread, then PARALLEL ms of work split over the OpenMP team,
 * so its serial fraction is known; it prints its parallel phase's time and
 * a result (7 times its threads).  Usage: amdahl SERIAL_MS PARALLEL_MS */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

/* Busy work for ms milliseconds. */
static double spin(double ms)
{
    const double t0 = omp_get_wtime();
    double x = 0.0;
    while ((omp_get_wtime() - t0) * 1e3 < ms)
        x += 1e-9;
    return x;
}

int main(int argc, char **argv)
{
    const double serial = argc > 1 ? atof(argv[1]) : 5.0;
    const double parallel = argc > 2 ? atof(argv[2]) : 45.0;
    double x = spin(serial);
    const double t0 = omp_get_wtime();
#pragma omp parallel reduction(+ : x)
    x += spin(parallel / omp_get_num_threads());
    /* Its own time of the parallel phase, and a result, as a solver
     * prints them (for --time-from and --result). */
    printf("amdahl: %d threads, %g ms serial, %g ms parallel (%d)\n", omp_get_max_threads(),
           serial, parallel, x > 0);
    printf("parallel phase: %.3f ms\nresult = %d\n", (omp_get_wtime() - t0) * 1e3,
           omp_get_max_threads() * 7);
    return 0;
}
