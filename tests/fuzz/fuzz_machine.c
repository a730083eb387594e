/*
 * machine.json as a fuzzer writes it, beside a small valid runs.csv: read
 * by summarize (the division probe), the fits (cores, caption, and with
 * --data the latency map for the heat map), the gate (state) and
 * `run --resume` (state, arguments, build and machine).  The
 * target holds the directory's lock, so a resume that gets through every
 * check is refused there, before it could start a sweep.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "fit.h"
#include "compare.h"
#include "run.h"
#include "summarize.h"
#include "errors.h"
#include "fuzz.h"

static const char runs_csv[] =
    "kernel,params,n,threads,schedule,chunk,repetition,seconds,verified,oversubscribed,round\n"
    "midpoint,,1048576,1,static,0,0,0.0020,1,0,0\n"
    "midpoint,,1048576,2,static,0,0,0.0011,1,0,0\n"
    "midpoint,,1048576,1,static,0,1,0.0021,1,0,1\n"
    "midpoint,,1048576,2,static,0,1,0.0010,1,0,1\n"
    "copy,,1048576,1,static,0,0,0.0030,1,0,0\n"
    "copy,,1048576,2,static,0,0,0.0020,1,0,0\n";

static void hold_lock(const char *dir)
{
    static int fd = -1;
    char path[4200];
    if (fd >= 0)
        return;
    snprintf(path, sizeof path, "%s/.ompscale.lock", dir);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
        perror(path);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *dir = fuzz_dir();
    char err[1024], path[4200];
    hold_lock(dir);
    fuzz_write("runs.csv", (const uint8_t *)runs_csv, strlen(runs_csv));
    fuzz_write("machine.json", data, size);
    if (omps_summarize_dir(dir, err, sizeof err) == OMPS_OK) {
        char work[4200];
        snprintf(work, sizeof work, "%s/work", dir);
        mkdir(work, 0777);
        char *fit_argv[] = {(char *)dir, "--data", work, NULL};
        omps_cmd_fit(3, fit_argv);
    }
    snprintf(path, sizeof path, "%s/report", dir);
    struct omps_compare_options o = {.base_dir = dir, .new_dir = dir, .report_dir = path,
                                     .threshold = 0.05, .alpha = 0.05};
    omps_compare(&o);
    static volatile sig_atomic_t stop;
    char *argv[] = {"--resume", (char *)dir, NULL};
    const int rc = omps_cmd_run(2, argv, "ompscale", &stop);
    /* The lock is held: no resume may get as far as running. */
    if (rc == 0)
        abort();
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    return 0;
}
