/*
 * `ompscale run`'s arguments as a fuzzer writes them (NUL-separated): the
 * parser, then the planner and the budget check on this machine, as a run
 * or a --dry-run would take them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "machine.h"
#include "plan.h"
#include "errors.h"
#include "fuzz.h"

enum { MAX_ARGS = 64 };

static const struct omps_machine *machine(void)
{
    static struct omps_machine m;
    static int probed;
    char err[1024];
    if (!probed && omps_machine_probe(&m, err, sizeof err) != OMPS_OK) {
        fprintf(stderr, "fuzz: %s\n", err);
        abort();
    }
    probed = 1;
    return &m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), *argv[MAX_ARGS], err[1024];
    if (buf == NULL)
        return 0;
    const int argc = fuzz_split_args(data, size, buf, argv, MAX_ARGS);
    struct omps_run_options opts;
    omps_run_options_init(&opts);
    if (omps_parse_run_args(argc, argv, machine()->usable_cpus, &opts, err, sizeof err) ==
            OMPS_OK &&
        opts.resume_dir == NULL) {
        struct omps_plan plan = {0};
        if (omps_plan_make(&opts, machine(), &plan, err, sizeof err) == OMPS_OK)
            omps_plan_check_budget(&plan, &opts, err, sizeof err);
        omps_plan_free(&plan);
    }
    free(buf);
    return 0;
}
