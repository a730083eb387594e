/*
 * The race check's driver (make test-race): built with clang,
 * -fsanitize=thread and LLVM's OpenMP runtime, whose Archer tool tells
 * ThreadSanitizer what OpenMP's barriers and reductions order.  It runs one
 * kernel, named on the command line, at 2 threads under every schedule with
 * a small size, and verifies each run; ThreadSanitizer reports any race and
 * makes the process exit non-zero.  "racy" is a kernel built only here: a
 * shared sum updated with no reduction, which proves the checker sees a
 * race.
 *
 * Usage: race_kernels --list | KERNEL | racy
 */
#include <stdio.h>
#include <string.h>

#include <omp.h>

#include "registry.h"

/* Kept small: ThreadSanitizer slows each access by 5-15 times. */
#define RACE_SIZE 4096

static const struct {
    omp_sched_t kind;
    int chunk;
} schedules[] = {{omp_sched_static, 0}, {omp_sched_dynamic, 7}, {omp_sched_guided, 0}};

static int run_kernel(const struct omps_kernel *k)
{
    void *state = NULL;
    double params[OMPS_MAX_PARAMS];
    char why[512] = "";
    for (size_t p = 0; p < k->nparams; p++)
        params[p] = k->params[p].default_value;
    if (k->setup(&state, RACE_SIZE, params) != 0) {
        fprintf(stderr, "%s: setup failed\n", k->name);
        return 1;
    }
    int failed = 0;
    for (size_t s = 0; s < sizeof schedules / sizeof schedules[0]; s++) {
        struct omps_team team = {.want_threads = 2, .want_kind = schedules[s].kind,
                                 .want_chunk = schedules[s].chunk};
        omp_set_dynamic(0);
        omp_set_num_threads(2);
        omp_set_schedule(schedules[s].kind, schedules[s].chunk);
        omps_team_reset(&team);
        if (k->poison)
            k->poison(state);
        if (k->prepare)
            k->prepare(state);
        k->run(state, &team);
        if (k->verify(state, why, sizeof why) != 0 ||
            omps_team_check(&team, why, sizeof why) != 0) {
            fprintf(stderr, "%s: schedule %zu: %s\n", k->name, s, why);
            failed = 1;
        }
    }
    k->teardown(state);
    return failed;
}

/* Sums 0..n-1 into one shared variable from every thread: a data race. */
static int run_racy(void)
{
    long sum = 0;
    omp_set_num_threads(2);
#pragma omp parallel for
    for (long i = 0; i < RACE_SIZE; i++)
        sum += i;
    printf("racy: sum %ld\n", sum);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: race_kernels --list | KERNEL | racy\n");
        return 2;
    }
    if (strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < omps_kernel_count(); i++)
            printf("%s\n", omps_kernel_at(i)->name);
        return 0;
    }
    if (strcmp(argv[1], "racy") == 0)
        return run_racy();
    const struct omps_kernel *k = omps_kernel_find(argv[1]);
    if (k == NULL) {
        fprintf(stderr, "race_kernels: no kernel '%s'\n", argv[1]);
        return 2;
    }
    return run_kernel(k);
}
