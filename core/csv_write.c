#define _POSIX_C_SOURCE 200809L
#include "csv_write.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"

int omps_outfile_open(struct omps_outfile *o, const char *dir, const char *name)
{
    o->f = NULL;
    o->tmp[0] = '\0';
    int a = snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    int b = snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp-%ld", dir, name,
                     (long)getpid());
    if (a < 0 || b < 0 || (size_t)a >= sizeof o->path ||
        (size_t)b >= sizeof o->tmp) {
        o->tmp[0] = '\0';
        errno = ENAMETOOLONG;
        return OMPS_EIO;
    }
    o->f = fopen(o->tmp, "w");
    if (o->f == NULL) {
        o->tmp[0] = '\0';
        return OMPS_EIO;
    }
    return OMPS_OK;
}

int omps_outfile_commit(struct omps_outfile *o)
{
    int bad = 0;
    /* A file written by someone else (f == NULL) only needs its rename. */
    if (o->f != NULL) {
        bad = fflush(o->f) != 0 || ferror(o->f);
        bad |= fsync(fileno(o->f)) != 0 && errno != EINVAL;
        bad |= fclose(o->f) != 0;
        o->f = NULL;
    }
    if (!bad && rename(o->tmp, o->path) == 0) {
        o->tmp[0] = '\0';
        return OMPS_OK;
    }
    int saved = errno;
    unlink(o->tmp);
    o->tmp[0] = '\0';
    errno = saved;
    return OMPS_EIO;
}

void omps_outfile_abort(struct omps_outfile *o)
{
    if (o->f != NULL)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp[0] != '\0')
        unlink(o->tmp);
    o->tmp[0] = '\0';
}

void omps_csv_text(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void omps_csv_number(FILE *f, double v)
{
    if (!isnan(v))
        fprintf(f, "%.17g", v);
}

void omps_csv_key(FILE *f, const struct omps_key *k)
{
    omps_csv_text(f, k->kernel->name);
    fputc(',', f);
    omps_csv_text(f, k->params_text);
    fprintf(f, ",%llu,%d,%s,%d", (unsigned long long)k->n, k->threads,
            omps_schedule_name(k->schedule.kind), k->schedule.chunk);
}

void omps_csv_env(FILE *f, const struct omps_key *k, const char *runtime)
{
    for (int a = 0; a < OMPS_AXES; a++) {
        fputc(',', f);
        omps_csv_text(f, omps_env_value((enum omps_axis)a, k->env.value[a]));
    }
    fputc(',', f);
    omps_csv_text(f, runtime ? runtime : "");
}

void omps_csv_run_row(FILE *f, const struct omps_run_row *r)
{
    omps_csv_key(f, r->key);
    fprintf(f, ",%d,", r->repetition);
    omps_csv_number(f, r->seconds);
    fprintf(f, ",%d,%d,%ld,", r->verified, r->oversubscribed, r->round);
    if (isfinite(r->probe_ns))
        fprintf(f, "%.1f", r->probe_ns);
    omps_csv_env(f, r->key, r->runtime);
    fputc(',', f);
    omps_csv_number(f, r->result);
    fprintf(f, ",%d\n", omps_key_ranks(r->key));
}

void omps_csv_summary_row(FILE *f, const struct omps_summary_row *r)
{
    const struct omps_stats *s = &r->stats;
    const double numbers[] = {s->median,    s->mean,         s->stddev,
                              s->cv,        s->min,          s->max,
                              r->speedup,   r->efficiency,   r->karp_flatt,
                              r->rate};
    omps_csv_key(f, &r->key);
    fprintf(f, ",%zu", s->count);
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        fputc(',', f);
        omps_csv_number(f, numbers[i]);
    }
    fputc(',', f);
    omps_csv_text(f, omps_unit_name(r->key.kernel->unit));
    fputc(',', f);
    omps_csv_number(f, r->copy_fraction);
    fprintf(f, ",%d", r->oversubscribed);
    const double intervals[] = {r->ci_low,         r->ci_high,        r->speedup_ci_low,
                                r->speedup_ci_high, r->bound_rate,     r->bound_fraction,
                                r->rate_ci_low,     r->rate_ci_high};
    for (size_t i = 0; i < sizeof intervals / sizeof intervals[0]; i++) {
        fputc(',', f);
        omps_csv_number(f, intervals[i]);
    }
    fputc(',', f);
    omps_csv_text(f, r->note ? r->note : "");
    fputc(',', f);
    if (r->placement_modes > 0)
        fprintf(f, "%d", r->placement_modes);
    omps_csv_env(f, &r->key, r->runtime);
    if (r->result_bitwise >= 0)
        fprintf(f, ",%d,", r->result_bitwise);
    else
        fputs(",,", f);
    omps_csv_number(f, r->result_spread);
    fprintf(f, ",%d,%d\n", omps_key_ranks(&r->key), omps_key_cores(&r->key));
}
