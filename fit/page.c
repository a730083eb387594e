/* The run's page: DIR/index.html from the files the run and the plot stage
 * wrote.  Everything a file lacks is said on the page, not left out. */
#define _XOPEN_SOURCE 700
#include "page.h"

#include <limits.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "errors.h"
#include "registry.h"
#include "columns.h"
#include "csv_write.h"
#include "html.h"
#include "machine_file.h"
#include "parse.h"
#include "runs_read.h"
#include "table.h"

static int present(const char *dir, const char *name)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, R_OK) == 0;
}

/* A picture, or the line that says it was not drawn. */
static void picture(FILE *f, const char *dir, const char *name, const char *alt)
{
    if (present(dir, name)) {
        fputs("<figure><img src=\"", f);
        omps_html_text(f, name);
        fputs("\" alt=\"", f);
        omps_html_text(f, alt);
        fputs("\"></figure>\n", f);
    } else {
        fputs("<p class=\"missing\">not drawn: ", f);
        omps_html_text(f, name);
        fputs(" (run plots/plot.sh on this directory; its messages say why)</p>\n", f);
    }
}

/* The page's sections of pictures.csv, in order, with their headings (the
 * machine's pictures sit under its facts). */
static const struct {
    const char *section, *heading;
} sections[] = {
    {"scaling", "Scaling kernels"},
    {"overhead", "Construct overheads"},
    {"contention", "Contention on one counter"},
    {"false_sharing", "False sharing"},
    {"environments", "Environments"},
};

struct catalogue {
    struct omps_table t;
    int col[OMPS_PICTURE_NCOLUMNS];
    int ok;
};

/* DIR/pictures.csv, the plot stage's list of pictures (by the names of
 * core/columns.h); ok 0 when it is missing or lacks a column. */
static void catalogue_read(const char *dir, struct catalogue *c)
{
    static const char *const names[] = {OMPS_PICTURE_COLUMNS(OMPS_COLUMN_STRING)};
    char path[4400], err[512];
    snprintf(path, sizeof path, "%s/pictures.csv", dir);
    memset(c, 0, sizeof *c);
    c->ok = omps_table_read(path, &c->t, err, sizeof err) == OMPS_OK &&
            omps_table_columns(&c->t, names, OMPS_PICTURE_NCOLUMNS, c->col) == 0;
}

static const char *catalogue_cell(const struct catalogue *c, size_t row, int col)
{
    return omps_table_cell(&c->t, row, (size_t)c->col[col]);
}

/* The rows of one section, each as its picture; a row of a kernel other
 * than the one before it starts with the kernel's name (scaling only). */
static void section_pictures(FILE *f, const char *dir, const struct catalogue *c,
                             const char *section, const char *heading, int by_kernel)
{
    const struct omps_kernel *last = NULL;
    int headed = heading == NULL;
    for (size_t r = 0; c->ok && r < c->t.nrows; r++) {
        if (strcmp(catalogue_cell(c, r, OMPS_PICTURE_section), section) != 0)
            continue;
        if (!headed)
            fprintf(f, "<h2>%s</h2>\n", heading);
        headed = 1;
        const struct omps_kernel *k = omps_kernel_find(catalogue_cell(c, r, OMPS_PICTURE_kernel));
        if (by_kernel && k != NULL && k != last) {
            fputs("<h3>", f);
            omps_html_text(f, k->name);
            fputs("</h3>\n", f);
        }
        last = k;
        char file[4200];
        snprintf(file, sizeof file, "%s.png", catalogue_cell(c, r, OMPS_PICTURE_file));
        picture(f, dir, file, catalogue_cell(c, r, OMPS_PICTURE_caption));
    }
}

/* Every section of pictures after the machine's, as pictures.csv lists them. */
static void picture_sections(FILE *f, const char *dir, const struct catalogue *c)
{
    if (!c->ok) {
        fputs("<h2>Pictures</h2>\n<p class=\"missing\">pictures.csv is missing or unreadable: "
              "run plots/plot.sh on this directory.</p>\n", f);
        return;
    }
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        section_pictures(f, dir, c, sections[i].section, sections[i].heading, i == 0);
}

/* A value as a reader wants it: text as itself, an object as "key value"
 * pairs one level deep, an array of plain values joined; anything deeper
 * as compact JSON. */
static void readable(FILE *f, json_t *v, int depth)
{
    const char *key;
    json_t *item;
    size_t i;
    if (json_is_string(v)) {
        omps_html_text(f, json_string_value(v));
    } else if (json_is_object(v) && depth == 0) {
        int first = 1;
        json_object_foreach(v, key, item)
        {
            fputs(first ? "" : "; ", f);
            first = 0;
            fputs("<i>", f);
            omps_html_text(f, key);
            fputs("</i> ", f);
            readable(f, item, depth + 1);
        }
    } else if (json_is_array(v) && depth <= 1) {
        json_array_foreach(v, i, item)
        {
            fputs(i ? ", " : "", f);
            readable(f, item, 2);
        }
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
        omps_html_text(f, s ? s : "");
        free(s);
    }
}

static void machine_row(FILE *f, const char *label, json_t *v)
{
    fputs("<tr><th>", f);
    omps_html_text(f, label);
    fputs("</th><td>", f);
    if (v != NULL)
        readable(f, v, 0);
    else
        fputs("<span class=\"missing\">not recorded</span>", f);
    fputs("</td></tr>\n", f);
}

/* The settings machine.json's system names as adding noise, with what to
 * change, where a reader sees them first. */
static void noise_list(FILE *f, json_t *system)
{
    json_t *noise = json_object_get(system, "noise");
    if (system == NULL) {
        fputs("<p class=\"missing\">machine.json does not record the machine's state "
              "(governor, turbo, load).</p>\n", f);
        return;
    }
    if (json_array_size(noise) == 0) {
        fputs("<p>No setting known to add noise was found.</p>\n", f);
        return;
    }
    fputs("<p class=\"noise\">Settings that add noise here (nothing was changed):</p>\n<ul "
          "class=\"noise\">",
          f);
    for (size_t i = 0; i < json_array_size(noise); i++) {
        fputs("<li>", f);
        omps_html_text(f, json_string_value(json_array_get(noise, i)));
        fputs("</li>", f);
    }
    fputs("</ul>\n", f);
}

/* The nodes the ranks ran on, one row each, and in red how they differ
 * when they are not alike (their rows then mix machines). */
static void nodes_table(FILE *f, json_t *m)
{
    static const char *const cols[] = {"host", "cpu_model", "logical_cpus", "cores",
                                       "packages", "numa_nodes", "l3_domains", "llc_bytes",
                                       "omp_runtime", "ranks"};
    json_t *nodes = json_object_get(m, "nodes");
    if (json_array_size(nodes) == 0)
        return;
    const char *differ = json_string_value(json_object_get(m, "nodes_differ"));
    fprintf(f, "<p%s>The ranks ran on %zu node%s%s", differ ? " class=\"missing\"" : "",
            json_array_size(nodes), json_array_size(nodes) == 1 ? "" : "s",
            differ ? ", not alike: " : ".");
    if (differ != NULL) {
        omps_html_text(f, differ);
        fputs("; their rows mix those machines.", f);
    }
    fputs("</p>\n<div class=\"wide\"><table><tr>", f);
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        fprintf(f, "<th>%s</th>", cols[c]);
    fputs("</tr>\n", f);
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        fputs("<tr>", f);
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            json_t *v = json_object_get(json_array_get(nodes, i), cols[c]);
            char *cell = v != NULL ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
            fputs("<td>", f);
            if (json_is_string(v))
                omps_html_text(f, json_string_value(v));
            else if (cell != NULL)
                omps_html_text(f, cell);
            fputs("</td>", f);
            free(cell);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

/* The number at key of o, or NaN. */
static double number(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Where the sweep's time went, what share of it was timed, how the
 * estimate of the minimum held, and what a trimmed plan left out: one
 * paragraph from machine.json's run. */
static void time_account(FILE *f, json_t *run)
{
    static const char *const steps[] = {"setup", "poison", "prepare", "verify", "warmup",
                                        "search", "children", "probes", "rest"};
    json_t *t = json_object_get(run, "time");
    const double wall = number(run, "seconds_this_process"), timed = number(run, "timed_s");
    if (!json_is_object(t) || !(wall > 0)) {
        fputs("<p class=\"missing\">machine.json does not say where the sweep's time went.</p>\n",
              f);
        return;
    }
    fprintf(f, "<p class=\"account\">The sweep took %.1f s, <b>%.0f%% of it timed</b> "
            "(%.1f s); untimed:", wall, 100.0 * timed / wall, timed);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char key[32];
        snprintf(key, sizeof key, "%s_s", steps[i]);
        /* The rest is what the steps did not cover; clocks read around
         * nested steps can leave it a hair below zero. */
        const double v = number(t, key);
        fprintf(f, " %s %.1f s%s", steps[i], strcmp(steps[i], "rest") == 0 ? fmax(0.0, v) : v,
                i + 1 < sizeof steps / sizeof steps[0] ? "," : ".");
    }
    const double est = number(run, "estimate_minimum_s"), took = number(run, "minimum_s");
    if (isfinite(est))
        fprintf(f, " The plan estimated %.0f s for the minimum repetitions", est);
    if (isfinite(est) && isfinite(took))
        fprintf(f, "; they took %.0f s.", took);
    else if (isfinite(est))
        fputs("; they were not all reached.", f);
    json_t *trimmed = json_object_get(run, "trimmed");
    for (size_t i = 0; i < json_array_size(trimmed); i++) {
        fputs(i == 0 ? " Left out to keep the budget: " : "; ", f);
        omps_html_text(f, json_string_value(json_array_get(trimmed, i)));
    }
    if (json_array_size(trimmed) > 0)
        fputs(" (a larger --budget, or --kernels, --threads and --schedules, has them back).", f);
    fputs("</p>\n", f);
}

/* A batch during which other work took more than this share of the CPUs
 * marks its round as busy on the page. */
#define BUSY_ROUND 0.25

/* The rounds in which other work took more than BUSY_ROUND of the CPUs
 * during a batch (runs.csv's others_busy), listed so a reader can weigh
 * them; the fits and the gate still use every row. */
static void busy_rounds(FILE *f, const char *dir)
{
    char path[4400], err[512];
    struct omps_runs runs;
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    if (omps_runs_read(path, &runs, err, sizeof err) != OMPS_OK)
        return;
    long last = -1;
    size_t listed = 0, measured = 0;
    for (size_t i = 0; i < runs.count; i++) {
        const struct omps_run_record *r = &runs.rows[i];
        measured += !isnan(r->others_busy);
        if (!(r->others_busy > BUSY_ROUND) || r->round == last)
            continue;
        last = r->round;
        if (listed++ == 0)
            fprintf(f, "<p class=\"noise\">Rounds in which other work took more than %.0f%% "
                       "of the CPUs during a batch (runs.csv's others_busy):",
                    100 * BUSY_ROUND);
        if (listed <= 24)
            fprintf(f, "%s %ld (%.0f%%)", listed > 1 ? "," : "", r->round, 100 * r->others_busy);
    }
    if (listed > 24)
        fprintf(f, " and %zu more", listed - 24);
    if (listed > 0)
        fputs(".</p>\n", f);
    else if (measured > 0)
        fprintf(f, "<p>No batch saw other work take more than %.0f%% of the CPUs.</p>\n",
                100 * BUSY_ROUND);
    omps_runs_free(&runs);
}

/* A size in bytes as people write it, or an empty cell. */
static void size_cell(FILE *f, json_t *v, int at_least)
{
    fputs("<td>", f);
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        char size[32];
        omps_format_bytes((uint64_t)json_integer_value(v), size, sizeof size);
        fprintf(f, "%s%s", at_least ? "&ge; " : "", size);
    }
    fputs("</td>", f);
}

/* The caches as each source reports them, as the probe measured them and
 * the size the run used, with the finding in red when they disagree. */
static void cache_table(FILE *f, json_t *m)
{
    json_t *levels = json_object_get(m, "cache_levels");
    if (json_array_size(levels) == 0)
        return;
    const char *finding = json_string_value(json_object_get(m, "cache_finding"));
    if (finding != NULL) {
        fputs("<p class=\"finding\">Caches: ", f);
        omps_html_text(f, finding);
        fputs(".</p>\n", f);
    }
    fputs("<div class=\"wide\"><table><tr><th>cache</th><th>sysfs</th><th>hwloc</th>"
          "<th>CPUID</th><th>measured</th><th>used</th><th>why</th></tr>\n", f);
    for (size_t i = 0; i < json_array_size(levels); i++) {
        json_t *l = json_array_get(levels, i);
        fprintf(f, "<tr><td>L%d</td>", (int)json_integer_value(json_object_get(l, "level")));
        size_cell(f, json_object_get(l, "sysfs_bytes"), 0);
        size_cell(f, json_object_get(l, "hwloc_bytes"), 0);
        size_cell(f, json_object_get(l, "cpuid_bytes"), 0);
        size_cell(f, json_object_get(l, "measured_bytes"),
                  json_is_true(json_object_get(l, "measured_at_least")));
        size_cell(f, json_object_get(l, "used_bytes"), 0);
        fputs("<td>", f);
        const char *from = json_string_value(json_object_get(l, "used_from"));
        const char *why = json_string_value(json_object_get(l, "why"));
        if (from != NULL && why != NULL)
            fprintf(f, "%s: ", from), omps_html_text(f, why);
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n", f);
    json_t *probe = json_object_get(m, "cache_probe");
    if (probe != NULL)
        fprintf(f, "<p>The caches were measured by reading working sets from 256 KiB up at one "
                   "thread and at %d (%s, %.1f s).</p>\n",
                (int)json_integer_value(json_object_get(probe, "threads")),
                json_is_true(json_object_get(probe, "reused")) ? "kept from an earlier run"
                                                                : "in this run",
                json_number_value(json_object_get(probe, "seconds")));
}

static void machine_section(FILE *f, const char *dir, const struct catalogue *c)
{
    static const char *const keys[] = {"state", "cpu_model", "physical_cores", "logical_cpus",
                                       "usable_cpus", "affinity", "topology", "compiler",
                                       "compiler_flags", "omp_runtime", "omp_environment",
                                       "division_ns", "calibration", "transparent_hugepages",
                                       "system", "git_commit", "date", "seed", "run"};
    char ignored[512];
    json_t *m = omps_machine_file_load(dir, ignored, sizeof ignored);
    fputs("<h2>Machine and run</h2>\n", f);
    if (m == NULL) {
        fputs("<p class=\"missing\">machine.json is missing or not JSON.</p>\n", f);
        return;
    }
    time_account(f, json_object_get(m, "run"));
    noise_list(f, json_object_get(m, "system"));
    cache_table(f, m);
    busy_rounds(f, dir);
    nodes_table(f, m);
    fputs("<table class=\"facts\">\n", f);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        machine_row(f, keys[i], json_object_get(m, keys[i]));
    fputs("</table>\n", f);
    json_decref(m);
    section_pictures(f, dir, c, "machine", NULL, 0);
}

/* Writes the table's named columns (an absent one stays empty). */
static void csv_table(FILE *f, const struct omps_table *t, const char *const *cols, size_t n)
{
    int at[32];
    /* A wide table scrolls inside its box, not the whole page. */
    fputs("<div class=\"wide\"><table><tr>", f);
    for (size_t c = 0; c < n && c < 32; c++) {
        at[c] = omps_table_column(t, cols[c]);
        fputs("<th>", f);
        omps_html_text(f, cols[c]);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs("<tr>", f);
        for (size_t c = 0; c < n && c < 32; c++) {
            fputs("<td>", f);
            if (at[c] >= 0)
                omps_html_text(f, omps_table_cell(t, r, (size_t)at[c]));
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

/* A number of headline.csv (empty: "–"), linked to the picture it comes
 * from when that was drawn. */
static void linked(FILE *f, const char *dir, const char *picture, const char *text_value,
                   int digits, int general)
{
    char *end;
    const double v = strtod(text_value, &end);
    char file[400], shown[64];
    snprintf(file, sizeof file, "%s.png", picture);
    if (end == text_value || !isfinite(v))
        snprintf(shown, sizeof shown, "–");
    else
        snprintf(shown, sizeof shown, general ? "%.*g" : "%.*f", digits, v);
    if (*picture && present(dir, file) && end != text_value) {
        fputs("<a href=\"", f);
        omps_html_text(f, file);
        fputs("\">", f);
        omps_html_text(f, shown);
        fputs("</a>", f);
    } else {
        omps_html_text(f, shown);
    }
}

/* "[lo, hi]" after a number, when both are there. */
static void interval(FILE *f, const char *lo, const char *hi, int digits)
{
    if (*lo && *hi)
        fprintf(f, " [%.*f, %.*f]", digits, strtod(lo, NULL), digits, strtod(hi, NULL));
}

/* The speedup against ideal in a few words after the efficiency. */
static void ideal_note(FILE *f, const char *versus, const char *rounds)
{
    if (strcmp(versus, "ideal") == 0)
        fputs(" <small>ideal within 5%</small>", f);
    else if (strcmp(versus, "below") == 0 || strcmp(versus, "above") == 0)
        fprintf(f, " <small>%s ideal</small>", versus);
    else if (strcmp(versus, "undecided") == 0 && *rounds)
        fprintf(f, " <small>undecided: about %.0f rounds would tell</small>",
                strtod(rounds, NULL));
}

/* One row of the headline. */
static void headline_row(FILE *f, const char *dir, const struct omps_table *t, const int *col,
                         size_t r)
{
#define CELL(name) omps_table_cell(t, r, (size_t)col[OMPS_HEADLINE_##name])
    char rate_picture[300];
    snprintf(rate_picture, sizeof rate_picture, "rate-%s", CELL(kernel));
    fputs("<tr><td>", f);
    omps_html_text(f, CELL(kernel));
    fputs(" <small>", f);
    omps_html_text(f, CELL(series));
    fprintf(f, "</small></td><td>%s</td><td>", CELL(threads));
    linked(f, dir, CELL(picture), CELL(speedup), 2, 0);
    interval(f, CELL(speedup_ci_low), CELL(speedup_ci_high), 2);
    fputs("</td><td>", f);
    linked(f, dir, CELL(picture), CELL(efficiency), 2, 0);
    ideal_note(f, CELL(versus_ideal), CELL(rounds_needed));
    fputs("</td><td>", f);
    if (*CELL(usl_peak_threads)) {
        fputs("fits USL better: peak at ", f);
        linked(f, dir, CELL(picture), CELL(usl_peak_threads), 1, 0);
        fputs(" threads", f);
    } else {
        linked(f, dir, CELL(picture), CELL(amdahl_f), 3, 0);
        interval(f, CELL(amdahl_f_ci_low), CELL(amdahl_f_ci_high), 3);
    }
    fputs("</td><td>", f);
    linked(f, dir, rate_picture, CELL(bound_fraction), 2, 0);
    fputs("</td><td>", f);
    linked(f, dir, *CELL(bound_fraction) ? rate_picture : CELL(picture), CELL(rate), 3, 1);
    fputs(" ", f);
    omps_html_text(f, CELL(rate_unit));
    fputs("</td><td>", f);
    omps_html_text(f, CELL(limit));
    fputs("</td></tr>\n", f);
#undef CELL
}

/* Whether headline.csv's row r is a kernel whose speedup means something
 * (the scaling and blocking families); the others, in their own units,
 * get their own table below the first screen. */
static int scaling_row(const struct omps_table *t, const int *col, size_t r)
{
    const struct omps_kernel *k =
        omps_kernel_find(omps_table_cell(t, r, (size_t)col[OMPS_HEADLINE_kernel]));
    return k == NULL || k->family == OMPS_FAMILY_SCALING || k->family == OMPS_FAMILY_BLOCKING;
}

/* The rows of headline.csv for which scaling_row is `scaling`, as a table
 * under its heading; nothing when there is none. */
static void headline_table(FILE *f, const char *dir, const struct omps_table *t,
                           const int *col, int scaling, const char *heading)
{
    size_t shown = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        if (scaling_row(t, col, r) != scaling)
            continue;
        if (shown++ == 0)
            fprintf(f, "<h2>%s</h2>\n<table class=\"headline\"><tr><th>kernel <small>best "
                       "series</small></th><th>threads</th><th>speedup [95%%]</th>"
                       "<th>efficiency</th><th>Amdahl f [95%%]</th><th>share of bound</th>"
                       "<th>rate</th><th>what limits it</th></tr>\n",
                    heading);
        headline_row(f, dir, t, col, r);
    }
    if (shown > 0)
        fputs("</table>\n", f);
}

/* headline.csv read by column name; 0 (and a line on the page saying so)
 * when it is missing or unreadable. */
static int headline_read(FILE *f, const char *dir, struct omps_table *t, int *col)
{
    static const char *const names[] = {OMPS_HEADLINE_COLUMNS(OMPS_COLUMN_STRING)};
    char path[4400], err[512];
    snprintf(path, sizeof path, "%s/headline.csv", dir);
    const int read = omps_table_read(path, t, err, sizeof err) == OMPS_OK;
    const int ok = read && omps_table_columns(t, names, OMPS_HEADLINE_NCOLUMNS, col) == 0;
    if (!ok) {
        fputs("<h2>How it scales here</h2>\n<p class=\"missing\">headline.csv is missing or "
              "unreadable: run plots/plot.sh on this directory.</p>\n", f);
        if (read)
            omps_table_free(t);
    }
    return ok;
}

/* advice.csv as a short list: each line with its gain and interval. */
static void advice_section(FILE *f, const char *dir)
{
    char path[4400], err[512];
    struct omps_table t;
    snprintf(path, sizeof path, "%s/advice.csv", dir);
    fputs("<h2>What to set</h2>\n", f);
    if (omps_table_read(path, &t, err, sizeof err) != OMPS_OK) {
        fputs("<p class=\"missing\">advice.csv is missing or unreadable: run plots/plot.sh on "
              "this directory.</p>\n", f);
        return;
    }
    const int ac = omps_table_column(&t, "advice");
    if (ac < 0 || t.nrows == 0)
        fputs("<p>Nothing this run compared (bindings, schedules, a USL peak inside the run, "
              "SMT) gives advice.</p>\n", f);
    for (size_t r = 0; ac >= 0 && r < t.nrows; r++) {
        fputs(r == 0 ? "<ul class=\"advice\"><li>" : "<li>", f);
        omps_html_text(f, omps_table_cell(&t, r, (size_t)ac));
        fputs(r + 1 == t.nrows ? "</li></ul>\n" : "</li>\n", f);
    }
    omps_table_free(&t);
}

static void fits_section(FILE *f, const char *dir)
{
    static const char *const cols[] = {"kernel", "params", "schedule", "chunk", "model",
                                       "parameter", "value", "ci_low", "ci_high", "points", "note",
                                       "environment"};
    char path[4400], err[512];
    struct omps_table t;
    snprintf(path, sizeof path, "%s/fit.csv", dir);
    fputs("<h2>Fits (95% intervals)</h2>\n", f);
    if (omps_table_read(path, &t, err, sizeof err) != OMPS_OK) {
        fputs("<p class=\"missing\">fit.csv is missing or unreadable (", f);
        omps_html_text(f, err);
        fputs("); run plots/plot.sh on this directory.</p>\n", f);
        return;
    }
    csv_table(f, &t, cols, sizeof cols / sizeof cols[0]);
    omps_table_free(&t);
}

static void compare_section(FILE *f, const char *dir)
{
    char path[4400], line[1024];
    snprintf(path, sizeof path, "%s/compare.md", dir);
    FILE *in = fopen(path, "r");
    if (in == NULL)
        return;
    fputs("<h2>Regression gate (compare.md)</h2>\n<pre>", f);
    while (fgets(line, sizeof line, in) != NULL)
        omps_html_text(f, line);
    fputs("</pre>\n", f);
    fclose(in);
}

/* A link to the history's page (ompscale history plot) with the count of
 * recent changes for the worse its changes.csv lists. */
static void history_line(FILE *f, const char *page)
{
    if (page == NULL)
        return;
    char full[PATH_MAX], csv[PATH_MAX + 16];
    const char *href = realpath(page, full) != NULL ? full : page;
    const char *slash = strrchr(href, '/');
    /* changes.csv lies beside the page. */
    snprintf(csv, sizeof csv, "%.*schanges.csv", slash != NULL ? (int)(slash - href + 1) : 0,
             href);
    static const char *const names[] = {OMPS_CHANGES_COLUMNS(OMPS_COLUMN_STRING)};
    struct omps_table t;
    int col[OMPS_CHANGES_NCOLUMNS];
    char err[256];
    long worse = -1;
    if (omps_table_read(csv, &t, err, sizeof err) == OMPS_OK) {
        if (omps_table_columns(&t, names, OMPS_CHANGES_NCOLUMNS, col) == 0) {
            worse = 0;
            for (size_t i = 0; i < t.nrows; i++)
                worse += strcmp(omps_table_cell(&t, i, (size_t)col[OMPS_CHANGES_direction]),
                                "worse") == 0 &&
                         strcmp(omps_table_cell(&t, i, (size_t)col[OMPS_CHANGES_recent]),
                                "1") == 0;
        }
        omps_table_free(&t);
    }
    fputs("<p>History of these runs: <a href=\"", f);
    omps_html_text(f, href);
    fputs("\">", f);
    omps_html_text(f, page);
    if (worse >= 0)
        fprintf(f, "</a> (%ld change%s for the worse at the newest run)</p>\n", worse,
                worse == 1 ? "" : "s");
    else
        fputs("</a></p>\n", f);
}

/* The run page's own style, after the shared one (core/html.h). */
static const char style[] =
    "table.facts td{overflow-wrap:anywhere}table.facts th{white-space:nowrap}"
    "figure{margin:0.5em 0}table.headline td:last-child{min-width:12em;max-width:26em}"
    ".noise{color:#8a4b00;margin:0.2em 0}"
    ".answer{display:flex;gap:1em;align-items:flex-start}.answer>div{flex:1;min-width:0}"
    ".answer>div.roof{flex:0 0 400px;margin-top:3.2em}table.headline{font-size:0.78em}"
    "table.headline td:nth-child(3),table.headline td:nth-child(5){white-space:nowrap}"
    ".roof ul.advice{font-size:0.85em;padding-left:1.2em}.wide{overflow-x:auto}";

/* The first screen: the scaling kernels' headline beside the roofline and
 * the advice; the overheads' and counters' rows after them. */
static void answer_section(FILE *f, const char *dir, const struct catalogue *c)
{
    struct omps_table t;
    int col[OMPS_HEADLINE_NCOLUMNS];
    const int ok = headline_read(f, dir, &t, col);
    fputs("<div class=\"answer\"><div>", f);
    if (ok)
        headline_table(f, dir, &t, col, 1, "How it scales here");
    fputs("</div><div class=\"roof\">", f);
    section_pictures(f, dir, c, "roofline", NULL, 0);
    advice_section(f, dir);
    fputs("</div></div>\n", f);
    if (ok) {
        headline_table(f, dir, &t, col, 0, "Overheads, contention and false sharing");
        omps_table_free(&t);
    }
}

static int write_page(FILE *f, const char *dir, const char *history,
                      const struct omps_table *sum, const struct catalogue *c)
{
    static const char *const cols[] = {"kernel", "params", "n", "threads", "schedule", "chunk",
                                       "repetitions", "median_s", "ci_low_s", "ci_high_s",
                                       "speedup", "rate", "rate_ci_low", "rate_ci_high",
                                       "rate_unit", "bound_fraction", "note",
                                       "placement_modes", "bind", "places", "wait_policy",
                                       "toolchain", "runtime", "result_bitwise",
                                       "result_spread"};
    char title[4200];
    snprintf(title, sizeof title, "run: %s", dir);
    omps_html_begin(f, title, style);
    history_line(f, history);
    answer_section(f, dir, c);
    omps_page_programs(f, dir, sum);
    machine_section(f, dir, c);
    picture_sections(f, dir, c);
    fits_section(f, dir);
    fputs("<h2>Summary (95% intervals over rounds)</h2>\n", f);
    csv_table(f, sum, cols, sizeof cols / sizeof cols[0]);
    compare_section(f, dir);
    omps_html_end(f);
    return ferror(f) ? -1 : 0;
}

/* What `page` was asked. */
struct page_args {
    const char *dir;
    const char *history; /* --history: the history page to link, or NULL */
};

const struct omps_option omps_page_options[] = {
    OMPS_OPTION_TEXT("--history", struct page_args, history, "[--history PAGE]", 0),
};
const size_t omps_page_option_count = sizeof omps_page_options / sizeof omps_page_options[0];

/* The run directory: the one argument that is not an option. */
static int set_dir(void *cmd, const char *arg, char *err, size_t len)
{
    struct page_args *a = cmd;
    if (a->dir == NULL) {
        a->dir = arg;
        return 0;
    }
    snprintf(err, len, "unexpected argument '%s' (see 'ompscale --help')", arg);
    return -1;
}

int omps_cmd_page(int argc, char **argv)
{
    struct page_args a = {0};
    char path[4400], err[512] = "";
    const struct omps_command_line line = {omps_page_options, omps_page_option_count, -1,
                                           set_dir};
    if (omps_options_parse(&line, argc, argv, &a, err, sizeof err) != 0 || a.dir == NULL) {
        fprintf(stderr, "ompscale: page: %s\n", a.dir == NULL && err[0] == '\0'
                                                     ? "needs a run directory" : err);
        return 2;
    }
    const char *dir = a.dir, *history = a.history;
    struct omps_table sum;
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (omps_table_read(path, &sum, err, sizeof err) != OMPS_OK) {
        fprintf(stderr, "ompscale: page: %s\n", err);
        return 2;
    }
    struct catalogue pictures;
    catalogue_read(dir, &pictures);
    struct omps_outfile out = {.error = 0};
    errno = 0;
    int rc = omps_outfile_open(&out, dir, "index.html");
    if (rc == OMPS_OK && write_page(out.f, dir, history, &sum, &pictures) != 0) {
        omps_outfile_abort(&out);
        rc = OMPS_EIO;
    } else if (rc == OMPS_OK) {
        rc = omps_outfile_commit(&out);
    }
    omps_table_free(&sum);
    omps_table_free(&pictures.t);
    if (rc != OMPS_OK) {
        const int e = out.error != 0 ? out.error : errno != 0 ? errno : EIO;
        fprintf(stderr, "ompscale: page: cannot write %s/index.html: %s\n", dir, strerror(e));
        return 2;
    }
    return 0;
}
