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

static int local_visit(struct omps_venue *v, size_t i, const struct omps_visit_request *q,
                       double limit_s, struct omps_visit_answer *a, int *rc)
{
    struct local *l = v->self;
    (void)i;
    (void)limit_s;
    *rc = omps_visitor_visit(&l->visitor, q, a);
    return OMPS_GOT_ANSWER;
}

static const char *local_runtime(const struct omps_venue *v)
{
    const struct local *l = v->self;
    return l->runtime;
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

/* One group, always ready (venue.h's defaults). */
static const struct omps_venue_ops local_ops = {
    .open = local_open, .visit = local_visit, .runtime = local_runtime, .close = local_close};

void omps_venue_local(struct omps_venue *v)
{
    *v = (struct omps_venue){.ops = &local_ops, .name = "this process"};
}
