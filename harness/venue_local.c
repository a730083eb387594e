/* The venue of this process: every configuration visited by a visitor of
 * its own, in one group. */
#include "venue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "errors.h"

struct local {
    struct omps_visitor visitor;
    char runtime[64];
};

static int local_open(struct omps_venue *v, const struct omps_venue_context *c, char *err,
                      size_t err_len)
{
    struct local *l = calloc(1, sizeof *l);
    if (l == NULL)
        return OMPS_ENOMEM;
    v->self = l;
    const struct omps_visit_settings set = {
        .min_time = c->plan->min_time, .llc_bytes = c->plan->llc_bytes,
        .live_bytes = c->live_bytes, .share_states = c->plan->share_states, .measure_load = 1};
    omps_runtime_name(l->runtime, sizeof l->runtime);
    const int rc = omps_visitor_open(&l->visitor, &set, c->argv0, c->json_path, c->stop);
    if (rc == OMPS_EIO)
        snprintf(err, err_len, "%s: %s", c->json_path, strerror(errno));
    return rc;
}

static int local_same_group(const struct omps_venue *v, size_t a, size_t b)
{
    (void)v;
    (void)a;
    (void)b;
    return 1;
}

static int local_begin_group(struct omps_venue *v, size_t first, size_t n, long round,
                             int ran_before, double limit_s, char *why, size_t why_len)
{
    (void)v, (void)first, (void)n, (void)round, (void)ran_before, (void)limit_s;
    (void)why, (void)why_len;
    return OMPS_GROUP_READY;
}

static int local_visit(struct omps_venue *v, size_t i, const struct omps_visit_request *q,
                       double limit_s, struct omps_visit_answer *a, int *rc)
{
    struct local *l = v->self;
    (void)i;
    (void)limit_s;
    *rc = omps_visitor_visit(&l->visitor, q, a);
    return OMPS_GOT_ANSWER;
}

static int local_end_group(struct omps_venue *v, size_t first, int got, char *why,
                           size_t why_len)
{
    (void)v, (void)first, (void)got, (void)why, (void)why_len;
    return 1;
}

static const char *local_runtime(const struct omps_venue *v)
{
    const struct local *l = v->self;
    return l->runtime;
}

static int local_broken(const struct omps_venue *v)
{
    (void)v;
    return 0;
}

/* The states still kept are torn down; their time counts as set-up. */
static int local_close(struct omps_venue *v, struct omps_sweep_time *account)
{
    struct local *l = v->self;
    if (l == NULL)
        return OMPS_OK;
    const double before = l->visitor.time.setup;
    const int rc = omps_visitor_close(&l->visitor);
    account->setup += l->visitor.time.setup - before;
    free(l);
    v->self = NULL;
    return rc;
}

static const struct omps_venue_ops local_ops = {
    local_open,    local_same_group, local_begin_group, local_visit,
    local_end_group, local_runtime,  local_broken,      local_close};

void omps_venue_local(struct omps_venue *v)
{
    *v = (struct omps_venue){.ops = &local_ops, .name = "this process"};
}
