/*
 * `ompscale history plot` (history.h): per machine and kernel, a trend
 * picture of the kernel at its best schedule, one line per thread count,
 * each run's median relative to the series' own median with its 95%
 * interval, and the change points marked; and index.html, the changes
 * first.  The data and the gnuplot script stay in DIR beside the
 * pictures, so a picture can be redrawn by hand.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv_write.h"
#include "files.h"
#include "interrupt.h"
#include "html.h"
#include "history.h"
#include "registry.h"
#include "stats.h"

/* The median of the series' values, the picture's 1.0. */
static double series_median(const struct omps_history_series *s)
{
    double *v = malloc((s->count + 1) * sizeof *v);
    if (v == NULL || s->count == 0) {
        free(v);
        return NAN;
    }
    for (size_t i = 0; i < s->count; i++)
        v[i] = s->points[i].value;
    const double m = omps_median_inplace(v, s->count);
    free(v);
    return m;
}

/* The kernel's seconds series to draw: the one at the most threads whose
 * newest value is the lowest (its best schedule there), or -1. */
static long best_series(const struct omps_history_machine *m, const struct omps_kernel *k)
{
    long best = -1;
    for (size_t i = 0; i < m->nseries; i++) {
        const struct omps_history_series *s = &m->series[i];
        if (s->measure != OMPS_MEASURE_SECONDS || s->key.kernel != k || s->count == 0)
            continue;
        const struct omps_history_series *b = best >= 0 ? &m->series[best] : NULL;
        if (b == NULL || omps_key_cores(&s->key) > omps_key_cores(&b->key) ||
            (omps_key_cores(&s->key) == omps_key_cores(&b->key) &&
             s->points[s->count - 1].value < b->points[b->count - 1].value))
            best = (long)i;
    }
    return best;
}

/* One block per thread count of the best series' family; returns how many. */
static int write_trend_data(FILE *f, const struct omps_history_machine *m,
                            const struct omps_history_series *best)
{
    int blocks = 0;
    for (size_t i = 0; i < m->nseries; i++) {
        const struct omps_history_series *s = &m->series[i];
        if (s->measure != OMPS_MEASURE_SECONDS || !omps_key_same_series(&s->key, &best->key))
            continue;
        const double ref = series_median(s);
        const int cores = omps_key_cores(&s->key);
        fprintf(f, "%s\"%d %s\"\n", blocks > 0 ? "\n\n" : "", cores,
                cores == 1 ? "core" : "cores");
        for (size_t j = 0; j < s->count; j++) {
            const struct omps_history_point *p = &s->points[j];
            fprintf(f, "%zu %.9g %.9g %.9g\n", p->run + 1, p->value / ref,
                    isfinite(p->low) ? p->low / ref : p->value / ref,
                    isfinite(p->high) ? p->high / ref : p->value / ref);
        }
        blocks++;
    }
    return blocks;
}

/* The change points of the family as arrows at the run they start. */
static void write_change_marks(FILE *gp, const struct omps_history_machine *m,
                               const struct omps_history_series *best)
{
    fputs("unset arrow; unset label\n", gp);
    for (size_t i = 0; i < m->nseries; i++) {
        const struct omps_history_series *s = &m->series[i];
        if (s->measure != OMPS_MEASURE_SECONDS || !omps_key_same_series(&s->key, &best->key))
            continue;
        for (size_t c = 0; c < s->nchanges; c++) {
            const struct omps_change *ch = &s->changes[c];
            const double x = (double)s->points[ch->index].run + 0.5;
            fprintf(gp, "set arrow from %.1f, graph 0 to %.1f, graph 1 nohead dt 2 lc rgb '%s'\n",
                    x, x, omps_change_is_worse(s, ch) ? "#c0392b" : "#27ae60");
            fprintf(gp, "set label '%d thr %+.1f%%' at %.1f, graph 0.96 rotate by 90 right "
                    "font ',9'\n", omps_key_cores(&s->key), 100.0 * ch->step, x + 0.15);
        }
    }
}

/* A picture of one kernel on machine mi: its data file and its commands
 * in the script. */
static int trend_picture(FILE *gp, const char *dir, size_t mi,
                         const struct omps_history_machine *m,
                         const struct omps_history_series *best, char *file, size_t len)
{
    char path[4600];
    snprintf(file, len, "trend-%zu-%s", mi + 1, best->key.kernel->name);
    snprintf(path, sizeof path, "%s/%s.dat", dir, file);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    const int blocks = write_trend_data(f, m, best);
    if (fclose(f) != 0)
        return -1;
    char title[700];
    const int params = best->key.params_text[0] != '\0';
    snprintf(title, sizeof title, "%s%s%s%s, n %llu, schedule %s (machine %zu)",
             best->key.kernel->name, params ? " [" : "", best->key.params_text,
             params ? "]" : "", (unsigned long long)best->key.n,
             omps_schedule_name(best->key.schedule.kind), mi + 1);
    write_change_marks(gp, m, best);
    fprintf(gp, "set output '%s.png'\nset title \"%s\" noenhanced\n", file, title);
    fprintf(gp, "set xrange [0.5:%zu.5]\n", m->nruns);
    fprintf(gp, "plot for [i=0:%d] '%s.dat' index i using 1:2:3:4 with yerrorlines "
            "pt 7 ps 0.6 title columnheader(1)\n", blocks - 1, file);
    return 0;
}

static const char script_head[] =
    "# Drawn by 'ompscale history plot'; run 'gnuplot trends.gp' here to redraw.\n"
    "set terminal pngcairo size 1000,420 enhanced font 'sans,11'\n"
    "set xlabel 'run, in commit order'\n"
    "set ylabel 'time / the series median'\n"
    "set grid ytics lc rgb '#dddddd'\nset key outside right top\n"
    "set style data yerrorlines\n";

/* Runs gnuplot on STAGE/trends.gp in STAGE; 0, or -1 with a message.  A
 * signal meanwhile kills it (core/interrupt.h). */
static int run_gnuplot(const char *dir)
{
    /* Signals wait while the child is made and registered, so a signal
     * never finds gnuplot running unregistered. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    const pid_t pid = fork();
    const int slot = pid > 0 ? omps_interrupt_track_child(pid) : -1;
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid == 0) {
        if (chdir(dir) == 0)
            execlp("gnuplot", "gnuplot", "trends.gp", (char *)NULL);
        fprintf(stderr, "ompscale: history plot: cannot run gnuplot: %s (install gnuplot-nox)\n",
                strerror(errno));
        _exit(127);
    }
    int status = 0;
    const int waited = pid > 0 && waitpid(pid, &status, 0) == pid;
    omps_interrupt_forget(slot);
    if (!waited || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "ompscale: history plot: gnuplot failed on %s/trends.gp\n", dir);
        return -1;
    }
    return 0;
}

/* One table row per change point, the recent changes for the worse first. */
static void changes_table(FILE *f, const struct omps_history *h)
{
    fputs("<h2>Changes</h2>\n<table><tr><th>machine</th><th>series</th><th>measure</th>"
          "<th>first at commit</th><th>run</th><th>step [95% interval]</th><th>p</th>"
          "<th></th></tr>\n", f);
    size_t rows = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < h->count; i++) {
            const struct omps_history_machine *m = &h->machines[i];
            for (size_t j = 0; j < m->nseries; j++) {
                const struct omps_history_series *s = &m->series[j];
                for (size_t c = 0; c < s->nchanges; c++) {
                    const struct omps_change *ch = &s->changes[c];
                    const int worse = omps_change_is_worse(s, ch);
                    if (worse != (pass == 0))
                        continue;
                    const size_t r = s->points[ch->index].run;
                    const double k = s->measure == OMPS_MEASURE_AMDAHL_F ? 1.0 : 100.0;
                    fprintf(f, "<tr><td>%zu</td><td>", i + 1);
                    omps_html_text(f, s->name);
                    fprintf(f, "</td><td>%s</td><td><code>%.12s</code> %s</td><td>%zu of %zu"
                            "</td><td>%+.*f%s [%+.*f, %+.*f]</td><td>%.2g</td><td class=\"%s\">"
                            "%s</td></tr>\n", omps_measure_name(s->measure), m->runs[r].commit,
                            m->runs[r].date, r + 1, m->nruns, k > 1 ? 1 : 4, k * ch->step,
                            k > 1 ? "%" : "", k > 1 ? 1 : 4, k * ch->step_low, k > 1 ? 1 : 4,
                            k * ch->step_high, ch->p, worse ? "worse" : "better",
                            worse ? "worse" : "better");
                    rows++;
                }
            }
        }
    }
    fprintf(f, "</table>\n%s", rows == 0 ? "<p>No change point in any series.</p>\n" : "");
}

static int write_page(const char *dir, const struct omps_history *h, char (*files)[600],
                      size_t nfiles)
{
    struct omps_outfile o;
    if (omps_outfile_open(&o, dir, "index.html") != 0)
        return -1;
    FILE *f = o.f;
    omps_html_begin(f, "history", NULL);
    changes_table(f, h);
    fputs("<p>Every change point is in <a href=\"changes.csv\">changes.csv</a>.</p>\n"
          "<h2>Machines</h2>\n<ol>\n", f);
    for (size_t i = 0; i < h->count; i++) {
        fputs("<li>", f);
        omps_html_text(f, h->machines[i].fingerprint);
        fprintf(f, ": %zu runs</li>\n", h->machines[i].nruns);
    }
    fputs("</ol>\n<h2>Trends</h2>\n", f);
    for (size_t i = 0; i < nfiles; i++)
        fprintf(f, "<p><img src=\"%s.png\" alt=\"%s\"></p>\n", files[i], files[i]);
    omps_html_end(f);
    return omps_outfile_commit(&o);
}

/* Writes STAGE/trends.gp and a data file per picture; 0 or -1 with a
 * message.  files gets the pictures' base names. */
static int write_scripts(const struct omps_history *h, const char *stage, char (*files)[600],
                         size_t *nfiles)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/trends.gp", stage);
    FILE *gp = fopen(path, "w");
    int rc = gp != NULL ? 0 : -1;
    if (gp != NULL)
        fputs(script_head, gp);
    for (size_t i = 0; rc == 0 && i < h->count; i++) {
        for (size_t k = 0; rc == 0 && k < omps_kernel_count(); k++) {
            const long b = best_series(&h->machines[i], omps_kernel_at(k));
            if (b >= 0)
                rc = trend_picture(gp, stage, i, &h->machines[i], &h->machines[i].series[b],
                                   files[(*nfiles)++], sizeof files[0]);
        }
    }
    if (gp != NULL && (fflush(gp) != 0 || ferror(gp)))
        rc = -1;
    const int saved = errno;
    if (gp != NULL && fclose(gp) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "ompscale: history plot: cannot write %s: %s\n", path,
                strerror(saved != 0 ? saved : errno));
    return rc;
}

/* Checks every picture in STAGE is a whole PNG, then moves the pictures,
 * their data and the script over DIR's; 0 or -1 with a message. */
static int install(const char *stage, const char *dir, char (*files)[600], size_t nfiles)
{
    char from[4800], to[4800];
    for (size_t i = 0; i < nfiles; i++) {
        snprintf(from, sizeof from, "%s/%s.png", stage, files[i]);
        if (!omps_png_whole(from)) {
            fprintf(stderr, "ompscale: history plot: %s/%s.png: not a whole picture (a full "
                    "disk?); the old pictures are kept\n", dir, files[i]);
            return -1;
        }
    }
    static const char *const kinds[] = {"png", "dat"};
    for (size_t i = 0; i < nfiles; i++) {
        for (int k = 0; k < 2; k++) {
            snprintf(from, sizeof from, "%s/%s.%s", stage, files[i], kinds[k]);
            snprintf(to, sizeof to, "%s/%s.%s", dir, files[i], kinds[k]);
            if (rename(from, to) != 0)
                return -1;
        }
    }
    snprintf(from, sizeof from, "%s/trends.gp", stage);
    snprintf(to, sizeof to, "%s/trends.gp", dir);
    return rename(from, to);
}

int omps_history_plot(const struct omps_history *h, const char *dir)
{
    /* Everything is drawn in a staging folder first (a dead process's is
     * removed here), so a full disk or a signal leaves the old pictures,
     * data and page as they were. */
    char stage[4200];
    omps_remove_stale_temporaries(dir, 0);
    snprintf(stage, sizeof stage, "%s/.history-plot.tmp-%ld", dir, (long)getpid());
    if (mkdir(stage, 0777) != 0) {
        fprintf(stderr, "ompscale: history plot: cannot write %s: %s\n", dir, strerror(errno));
        return -1;
    }
    const int slot = omps_interrupt_track_folder(stage);
    char (*files)[600] = calloc(omps_kernel_count() * (h->count + 1) + 1, sizeof *files);
    size_t nfiles = 0;
    int rc = files != NULL ? write_scripts(h, stage, files, &nfiles) : -1;
    if (rc == 0 && nfiles > 0)
        rc = run_gnuplot(stage);
    if (rc == 0)
        rc = install(stage, dir, files, nfiles);
    if (rc == 0 && write_page(dir, h, files, nfiles) != 0) {
        fprintf(stderr, "ompscale: history plot: cannot write %s/index.html: %s\n", dir,
                strerror(errno));
        rc = -1;
    }
    free(files);
    omps_remove_folder(stage);
    omps_interrupt_forget(slot);
    return rc;
}
