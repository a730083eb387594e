/* The child's side of a sweep: `ompscale child`, in one environment or as
 * the ranks of a group started through mpirun, takes its visits from the
 * parent (rank 0) or from rank 0 (the other ranks). */
#define _DEFAULT_SOURCE
#include "sweep_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "parse.h"
#include "protocol.h"
#include "registry.h"
#include "cli.h"
#include "env.h"

/* What `ompscale child` was told on its command line. */
struct child_args {
    double min_time;
    size_t count;
    const char *json;
    double llc_bytes;
    double live_bytes; /* the memory its states may take; 0: the default */
    long share_states;
    unsigned char toolchain;
    int ranks; /* started by mpirun as a group of ranks */
};

static int child_args(int argc, char **argv, struct child_args *a)
{
    long count = 0;
    memset(a, 0, sizeof *a);
    for (int i = 0; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--min-time") == 0 && omps_parse_double(argv[i + 1], &a->min_time) == 0)
            continue;
        if (strcmp(argv[i], "--count") == 0 && omps_parse_long(argv[i + 1], 1, 1L << 30, &count) == 0)
            continue;
        if (strcmp(argv[i], "--llc") == 0 && omps_parse_double(argv[i + 1], &a->llc_bytes) == 0)
            continue;
        if (strcmp(argv[i], "--live-bytes") == 0 &&
            omps_parse_double(argv[i + 1], &a->live_bytes) == 0)
            continue;
        if (strcmp(argv[i], "--share-states") == 0 &&
            omps_parse_long(argv[i + 1], 0, 1, &a->share_states) == 0)
            continue;
        if (strcmp(argv[i], "--json") == 0) {
            a->json = argv[i + 1];
            continue;
        }
        if (strcmp(argv[i], "--toolchain") == 0 &&
            omps_env_parse(OMPS_AXIS_TOOLCHAIN, argv[i + 1], &a->toolchain) == 0)
            continue;
        if (strcmp(argv[i], "--ranks") == 0 && strcmp(argv[i + 1], "mpirun") == 0) {
            a->ranks = 1;
            continue;
        }
        return OMPS_EINVAL;
    }
    a->count = (size_t)count;
    return a->min_time > 0 && a->count > 0 && a->json && a->toolchain ? OMPS_OK : OMPS_EINVAL;
}

/* The child's first answer: the environment it inherited, the runtime it
 * loaded and whether the runtime honours the environment ("env", one field
 * per axis, "-" for unset, the runtime, "ok" or why). */
static void answer_env(struct omps_sweep *s, struct omps_env *e)
{
    char why[256] = "ok";
    omps_env_inherited(e);
    e->value[OMPS_AXIS_TOOLCHAIN] = s->plan->configs[0].key.env.value[OMPS_AXIS_TOOLCHAIN];
    omps_env_check(e, why, sizeof why);
    omps_proto_write_env(s->answer, e, s->runtime, why);
    fflush(s->answer);
}

/* A test's way to make a child misbehave at its first visit, so that the
 * parent's handling can be seen: OMPSCALE_CHILD_FAULT=crash or hang, or
 * crash@VALUE / hang@VALUE for only the children whose OMP_PROC_BIND,
 * OMP_PLACES or OMP_WAIT_POLICY is VALUE. */
static void injected_fault(void)
{
    const char *fault = getenv("OMPSCALE_CHILD_FAULT");
    if (fault == NULL)
        return;
    const char *at = strchr(fault, '@');
    int here = at == NULL;
    for (int a = 0; at != NULL && a < OMPS_AXES; a++) {
        const char *variable = omps_axis_variable((enum omps_axis)a);
        const char *value = variable ? getenv(variable) : NULL;
        here |= value != NULL && strcmp(value, at + 1) == 0;
    }
    const size_t len = at ? (size_t)(at - fault) : strlen(fault);
    if (here && len == 5 && strncmp(fault, "crash", 5) == 0)
        sweep_abort();
    while (here && len == 4 && strncmp(fault, "hang", 4) == 0)
        pause();
}

/* Tells the parent where this visit's untimed time went (the timed share
 * it counts from the repetitions): "time" and the seconds of set-up,
 * poisoning, prepare steps, verification, warm-up and Google Benchmark's
 * search, since was. */
static void answer_time(struct omps_sweep *s, const struct omps_sweep_time *was)
{
    omps_proto_write_time(s->answer, was, &s->out->time);
}

/* Reads a visit line into the plan's slot for its configuration: the one
 * an earlier visit of it took (a child kept for the whole sweep sees each
 * configuration once a round), else a new one.  Returns the slot, or
 * OMPS_EINVAL when the line cannot be read or every slot is taken. */
static long child_slot(char *line, const struct omps_env *e, struct omps_plan *plan, size_t cap,
                       long *iterations, uint64_t *salt)
{
    struct omps_config c;
    if (omps_proto_read_visit(line, e, &c, iterations, salt) != OMPS_OK)
        return OMPS_EINVAL;
    for (size_t i = 0; i < plan->count; i++) {
        if (omps_key_compare(&plan->configs[i].key, &c.key) == 0) {
            plan->configs[i].oversubscribed = c.oversubscribed;
            return (long)i;
        }
    }
    if (plan->count == cap)
        return OMPS_EINVAL;
    plan->configs[plan->count] = c;
    return (long)plan->count++;
}

/* Takes visits from standard input until it ends. */
static int child_visits(struct omps_sweep *s, struct omps_plan *plan, size_t cap,
                        const struct omps_env *e)
{
    char line[1024], relayed[1024];
    int rc = OMPS_OK;
    while (rc == OMPS_OK && fgets(line, sizeof line, stdin)) {
        long iterations;
        /* Parsing splits the line in place; the other ranks parse it too. */
        memcpy(relayed, line, sizeof relayed);
        const long i = child_slot(line, e, plan, cap, &iterations, &s->check_salt);
        if (i < 0) {
            fprintf(stderr, "ompscale child: cannot read the visit '%s'\n", relayed);
            return OMPS_EINVAL;
        }
        injected_fault();
        sweep_relay(s, RELAY_VISIT, 0, relayed);
        s->tally[i].iterations = iterations;
        const struct omps_sweep_time was = s->out->time;
        rc = sweep_visit(s, (size_t)i);
        answer_time(s, &was);
        fputs("done\n", s->answer);
        fflush(s->answer);
    }
    return rc;
}

/* A rank other than 0: sets up, warms up and times exactly what rank 0
 * relays, calling the kernel's functions in the same order as rank 0 does,
 * until rank 0 says it is done.  Returns 0 or an OMPS_E* code. */
static int follow(struct omps_sweep *s, struct omps_plan *plan, size_t cap,
                  const struct omps_env *e)
{
    struct relay r;
    char why[512];
    for (;;) {
        omps_ranks_share(&r, sizeof r);
        if (r.command == RELAY_QUIT)
            return OMPS_OK;
        if (r.command == RELAY_VISIT) {
            long iterations;
            const long i = child_slot(r.line, e, plan, cap, &iterations, &s->check_salt);
            if (i < 0)
                return OMPS_EINVAL;
            sweep_start_visit(s, (size_t)i, why, sizeof why);
            continue;
        }
        sweep_hook_begin(s, r.runs, why, sizeof why);
        for (long i = 0; i < r.runs; i++) {
            if (sweep_current(s)->key.kernel->prepare != NULL)
                sweep_hook_prepare(s);
            sweep_hook_body(s);
        }
        sweep_hook_end(s, why, sizeof why);
    }
}

/* Rank 0, or a child alone: answers what it saw, then takes visits until
 * the parent's input ends, relaying each step to the other ranks. */
static int lead(struct omps_sweep *s, struct omps_plan *plan, size_t cap, struct omps_env *e,
                const char *argv0, const char *json)
{
    answer_env(s, e);
    int rc = omps_gb_create(&s->gb, argv0, json, &omps_sweep_hooks);
    if (rc == OMPS_OK) {
        rc = child_visits(s, plan, cap, e);
        const int closed = omps_gb_finish(s->gb);
        rc = rc != OMPS_OK ? rc : closed;
    }
    sweep_relay(s, RELAY_QUIT, 0, NULL);
    omps_gb_destroy(s->gb);
    return rc;
}

/* Starts MPI for a group of ranks and has rank 0 report every node. */
static int start_ranks(struct omps_sweep *s, int *argc, char ***argv)
{
    char why[256], nodes[4096];
    if (omps_ranks_init(argc, argv, &s->ranks, why, sizeof why) != OMPS_OK) {
        fprintf(stderr, "ompscale child: %s\n", why);
        return OMPS_EINVAL;
    }
    omps_ranks_nodes(nodes, sizeof nodes);
    if (s->ranks.rank == 0) {
        fputs(nodes, s->answer);
        fflush(s->answer);
    }
    return OMPS_OK;
}

int omps_sweep_child(int argc, char **argv, const char *argv0)
{
    static volatile sig_atomic_t never;
    struct child_args a;
    if (child_args(argc, argv, &a) != OMPS_OK) {
        fputs("ompscale child: this command is run by 'ompscale run' itself\n", stderr);
        return 2;
    }
    /* Answers go to the parent on the original standard output; anything
     * else a library prints goes to standard error. */
    const int fd = dup(STDOUT_FILENO);
    struct omps_sweep_outcome out;
    struct omps_run_options opts;
    const double memory = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    struct omps_plan plan = {.min_time = a.min_time, .count = a.count, .memory_bytes = memory,
                             .llc_bytes = a.llc_bytes, .share_states = (int)a.share_states};
    struct omps_sweep s = {.opts = &opts, .plan = &plan, .stop = &never, .out = &out,
                           .answer = fd >= 0 ? fdopen(fd, "w") : NULL};
    memset(&out, 0, sizeof out);
    omps_run_options_init(&opts);
    plan.configs = calloc(a.count, sizeof *plan.configs);
    if (s.answer == NULL || plan.configs == NULL || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
        return 2;
    s.team.want_bind = omps_bind_wanted(getenv("OMP_PROC_BIND"));
    omps_runtime_name(s.runtime, sizeof s.runtime);
    struct omps_env e;
    plan.configs[0].key.env.value[OMPS_AXIS_TOOLCHAIN] = a.toolchain;
    /* The arrays are sized for every visit; the plan grows as they come. */
    int rc = sweep_init(&s, &plan);
    plan.count = 0;
    if (a.live_bytes > 0)
        s.live_cap = a.live_bytes;
    if (rc == OMPS_OK && a.ranks)
        rc = start_ranks(&s, &argc, &argv);
    if (rc == OMPS_OK && s.ranks.rank == 0) {
        rc = lead(&s, &plan, a.count, &e, argv0, a.json);
    } else if (rc == OMPS_OK) {
        omps_env_inherited(&e);
        e.value[OMPS_AXIS_TOOLCHAIN] = a.toolchain;
        rc = follow(&s, &plan, a.count, &e);
    }
    /* States hold MPI windows, which must be freed before MPI ends. */
    sweep_free(&s);
    if (a.ranks)
        omps_ranks_finalize();
    free(plan.configs);
    fclose(s.answer);
    return rc == OMPS_OK ? 0 : 1;
}
