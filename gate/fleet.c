/*
 * `ompscale fleet DIR...`: the same plan run on several nodes, one run
 * directory each; every node's rounds are judged against the other nodes'
 * rounds pooled, configuration by configuration, with compare's own test
 * (unpaired Mann-Whitney, Hodges-Lehmann ratio and interval, Holm over the
 * configurations) at alpha shared out over the nodes, so that a node is
 * named only when it is slower than its siblings beyond a threshold and
 * beyond the noise.  Writes fleet.csv and fleet.html.
 */
#define _POSIX_C_SOURCE 200809L
#include "fleet.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_write.h"
#include "errors.h"
#include "files.h"
#include "gate.h"
#include "html.h"
#include "machine_file.h"
#include "options.h"
#include "parse.h"
#include "placement.h"

#define MAX_NODES 256

struct fleet {
    const char *dirs[MAX_NODES];
    struct omps_side sides[MAX_NODES];
    size_t n;
    double threshold, alpha;
    const char *report;
};

const struct omps_option omps_fleet_options[] = {
    OMPS_OPTION_THRESHOLD(struct fleet, threshold, 0),
    OMPS_OPTION_ALPHA(struct fleet, alpha, 0),
    OMPS_OPTION_REPORT(struct fleet, report, 0),
};
const size_t omps_fleet_option_count = sizeof omps_fleet_options / sizeof omps_fleet_options[0];

/* One node's verdict. */
struct node_verdict {
    struct omps_judgement *j;
    size_t k;
    size_t slower;       /* configurations confirmed slower than the others */
    size_t worst;        /* the one with the largest ratio among them */
    size_t decided;      /* configurations judged: slower, unchanged or faster */
    size_t missing, added; /* only on the others, only here */
};

/* One node's run directory: an argument that is not an option. */
static int add_dir(void *cmd, const char *arg, char *err, size_t len)
{
    struct fleet *f = cmd;
    if (f->n < MAX_NODES) {
        f->dirs[f->n++] = arg;
        return 0;
    }
    snprintf(err, len, "more than %d run directories", MAX_NODES);
    return -1;
}

static int parse(int argc, char **argv, struct fleet *f, char *err, size_t len)
{
    const struct omps_command_line line = {omps_fleet_options, omps_fleet_option_count, -1,
                                           add_dir};
    *f = (struct fleet){.threshold = 0.10, .alpha = 0.05, .report = "results/fleet"};
    if (omps_options_parse(&line, argc, argv, f, err, len) != 0)
        return -1;
    if (f->n >= 2)
        return 0;
    snprintf(err, len, "needs two run directories or more, one per node");
    return -1;
}

/* Gives every node's rounds ids of their own, so that no round of one node
 * is ever paired with another's: nodes run apart, and only an unpaired
 * test compares them. */
static void own_rounds(struct fleet *f)
{
    for (size_t i = 0; i < f->n; i++) {
        for (size_t s = 0; s < f->sides[i].nsets; s++) {
            struct omps_rounds *set = &f->sides[i].sets[s];
            for (size_t r = 0; r < set->count; r++)
                set->round[r] += (long)(i + 1) * 100000000L;
        }
    }
}

/* Every node's rounds of key (2 threads or more) in order: the sets, and
 * the probes of all their rounds into probes. */
static size_t sets_of(struct fleet *f, const struct omps_key *key, struct omps_rounds **sets,
                      double *probes)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++) {
        sets[i] = NULL;
        for (size_t s = 0; s < f->sides[i].nsets; s++) {
            if (omps_key_compare(&f->sides[i].sets[s].key, key) == 0)
                sets[i] = &f->sides[i].sets[s];
        }
        for (size_t r = 0; sets[i] != NULL && r < sets[i]->count; r++)
            probes[n++] = sets[i]->probe[r];
    }
    return n;
}

/* Keeps, for a team of 2 threads or more, only the rounds on the placement
 * most of the key's rounds over all nodes ran on (core/placement.h): nodes
 * run at different times, and the host may have placed the vCPUs apart
 * for one and together for another, which is not the node's doing. */
static int keep_usual_placement(struct fleet *f, const struct omps_key *key, size_t total)
{
    struct omps_rounds *sets[MAX_NODES];
    double *probes = malloc((total + 1) * sizeof *probes);
    int *cls = malloc((total + 1) * sizeof *cls);
    const size_t n = probes != NULL && cls != NULL ? sets_of(f, key, sets, probes) : 0;
    const int classes = n > 0 ? omps_placement_classes(probes, n, cls) : 0;
    const int usual = omps_placement_usual(cls, n, classes);
    for (size_t i = 0, at = 0; usual >= 0 && i < f->n; i++) {
        size_t kept = 0;
        for (size_t r = 0; sets[i] != NULL && r < sets[i]->count; r++, at++) {
            if (cls[at] >= 0 && cls[at] != usual)
                continue;
            sets[i]->round[kept] = sets[i]->round[r];
            sets[i]->seconds[kept] = sets[i]->seconds[r];
            sets[i]->probe[kept++] = sets[i]->probe[r];
        }
        if (sets[i] != NULL)
            sets[i]->count = kept;
    }
    free(probes);
    free(cls);
    return probes != NULL && cls != NULL ? OMPS_OK : OMPS_ENOMEM;
}

/* The usual placement's rounds of every configuration of 2 threads or more. */
static int placements(struct fleet *f)
{
    size_t total = 0;
    for (size_t i = 0; i < f->n; i++) {
        for (size_t s = 0; s < f->sides[i].nsets; s++)
            total += f->sides[i].sets[s].count;
    }
    int rc = OMPS_OK;
    for (size_t s = 0; rc == OMPS_OK && s < f->sides[0].nsets; s++) {
        if (f->sides[0].sets[s].key.threads >= 2)
            rc = keep_usual_placement(f, &f->sides[0].sets[s].key, total);
    }
    return rc;
}

/* The other nodes' rounds pooled into one side; OMPS_OK or OMPS_ENOMEM. */
static int pool_others(const struct fleet *f, size_t node, struct omps_side *out)
{
    *out = (struct omps_side){.state = "complete", .others_busy = NAN};
    for (size_t i = 0; i < f->n; i++) {
        for (size_t s = 0; i != node && s < f->sides[i].nsets; s++) {
            const struct omps_rounds *from = &f->sides[i].sets[s];
            struct omps_rounds *to = omps_gate_add_set(out, &from->key);
            if (to == NULL)
                return OMPS_ENOMEM;
            to->unverified |= from->unverified;
            for (size_t r = 0; r < from->count; r++) {
                if (omps_gate_add_round(to, from->round[r], from->seconds[r], from->probe[r]) !=
                    OMPS_OK)
                    return OMPS_ENOMEM;
            }
        }
    }
    return OMPS_OK;
}

static const char *host_of(const struct omps_side *s)
{
    const char *h = json_string_value(json_object_get(s->machine, "host"));
    return h != NULL ? h : s->dir;
}

/* Judges node against the pooled others at alpha / nodes. */
static int judge_node(const struct fleet *f, size_t node, struct omps_side *others,
                      struct node_verdict *v)
{
    struct omps_compare_options o = {.threshold = f->threshold, .alpha = f->alpha / (double)f->n};
    *v = (struct node_verdict){0};
    int rc = pool_others(f, node, others);
    if (rc == OMPS_OK)
        rc = omps_gate_judge(others, &f->sides[node], &o, &v->j, &v->k);
    for (size_t c = 0; rc == OMPS_OK && c < v->k; c++) {
        const char *verdict = v->j[c].verdict;
        v->decided += strcmp(verdict, "regression") == 0 || strcmp(verdict, "unchanged") == 0 ||
                      strcmp(verdict, "improvement") == 0;
        v->missing += strcmp(verdict, "missing") == 0;
        v->added += strcmp(verdict, "added") == 0;
        if (strcmp(verdict, "regression") != 0)
            continue;
        if (v->slower++ == 0 || v->j[c].ratio > v->j[v->worst].ratio)
            v->worst = c;
    }
    return rc;
}

static void write_row(FILE *out, const struct omps_fleet_row *row)
{
    FILE *f = out;
    int first = 1;
    OMPS_FLEET_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}

static int write_csv(const struct fleet *f, const struct node_verdict *v, char *why,
                     size_t len)
{
    struct omps_outfile o;
    if (omps_make_dirs(f->report) != 0) {
        snprintf(why, len, "--report: cannot make '%.4000s': %s", f->report, strerror(errno));
        return -1;
    }
    if (omps_outfile_open(&o, f->report, "fleet.csv") != 0) {
        omps_outfile_error(&o, why, len);
        return -1;
    }
    fprintf(o.f, "%s\n", OMPS_FLEET_HEADER);
    for (size_t i = 0; i < f->n; i++) {
        for (size_t c = 0; c < v[i].k; c++) {
            const struct omps_fleet_row row = {host_of(&f->sides[i]), f->dirs[i], &v[i].j[c]};
            write_row(o.f, &row);
        }
    }
    if (omps_outfile_commit(&o) == 0)
        return 0;
    omps_outfile_error(&o, why, len);
    return -1;
}

/* One line per node: named when slower, and by how much at its worst; in
 * the page as a list item, escaped. */
static void node_line(FILE *out, const struct fleet *f, size_t i, const struct node_verdict *v,
                      int html)
{
    char name[256] = "", line[1200];
    const struct omps_judgement *w = v->slower > 0 ? &v->j[v->worst] : NULL;
    if (w != NULL) {
        omps_key_name(OMPS_JUDGED_KEY(w), name, sizeof name);
        snprintf(line, sizeof line, "%s (%s): slower than the other nodes in %zu of %zu "
                 "configurations, most in %s: %.3gx [%.3g, %.3g] their time",
                 host_of(&f->sides[i]), f->dirs[i], v->slower, v->k, name, w->ratio, w->lo,
                 w->hi);
    } else if (v->decided == 0) {
        snprintf(line, sizeof line, "%s (%s): not judged: none of its %zu configurations was "
                 "decided against the other nodes (%zu only on the others, %zu only here, %zu "
                 "within the noise)", host_of(&f->sides[i]), f->dirs[i], v->k, v->missing,
                 v->added, v->k - v->missing - v->added);
    } else {
        snprintf(line, sizeof line, "%s (%s): in line with the other nodes (%zu of %zu "
                 "configurations decided)", host_of(&f->sides[i]), f->dirs[i], v->decided, v->k);
    }
    if (!html) {
        fprintf(out, "%s\n", line);
        return;
    }
    fprintf(out, "<li class=\"%s\">", w != NULL ? "slow" : v->decided == 0 ? "unjudged" : "ok");
    omps_html_text(out, line);
    fputs("</li>\n", out);
}

static int write_page(const struct fleet *f, const struct node_verdict *v, size_t named,
                      char *why, size_t len)
{
    struct omps_outfile o;
    if (omps_outfile_open(&o, f->report, "fleet.html") != 0) {
        omps_outfile_error(&o, why, len);
        return -1;
    }
    char title[64];
    snprintf(title, sizeof title, "fleet: %zu nodes", f->n);
    omps_html_begin(o.f, title, NULL);
    size_t unjudged = 0;
    for (size_t i = 0; i < f->n; i++)
        unjudged += v[i].slower == 0 && v[i].decided == 0;
    fprintf(o.f, "<p>%zu node%s slower than the others by "
                 "more than %.0f%% (Holm over configurations, alpha %.3g shared out over the "
                 "nodes)%s; every judgement is in <a href=\"fleet.csv\">fleet.csv</a>.</p>\n"
                 "<ul>\n",
            named, named == 1 ? " is" : "s are", 100 * f->threshold, f->alpha,
            unjudged > 0 ? "; the nodes not judged had nothing decided against the others, so "
                           "the fleet cannot say they are in line" : "");
    for (size_t i = 0; i < f->n; i++)
        node_line(o.f, f, i, &v[i], 1);
    fputs("</ul>\n", o.f);
    omps_html_end(o.f);
    if (omps_outfile_commit(&o) == 0)
        return 0;
    omps_outfile_error(&o, why, len);
    return -1;
}

/* Refuses a node named twice: judged against itself, any node looks like
 * the others. */
static int refuse_repeats(const struct fleet *f, char *err, size_t len)
{
    for (size_t i = 0; i < f->n; i++) {
        for (size_t j = 0; j < i; j++) {
            if (omps_same_run(f->dirs[j], f->dirs[i])) {
                snprintf(err, len, "%.2000s and %.2000s are the same run (one directory, or "
                         "copies of one runs.csv): each node needs its own", f->dirs[j],
                         f->dirs[i]);
                return -1;
            }
        }
    }
    return 0;
}

/* fleet.csv and fleet.html; 0, or 2 (said on stderr) when either could
 * not be written whole. */
static int write_reports(const struct fleet *f, const struct node_verdict *v, size_t named)
{
    char why[4400];
    if (write_csv(f, v, why, sizeof why) == 0 && write_page(f, v, named, why, sizeof why) == 0)
        return 0;
    fprintf(stderr, "ompscale: fleet: %s\n", why);
    return 2;
}

/* Loads every node's directory; a node on another machine is said. */
static int load_all(struct fleet *f, char *err, size_t len)
{
    if (refuse_repeats(f, err, len) != 0)
        return -1;
    for (size_t i = 0; i < f->n; i++) {
        if (omps_gate_load_side(&f->sides[i], f->dirs[i], err, len) != OMPS_OK)
            return -1;
        const char *fact = omps_machines_differ(f->sides[0].machine, f->sides[i].machine);
        if (fact != NULL)
            fprintf(stderr, "ompscale: fleet: %s differs from %s in %s: they are not one node "
                    "type, and slower may mean other hardware\n", f->dirs[i], f->dirs[0], fact);
    }
    own_rounds(f);
    if (placements(f) == OMPS_OK)
        return 0;
    snprintf(err, len, "out of memory");
    return -1;
}

/* Frees the fleet's sides and judgements (judged: how many nodes were). */
static void fleet_free(struct fleet *f, struct node_verdict *v, struct omps_side *others,
                       size_t judged)
{
    for (size_t i = 0; v != NULL && others != NULL && i < judged; i++) {
        free(v[i].j);
        omps_gate_free_side(&others[i]);
    }
    for (size_t i = 0; i < f->n; i++)
        omps_gate_free_side(&f->sides[i]);
    free(v);
    free(others);
    free(f);
}

int omps_cmd_fleet(int argc, char **argv)
{
    /* A side holds its directory's path: a fleet's sides live on the heap. */
    struct fleet *f = calloc(1, sizeof *f);
    char err[4600];
    if (f == NULL || parse(argc, argv, f, err, sizeof err) != 0 ||
        load_all(f, err, sizeof err) != 0) {
        fprintf(stderr, "ompscale: fleet: %s\n", f != NULL ? err : "out of memory");
        if (f != NULL)
            fleet_free(f, NULL, NULL, 0);
        return 2;
    }
    struct node_verdict *v = calloc(f->n, sizeof *v);
    struct omps_side *others = calloc(f->n, sizeof *others);
    size_t named = 0, unjudged = 0, judged = 0;
    int rc = v != NULL && others != NULL ? OMPS_OK : OMPS_ENOMEM;
    for (; rc == OMPS_OK && judged < f->n; judged++) {
        rc = judge_node(f, judged, &others[judged], &v[judged]);
        named += rc == OMPS_OK && v[judged].slower > 0;
        unjudged += rc == OMPS_OK && v[judged].decided == 0;
    }
    for (size_t i = 0; rc == OMPS_OK && i < f->n; i++)
        node_line(stdout, f, i, &v[i], 0);
    const int wrote = rc == OMPS_OK ? write_reports(f, v, named) : 0;
    fleet_free(f, v, others, judged);
    if (rc != OMPS_OK) {
        fprintf(stderr, "ompscale: fleet: out of memory\n");
        return 2;
    }
    /* A fleet that judged nothing on some node passes nothing. */
    if (named == 0 && unjudged > 0)
        fprintf(stderr, "ompscale: fleet: %zu node%s not judged: nothing comparable with the "
                "other nodes was decided (exit 3)\n", unjudged, unjudged == 1 ? " was" : "s were");
    return named > 0 ? 1 : unjudged > 0 ? 3 : wrote;
}
