/* The test program for `run --command` (tests/command.sh): SERIAL ms of
 * work on one thread, then PARALLEL ms of work split over the OpenMP team,
 * so its serial fraction is known; it prints its parallel phase's time and
 * a result (7 times its threads).
 *
 * Given NOISE, it also prints "model: T ms", where T is SERIAL + PARALLEL
 * / threads times a lognormal factor exp(NOISE * Z), Z a fresh standard
 * normal each run: the program's own time as `--time-from` reads it, with
 * a known Amdahl f = SERIAL / (SERIAL + PARALLEL) and round-level noise
 * that does not depend on how loaded the machine is.  Given DRAWS, a file
 * holding a seed, the draws are that seed's sequence (draw_seed).  Built
 * with -DSCALE=1.1, every phase takes 10% longer: a slower build of it.
 * Usage: amdahl SERIAL_MS PARALLEL_MS [NOISE [DRAWS]] */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#ifndef SCALE
#define SCALE 1.0
#endif

/* Busy work for ms milliseconds. */
static double spin(double ms)
{
    const double t0 = omp_get_wtime();
    double x = 0.0;
    while ((omp_get_wtime() - t0) * 1e3 < ms)
        x += 1e-9;
    return x;
}

/* A standard normal draw (Box-Muller) from the 64-bit seed x. */
static double normal(uint64_t x)
{
    double u[2];
    for (int i = 0; i < 2; i++) {
        x ^= x >> 33, x *= 0xFF51AFD7ED558CCDu, x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53u, x ^= x >> 33;
        u[i] = ((double)(x >> 11) + 0.5) / 9007199254740992.0;
    }
    return sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

/* The seed of this run's draw: from DRAWS, a file holding "SEED COUNT",
 * whose count it then advances, so that a test's runs draw the same
 * sequence every time; without one, from the clock and the process. */
static uint64_t draw_seed(const char *draws)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    uint64_t seed = (uint64_t)t.tv_nsec * 0x9E3779B97F4A7C15u ^ (uint64_t)getpid() << 32;
    unsigned long long base = 0, count = 0;
    FILE *f = draws != NULL ? fopen(draws, "r") : NULL;
    if (f != NULL && fscanf(f, "%llu %llu", &base, &count) >= 1)
        seed = (base + 1) * 0x9E3779B97F4A7C15u + (count + 1) * 0xD1B54A32D192ED03u;
    if (f != NULL)
        fclose(f);
    if (draws != NULL && (f = fopen(draws, "w")) != NULL) {
        fprintf(f, "%llu %llu\n", base, count + 1);
        fclose(f);
    }
    return seed;
}

int main(int argc, char **argv)
{
    const double serial = SCALE * (argc > 1 ? atof(argv[1]) : 5.0);
    const double parallel = SCALE * (argc > 2 ? atof(argv[2]) : 45.0);
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
    if (argc > 3) {
        const double model = serial + parallel / omp_get_max_threads();
        const double z = normal(draw_seed(argc > 4 ? argv[4] : NULL));
        printf("model: %.6f ms\n", model * exp(atof(argv[3]) * z));
    }
    return 0;
}
