/* The ompscale command: list, run, --help, --version. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "interrupt.h"
#include "registry.h"
#include "build_info.h"
#include "cli.h"
#include "compare.h"
#include "fit.h"
#include "fleet.h"
#include "history.h"
#include "page.h"
#include "machine.h"
#include "run.h"
#include "child_main.h"
#include "launch.h"
#include "sweep.h"
#ifdef OMPS_HAVE_MPI
#include "spawn.h"
#endif

static volatile sig_atomic_t interrupted;

/* list's options: the plugins whose kernels it shows too. */
static int list_load(void *cmd, const char *name, const char *value, char *err, size_t len)
{
    (void)cmd;
    (void)name;
    return omps_kernels_load(value, err, len);
}

static const struct omps_option omps_list_options[] = {
    OMPS_OPTION_SET("--load", list_load, "[--load PLUGIN.so]...", 0),
};
#define LIST_OPTIONS (sizeof omps_list_options / sizeof omps_list_options[0])

/* The synopsis, from each command's option table (core/options.h), so it
 * shows exactly the options the parsers accept. */
static void write_synopsis(FILE *f)
{
    static const char indent[] = "       ";
    omps_usage_write(f, "usage: ", "ompscale list", omps_list_options, LIST_OPTIONS, 0);
    omps_usage_write(f, indent, "ompscale run", omps_run_options, omps_run_option_count, 0);
    omps_usage_write(f, indent, "ompscale run", omps_run_options, omps_run_option_count, 1);
    fprintf(f, "%sompscale summarize DIR\n", indent);
    omps_usage_write(f, indent, "ompscale fit DIR", omps_fit_options, omps_fit_option_count, 0);
    omps_usage_write(f, indent, "ompscale page DIR", omps_page_options, omps_page_option_count,
                     0);
    omps_usage_write(f, indent, "ompscale compare BASE_DIR NEW_DIR", omps_compare_option_table,
                     omps_compare_option_count, 0);
    omps_usage_write(f, indent, "ompscale fleet DIR1 DIR2...", omps_fleet_options,
                     omps_fleet_option_count, 0);
    omps_usage_write(f, indent, "ompscale history add DIR...", omps_history_options,
                     omps_history_option_count, 0);
    omps_usage_write(f, indent, "ompscale history check", omps_history_options,
                     omps_history_option_count, 1);
    omps_usage_write(f, indent, "ompscale history plot", omps_history_options,
                     omps_history_option_count, 2);
    omps_usage_write(f, indent, "ompscale export DIR", omps_history_options,
                     omps_history_option_count, 3);
    fprintf(f, "%sompscale --help | --version\n", indent);
}

/* What the commands do, after the synopsis. */
static const char usage_text[] =
    "run times every kernel at every thread count and schedule through Google\n"
    "Benchmark in rounds: each round visits the configurations still in need in\n"
    "a shuffled order (--seed), one verified repetition per visit, journaled to\n"
    "DIR/runs.csv at once (default DIR results/latest); then summary.csv,\n"
    "machine.json and gbench.json.  Every configuration gets R repetitions\n"
    "(default 5); then the budget (default 3m) goes to those whose median's 95%\n"
    "interval is wider than +-PCT% (default 1).  Defaults: threads 1, 2, 4, ...\n"
    "up to the cores plus the topology's boundaries (hwloc; HWLOC_SYNTHETIC\n"
    "plans for another machine); schedules static,dynamic:1024,guided,auto;\n"
    "repetitions of 0.1 s, shortened to fit a big plan in half the budget.\n"
    "The estimate comes from rates measured first (machine.json calibration).\n"
    "--load PLUGIN.so adds a user's kernels, built against <ompscale/kernel.h>\n"
    "(docs/kernel-api.md); --command 'PROGRAM ARGS' times an unchanged OpenMP\n"
    "program, one whole run a repetition, described by the --name, --check,\n"
    "--time-from and --result after it.  With either, the plan is theirs alone\n"
    "unless --kernels names built-in kernels too.\n"
    "A default plan that would not fit is trimmed, never refused: memory-bound\n"
    "kernels at static, then without close/spread, process kernels, guided\n"
    "and auto, parameter sweeps, thread counts, array sizes; the plan line and\n"
    "machine.json name each step.  A plan given with --kernels, --threads or\n"
    "--schedules that cannot fit is refused (exit 2).  machine.json's run.time\n"
    "says where the sweep's time went, and the last line what share was timed.\n"
    "--dry-run prints the plan as CSV and its estimate, and runs nothing.\n"
    "--bind, --places and --wait-policy sweep OMP_PROC_BIND, OMP_PLACES and\n"
    "OMP_WAIT_POLICY (default: leave the variable to the runtime), and\n"
    "--toolchains the compiler and OpenMP runtime (gcc+libomp: the GCC build on\n"
    "LLVM's libomp; clang needs --toolchain-binary clang=PATH): each environment\n"
    "runs in a child process kept for the sweep (stopped while others are\n"
    "timed), and the columns bind, places,\n"
    "wait_policy, toolchain and runtime (the library the child loaded) say\n"
    "which.  --auto-environments (make bench) binds the memory-bound kernels\n"
    "close and spread where there is more than one L3 domain or NUMA node.\n"
    "A child that crashes, or hangs past OMPSCALE_CHILD_TIMEOUT seconds\n"
    "(default 60, or 20 visits' time), is reported and the sweep goes on.\n"
    "--ranks sweeps the process kernels (mpi_*, spawn; built with MPI) over\n"
    "MPI ranks x threads per rank, each rank count started through mpirun with\n"
    "each rank bound to its share of the cores (default: 1, 2, 4, 8, 16, then\n"
    "every fourth power of two, and the cores, each at one thread, plus every\n"
    "split of all the cores); ranks x threads never exceeds the cores unless\n"
    "--oversubscribe.  --hostfile passes FILE to mpirun: ranks on every host it\n"
    "names, and machine.json's nodes say which.  Columns ranks and cores.\n"
    "--resume continues an interrupted or killed run.  --quick: small sizes,\n"
    "static and dynamic, at most 2 threads, 3 repetitions of 0.01 s.\n"
    "copy writes arrays past the last-level cache with non-temporal stores;\n"
    "OMPSCALE_STORES=streaming or ordinary forces one kind (machine.json's\n"
    "copy_stores says which).\n"
    "summarize rebuilds DIR/summary.csv from DIR/runs.csv.\n"
    "fit fits Amdahl's law and the USL to every series of DIR/summary.csv and\n"
    "writes DIR/fit.csv, with 95% intervals from a bootstrap over the rounds of\n"
    "DIR/runs.csv (plots/plot.sh runs it; --data also writes what it draws).\n"
    "--with pools other runs of the same plan into DIR/fit.csv, resampling runs\n"
    "and then rounds: an interval that holds across runs, not only this one.\n"
    "page writes DIR/index.html, one page with the machine, every picture, the\n"
    "fits and the summary (plots/plot.sh runs it last).\n"
    "compare decides each configuration of two run directories by rounds (each\n"
    "round's fastest repetition; paired signed-rank when both hold the same\n"
    "rounds, else Mann-Whitney): a regression when NEW is slower than BASE x\n"
    "(1 + PCT%) (default 5) at Holm-corrected p < A (default 0.05), unchanged\n"
    "when shown below it, else undecided with the slowdown it could have\n"
    "confirmed.  --looks replays a sequential gate (alpha/6 per look).  A\n"
    "configuration that crashed, hung or could not start on a side (machine.json's\n"
    "run.could_not_run, or --faults FILE's SIDE<TAB>ROUND<TAB>CONFIGURATION<TAB>WHY\n"
    "lines) is faulted: undecided, with why, unless a regression is confirmed.  It writes\n"
    "compare.csv and compare.md to DIR (default NEW_DIR; created when absent).\n"
    "fleet judges each node's run directory (one plan, one directory per node)\n"
    "against the other nodes' rounds pooled, as compare would (unpaired, Holm over\n"
    "the configurations, alpha A (default 0.05) shared out over the nodes): a node\n"
    "slower than the others by more than PCT% (default 10) is named and the exit\n"
    "code is 1; 3 when a node had nothing decided against the others; the same run\n"
    "named twice is refused (exit 2, and so in compare); fleet.csv and fleet.html\n"
    "go to --report DIR (default results/fleet).\n"
    "history add records complete run directories in a SQLite history (default\n"
    "results/history.sqlite): commit, machine, environment, each configuration's\n"
    "rounds, speedup and efficiency, and fit.csv's Amdahl f; a run added again is\n"
    "recognised (machine.json's date and a hash of runs.csv) and left alone; an\n"
    "interrupted run is refused unless --allow-interrupted.  history check reads\n"
    "each configuration's series per machine in commit order (seconds, speedup,\n"
    "efficiency, f; rounds of 2+ threads on their usual placement) and finds change\n"
    "points by E-divisive means with a t-test at p < A (default 0.001): exit 1\n"
    "when one in the last K runs (default 1) is for the worse and stays below 0.05\n"
    "Holm-adjusted over the series, naming it, 0 when none, 3 when no series has\n"
    "5 runs; --report DIR writes DIR/changes.csv.  page --history PAGE links it.\n"
    "history plot draws DIR/trend-*.png and DIR/index.html, the changes first.\n"
    "export writes DIR's medians with their 95% intervals as Bencher's metric\n"
    "format, github-action-benchmark's customSmallerIsBetter JSON or an Otava CSV,\n"
    "to stdout or --out FILE.\n"
    "Exit codes: 0 success, 1 a result failed verification (run) or a regression\n"
    "was confirmed (compare), 2 bad usage or input (also a plan over its budget,\n"
    "or a run directory in use), 3 undecided (compare: a configuration not\n"
    "decided, faulted, missing from NEW, a side interrupted, or different machines;\n"
    "--inconclusive pass|fail maps it to 0 or 1), 130 interrupted by SIGINT or\n"
    "SIGTERM (any command, at once, its temporary files removed; run keeps its\n"
    "completed batches).\n";

static int cmd_list(int argc, char **argv)
{
    struct omps_machine m;
    char err[4600] = "";
    const struct omps_command_line line = {omps_list_options, LIST_OPTIONS, -1, NULL};
    if (omps_options_parse(&line, argc, argv, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "ompscale: list: %s\n", err);
        return 2;
    }
    if (omps_machine_probe(&m, err, sizeof err) != 0) {
        fprintf(stderr, "ompscale: %s\n", err);
        return 2;
    }
    const struct omps_sizing sizing = {.llc_bytes = m.llc_bytes, .quick = 0};
    for (size_t i = 0; i < omps_kernel_count(); i++) {
        const struct omps_kernel *k = omps_kernel_at(i);
        printf("%-20s n=%-11llu %-12s %-13s %s%s%s%s\n", k->name,
               (unsigned long long)k->default_size(&sizing), omps_unit_name(k->unit),
               omps_family_name(k->family), k->summary, k->origin ? " (loaded from " : "",
               k->origin ? k->origin : "", k->origin ? ")" : "");
        for (size_t p = 0; p < k->nparams; p++) {
            const struct omps_param_def *d = &k->params[p];
            printf("%-20s   --set %s.%s=%g (from %g to %g): %s\n", "", k->name,
                   d->name, d->default_value, d->min_value, d->max_value, d->help);
        }
    }
    return 0;
}

static int cmd_compare(int argc, char **argv)
{
    struct omps_compare_options opts;
    char err[512];
    if (omps_parse_compare_args(argc, argv, &opts, err, sizeof err) != OMPS_OK) {
        fprintf(stderr, "ompscale: %s\n", err);
        return 2;
    }
    return omps_compare(&opts);
}

int main(int argc, char **argv)
{
    /* Every command ends at once on SIGINT or SIGTERM (exit 130), its
     * temporary files removed; the sweep asks for the signal to wait for
     * the end of its visit (core/interrupt.h).  The sweep's kept child
     * keeps the dispositions its parent gave it. */
    if (argc < 2 || strcmp(argv[1], "child") != 0)
        omps_interrupt_install(&interrupted);
    if (argc < 2) {
        write_synopsis(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        write_synopsis(stdout);
        printf("\n%s", usage_text);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("ompscale %s\n", OMPS_VERSION);
        return 0;
    }
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0)
        return omps_cmd_run(argc - 2, argv + 2, argv[0], &interrupted);
    if (strcmp(cmd, "summarize") == 0)
        return omps_cmd_summarize(argc - 2, argv + 2);
    if (strcmp(cmd, "child") == 0)
        return omps_visit_child(argc - 2, argv + 2, argv[0], omps_launch_node_record);
#ifdef OMPS_HAVE_MPI
    if (strcmp(cmd, "spawned") == 0)
        return omps_spawned_main(argc - 1, argv + 1);
#endif
    if (strcmp(cmd, "fit") == 0)
        return omps_cmd_fit(argc - 2, argv + 2);
    if (strcmp(cmd, "page") == 0)
        return omps_cmd_page(argc - 2, argv + 2);
    if (strcmp(cmd, "history") == 0)
        return omps_cmd_history(argc - 2, argv + 2);
    if (strcmp(cmd, "fleet") == 0)
        return omps_cmd_fleet(argc - 2, argv + 2);
    if (strcmp(cmd, "export") == 0)
        return omps_cmd_export(argc - 2, argv + 2);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 2, argv + 2);
    fprintf(stderr, "ompscale: unknown command '%s' (see 'ompscale --help')\n", cmd);
    return 2;
}
