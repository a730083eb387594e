/* The test venue (OMPSCALE_VENUE=imitate): it answers every visit with
 * imitated timings and faults and runs no kernel, so that the rounds, the
 * journal, the summaries and the fits can be tested on a plan of any size
 * in a moment, against a known truth.
 *
 * A run of a configuration with p threads takes t1 * (f + (1 - f) / p)
 * seconds, t1 set by the kernel (its name's hash: 1 to 8 ms), f the serial
 * fraction, each repetition drawn with log-normal noise of sigma.
 * A schedule other than static takes 1 + gap times as long.
 * OMPSCALE_IMITATE sets them: "f=0.05,sigma=0.02,gap=0" (the defaults).
 * OMPSCALE_IMITATE_FAULT=fail:KERNEL makes KERNEL's repetitions fail
 * verification, dead:KERNEL its set-up fail, hang:KERNEL its visits hang
 * (the venue reports the hang at once rather than waiting for it). */
#define _DEFAULT_SOURCE
#include "venue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "parse.h"

struct imitation {
    const struct omps_plan *plan;
    uint64_t seed;
    double f, sigma, gap;
    char fault[16];  /* fail, dead or hang; "" for none */
    char target[64]; /* the kernel it strikes */
};

/* splitmix64, as the rounds' generator. */
static uint64_t mix(uint64_t x)
{
    uint64_t z = x + UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t hash(const char *text)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *text; text++)
        h = (h ^ (unsigned char)*text) * UINT64_C(1099511628211);
    return h;
}

/* A standard normal draw from two uniform ones (Box-Muller). */
static double normal(uint64_t x)
{
    const double u = ((double)(mix(x) >> 11) + 0.5) / 9007199254740992.0;
    const double v = ((double)(mix(x ^ UINT64_C(0x5851F42D4C957F2D)) >> 11) + 0.5) /
                     9007199254740992.0;
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Reads OMPSCALE_IMITATE's "name=value" pairs into m. */
static int read_settings(struct imitation *m, char *err, size_t err_len)
{
    const char *given = getenv("OMPSCALE_IMITATE");
    char copy[256], *p = copy, *pair;
    snprintf(copy, sizeof copy, "%s", given ? given : "");
    while ((pair = strsep(&p, ",")) != NULL) {
        char *value = strchr(pair, '=');
        double v;
        if (*pair == '\0')
            continue;
        double *into = strncmp(pair, "f=", 2) == 0       ? &m->f
                       : strncmp(pair, "sigma=", 6) == 0 ? &m->sigma
                       : strncmp(pair, "gap=", 4) == 0   ? &m->gap
                                                         : NULL;
        if (value == NULL || into == NULL || omps_parse_double(value + 1, &v) != 0 || v < 0) {
            snprintf(err, err_len,
                     "OMPSCALE_IMITATE: '%s' is not f=FRACTION, sigma=NUMBER or gap=SHARE", pair);
            return OMPS_EINVAL;
        }
        *into = v;
    }
    const char *fault = getenv("OMPSCALE_IMITATE_FAULT");
    if (fault != NULL && sscanf(fault, "%15[a-z]:%63s", m->fault, m->target) != 2)
        m->fault[0] = '\0';
    return OMPS_OK;
}

static int imitate_open(struct omps_venue *v, const struct omps_venue_context *c, char *err,
                        size_t err_len)
{
    struct imitation *m = calloc(1, sizeof *m);
    if (m == NULL)
        return OMPS_ENOMEM;
    v->self = m;
    *m = (struct imitation){.plan = c->plan, .seed = c->opts->seed, .f = 0.05, .sigma = 0.02};
    return read_settings(m, err, err_len);
}

/* Whether the fault asked for strikes key's kernel. */
static int struck(const struct imitation *m, const struct omps_key *key, const char *fault)
{
    return strcmp(m->fault, fault) == 0 && strcmp(m->target, key->kernel->name) == 0;
}

/* One imitated repetition: its seconds per run, and as many runs as the
 * plan's repetition length takes. */
static int imitate_visit(struct omps_venue *v, size_t i, const struct omps_visit_request *q,
                         double limit_s, struct omps_visit_answer *a, int *rc)
{
    const struct imitation *m = v->self;
    const struct omps_key *key = q->key;
    char name[256];
    (void)i;
    (void)limit_s;
    *rc = OMPS_OK;
    omps_visit_answer_clear(a);
    if (struck(m, key, "hang"))
        return OMPS_GOT_HUNG;
    omps_key_name(key, name, sizeof name);
    if (struck(m, key, "dead")) {
        snprintf(a->error, sizeof a->error, "%s: imitated set-up failure", name);
        return OMPS_GOT_ANSWER;
    }
    const double t1 = 1e-3 * (double)(1 + hash(key->kernel->name) % 8);
    const double noise = exp(m->sigma * normal(mix(m->seed ^ hash(name)) ^ ((uint64_t)q->done + 1) * UINT64_C(0xD1B54A32D192ED03)));
    const double slower = key->schedule.kind == omp_sched_static ? 1.0 : 1.0 + m->gap;
    const double seconds = t1 * (m->f + (1.0 - m->f) / key->threads) * noise * slower;
    a->iterations = q->iterations > 0 ? q->iterations
                                      : (long)fmax(1.0, ceil(m->plan->min_time / seconds));
    a->seconds[0] = seconds;
    a->verified[0] = !struck(m, key, "fail");
    a->repetitions = 1;
    if (!a->verified[0])
        snprintf(a->failure, sizeof a->failure, "imitated wrong result");
    /* It takes no wall time, so it accounts none: the run's timed share
     * stays a share of the time that passed. */
    a->load_child = -1;
    return OMPS_GOT_ANSWER;
}

static int imitate_end_group(struct omps_venue *v, size_t first, int got, char *why,
                             size_t why_len)
{
    (void)v, (void)first;
    if (got == OMPS_GOT_HUNG)
        snprintf(why, why_len, "the imitation hung, as asked");
    return got == OMPS_GOT_ANSWER;
}

static const char *imitate_runtime(const struct omps_venue *v)
{
    (void)v;
    return "imitation";
}

static int imitate_close(struct omps_venue *v, struct omps_sweep_time *account)
{
    (void)account;
    free(v->self);
    v->self = NULL;
    return OMPS_OK;
}

/* One group, always ready (venue.h's defaults); a hang ends it with why. */
static const struct omps_venue_ops imitate_ops = {
    .open = imitate_open, .visit = imitate_visit, .end_group = imitate_end_group,
    .runtime = imitate_runtime, .close = imitate_close};

void omps_venue_imitate(struct omps_venue *v)
{
    *v = (struct omps_venue){.ops = &imitate_ops, .name = "an imitation"};
}
