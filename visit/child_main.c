/* `ompscale child`: the visits of a parent in another process.  In one
 * environment, or as the ranks of a group started through mpirun, it takes
 * its visits from the parent (rank 0) or from rank 0 (the other ranks),
 * makes each with a visitor as the parent would in its own process, and
 * answers on its standard output (protocol.h). */
#define _DEFAULT_SOURCE
#include "child_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "protocol.h"
#include "registry.h"
#include "visit.h"

/* The share of physical memory kept states may take when the parent did
 * not say. */
#define LIVE_MEMORY_SHARE 0.5

/* One child's visits: its visitor, what it was told, the environment it
 * inherited, the keys of the configurations it has seen (the visitor keeps
 * pointers to them) and where its answers go. */
struct child {
    struct omps_visitor v;
    struct omps_child_args a;
    struct omps_env e;
    struct omps_key *keys;
    size_t nkeys;
    struct omps_visit_request q;
    struct omps_visit_answer answer;
    FILE *out;
    char runtime[64];
};

/* The child's first answer: the environment it inherited, the runtime it
 * loaded and whether the runtime honours the environment ("env", one field
 * per axis, "-" for unset, the runtime, "ok" or why). */
static void answer_env(struct child *c)
{
    char why[256] = "ok";
    omps_env_check(&c->e, why, sizeof why);
    omps_proto_write_env(c->out, &c->e, c->runtime, why);
    fflush(c->out);
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
        omps_visit_abort();
    while (here && len == 4 && strncmp(fault, "hang", 4) == 0)
        pause();
}

/* Reads a visit line into c->q, its key the one an earlier visit of the
 * same configuration kept (a child kept for the whole sweep sees each
 * configuration once a round), else a new one.  0, or OMPS_EINVAL when the
 * line cannot be read or every place for a key is taken. */
static int read_visit(struct child *c, char *line)
{
    struct omps_key key;
    if (omps_proto_read_visit(line, &c->e, &key, &c->q) != OMPS_OK)
        return OMPS_EINVAL;
    for (size_t i = 0; i < c->nkeys; i++) {
        if (omps_key_compare(&c->keys[i], &key) == 0) {
            c->q.key = &c->keys[i];
            return OMPS_OK;
        }
    }
    if (c->nkeys == c->a.count)
        return OMPS_EINVAL;
    c->keys[c->nkeys] = key;
    c->q.key = &c->keys[c->nkeys++];
    return OMPS_OK;
}

/* Takes visits from standard input until it ends, relaying each to the
 * other ranks of a group. */
static int take_visits(struct child *c)
{
    char line[1024], relayed[1024];
    int rc = OMPS_OK;
    while (rc == OMPS_OK && fgets(line, sizeof line, stdin)) {
        /* Parsing splits the line in place; the other ranks parse it too. */
        memcpy(relayed, line, sizeof relayed);
        if (read_visit(c, line) != OMPS_OK) {
            fprintf(stderr, "ompscale child: cannot read the visit '%s'\n", relayed);
            return OMPS_EINVAL;
        }
        injected_fault();
        omps_visitor_relay(&c->v, OMPS_RELAY_VISIT, 0, relayed);
        rc = omps_visitor_visit(&c->v, &c->q, &c->answer);
        omps_proto_write_answer(c->out, &c->answer);
    }
    return rc;
}

/* A rank other than 0: sets up, warms up and times exactly what rank 0
 * relays, calling the kernel's functions in the same order as rank 0 does,
 * until rank 0 says it is done.  Returns 0 or an OMPS_E* code. */
static int follow(struct child *c)
{
    struct omps_relay r;
    char why[512];
    for (;;) {
        omps_ranks_share(&r, sizeof r);
        if (r.command == OMPS_RELAY_QUIT)
            return OMPS_OK;
        if (r.command == OMPS_RELAY_VISIT) {
            if (read_visit(c, r.line) != OMPS_OK)
                return OMPS_EINVAL;
            omps_visitor_start(&c->v, &c->q, NULL, why, sizeof why);
            continue;
        }
        omps_visitor_follow_batch(&c->v, r.runs);
    }
}

/* Starts MPI for a group of ranks and has rank 0 report every node. */
static int start_ranks(struct child *c, int *argc, char ***argv, struct omps_ranks *r,
                       void (*node_record)(char *out, size_t len))
{
    char why[256], record[512], nodes[4096];
    if (omps_ranks_init(argc, argv, r, why, sizeof why) != OMPS_OK) {
        fprintf(stderr, "ompscale child: %s\n", why);
        return OMPS_EINVAL;
    }
    node_record(record, sizeof record);
    omps_ranks_nodes(record, nodes, sizeof nodes);
    if (r->rank == 0) {
        fputs(nodes, c->out);
        fflush(c->out);
    }
    return OMPS_OK;
}

/* Rank 0, or a child alone: answers what it saw, then takes visits until
 * the parent's input ends; the others follow it. */
static int run_child(struct child *c, const struct omps_ranks *r, const char *argv0)
{
    static volatile sig_atomic_t never;
    int rc = omps_visitor_open(&c->v, &c->a.set, argv0, r->rank == 0 ? c->a.json : NULL,
                               &never);
    c->v.ranks = *r;
    if (r->rank == 0) {
        answer_env(c);
        if (rc == OMPS_OK)
            rc = take_visits(c);
        omps_visitor_relay(&c->v, OMPS_RELAY_QUIT, 0, NULL);
    } else if (rc == OMPS_OK) {
        rc = follow(c);
    }
    /* States hold MPI windows, which must be freed before MPI ends. */
    const int closed = omps_visitor_close(&c->v);
    return rc != OMPS_OK ? rc : closed;
}

int omps_visit_child(int argc, char **argv, const char *argv0,
                     void (*node_record)(char *out, size_t len))
{
    struct child c = {0};
    struct omps_ranks r = {.rank = 0, .size = 1};
    if (omps_proto_read_child_args(argc, argv, &c.a) != OMPS_OK) {
        fputs("ompscale child: this command is run by 'ompscale run' itself\n", stderr);
        return 2;
    }
    if (c.a.set.live_bytes <= 0)
        c.a.set.live_bytes = LIVE_MEMORY_SHARE * (double)sysconf(_SC_PHYS_PAGES) *
                             (double)sysconf(_SC_PAGESIZE);
    /* Answers go to the parent on the original standard output; anything
     * else a library prints goes to standard error. */
    const int fd = dup(STDOUT_FILENO);
    c.out = fd >= 0 ? fdopen(fd, "w") : NULL;
    c.keys = calloc(c.a.count, sizeof *c.keys);
    if (c.out == NULL || c.keys == NULL || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
        return 2;
    for (size_t i = 0; i < c.a.nloads; i++) {
        char why[4600];
        if (omps_kernels_load(c.a.loads[i], why, sizeof why) != OMPS_OK) {
            fprintf(stderr, "ompscale child: %s\n", why);
            return 2;
        }
    }
    omps_runtime_name(c.runtime, sizeof c.runtime);
    omps_env_inherited(&c.e);
    c.e.value[OMPS_AXIS_TOOLCHAIN] = c.a.toolchain;
    int rc = OMPS_OK;
    if (c.a.ranks)
        rc = start_ranks(&c, &argc, &argv, &r, node_record);
    if (rc == OMPS_OK)
        rc = run_child(&c, &r, argv0);
    if (c.a.ranks)
        omps_ranks_finalize();
    free(c.keys);
    fclose(c.out);
    return rc == OMPS_OK ? 0 : 1;
}
