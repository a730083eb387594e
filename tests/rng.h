/* A small seeded generator for tests, so noisy cases are the same on every
 * run: a 64-bit LCG for uniforms and Box-Muller for standard normals. */
#ifndef OMPSCALE_TEST_RNG_H
#define OMPSCALE_TEST_RNG_H

#include <math.h>
#include <stdint.h>

static uint64_t rng_state;

static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(rng_state >> 11) + 0.5) / 9007199254740992.0;
}

static double gaussian(void)
{
    return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

#endif
