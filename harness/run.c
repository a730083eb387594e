#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "errors.h"
#include "child.h"
#include "parse.h"
#include "registry.h"
#include "build_info.h"
#include "csv_write.h"
#include "interrupt.h"
#include "journal.h"
#include "machine.h"
#include "machine_file.h"
#include "machine_keys.h"
#include "plan.h"
#include "probe.h"
#include "launch.h"
#include "summarize.h"
#include "lines.h"
#include "sweep.h"
#include "system.h"

/* Everything one `run` holds; freed by run_free. */
struct run {
    struct omps_machine machine;
    struct omps_run_options opts;
    struct omps_plan plan;
    json_t *argv;       /* the run's own arguments, as resume replays them */
    json_t *resumed;    /* the machine.json being resumed, or NULL */
    json_t *system;     /* the machine's state at the start (system.h) */
    struct omps_runs done;
    struct omps_journal journal;
    char err[1024];
};

static void run_free(struct run *r)
{
    omps_plan_free(&r->plan);
    omps_runs_free(&r->done);
    omps_journal_close(&r->journal);
    json_decref(r->argv);
    json_decref(r->resumed);
    json_decref(r->system);
    omps_latency_map_free(&r->machine.latency);
}

/* The latency map of the CPUs the sweep may use, into machine.json; not
 * under a synthetic topology, which describes another machine. */
static int measure_latency(struct omps_machine *m)
{
    int cpus[1024];
    if (m->topology.synthetic)
        return OMPS_OK;
    const int n = omps_latency_usable_cpus(cpus, (int)(sizeof cpus / sizeof cpus[0]));
    return n >= 2 ? omps_latency_map_measure(cpus, n, &m->latency) : OMPS_OK;
}

static int fail(const char *err)
{
    fprintf(stderr, "ompscale: %s\n", err);
    return 2;
}

/* A seed from the clock and the pid when none is given; 53 bits, so JSON
 * readers that hold numbers as doubles read it exactly. */
static uint64_t fresh_seed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
    x = (x ^ (x >> 31)) * UINT64_C(0x7FB5D329728EA185);
    return (x ^ (x >> 27)) & ((UINT64_C(1) << 53) - 1);
}

static int parse(struct run *r, int argc, char **argv)
{
    omps_run_options_init(&r->opts);
    if (omps_parse_run_args(argc, argv, r->machine.usable_cpus, &r->opts, r->err,
                            sizeof r->err) != OMPS_OK)
        return OMPS_EINVAL;
    if (omps_stores_setting() == NULL) {
        snprintf(r->err, sizeof r->err,
                 "OMPSCALE_STORES='%.100s': expected auto, streaming or ordinary",
                 getenv("OMPSCALE_STORES"));
        return OMPS_EINVAL;
    }
    r->argv = json_array();
    for (int i = 0; r->argv != NULL && i < argc; i++)
        json_array_append_new(r->argv, json_string(argv[i]));
    return r->argv ? OMPS_OK : OMPS_ENOMEM;
}

/* ---- resume ----------------------------------------------------------- */

static int check_same(struct run *r, const char *dir)
{
    json_t *now = omps_machine_json(&r->machine);
    const char *which = NULL;
    int rc = OMPS_OK;
    if (now == NULL)
        return OMPS_ENOMEM;
    /* The same build on the same host of the same machine (machine_keys.h);
     * another version first, since --force cannot continue that. */
    if (!json_equal(json_object_get(r->resumed, "ompscale_version"),
                    json_object_get(now, "ompscale_version")))
        which = "ompscale_version";
    else if ((which = omps_machine_mismatch(r->resumed, now, OMPS_SAME_BUILD)) == NULL)
        which = omps_machine_mismatch(r->resumed, now, OMPS_SAME_HOST | OMPS_SAME_MACHINE);
    if (which != NULL) {
        if (strcmp(which, "ompscale_version") == 0 || !r->opts.force) {
            snprintf(r->err, sizeof r->err,
                     "--resume: %s was made with another %s%s", dir, which,
                     strcmp(which, "ompscale_version") == 0
                         ? ""
                         : " (--force continues it anyway)");
            rc = OMPS_EINVAL;
        }
    }
    json_decref(now);
    return rc;
}

/* Whether dir holds nothing but temporaries: a directory made by hand, or
 * by a run a signal stopped between making it and taking its lock. */
static int holds_nothing(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int nothing = d != NULL;
    while (nothing && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        nothing = strcmp(n, ".") == 0 || strcmp(n, "..") == 0 || strstr(n, ".tmp-") != NULL;
    }
    if (d != NULL)
        closedir(d);
    return nothing;
}

static int load_resumed(struct run *r, const char *dir)
{
    char path[4200];
    /* The lock without machine.json: ompscale made this directory and was
     * killed before its first write. */
    snprintf(path, sizeof path, "%s/.ompscale.lock", dir);
    const int locked_once = access(path, F_OK) == 0;
    snprintf(path, sizeof path, "%s/machine.json", dir);
    if (locked_once && access(path, F_OK) != 0 && errno == ENOENT) {
        snprintf(r->err, sizeof r->err, "--resume: '%s' holds no run (it was stopped "
                 "before it wrote machine.json); start it again without --resume", dir);
        return OMPS_EINVAL;
    }
    if (holds_nothing(dir)) {
        snprintf(r->err, sizeof r->err, "--resume: '%s' is not an ompscale run directory: it "
                 "is empty (so is one whose run was stopped before it took its lock); start it "
                 "again without --resume", dir);
        return OMPS_EINVAL;
    }
    char why[1024];
    r->resumed = omps_machine_file_load(dir, why, sizeof why);
    json_t *state = json_object_get(r->resumed, "state");
    json_t *run = json_object_get(r->resumed, "run");
    if (r->resumed == NULL || !json_is_string(state) || !json_is_integer(json_object_get(
                                                           r->resumed, "seed")) ||
        !json_is_array(json_object_get(run, "argv"))) {
        snprintf(r->err, sizeof r->err, "--resume: '%.300s' is not an ompscale run directory "
                 "(%.600s)", dir, r->resumed ? "machine.json has no state, seed and arguments" : why);
        return OMPS_EINVAL;
    }
    if (strcmp(json_string_value(state), "complete") == 0) {
        snprintf(r->err, sizeof r->err, "--resume: the run in '%s' is complete; nothing to resume", dir);
        return OMPS_EINVAL;
    }
    return OMPS_OK;
}

/* Replays the resumed run's arguments, seed and sizes into r->opts. */
static int replay(struct run *r, const char *dir, int force)
{
    json_t *run = json_object_get(r->resumed, "run");
    json_t *args = json_object_get(run, "argv");
    const size_t n = json_array_size(args);
    char **argv = calloc(n + 1, sizeof *argv);
    if (argv == NULL)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < n; i++)
        argv[i] = (char *)json_string_value(json_array_get(args, i));
    int rc = parse(r, (int)n, argv);
    free(argv);
    if (rc != OMPS_OK)
        return rc;
    r->opts.out_dir = dir;
    r->opts.resume_dir = dir;
    r->opts.force = force;
    r->opts.seed = (uint64_t)json_integer_value(json_object_get(r->resumed, "seed"));
    r->opts.seed_given = 1;
    const char *name;
    json_t *value;
    json_object_foreach(json_object_get(run, "sizes"), name, value) {
        const struct omps_kernel *k = omps_kernel_find(name);
        if (k != NULL && r->opts.nsizes < OMPS_MAX_LIST)
            r->opts.sizes[r->opts.nsizes++] =
                (struct omps_size_override){k, (uint64_t)json_integer_value(value)};
    }
    return OMPS_OK;
}

/* Returns 1 when the arguments hold anything but --resume DIR and --force. */
static int has_other_options(json_t *argv)
{
    for (size_t i = 0; i < json_array_size(argv); i++) {
        const char *a = json_string_value(json_array_get(argv, i));
        if (strcmp(a, "--resume") == 0)
            i++; /* its directory */
        else if (strcmp(a, "--force") != 0 && strncmp(a, "--resume=", 9) != 0)
            return 1;
    }
    return 0;
}

static int resume_options(struct run *r)
{
    const char *dir = r->opts.resume_dir;
    const int force = r->opts.force;
    if (r->opts.dry_run) {
        snprintf(r->err, sizeof r->err, "--dry-run cannot be combined with --resume");
        return OMPS_EINVAL;
    }
    if (has_other_options(r->argv)) {
        snprintf(r->err, sizeof r->err,
                 "--resume takes no options but --force: the run's own are replayed");
        return OMPS_EINVAL;
    }
    json_decref(r->argv);
    r->argv = NULL;
    int rc = load_resumed(r, dir);
    if (rc == OMPS_OK)
        rc = replay(r, dir, force);
    if (rc == OMPS_OK)
        rc = check_same(r, dir);
    return rc;
}

/* ---- machine.json ----------------------------------------------------- */

static json_t *sizes_json(const struct omps_plan *plan)
{
    json_t *sizes = json_object();
    for (size_t i = 0; sizes != NULL && i < plan->count; i++)
        json_object_set_new(sizes, plan->configs[i].key.kernel->name,
                            json_integer((json_int_t)plan->configs[i].key.n));
    return sizes;
}

/* Where the sweep's wall time went (machine.json's run.time), the rest
 * being what no step accounts for. */
static json_t *time_json(const struct omps_sweep_outcome *o)
{
    const struct omps_sweep_time *t = &o->time;
    const double rest = o->seconds - t->timed - omps_sweep_time_overhead(t);
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "timed_s", t->timed,
                     "setup_s", t->setup, "poison_s", t->poison, "prepare_s", t->prepare,
                     "verify_s", t->verify, "warmup_s", t->warmup, "search_s", t->search,
                     "children_s", t->children, "probes_s", t->probes, "rest_s", rest);
}

/* A number, or null when it is not one (NaN, infinite). */
static json_t *real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* The configurations that could not run (crashed, hung, failed to start),
 * from the outcome's "NAME\tWHY" lines: [{configuration, why}]. */
static json_t *dead_json(const char *lines)
{
    json_t *list = json_array();
    char copy[sizeof ((struct omps_sweep_outcome *)0)->dead];
    snprintf(copy, sizeof copy, "%s", lines);
    for (char *p = copy, *line; (line = strsep(&p, "\n")) != NULL;) {
        char *why = strchr(line, '\t');
        if (why == NULL)
            continue;
        *why++ = '\0';
        json_array_append_new(list, json_pack("{s:s, s:s}", "configuration", line, "why", why));
    }
    return list;
}

/* What a trimmed default plan left out (run.trimmed, one line per step)
 * and what the whole plan would have needed (run.untrimmed_estimate_s). */
static json_t *trimmed_json(const struct omps_plan *plan)
{
    json_t *steps = json_array();
    for (int step = OMPS_TRIM_NONE + 1; step < OMPS_TRIMS; step++) {
        if (plan->trimmed_steps & (1u << step))
            json_array_append_new(steps, json_string(omps_trim_text(step)));
    }
    return json_pack("{s:o, s:f}", "trimmed", steps, "untrimmed_estimate_s",
                     plan->untrimmed_estimate);
}

static json_t *run_json(const struct run *r, const struct omps_sweep_outcome *o)
{
    const struct omps_run_options *x = &r->opts;
    json_t *run = json_pack(
        "{s:O, s:s, s:I, s:i, s:f, s:o, s:o, s:b, s:I, s:o}", "argv", r->argv, "out_dir",
        x->out_dir, "seed", (json_int_t)x->seed, "repetitions", x->repetitions,
        "min_time_s", r->plan.min_time,
        "budget_s", isfinite(x->budget) ? json_real(x->budget) : json_null(),
        "precision", isfinite(x->precision) ? json_real(x->precision) : json_null(), "quick", x->quick, "configurations",
        (json_int_t)r->plan.count, "sizes", sizes_json(&r->plan));
    if (run != NULL && o != NULL)
        json_object_update_new(
            run, json_pack("{s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:f}", "completed",
                           (json_int_t)o->kept, "below_minimum",
                           (json_int_t)o->below_minimum, "imprecise",
                           (json_int_t)o->imprecise, "rounds", (json_int_t)o->rounds,
                           "repetitions_this_process", (json_int_t)o->visits,
                           "budget_spent", o->budget_spent, "interrupted",
                           o->interrupted, "seconds_this_process", o->seconds));
    if (run != NULL && o != NULL && isfinite(o->median_width))
        json_object_set_new(run, "median_width", json_real(o->median_width));
    if (run != NULL && o != NULL && o->decisions.comparisons + o->decisions.headlines > 0) {
        json_t *d = json_pack("{s:I,s:I,s:I,s:I}", "comparisons",
                              (json_int_t)o->decisions.comparisons, "comparisons_decided",
                              (json_int_t)o->decisions.compared, "headlines",
                              (json_int_t)o->decisions.headlines, "headlines_decided",
                              (json_int_t)o->decisions.headed);
        if (d != NULL)
            json_object_set_new(run, "decisions", d);
    }
    if (run != NULL && o != NULL && isfinite(o->median_repetitions))
        json_object_set_new(run, "median_repetitions", json_real(o->median_repetitions));
    if (run != NULL && o != NULL && isfinite(o->rounds_for_precision))
        json_object_set_new(run, "rounds_for_precision", json_real(o->rounds_for_precision));
    if (run != NULL && o != NULL && o->dead[0] != '\0')
        json_object_set_new(run, "could_not_run", dead_json(o->dead));
    if (run != NULL && o != NULL && o->command_start_s > 0)
        json_object_set_new(run, "command_start_s", json_real(o->command_start_s));
    if (run != NULL && o != NULL && o->command_mpirun_start_s > 0)
        json_object_set_new(run, "command_mpirun_start_s", json_real(o->command_mpirun_start_s));
    if (run != NULL && r->plan.trimmed_steps != 0)
        json_object_update_new(run, trimmed_json(&r->plan));
    if (run != NULL && o != NULL)
        json_object_update_new(
            run, json_pack("{s:f, s:o, s:o, s:f, s:o}", "timed_s", o->time.timed,
                           "timed_share", real_or_null(o->time.timed / o->seconds), "time",
                           time_json(o), "estimate_minimum_s", r->plan.estimate,
                           "minimum_s", real_or_null(o->minimum_s)));
    return run;
}

/* The first fact in which node b differs from node a, written as
 * "FACT (B against A)" into buf; 0 when they are alike.  Nodes are alike
 * when their CPU model, CPUs, topology, largest cache and OpenMP runtime
 * agree: then their rows are one machine's numbers. */
static int node_differs(const struct omps_node *a, const struct omps_node *b, char *buf,
                        size_t len)
{
    const long x[] = {a->logical_cpus, a->cores, a->packages, a->numa_nodes, a->l3_domains};
    const long y[] = {b->logical_cpus, b->cores, b->packages, b->numa_nodes, b->l3_domains};
    static const char *const names[] = {"logical_cpus", "cores", "packages", "numa_nodes",
                                        "l3_domains"};
    if (strcmp(a->cpu_model, b->cpu_model) != 0)
        return snprintf(buf, len, "cpu_model (%s against %s)", b->cpu_model, a->cpu_model) > 0;
    for (int i = 0; i < 5; i++) {
        if (x[i] != y[i])
            return snprintf(buf, len, "%s (%ld against %ld)", names[i], y[i], x[i]) > 0;
    }
    if (a->llc_bytes != b->llc_bytes)
        return snprintf(buf, len, "llc_bytes (%llu against %llu)",
                        (unsigned long long)b->llc_bytes, (unsigned long long)a->llc_bytes) > 0;
    if (strcmp(a->runtime, b->runtime) != 0)
        return snprintf(buf, len, "omp_runtime (%s against %s)", b->runtime, a->runtime) > 0;
    return 0;
}

/* Whether the nodes the groups of ranks ran on are alike (true with none
 * or one); the first that differs from the first node is said in why. */
static int nodes_alike(const struct omps_sweep_outcome *o, char *why, size_t len)
{
    char fact[400];
    for (size_t i = 1; i < o->nnodes; i++) {
        if (node_differs(&o->nodes[0], &o->nodes[i], fact, sizeof fact)) {
            snprintf(why, len, "%s differs from %s in %s", o->nodes[i].host, o->nodes[0].host,
                     fact);
            return 0;
        }
    }
    return 1;
}

/* The nodes the groups of ranks ran on: an array of {host, cpu_model,
 * logical_cpus, cores, packages, numa_nodes, l3_domains, llc_bytes,
 * omp_runtime, ranks}. */
static json_t *nodes_json(const struct omps_sweep_outcome *o)
{
    json_t *nodes = json_array();
    for (size_t i = 0; i < o->nnodes; i++) {
        const struct omps_node *n = &o->nodes[i];
        json_array_append_new(
            nodes, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I}", "host",
                             n->host, "cpu_model", n->cpu_model, "logical_cpus",
                             (json_int_t)n->logical_cpus, "cores", (json_int_t)n->cores,
                             "packages", (json_int_t)n->packages, "numa_nodes",
                             (json_int_t)n->numa_nodes, "l3_domains", (json_int_t)n->l3_domains,
                             "llc_bytes", (json_int_t)n->llc_bytes, "omp_runtime", n->runtime,
                             "ranks", (json_int_t)n->ranks));
    }
    return nodes;
}

static int write_machine(const struct run *r, const char *state,
                         const struct omps_sweep_outcome *o)
{
    json_t *root = omps_machine_json(&r->machine);
    if (root == NULL)
        return OMPS_ENOMEM;
    json_object_set_new(root, "state", json_string(state));
    json_object_set_new(root, "seed", json_integer((json_int_t)r->opts.seed));
    json_object_set_new(root, "run", run_json(r, o));
    if (r->system != NULL)
        json_object_set(root, "system", r->system);
    if (o != NULL && o->nnodes > 0) {
        char why[600] = "";
        const int alike = nodes_alike(o, why, sizeof why);
        json_object_set_new(root, "nodes", nodes_json(o));
        json_object_set_new(root, "nodes_alike", json_boolean(alike));
        if (!alike)
            json_object_set_new(root, "nodes_differ", json_string(why));
    }
    const int rc = omps_write_json(r->opts.out_dir, "machine.json", root);
    json_decref(root);
    return rc;
}

/* ---- the run ---------------------------------------------------------- */

/* Opens the journal, new or resumed, in the locked directory.  machine.json
 * (state running) is written before runs.csv is created, so a process
 * killed at any instant leaves either a directory that --resume continues
 * or one that holds nothing but the lock. */
static int open_journal(struct run *r)
{
    const char *dir = r->opts.out_dir;
    int rc;
    if (r->opts.resume_dir == NULL)
        omps_journal_clear(&r->journal);
    else
        omps_remove_stale_temporaries(dir, 1);
    rc = write_machine(r, "running", NULL);
    if (rc == OMPS_OK && r->opts.resume_dir == NULL) {
        rc = omps_journal_start(&r->journal, OMPS_RUNS_HEADER);
    } else if (rc == OMPS_OK) {
        rc = omps_journal_reopen(&r->journal, OMPS_RUNS_HEADER);
        if (rc == OMPS_OK) {
            char path[4200];
            snprintf(path, sizeof path, "%s/runs.csv", dir);
            return omps_runs_read(path, &r->done, r->err, sizeof r->err);
        }
    }
    if (rc == OMPS_EFORMAT)
        snprintf(r->err, sizeof r->err, "--resume: %s/runs.csv has other columns than this "
                 "version writes; start a new run", dir);
    else if (rc != OMPS_OK)
        snprintf(r->err, sizeof r->err, "--out: cannot write to '%s': %s", dir,
                 strerror(errno));
    return rc;
}

/* What the rounds decided of the report's lines (harness/allot.h). */
static void say_decisions(const struct omps_decisions *d)
{
    const size_t open = d->comparisons - d->compared + d->headlines - d->headed;
    fprintf(stderr, "ompscale: decisions: %zu of %zu comparisons say use or the same within "
            "%.0f%%, %zu of %zu headline speedups are within +-%.0f%%; %zu undecided\n",
            d->compared, d->comparisons, 100 * OMPS_SAME_MARGIN, d->headed, d->headlines,
            100 * OMPS_HEADLINE_HALF_WIDTH, open);
}

static int exit_code(const struct run *r, const struct omps_sweep_outcome *o)
{
    char took[32];
    omps_format_duration(o->seconds, took, sizeof took);
    if (o->interrupted) {
        fprintf(stderr,
                "ompscale: interrupted; %zu of %zu configurations kept in %s "
                "(ompscale run --resume %s continues)\n",
                o->kept, r->plan.count, r->opts.out_dir, r->opts.out_dir);
        return 130;
    }
    /* What this budget and this machine's noise bought, beside what was asked. */
    if (o->imprecise > 0 && isfinite(o->median_width) && isfinite(o->rounds_for_precision))
        fprintf(stderr, "ompscale: precision: of the %zu configurations with an interval, the "
                "median's is +-%.1f%% after %.0f rounds; +-%.3g%% would take about %.0f rounds "
                "of each at this noise (about %.0f times as many)\n", o->with_interval,
                100 * o->median_width, o->median_repetitions, 100 * r->opts.precision,
                o->rounds_for_precision,
                o->rounds_for_precision / fmax(1.0, o->median_repetitions));
    if (o->decisions.comparisons + o->decisions.headlines > 0)
        say_decisions(&o->decisions);
    fprintf(stderr, "ompscale: %zu configurations, %ld rounds in %s%s; %zu with an "
            "interval wider than asked, %zu below %d repetitions; %.0f%% of the time timed\n",
            o->kept, o->rounds, took, o->budget_spent ? " (budget spent)" : "", o->imprecise,
            o->below_minimum, r->opts.repetitions,
            o->seconds > 0 ? 100.0 * o->time.timed / o->seconds : 0.0);
    char why[600];
    if (!nodes_alike(o, why, sizeof why))
        fprintf(stderr, "ompscale: the ranks ran on unlike nodes: %s (machine.json's nodes); "
                "their rows mix those machines and are not one machine's numbers\n", why);
    if (o->errors > 0) {
        fprintf(stderr, "ompscale: %s\n", o->error);
        return 2;
    }
    if (o->failures > 0) {
        fprintf(stderr, "ompscale: %d configuration(s) failed verification\n", o->failures);
        return 1;
    }
    return 0;
}

/* Commits gbench.json, which Google Benchmark wrote through its own
 * stream, only when it is whole JSON: a full disk cuts it anywhere, and
 * its stream's errors are not all seen.  0 or OMPS_EIO with err set. */
static int commit_gbench(struct omps_outfile *json, int rc, char *err, size_t len)
{
    if (rc != OMPS_OK) {
        omps_outfile_abort(json);
        return rc;
    }
    json_error_t e;
    json_t *whole = json_load_file(json->tmp, 0, &e);
    json_decref(whole);
    if (whole == NULL) {
        snprintf(err, len, "%.600s: Google Benchmark's output is not whole JSON (%s; a full "
                 "disk?); the old file, if any, is kept", json->path, e.text);
        omps_outfile_abort(json);
        return OMPS_EIO;
    }
    if (omps_outfile_commit(json) != OMPS_OK) {
        omps_outfile_error(json, err, len);
        return OMPS_EIO;
    }
    return OMPS_OK;
}

/* Runs the sweep into the locked directory and writes what follows it. */
static int sweep_and_finish(struct run *r, const char *argv0, volatile sig_atomic_t *stop)
{
    const char *dir = r->opts.out_dir;
    struct omps_outfile json;
    struct omps_sweep_outcome o;
    int rc = omps_outfile_open(&json, dir, "gbench.json");
    if (rc != OMPS_OK) {
        snprintf(r->err, sizeof r->err, "--out: cannot write to '%s': %s", dir, strerror(errno));
        return fail(r->err);
    }
    fclose(json.f);
    json.f = NULL;
    rc = omps_sweep_run(&r->opts, &r->plan, r->opts.resume_dir ? &r->done : NULL,
                        &r->journal, json.tmp, argv0, stop, &o, r->err, sizeof r->err);
    rc = commit_gbench(&json, rc, r->err, sizeof r->err);
    if (rc == OMPS_OK && omps_summarize_dir(dir, r->err, sizeof r->err) != OMPS_OK)
        rc = OMPS_EIO;
    if (rc == OMPS_OK)
        rc = write_machine(r, o.interrupted ? "interrupted" : "complete", &o);
    if (rc != OMPS_OK) {
        if (r->err[0] == '\0')
            snprintf(r->err, sizeof r->err, "writing %s failed: %s", dir, strerror(errno));
        return fail(r->err);
    }
    return exit_code(r, &o);
}

/* Every toolchain asked for must have a binary, and gcc+libomp its libomp,
 * before anything runs. */
static int check_toolchains(struct run *r)
{
    char path[4096], dir[4096];
    for (size_t i = 0; i < r->opts.naxis[OMPS_AXIS_TOOLCHAIN]; i++) {
        const int tc = r->opts.axis[OMPS_AXIS_TOOLCHAIN][i];
        if (omps_toolchain_binary(&r->opts, tc, path, sizeof path, r->err, sizeof r->err))
            return OMPS_EINVAL;
        if (tc == OMPS_TC_GCC_LIBOMP) {
            if (omps_libomp_dir(dir, sizeof dir, r->err, sizeof r->err) != OMPS_OK)
                return OMPS_EINVAL;
            omps_libomp_dir_remove(dir);
        }
    }
    return OMPS_OK;
}

/* The cost model's rates for the plan: measured here, or the defaults under
 * a synthetic topology, which describes another machine. */
static void calibrate(struct omps_machine *m)
{
    if (m->topology.synthetic) {
        omps_rates_default(&m->rates, m->physical_cores);
        return;
    }
    char self[4096];
    const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    self[len > 0 ? len : 0] = '\0';
    omps_rates_measure(&m->rates, m->usable_cpus, len > 0 ? self : NULL);
    m->division_ns = m->rates.division_ns;
}

/* The directory the cache probe is kept in: a hidden one in the directory
 * holding the run directory (results/.ompscale for results/latest), so
 * every run there shares it and no glob over run directories (the fleet's
 * or history add's) meets it. */
static void probe_dir(const char *out_dir, char *dir, size_t len)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", out_dir);
    snprintf(dir, len, "%s/.ompscale", dirname(copy));
}

/* The caches measured, or read from the kept probe; a dry run measures
 * nothing (it only reads a kept probe), so it stays instant. */
static void settle_caches(struct run *r)
{
    char dir[4200];
    probe_dir(r->opts.out_dir, dir, sizeof dir);
    omps_machine_settle_caches(&r->machine, dir, r->opts.dry_run ? 0 : r->opts.reprobe ? 2 : 1);
}

static int plan_run(struct run *r)
{
    if (!r->opts.seed_given)
        r->opts.seed = fresh_seed();
    int rc = check_toolchains(r);
    if (rc != OMPS_OK)
        return rc;
    settle_caches(r);
    calibrate(&r->machine);
    rc = omps_plan_make(&r->opts, &r->machine, &r->plan, r->err, sizeof r->err);
    if (rc == OMPS_ENOMEM)
        snprintf(r->err, sizeof r->err, "out of memory while planning");
    if (rc != OMPS_OK)
        return rc;
    rc = omps_plan_check_budget(&r->plan, &r->opts, r->err, sizeof r->err);
    /* Without mpirun the process kernels cannot start: refused before the
     * run directory is made (a dry run only shows the plan). */
    char mpirun[4096];
    if (rc == OMPS_OK && !r->opts.dry_run && r->plan.rank_groups > 0)
        rc = omps_ranks_find_mpirun(mpirun, sizeof mpirun, r->err, sizeof r->err);
    /* A refused plan is still shown by a dry run, so it can be trimmed. */
    if (r->opts.dry_run) {
        omps_plan_describe(&r->plan, &r->opts, stderr);
        omps_plan_write_csv(&r->plan, stdout);
    }
    return rc;
}

/* The settings known to add noise, one line each, before the sweep (as
 * pyperf's system check does; nothing is changed). */
static void say_noise(json_t *system)
{
    json_t *noise = json_object_get(system, "noise");
    for (size_t i = 0; i < json_array_size(noise); i++)
        fprintf(stderr, "ompscale: noise: %s\n", json_string_value(json_array_get(noise, i)));
}

int omps_cmd_run(int argc, char **argv, const char *argv0, volatile sig_atomic_t *stop)
{
    struct run r = {.journal = {.lock_fd = -1, .runs_fd = -1}};
    /* Until the sweep starts, a signal ends the run at once (exit 130,
     * core/interrupt.h): planning, calibration and the latency map write
     * nothing a reader could see half of. */
    int rc = omps_machine_probe(&r.machine, r.err, sizeof r.err);
    /* Read before the sweep's own load counts in the load average. */
    r.system = omps_system_json(omps_system_root(), r.machine.logical_cpus);
    if (rc == OMPS_OK)
        rc = parse(&r, argc, argv);
    if (rc == OMPS_OK && r.opts.resume_dir != NULL)
        rc = resume_options(&r);
    if (rc == OMPS_OK)
        rc = plan_run(&r);
    /* The directory is locked before the probes, so a busy one is refused
     * at once.  The probes (division about 15 ms, latency about 1 ms a
     * pair) are paid only by a run that records them: not --dry-run. */
    if (rc == OMPS_OK && !r.opts.dry_run)
        rc = omps_journal_lock(&r.journal, r.opts.out_dir, r.err, sizeof r.err);
    if (rc == OMPS_OK && !r.opts.dry_run) {
        if (!isfinite(r.machine.division_ns))
            r.machine.division_ns = omps_division_ns();
        if (!isfinite(r.machine.fma_gflops))
            r.machine.fma_gflops = omps_fma_gflops();
        rc = measure_latency(&r.machine);
        if (rc == OMPS_ENOMEM)
            snprintf(r.err, sizeof r.err, "out of memory while measuring core-to-core latency");
    }
    /* From the journal on, a signal only asks the sweep to stop after its
     * visit: every completed batch is kept and the run ends as interrupted,
     * which --resume finishes. */
    if (rc == OMPS_OK && !r.opts.dry_run) {
        omps_interrupt_defer(1);
        rc = open_journal(&r);
    }
    if (rc != OMPS_OK || r.opts.dry_run) {
        run_free(&r);
        return rc != OMPS_OK ? fail(r.err) : 0;
    }
    if (r.machine.cache_facts.finding[0] != '\0')
        fprintf(stderr, "ompscale: caches: %s\n", r.machine.cache_facts.finding);
    say_noise(r.system);
    omps_plan_describe(&r.plan, &r.opts, stderr);
    rc = sweep_and_finish(&r, argv0, stop);
    run_free(&r);
    return rc;
}

/* summarize's run directory: its one argument, and it takes no option. */
static int summarize_dir(void *cmd, const char *arg, char *err, size_t len)
{
    const char **dir = cmd;
    if (*dir == NULL) {
        *dir = arg;
        return 0;
    }
    snprintf(err, len, "unexpected argument '%s' (see 'ompscale --help')", arg);
    return -1;
}

int omps_cmd_summarize(int argc, char **argv)
{
    char err[1024] = "";
    const char *dir = NULL;
    const struct omps_command_line line = {NULL, 0, -1, summarize_dir};
    if (omps_options_parse(&line, argc, argv, &dir, err, sizeof err) != 0 || dir == NULL) {
        fprintf(stderr, "ompscale: summarize: %s\n", dir == NULL && err[0] == '\0'
                                                          ? "needs a run directory" : err);
        return 2;
    }
    if (omps_summarize_dir(dir, err, sizeof err) != OMPS_OK)
        return fail(err);
    return 0;
}
