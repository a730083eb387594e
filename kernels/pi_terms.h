/*
 * The midpoint-rule terms of the integral of 4/(1+x^2) over [0, 1] = pi,
 * shared by every kernel that computes pi: the term, the run's default size
 * and the verification bound.
 */
#ifndef OMPSCALE_PI_TERMS_H
#define OMPSCALE_PI_TERMS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel.h"

#define OMPS_PI 3.14159265358979323846

/*
 * i as a double, for 0 <= i < 2^52, without a 64-bit integer conversion:
 * OR-ing i into the mantissa of 2^52 gives exactly 2^52 + i.  x86 has no
 * vector int64-to-double conversion before AVX-512DQ, so with a plain
 * (double)i an AVX2 compiler turns the whole term loop scalar (scalar
 * vcvtsi2sd and vdivsd, four times slower); an OR and a subtraction
 * vectorise everywhere.  Exact, so the terms are unchanged.
 */
static inline double omps_index_to_double(int64_t i)
{
    uint64_t bits = (uint64_t)i | UINT64_C(0x4330000000000000);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d - 0x1p52;
}

/* Term i of n: 4 / (1 + x^2) at the midpoint x = (i + 0.5) h.  Inline so
 * that every caller's loop vectorises; i < 2^52. */
static inline double omps_pi_term(int64_t i, double h)
{
    const double x = (omps_index_to_double(i) + 0.5) * h;
    return 4.0 / (1.0 + x * x);
}

/* A size that takes about 40 ms on one thread, as a power of two (small
 * when sizing->quick). */
uint64_t omps_pi_default_size(const struct omps_sizing *sizing);

/*
 * Returns 0 when result is pi within the bound for n terms, else writes
 * why.  The bound is the midpoint rule's error, h^2/12 with 10% slack for
 * higher-order terms, plus the worst-case rounding of n positive terms
 * summed in any order, n*u*pi: a dynamic schedule may give one thread every
 * term, so no shorter chain of additions is assumed.
 */
int omps_pi_verify(double result, int64_t n, char *why, size_t why_len);

/* The state of every pi kernel: n terms, the kernel's own parameter
 * (serial_fraction's share f, tasks' grainsize), and the last result with
 * the number of terms that went into it. */
struct omps_pi_state {
    int64_t n;
    double param; /* the kernel's own parameter: f, or a grainsize */
    double result;
    int64_t terms; /* terms the last run summed, counted as it summed them */
};

/* Allocates a state for n terms and a parameter; 0 or OMPS_ENOMEM. */
int omps_pi_setup(void **state, uint64_t n, double param);

/* The last run's result, for runs.csv's result column. */
double omps_pi_result(const void *state);

/* Frees a state from omps_pi_setup. */
void omps_pi_teardown(void *state);

/* Bytes a pi kernel allocates: one small state whatever n is. */
double omps_pi_footprint(uint64_t n);

/*
 * Verifies the state's last run: it summed exactly n terms, and its result
 * passes omps_pi_verify.  The count is what catches one lost chunk at large
 * n, where a chunk of one term (2h or more) is below the rounding bound.
 */
int omps_pi_verify_state(void *state, char *why, size_t why_len);

/* Loses the smallest chunk a schedule can hand out, one term: the result
 * drops by at least 2h and the count by one. */
void omps_pi_corrupt(void *state);

/* Before a batch: a NaN result and an impossible count, so a run that did
 * not happen cannot verify on the previous one's result. */
void omps_pi_poison(void *state);

/* Flops per term: an add and a multiply for x, a multiply and an add for
 * 1+x^2, a divide, and the accumulating add. */
#define OMPS_PI_FLOPS_PER_TERM 6.0

#endif
