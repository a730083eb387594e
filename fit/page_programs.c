/* The page's section on programs run by command (page.h): what each one
 * was, how it was timed and checked, and what it used at each thread
 * count, so that a program that did not run the team it was given is seen
 * for what it is. */
#define _XOPEN_SOURCE 700
#include "page.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "html.h"
#include "machine_file.h"
#include "stats.h"
#include "table.h"

/* One line of text in a <code>. */
static void code(FILE *f, const char *s)
{
    fputs("<code>", f);
    omps_html_text(f, s);
    fputs("</code>", f);
}

/* How the program was timed and checked, in words. */
static void describe(FILE *f, json_t *p, double start_s, double mpirun_s)
{
    const char *check = json_string_value(json_object_get(p, "check"));
    const char *time_from = json_string_value(json_object_get(p, "time_from"));
    fputs("<p>", f);
    code(f, json_string_value(json_object_get(p, "command")));
    if (time_from != NULL) {
        fputs(": timed by its own figure, the line matching ", f);
        code(f, time_from);
    } else {
        fputs(": timed as the whole process's wall time", f);
        if (start_s > 0)
            fprintf(f, ", of which starting a program takes %.2f ms here", 1e3 * start_s);
        if (json_is_true(json_object_get(p, "ranked")) && mpirun_s > 0)
            fprintf(f, " (%.0f ms under mpirun -np 1)", 1e3 * mpirun_s);
    }
    if (check != NULL) {
        fputs("; each run checked by ", f);
        code(f, check);
        fputs(".</p>\n", f);
    } else {
        fputs(".</p>\n<p class=\"missing\">Only its exit status was checked: no --check was "
              "given, so a wrong answer that exits 0 passes.</p>\n", f);
    }
}

/* The cell of summary.csv's row r in column c as a number, or NaN. */
static double cell(const struct omps_table *sum, size_t r, int c)
{
    return c < 0 ? NAN : omps_table_number(sum, r, c);
}

/* One row of the table for summary.csv's row r; returns 1 when that
 * configuration ran serially at two threads or more. */
static int use_row(FILE *f, const struct omps_table *sum, size_t r, const int *c, int launched)
{
    const double threads = cell(sum, r, c[1]), cpus = cell(sum, r, c[3]);
    const double ranks = c[6] >= 0 && isfinite(cell(sum, r, c[6])) ? cell(sum, r, c[6]) : 1;
    const double seen = cell(sum, r, c[4]), rss = cell(sum, r, c[5]);
    fputs("<tr><td>", f);
    if (launched)
        fprintf(f, "%.0f</td><td>", ranks);
    omps_html_text(f, omps_table_cell(sum, r, (size_t)c[1]));
    fputs("</td><td>", f);
    omps_html_text(f, c[2] >= 0 ? omps_table_cell(sum, r, (size_t)c[2]) : "");
    fprintf(f, "</td><td>%.2f</td><td>", cpus);
    if (isfinite(seen))
        fprintf(f, "%.0f", seen);
    else
        fputs("–", f);
    fputs("</td><td>", f);
    if (isfinite(rss))
        fprintf(f, "%.1f MB", rss / 1024.0);
    fputs("</td></tr>\n", f);
    return omps_process_serial(cpus, isfinite(seen) ? seen : 0, (int)threads,
                               (int)ranks, launched);
}

/* What program `name` used, row by row of summary.csv, and the finding
 * when it ran serially where it was given threads. */
static void use_table(FILE *f, const char *name, int launched, const struct omps_table *sum)
{
    static const char *const names[] = {"kernel", "threads", "schedule", "cpus",
                                        "threads_seen", "max_rss_kb", "ranks"};
    int c[7], serial = 0, shown = 0;
    omps_table_columns(sum, names, 7, c);
    if (c[0] < 0 || c[1] < 0 || c[3] < 0)
        return;
    for (size_t r = 0; r < sum->nrows; r++) {
        if (strcmp(omps_table_cell(sum, r, (size_t)c[0]), name) != 0)
            continue;
        if (shown++ == 0)
            fprintf(f, "<table><tr>%s<th>threads</th><th>schedule</th><th>CPUs in use</th>"
                    "<th>threads seen</th><th>largest resident set</th></tr>\n",
                    launched ? "<th>ranks</th>" : "");
        serial += use_row(f, sum, r, c, launched);
    }
    if (shown > 0)
        fputs("</table>\n", f);
    if (serial > 0) {
        fputs("<p class=\"missing\">", f);
        omps_html_text(f, name);
        fputs(" never went parallel: at two threads or more it used about one CPU and no "
              "second thread was seen. It ignores OMP_NUM_THREADS or has no parallel region, "
              "so its speedup says nothing about OpenMP.</p>\n", f);
    }
}

void omps_page_programs(FILE *f, const char *dir, const struct omps_table *sum)
{
    char why[512];
    json_t *m = omps_machine_file_load(dir, why, sizeof why);
    json_t *commands = json_object_get(m, "commands"), *p;
    json_t *run = json_object_get(m, "run");
    json_t *start = json_object_get(run, "command_start_s");
    json_t *mpirun = json_object_get(run, "command_mpirun_start_s");
    size_t i;
    if (json_array_size(commands) > 0)
        fputs("<h2>Programs run by command</h2>\n", f);
    json_array_foreach(commands, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        fputs("<h3>", f);
        omps_html_text(f, name != NULL ? name : "?");
        fputs("</h3>\n", f);
        describe(f, p, json_is_number(start) ? json_number_value(start) : NAN,
                 json_is_number(mpirun) ? json_number_value(mpirun) : NAN);
        if (name != NULL)
            use_table(f, name, json_is_true(json_object_get(p, "ranked")), sum);
    }
    json_decref(m);
}
