/*
 * A tiny assertion header for ompscale's C tests: each failed check prints
 * the expression and both values, and CHECK_DONE() returns the exit status.
 */
#ifndef OMPSCALE_CHECK_H
#define OMPSCALE_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed;
static int check_failed;

#define CHECK_REPORT(ok, fmt, ...)                                             \
    do {                                                                       \
        if (ok) {                                                              \
            check_passed++;                                                    \
        } else {                                                               \
            check_failed++;                                                    \
            fprintf(stderr, "%s:%d: " fmt "\n", __FILE__, __LINE__,            \
                    __VA_ARGS__);                                              \
        }                                                                      \
    } while (0)

#define CHECK(cond) CHECK_REPORT((cond), "check failed: %s", #cond)

#define CHECK_INT_EQ(a, b)                                                     \
    do {                                                                       \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);        \
        CHECK_REPORT(check_a_ == check_b_, "%s == %s: %lld != %lld", #a, #b,   \
                     check_a_, check_b_);                                      \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                  \
    do {                                                                       \
        double check_a_ = (a), check_b_ = (b);                                 \
        CHECK_REPORT(fabs(check_a_ - check_b_) <= (tol),                       \
                     "%s ~ %s: %.17g vs %.17g (tolerance %g)", #a, #b,         \
                     check_a_, check_b_, (double)(tol));                       \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                     \
    do {                                                                       \
        const char *check_a_ = (a), *check_b_ = (b);                           \
        CHECK_REPORT(check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0,  \
                     "%s == %s: \"%s\" != \"%s\"", #a, #b,                     \
                     check_a_ ? check_a_ : "(null)",                           \
                     check_b_ ? check_b_ : "(null)");                          \
    } while (0)

/* Prints the closing line CTest logs show and returns the exit status. */
#define CHECK_DONE()                                                           \
    (printf("%d passed, %d failed\n", check_passed, check_failed),             \
     check_failed ? 1 : 0)

#endif
