/* The venue of child processes: each environment in a child kept for the
 * whole sweep, and each group of MPI ranks started through mpirun once and
 * kept too when all its ranks run on this host (with --hostfile, once a
 * round); child.h starts, talks to and ends the processes; the lines they
 * exchange are protocol.h's, and the child's side is `ompscale child`,
 * visit/child_main.c. */
#define _DEFAULT_SOURCE
#include "venue.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "child.h"
#include "errors.h"
#include "launch.h"
#include "protocol.h"
#include "registry.h"

/* An environment child, or a group of ranks on this host, that lives for
 * the whole sweep: it keeps its states set up across rounds, and is stopped
 * while others are timed so that its threads (spinning under
 * OMP_WAIT_POLICY=active) and its ranks (polling in MPI_Bcast) take no
 * CPU. */
struct kept_child {
    struct omps_child child;
    size_t first;  /* a configuration of its group */
    int stopped;
    char runtime[64]; /* the runtime it reported loading */
};

/* The most arguments a child's command line has: mpirun's, the binary, and
 * `ompscale child`'s own with every plugin. */
#define CHILD_ARGS (64 + 20 + 2 * OMPS_MAX_PLUGINS)

struct children {
    struct omps_venue_context c;
    int swept[OMPS_AXES];  /* the axes the sweep sets */
    char libomp_dir[4096]; /* where gcc+libomp finds libomp */
    char mpirun[4096];
    int launch_failed;     /* mpirun could not start ranks */
    struct kept_child *kept;
    size_t nkept, kept_cap;
    struct omps_child fresh; /* a group's child that is not kept */
    struct omps_child *now;  /* the child of the group in progress */
    char runtime[64];        /* the runtime it loaded */
    char binary[4096];       /* the group's binary and JSON, which its */
    char json[4096 + 64];    /* command line points at */
};

static double now(void)
{
    return omps_visit_now();
}

/* Checks the child's first line, what it saw ("env", then each axis's value,
 * the runtime, and "ok" or why its own check failed), against e.  Returns 1,
 * or 0 with why filled. */
static int child_saw(struct children *s, const struct omps_env *e, char *line, char *why,
                     size_t len)
{
    const char *saw[OMPS_AXES], *runtime, *check;
    if (omps_proto_read_env(line, saw, &runtime, &check) != OMPS_OK) {
        snprintf(why, len, "the child did not report its environment");
        return 0;
    }
    for (int a = 0; a < OMPS_AXES; a++) {
        const char *want = omps_env_value((enum omps_axis)a, e->value[a]);
        if (strcmp(saw[a], want) != 0) {
            snprintf(why, len, "the child saw %s '%s' where the sweep set '%s'",
                     omps_axis_column((enum omps_axis)a), saw[a], want);
            return 0;
        }
    }
    snprintf(s->runtime, sizeof s->runtime, "%s", runtime);
    if (strcmp(check, "ok") != 0) {
        snprintf(why, len, "%s", check);
        return 0;
    }
    return 1;
}

/* Records a "node" line a group of ranks reported, once per host: the one
 * from the group that ran the most ranks there. */
static void note_node(struct children *s, char *line)
{
    struct omps_node n;
    struct omps_sweep_outcome *o = s->c.out;
    if (omps_proto_read_node(line, &n) != OMPS_OK)
        return;
    for (size_t i = 0; i < o->nnodes; i++) {
        if (strcmp(o->nodes[i].host, n.host) != 0)
            continue;
        if (n.ranks > o->nodes[i].ranks)
            o->nodes[i] = n;
        return;
    }
    if (o->nnodes < OMPS_MAX_NODES)
        o->nodes[o->nnodes++] = n;
}

/* Fills vars with the variables that the ranks on other hosts must be
 * given, since mpirun passes its own environment only to the ranks it starts
 * here: the PMIx store, and the environment axes' variables this group sets
 * or that are already set (mpirun warns of one it cannot find).  Returns
 * vars, ended by NULL. */
static const char **remote_variables(const struct children *s, const char **vars)
{
    size_t n = 0;
    vars[n++] = OMPS_PMIX_STORE;
    for (int a = 0; a < OMPS_AXES; a++) {
        const char *v = omps_axis_variable((enum omps_axis)a);
        if (v != NULL && (s->swept[a] || getenv(v) != NULL))
            vars[n++] = v;
    }
    vars[n] = NULL;
    return vars;
}

/* Writes the launcher's part of a group's command line (none for an OpenMP
 * kernel's child); returns how many arguments. */
static size_t launch_args(const struct children *s, const struct omps_config *cf, char **args,
                          size_t cap, char *text, size_t len)
{
    const int ranks = omps_key_launch_ranks(&cf->key);
    const char *vars[OMPS_AXES + 2];
    const struct omps_run_options *opts = s->c.opts;
    if (ranks == 0)
        return 0;
    const struct omps_launch l = {
        .mpirun = s->mpirun, .hostfile = opts->hostfile, .ranks = ranks,
        .cores = s->c.plan->node_cores, .nodes = opts->hosts,
        /* A kernel that spawns ranks needs room for them beside its own. */
        .oversubscribe = opts->oversubscribe || cf->oversubscribed ||
                         cf->key.kernel->ranked == OMPS_RANKED_SPAWN,
        .variables = opts->hostfile ? remote_variables(s, vars) : NULL};
    return omps_ranks_launch_args(&l, args, cap, text, len);
}

/* The whole command line of the child for the group of configuration
 * first, to take n visits: the launcher's part, the binary, and `ompscale
 * child`'s own (protocol.h builds it).  Returns whether a launcher starts
 * it, or -1 with why set. */
static int child_command(struct children *s, size_t first, size_t n, long round,
                         int kept, char **args, char *text, size_t len, char *why,
                         size_t why_len)
{
    const struct omps_plan *plan = s->c.plan;
    const struct omps_config *cf = &plan->configs[first];
    const unsigned char tc = cf->key.env.value[OMPS_AXIS_TOOLCHAIN];
    char *binary = s->binary, *json = s->json;
    if (omps_toolchain_binary(s->c.opts, tc, binary, sizeof s->binary, why, why_len) != OMPS_OK)
        return -1;
    /* Named by the round it starts in too, so a resumed run's children do
     * not overwrite the JSON of the run it continues. */
    if (kept)
        snprintf(json, sizeof s->json, "%s/children/e%zu-r%ld.json", s->c.run_dir, first, round);
    else
        snprintf(json, sizeof s->json, "%s/children/r%ld-%zu.json", s->c.run_dir, round, first);
    size_t k = launch_args(s, cf, args, 48, text, len / 2);
    const int launcher = k > 0;
    struct omps_child_args a = {
        .set = {.min_time = plan->min_time, .llc_bytes = plan->llc_bytes,
                /* The kept children share the memory states may take. */
                .live_bytes = s->c.live_bytes / (double)(s->kept_cap > 0 ? s->kept_cap : 1),
                .share_states = plan->share_states},
        .count = n, .json = json, .toolchain = tc, .ranks = launcher};
    /* The child loads the plugins this process did. */
    for (size_t i = 0; i < omps_plugin_count(); i++)
        a.loads[a.nloads++] = omps_plugin_path(i);
    args[k++] = binary;
    k += omps_proto_child_args(&a, args + k, CHILD_ARGS - 1 - k, text + len / 2, len - len / 2);
    args[k] = NULL;
    return launcher;
}

/* Why a group's child did not become ready (got: what reading its first
 * line gave; nodes: the node lines it sent first). */
static void why_not_ready(const struct children *s, const struct omps_config *cf, int launcher,
                          int got, int nodes, int ran_before, const char *how, char *why,
                          size_t len)
{
    const int ranks = omps_key_launch_ranks(&cf->key);
    (void)s;
    /* Ranks that reported their nodes, or ran in an earlier round, did
     * start: then a node or a rank died under them (its orted killed, a
     * host gone), which is not a launch that never worked. */
    if (launcher && (nodes > 0 || ran_before))
        snprintf(why, len, "mpirun ended before its %d rank%s were ready (it %s) after they had "
                 "started%s: a node or one of its ranks died; its own message is above",
                 ranks, ranks == 1 ? "" : "s", how, nodes > 0 ? "" : " in an earlier round");
    else if (launcher)
        snprintf(why, len, "mpirun did not start %d rank%s (it %s; its own message is above)",
                 ranks, ranks == 1 ? "" : "s", how);
    else
        snprintf(why, len, got == -1 ? "the child did not start within its limit (it %s)"
                                     : "the child ended before it started (it %s)", how);
}

/* Starts the child for the group of configuration first to take n visits,
 * and reads what it saw.  Returns an omps_group_ready. */
static int start_child(struct children *s, struct omps_child *c, size_t first, size_t n,
                       long round, int kept, int ran_before, double limit_s, char *why,
                       size_t len)
{
    const struct omps_config *cf = &s->c.plan->configs[first];
    char text[32768], line[1024], how[128];
    char *args[CHILD_ARGS];
    const int launcher = child_command(s, first, n, round, kept, args, text, sizeof text, why,
                                       len);
    if (launcher < 0)
        return OMPS_GROUP_DEAD;
    if (omps_child_start(c, launcher ? s->mpirun : args[0], args, &cf->key.env, s->swept,
                         s->libomp_dir, launcher, why, len) != OMPS_OK)
        return OMPS_GROUP_DEAD;
    int got, nodes = 0;
    do
        got = omps_child_read_line(c, line, sizeof line, now() + limit_s, s->c.stop);
    while (got == 1 && omps_proto_is(line, "node") && (note_node(s, line), ++nodes));
    if (got == 1) {
        if (child_saw(s, &cf->key.env, line, why, len))
            return OMPS_GROUP_READY;
        omps_child_finish(c, 1, how, sizeof how);
        return OMPS_GROUP_FAILED;
    }
    /* A launcher that could not start its ranks ends the sweep (exit 2, with
     * mpirun's own message above); a group that started and then failed
     * does not. */
    s->launch_failed |= launcher && got == 0;
    omps_child_finish(c, 1, how, sizeof how);
    if (got != -2)
        why_not_ready(s, cf, launcher, got, nodes, ran_before, how, why, len);
    return OMPS_GROUP_DEAD;
}

/* The kept child of configuration i's group, or NULL. */
static struct kept_child *kept_of(struct children *s, size_t i)
{
    for (size_t k = 0; k < s->nkept; k++) {
        if (omps_key_same_launch(&s->c.plan->configs[s->kept[k].first].key,
                                 &s->c.plan->configs[i].key))
            return &s->kept[k];
    }
    return NULL;
}

/* How many configurations share configuration first's group. */
static size_t group_size(const struct children *s, size_t first)
{
    size_t n = 0;
    for (size_t i = 0; i < s->c.plan->count; i++)
        n += omps_key_same_launch(&s->c.plan->configs[i].key, &s->c.plan->configs[first].key);
    return n;
}

/* Wakes kept child k if it was stopped between its groups. */
static void wake(struct kept_child *k)
{
    if (k->stopped)
        omps_child_signal(&k->child, SIGCONT);
    k->stopped = 0;
}

/* Whether configuration first's group is kept for the sweep: an
 * environment's child, or a group of ranks that all run on this host,
 * where they can be stopped between rounds. */
static int keeps(const struct children *s, size_t first)
{
    return omps_key_launch_ranks(&s->c.plan->configs[first].key) == 0 ||
           s->c.opts->hostfile == NULL;
}

/* omps_child_finish, its time counted as the children's. */
static int finish(struct children *s, struct omps_child *c, int kill_it, char *how, size_t len)
{
    const double t0 = now();
    const int clean = omps_child_finish(c, kill_it, how, len);
    s->c.out->time.children += now() - t0;
    return clean;
}

/* Ends kept child k (woken first, so that it can read the end of its
 * input), killing it when kill_it, and forgets it.  Returns 1 when it exited
 * cleanly; how says how it ended. */
static int end_kept(struct children *s, struct kept_child *k, int kill_it, char *how,
                    size_t len)
{
    wake(k);
    const int clean = finish(s, &k->child, kill_it, how, len);
    *k = s->kept[--s->nkept];
    return clean;
}

/* The child for the group of first: its kept child, woken, or a new one
 * (kept when the group is an environment's, not a launch of ranks). */
static int children_begin_group(struct omps_venue *v, size_t first, size_t n, long round,
                                int ran_before, double limit_s, char *why, size_t len)
{
    struct children *s = v->self;
    struct kept_child *k = kept_of(s, first);
    const double t0 = now();
    if (k != NULL) {
        wake(k);
        s->now = &k->child;
        /* The rows it times name the runtime it loaded. */
        snprintf(s->runtime, sizeof s->runtime, "%s", k->runtime);
        s->c.out->time.children += now() - t0;
        return OMPS_GROUP_READY;
    }
    const int keep = keeps(s, first) && s->nkept < s->kept_cap;
    const int ready = start_child(s, &s->fresh, first, keep ? group_size(s, first) : n, round,
                                  keep, ran_before, limit_s, why, len);
    s->c.out->time.children += now() - t0;
    s->now = &s->fresh;
    if (ready == OMPS_GROUP_READY && keep) {
        s->kept[s->nkept] = (struct kept_child){.child = s->fresh, .first = first};
        snprintf(s->kept[s->nkept].runtime, sizeof s->kept[s->nkept].runtime, "%s", s->runtime);
        s->now = &s->kept[s->nkept++].child;
    }
    return ready;
}

/* Sends the visit to the group's child and reads its answer. */
static int children_visit(struct omps_venue *v, size_t i, const struct omps_visit_request *q,
                          double limit_s, struct omps_visit_answer *a, int *rc)
{
    struct children *s = v->self;
    struct omps_child *c = s->now;
    char line[1024];
    (void)i;
    *rc = OMPS_OK;
    omps_visit_answer_clear(a);
    omps_proto_visit_line(line, sizeof line, q);
    /* The batch's load, with the child's own CPU time counted as ours; the
     * ranks under mpirun are not this process's children to count. */
    a->load_child = c->launcher ? -1 : c->pid;
    omps_load_read(&a->load_start, c->launcher ? 0 : c->pid);
    if (omps_child_send(c, line) != 0)
        return OMPS_GOT_ENDED;
    const double deadline = now() + limit_s;
    for (;;) {
        const int got = omps_child_read_line(c, line, sizeof line, deadline, s->c.stop);
        if (got != 1)
            return got;
        if (omps_proto_read_answer(line, a) == 1)
            return OMPS_GOT_ANSWER;
    }
}

/* Keeps an environment's child for the next round, stopped until then, or
 * ends the group's child; says why a visit did not answer. */
static int children_end_group(struct omps_venue *v, size_t first, int got, char *why,
                              size_t len)
{
    struct children *s = v->self;
    struct kept_child *kept = kept_of(s, first);
    char how[128];
    int clean = 1;
    if (kept != NULL && got == OMPS_GOT_ANSWER && !*s->c.stop) {
        omps_child_signal(&kept->child, SIGSTOP);
        kept->stopped = 1;
        return 1;
    }
    if (kept != NULL)
        clean = end_kept(s, kept, got != OMPS_GOT_ANSWER, how, sizeof how);
    else
        clean = finish(s, s->now, got != OMPS_GOT_ANSWER, how, sizeof how);
    /* A group of ranks ends through mpirun, which reports the rank first. */
    const int ranks = omps_key_launch_ranks(&s->c.plan->configs[first].key) != 0;
    const char *who = ranks ? "mpirun, for its ranks," : "the child";
    if (got == OMPS_GOT_ENDED || got == OMPS_GOT_HUNG) {
        /* Ranks that end mid-visit crashed, or the node under them died. */
        snprintf(why, len, "%s %s%s", who, got == OMPS_GOT_HUNG ? "hung, so it was killed" : how,
                 got == OMPS_GOT_ENDED && ranks ? ": a rank, or the node it ran on, died" : "");
        return 0;
    }
    snprintf(why, len, "%s %s", who, how);
    return clean;
}

static const char *children_runtime(const struct omps_venue *v)
{
    const struct children *s = v->self;
    return s->runtime;
}

static int children_broken(const struct omps_venue *v)
{
    const struct children *s = v->self;
    return s->launch_failed;
}

/* Prepares the parent of environment groups and groups of ranks: which
 * axes it sets, the directory for the children's Google Benchmark JSON,
 * mpirun for process kernels and libomp for gcc+libomp. */
static int children_open(struct omps_venue *v, const struct omps_venue_context *c, char *err,
                         size_t err_len)
{
    struct children *s = calloc(1, sizeof *s);
    char dir[4096 + 16];
    int libomp = 0;
    if (s == NULL)
        return OMPS_ENOMEM;
    v->self = s;
    s->c = *c;
    for (int a = 0; a < OMPS_AXES; a++)
        s->swept[a] = c->plan->swept[a];
    for (size_t i = 0; i < c->plan->count; i++)
        libomp |= c->plan->configs[i].key.env.value[OMPS_AXIS_TOOLCHAIN] == OMPS_TC_GCC_LIBOMP;
    snprintf(dir, sizeof dir, "%s/children", c->run_dir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, err_len, "%s: %s", dir, strerror(errno));
        return OMPS_EIO;
    }
    s->kept_cap = c->plan->environments + (c->opts->hostfile == NULL ? c->plan->rank_groups : 0);
    s->kept = calloc(s->kept_cap + 1, sizeof *s->kept);
    if (s->kept == NULL)
        return OMPS_ENOMEM;
    if (c->plan->rank_groups > 0 &&
        omps_ranks_find_mpirun(s->mpirun, sizeof s->mpirun, err, err_len) != OMPS_OK)
        return OMPS_EINVAL;
    if (libomp)
        return omps_libomp_dir(s->libomp_dir, sizeof s->libomp_dir, err, err_len);
    return OMPS_OK;
}

/* Ends every kept child (killed if interrupted), and removes libomp's
 * directory. */
static int children_close(struct omps_venue *v, struct omps_sweep_time *account)
{
    struct children *s = v->self;
    char how[128];
    (void)account;
    if (s == NULL)
        return OMPS_OK;
    while (s->nkept > 0) {
        const int clean = end_kept(s, &s->kept[s->nkept - 1], *s->c.stop != 0, how, sizeof how);
        if (!clean && !*s->c.stop)
            fprintf(stderr, "ompscale: a child %s after its visits\n", how);
    }
    omps_libomp_dir_remove(s->libomp_dir);
    free(s->kept);
    free(s);
    v->self = NULL;
    return OMPS_OK;
}

static int children_same_group(const struct omps_venue *v, size_t a, size_t b)
{
    const struct children *s = v->self;
    return omps_key_same_launch(&s->c.plan->configs[a].key, &s->c.plan->configs[b].key);
}

static const struct omps_venue_ops children_ops = {
    children_open,      children_same_group, children_begin_group, children_visit,
    children_end_group, children_runtime,    children_broken,      children_close};

void omps_venue_children(struct omps_venue *v)
{
    *v = (struct omps_venue){.ops = &children_ops, .name = "a child"};
}
