#define _POSIX_C_SOURCE 200809L
#include "csv_write.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "interrupt.h"

int omps_outfile_open(struct omps_outfile *o, const char *dir, const char *name)
{
    o->f = NULL;
    o->tmp[0] = '\0';
    o->slot = -1;
    o->error = 0;
    int a = snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    int b = snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp-%ld", dir, name,
                     (long)getpid());
    if (a < 0 || b < 0 || (size_t)a >= sizeof o->path ||
        (size_t)b >= sizeof o->tmp) {
        o->tmp[0] = '\0';
        errno = o->error = ENAMETOOLONG;
        return OMPS_EIO;
    }
    omps_remove_stale_temporaries(dir, 0);
    o->slot = omps_interrupt_track_file(o->tmp);
    o->f = fopen(o->tmp, "w");
    if (o->f == NULL) {
        o->error = errno;
        omps_interrupt_forget(o->slot);
        o->slot = -1;
        o->tmp[0] = '\0';
        errno = o->error;
        return OMPS_EIO;
    }
    return OMPS_OK;
}

/* fsyncs a file another writer filled; 0 or -1. */
static int sync_path(const char *path)
{
    const int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    const int bad = fsync(fd) != 0 && errno != EINVAL;
    const int saved = errno;
    close(fd);
    errno = saved;
    return bad ? -1 : 0;
}

/* fsyncs the directory of path, so a rename into it outlives a power cut;
 * a file system that cannot (EINVAL) is not an error. */
static void sync_directory(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        *slash = '\0';
    const int fd = open(dir[0] != '\0' ? dir : "/", O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int omps_outfile_commit(struct omps_outfile *o)
{
    int bad = 0;
    errno = 0;
    if (o->f != NULL) {
        bad = fflush(o->f) != 0 || ferror(o->f);
        bad = bad || (fsync(fileno(o->f)) != 0 && errno != EINVAL);
        /* The first error's errno is kept: fclose after it may say less. */
        const int saved = errno;
        bad |= fclose(o->f) != 0;
        if (saved != 0)
            errno = saved;
        o->f = NULL;
    } else {
        bad = sync_path(o->tmp) != 0;
    }
    if (!bad && rename(o->tmp, o->path) == 0) {
        sync_directory(o->path);
        omps_interrupt_forget(o->slot);
        o->slot = -1;
        o->tmp[0] = '\0';
        return OMPS_OK;
    }
    o->error = errno != 0 ? errno : EIO;
    unlink(o->tmp);
    omps_interrupt_forget(o->slot);
    o->slot = -1;
    o->tmp[0] = '\0';
    errno = o->error;
    return OMPS_EIO;
}

void omps_outfile_abort(struct omps_outfile *o)
{
    if (o->f != NULL)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp[0] != '\0')
        unlink(o->tmp);
    omps_interrupt_forget(o->slot);
    o->slot = -1;
    o->tmp[0] = '\0';
}

void omps_outfile_error(const struct omps_outfile *o, char *err, size_t len)
{
    snprintf(err, len, "cannot write %s: %s", o->path,
             strerror(o->error != 0 ? o->error : EIO));
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
    if (isfinite(v))
        fprintf(f, "%.17g", v);
}

/* A comma first, but for the first column of a row. */
static void put_sep(FILE *f, int *first)
{
    if (!*first)
        fputc(',', f);
    *first = 0;
}

void omps_csv_put_TEXT(FILE *f, int *first, const char *s)
{
    put_sep(f, first);
    omps_csv_text(f, s);
}

void omps_csv_put_UINT(FILE *f, int *first, unsigned long long v)
{
    put_sep(f, first);
    fprintf(f, "%llu", v);
}

void omps_csv_put_INT(FILE *f, int *first, long long v)
{
    put_sep(f, first);
    fprintf(f, "%lld", v);
}

void omps_csv_put_NUMBER(FILE *f, int *first, double v)
{
    put_sep(f, first);
    omps_csv_number(f, v);
}

void omps_csv_put_PROBE(FILE *f, int *first, double v)
{
    put_sep(f, first);
    if (isfinite(v))
        fprintf(f, "%.1f", v);
}

void omps_csv_put_POSITIVE(FILE *f, int *first, long long v)
{
    put_sep(f, first);
    if (v > 0)
        fprintf(f, "%lld", v);
}

void omps_csv_put_NONNEGATIVE(FILE *f, int *first, long long v)
{
    put_sep(f, first);
    if (v >= 0)
        fprintf(f, "%lld", v);
}

void omps_csv_key(FILE *f, const struct omps_key *k)
{
    int first = 1;
    OMPS_KEY_COLUMNS(OMPS_CSV_WRITE_COLUMN, k)
}

void omps_csv_run_row(FILE *f, const struct omps_run_row *row)
{
    int first = 1;
    OMPS_RUNS_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}

void omps_csv_summary_row(FILE *f, const struct omps_summary_row *row)
{
    int first = 1;
    OMPS_SUMMARY_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}

void omps_csv_plan_row(FILE *f, const struct omps_key *row)
{
    int first = 1;
    OMPS_PLAN_COLUMNS(OMPS_CSV_WRITE_COLUMN)
    fputc('\n', f);
}
