/* The sweep's groups: each environment in a child process kept for the
 * whole sweep, and each group of MPI ranks started through mpirun once a
 * round (child.h starts, talks to and ends the processes; this file speaks
 * the protocol, described at omps_sweep_child). */
#define _DEFAULT_SOURCE
#include "sweep_internal.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "parse.h"
#include "protocol.h"
#include "registry.h"
#include "child.h"
#include "ranks.h"

/* The most repetitions a child answers for one visit. */
#define OMPS_CHILD_REPETITIONS 64

/* ---- environment groups in child processes (child.h) ----------------- */

/* How long a child may stay silent before it is called hung: many times
 * what its visit should cost, and never less than a minute, since a first
 * visit also searches for its iteration count on a machine that may be
 * loaded.  OMPSCALE_CHILD_TIMEOUT (seconds) replaces it, for tests and for
 * machines slower than that. */
static double hang_limit(const struct omps_sweep *s, size_t i)
{
    const char *given = getenv("OMPSCALE_CHILD_TIMEOUT");
    double v;
    if (given != NULL && omps_parse_double(given, &v) == 0 && v > 0)
        return v;
    return fmax(60.0, 20.0 * sweep_visit_cost(s, i));
}

/* Marks configuration i as failed verification (failed) or as unable to
 * run, naming why. */
static void group_failure(struct omps_sweep *s, size_t i, int failed, const char *why)
{
    struct tally *t = &s->tally[i];
    s->current = i;
    if (failed) {
        t->failed = 1;
        sweep_note_failure(s, why);
        return;
    }
    char name[256], error[512];
    omps_key_name(&sweep_current(s)->key, name, sizeof name);
    snprintf(error, sizeof error, "%.200s: %.300s", name, why);
    sweep_mark_dead(s, t, error, why);
    /* mpirun that cannot start ranks will not start the next group either. */
    fprintf(stderr, "%sompscale: %s: %s; %s\n", s->show_progress ? "\r\033[K" : "", name, why,
            s->launch_failed ? "the sweep stops, keeping what it has done" : "the sweep goes on");
}

/* Checks the child's first line, what it saw ("env", then each axis's value,
 * the runtime, and "ok" or why its own check failed), against e.  Returns 1,
 * or 0 with why filled. */
static int child_saw(struct omps_sweep *s, const struct omps_env *e, char *line, char *why,
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
static void note_node(struct omps_sweep *s, char *line)
{
    struct omps_node n;
    struct omps_sweep_outcome *o = s->out;
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
static const char **remote_variables(const struct omps_sweep *s, const char **vars)
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
static size_t launch_args(const struct omps_sweep *s, const struct omps_config *cf, char **args,
                          size_t cap, char *text, size_t len)
{
    const int ranks = omps_key_launch_ranks(&cf->key);
    const char *vars[OMPS_AXES + 2];
    if (ranks == 0)
        return 0;
    const struct omps_launch l = {
        .mpirun = s->mpirun, .hostfile = s->opts->hostfile, .ranks = ranks,
        .cores = s->plan->node_cores, .nodes = s->opts->hosts,
        /* A kernel that spawns ranks needs room for them beside its own. */
        .oversubscribe = s->opts->oversubscribe || cf->oversubscribed ||
                         cf->key.kernel->ranked == OMPS_RANKED_SPAWN,
        .variables = s->opts->hostfile ? remote_variables(s, vars) : NULL};
    return omps_ranks_launch_args(&l, args, cap, text, len);
}

/* Starts the child for the group of configuration first (its environment,
 * and its ranks through mpirun for a process kernel), to take n visits, and
 * reads what it saw.  Returns 1 when it is ready, 0 when its environment
 * failed its check (why), -1 when it could not start or answer (why). */
static int start_child(struct omps_sweep *s, struct omps_child *c, size_t first, size_t n,
                       int kept, char *why, size_t len)
{
    const struct omps_config *cf = &s->plan->configs[first];
    const struct omps_env *e = &cf->key.env;
    char binary[4096], min_time[32], count[32], llc[32], live[32], json[4096 + 64], line[1024],
        text[8192], *share = s->plan->share_states ? "1" : "0";
    char *args[72];
    const char *tc = omps_env_value(OMPS_AXIS_TOOLCHAIN, e->value[OMPS_AXIS_TOOLCHAIN]);
    if (omps_toolchain_binary(s->opts, e->value[OMPS_AXIS_TOOLCHAIN], binary, sizeof binary,
                              why, len) != OMPS_OK)
        return -1;
    snprintf(min_time, sizeof min_time, "%.17g", s->plan->min_time);
    snprintf(count, sizeof count, "%zu", n);
    snprintf(llc, sizeof llc, "%.17g", s->plan->llc_bytes);
    /* The kept children share the memory states may take. */
    snprintf(live, sizeof live, "%.17g",
             s->live_cap / (double)(s->plan->environments > 0 ? s->plan->environments : 1));
    /* Named by the round it starts in too, so a resumed run's children do
     * not overwrite the JSON of the run it continues. */
    if (kept)
        snprintf(json, sizeof json, "%s/children/e%zu-r%ld.json", s->journal->dir, first,
                 s->round);
    else
        snprintf(json, sizeof json, "%s/children/r%ld-%zu.json", s->journal->dir, s->round,
                 first);
    size_t k = launch_args(s, cf, args, 48, text, sizeof text);
    const int launcher = k > 0;
    char *own[] = {binary, "child", "--min-time", min_time, "--count", count, "--llc", llc,
                   "--share-states", share, "--live-bytes", live, "--json", json,
                   "--toolchain", (char *)tc, "--ranks", "mpirun", NULL};
    for (size_t i = 0; own[i] != NULL && (launcher || i < 16); i++)
        args[k++] = own[i];
    args[k] = NULL;
    if (omps_child_start(c, launcher ? s->mpirun : binary, args, e, s->swept, s->libomp_dir,
                         launcher, why, len) != OMPS_OK)
        return -1;
    int got, nodes = 0;
    do
        got = omps_child_read_line(c, line, sizeof line, sweep_now() + hang_limit(s, first), s->stop);
    while (got == 1 && omps_proto_is(line, "node") && (note_node(s, line), ++nodes));
    if (got == 1)
        return child_saw(s, e, line, why, len);
    /* A launcher that could not start its ranks ends the sweep (exit 2, with
     * mpirun's own message above); a group that started and then failed
     * does not. */
    s->launch_failed |= launcher && got == 0;
    char how[128];
    omps_child_finish(c, 1, how, sizeof how);
    if (got == -2)
        return -1;
    /* Ranks that reported their nodes, or ran in an earlier round, did
     * start: then a node or a rank died under them (its orted killed, a
     * host gone), which is not a launch that never worked. */
    const int started = nodes > 0 || s->tally[first].count > 0;
    if (launcher && started)
        snprintf(why, len, "mpirun ended before its %d rank%s were ready (it %s) after they had "
                 "started%s: a node or one of its ranks died; its own message is above",
                 omps_key_launch_ranks(&cf->key), omps_key_launch_ranks(&cf->key) == 1 ? "" : "s",
                 how, nodes > 0 ? "" : " in an earlier round");
    else if (launcher)
        snprintf(why, len, "mpirun did not start %d rank%s (it %s; its own message is above)",
                 omps_key_launch_ranks(&cf->key), omps_key_launch_ranks(&cf->key) == 1 ? "" : "s",
                 how);
    else
        snprintf(why, len, got == -1 ? "the child did not start within its limit (it %s)"
                                     : "the child ended before it started (it %s)", how);
    return -1;
}

/* Adds a child's "time" line (answer_time in sweep_child.c) to the sweep's
 * account; returns whether line was one. */
static int add_child_time(struct omps_sweep *s, const char *line)
{
    struct omps_sweep_time t;
    if (omps_proto_read_time(line, &t) != OMPS_OK)
        return 0;
    omps_sweep_time_add(&s->out->time, &t);
    return 1;
}

/* Reads one visit's answer (rep, time, failure and error lines, then "done")
 * into r.  Returns 1, 0 when the child ended, -1 when it hung, -2 on an
 * interrupt. */
static int read_answer(struct omps_sweep *s, struct omps_child *c, size_t i,
                       struct omps_gb_result *r, double *seconds, int *verified,
                       char *failure, char *error, size_t len)
{
    char line[1024];
    const double deadline = sweep_now() + hang_limit(s, i);
    memset(r, 0, sizeof *r);
    r->seconds = seconds;
    r->verified = verified;
    for (;;) {
        const int got = omps_child_read_line(c, line, sizeof line, deadline, s->stop);
        if (got != 1)
            return got;
        if (strcmp(line, "done") == 0)
            return 1;
        if (add_child_time(s, line))
            continue;
        const char *text;
        if ((text = omps_proto_text(line, "failure")) != NULL) {
            snprintf(failure, len, "%.*s", (int)len - 1, text);
            r->failure = failure;
        } else if ((text = omps_proto_text(line, "error")) != NULL) {
            snprintf(error, len, "%.*s", (int)len - 1, text);
            r->error = error;
        } else if (r->repetitions < OMPS_CHILD_REPETITIONS &&
                   omps_proto_read_rep(line, &r->iterations, &seconds[r->repetitions],
                                       &verified[r->repetitions], &s->result) == OMPS_OK) {
            r->repetitions++;
        }
    }
}

/* Sends configuration i to the child and records its answer as a visit in
 * this process would be.  Returns 1, or what read_answer returned. */
static int child_visit(struct omps_sweep *s, struct omps_child *c, size_t i)
{
    const struct omps_config *cf = &s->plan->configs[i];
    struct tally *t = &s->tally[i];
    double seconds[OMPS_CHILD_REPETITIONS];
    int verified[OMPS_CHILD_REPETITIONS];
    char line[512], failure[512] = "", error[512] = "";
    struct omps_gb_result r;
    const double t0 = sweep_now();
    const uint64_t salt = sweep_check_salt(s, i);
    omps_proto_visit_line(line, sizeof line, cf, t->iterations, salt);
    /* The batch's load, with the child's own CPU time counted as ours; the
     * ranks under mpirun are not this process's children to count. */
    s->load_child = c->launcher ? -1 : c->pid;
    omps_load_read(&s->load_start, c->launcher ? 0 : c->pid);
    if (omps_child_send(c, line) != 0)
        return 0;
    const struct omps_sweep_time was = s->out->time;
    const int got = read_answer(s, c, i, &r, seconds, verified, failure, error, sizeof failure);
    if (got != 1)
        return got;
    s->current = i;
    const size_t before = t->count;
    sweep_report(s, &r);
    sweep_note_untimed(t, sweep_untimed_since(&was, &s->out->time),
                 salt != 0 && cf->key.kernel->verify_sample != NULL);
    if (t->count == before && !t->dead) {
        group_failure(s, i, 0, "the child timed nothing");
        return 1;
    }
    sweep_end_visit(s, t, t0, was.setup);
    return 1;
}

/* Returns 1 when configurations a and b run in one group: one environment
 * and, for process kernels, one launch of ranks. */
static int same_group(const struct omps_sweep *s, size_t a, size_t b)
{
    return omps_key_same_launch(&s->plan->configs[a].key, &s->plan->configs[b].key);
}

/* How many configurations share configuration first's group. */
static size_t group_size(const struct omps_sweep *s, size_t first)
{
    size_t n = 0;
    for (size_t i = 0; i < s->plan->count; i++)
        n += same_group(s, i, first);
    return n;
}

/* The kept child of configuration i's group, or NULL. */
static struct kept_child *kept_of(struct omps_sweep *s, size_t i)
{
    for (size_t k = 0; k < s->nkept; k++) {
        if (same_group(s, s->kept[k].first, i))
            return &s->kept[k];
    }
    return NULL;
}

/* Wakes kept child k if it was stopped between its groups. */
static void wake(struct kept_child *k)
{
    if (k->stopped)
        kill(k->child.pid, SIGCONT);
    k->stopped = 0;
}

/* omps_child_finish, its time counted as the children's. */
static int finish(struct omps_sweep *s, struct omps_child *c, int kill_it, char *how, size_t len)
{
    const double t0 = sweep_now();
    const int clean = omps_child_finish(c, kill_it, how, len);
    s->out->time.children += sweep_now() - t0;
    return clean;
}

/* Ends kept child k (woken first, so that it can read the end of its
 * input), killing it when kill_it, and forgets it.  Returns 1 when it exited
 * cleanly; how says how it ended. */
static int end_kept(struct omps_sweep *s, struct kept_child *k, int kill_it, char *how,
                    size_t len)
{
    wake(k);
    const int clean = finish(s, &k->child, kill_it, how, len);
    *k = s->kept[--s->nkept];
    return clean;
}

/* Ends every kept child at the end of the sweep. */
void sweep_end_all_kept(struct omps_sweep *s)
{
    char how[128];
    while (s->nkept > 0) {
        const int clean = end_kept(s, &s->kept[s->nkept - 1], *s->stop != 0, how, sizeof how);
        if (!clean && !*s->stop)
            fprintf(stderr, "ompscale: a child %s after its visits\n", how);
    }
}

/* The child for the group of order[0]: its kept child, woken, or a new one
 * (kept when the group is an environment's, not a launch of ranks).
 * Returns 1 with *c set, 0 when its environment failed its check, -1 when
 * it could not start (why). */
static int group_child(struct omps_sweep *s, size_t first, size_t n, struct omps_child **c,
                       struct omps_child *fresh, char *why, size_t len)
{
    struct kept_child *k = kept_of(s, first);
    const double t0 = sweep_now();
    if (k != NULL) {
        wake(k);
        *c = &k->child;
        /* The rows it times name the runtime it loaded. */
        snprintf(s->runtime, sizeof s->runtime, "%s", k->runtime);
        s->out->time.children += sweep_now() - t0;
        return 1;
    }
    const int keep = omps_key_launch_ranks(&s->plan->configs[first].key) == 0 &&
                     s->nkept < s->kept_cap;
    const int ready = start_child(s, fresh, first, keep ? group_size(s, first) : n, keep, why,
                                  len);
    s->out->time.children += sweep_now() - t0;
    *c = fresh;
    if (ready == 1 && keep) {
        s->kept[s->nkept] = (struct kept_child){.child = *fresh, .first = first};
        snprintf(s->kept[s->nkept].runtime, sizeof s->kept[s->nkept].runtime, "%s", s->runtime);
        *c = &s->kept[s->nkept++].child;
    }
    return ready;
}

/* Runs the visits order[0..n) of one group in its child.  Returns 0, an
 * error code, or 1 when the budget ended the round. */
static int run_group(struct omps_sweep *s, const size_t *order, size_t n, size_t done,
                     size_t total)
{
    struct omps_child fresh, *c;
    char why[512], how[128];
    const int ready = group_child(s, order[0], n, &c, &fresh, why, sizeof why);
    if (ready <= 0) {
        if (ready == 0)
            omps_child_finish(c, 1, how, sizeof how);
        for (size_t k = 0; k < n && !*s->stop; k++)
            group_failure(s, order[k], ready == 0, why);
        return OMPS_OK;
    }
    int rc = OMPS_OK, got = 1;
    size_t k = 0;
    for (; k < n && got == 1 && !*s->stop; k++) {
        if (!sweep_begin_visit(s, done + k, total, order[k])) {
            rc = 1;
            break;
        }
        got = child_visit(s, c, order[k]);
        sweep_note_minimum(s);
    }
    struct kept_child *kept = kept_of(s, order[0]);
    int clean = 1;
    if (kept != NULL && got == 1 && !*s->stop) {
        /* Kept for the next round, and stopped until then. */
        kill(kept->child.pid, SIGSTOP);
        kept->stopped = 1;
    } else if (kept != NULL) {
        clean = end_kept(s, kept, got != 1, how, sizeof how);
    } else {
        clean = finish(s, c, got != 1, how, sizeof how);
    }
    /* A group of ranks ends through mpirun, which reports the rank first. */
    const char *who = omps_key_launch_ranks(&s->plan->configs[order[0]].key) != 0
                          ? "mpirun, for its ranks,"
                          : "the child";
    if (got == 0 || got == -1) {
        /* Ranks that end mid-visit crashed, or the node under them died. */
        snprintf(why, sizeof why, "%s %s%s", who, got == -1 ? "hung, so it was killed" : how,
                 got == 0 && who[0] == 'm' ? ": a rank, or the node it ran on, died" : "");
        group_failure(s, order[k - 1], 0, why);
    } else if (got == 1 && !clean && !*s->stop) {
        fprintf(stderr, "ompscale: %s %s after its visits\n", who, how);
    }
    return rc != OMPS_OK ? rc : s->io_failed;
}

/* See sweep_internal.h. */
int sweep_run_round_children(struct omps_sweep *s, size_t *order, size_t n)
{
    size_t *group = malloc((n + 1) * sizeof *group);
    char *taken = calloc(n + 1, 1);
    int rc = group && taken ? OMPS_OK : OMPS_ENOMEM;
    size_t done = 0;
    for (size_t i = 0; rc == OMPS_OK && i < n && !*s->stop && !s->launch_failed; i++) {
        if (taken[i])
            continue;
        size_t m = 0;
        for (size_t j = i; j < n; j++) {
            if (!taken[j] && same_group(s, order[j], order[i])) {
                group[m++] = order[j];
                taken[j] = 1;
            }
        }
        rc = run_group(s, group, m, done, n);
        done += m;
    }
    free(group);
    free(taken);
    return rc;
}

