#define _GNU_SOURCE
#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "csv_write.h"
#include "interrupt.h"
#include "parse.h"

#define LOCK_NAME ".ompscale.lock"

static int path_in(const struct omps_journal *j, const char *name, char *buf, size_t len)
{
    if (snprintf(buf, len, "%s/%s", j->dir, name) < (int)len)
        return 0;
    errno = ENAMETOOLONG;
    return -1;
}

/* Names the holder of a busy lock from the pid the lock file holds. */
static void name_holder(int fd, const char *dir, char *err, size_t err_len)
{
    char pid[32] = "";
    ssize_t got = pread(fd, pid, sizeof pid - 1, 0);
    pid[got > 0 ? got : 0] = '\0';
    pid[strcspn(pid, "\n")] = '\0';
    snprintf(err, err_len, "%s is in use by another ompscale run (process %s)", dir,
             pid[0] ? pid : "unknown");
}

int omps_journal_lock(struct omps_journal *j, const char *dir, char *err,
                      size_t err_len)
{
    char path[4200];
    j->lock_fd = j->runs_fd = -1;
    snprintf(j->dir, sizeof j->dir, "%s", dir);
    if (omps_make_dirs(dir) != 0 || path_in(j, LOCK_NAME, path, sizeof path) != 0) {
        snprintf(err, err_len, "--out: cannot write to '%s': %s", dir, strerror(errno));
        return OMPS_EIO;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        snprintf(err, err_len, "--out: cannot write to '%s': %s", dir, strerror(errno));
        return OMPS_EIO;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        name_holder(fd, dir, err, err_len);
        close(fd);
        return OMPS_EBUSY;
    }
    char pid[32];
    const int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        snprintf(err, err_len, "--out: cannot write to '%s': %s", dir, strerror(errno));
        close(fd);
        return OMPS_EIO;
    }
    j->lock_fd = fd;
    return OMPS_OK;
}

void omps_journal_clear(struct omps_journal *j)
{
    static const char *const earlier[] = {"runs.csv",     "summary.csv", "fit.csv",
                                          "headline.csv", "advice.csv",  "visits.csv",
                                          "pictures.csv", "gbench.json", "machine.json"};
    char path[4200];
    for (size_t i = 0; i < sizeof earlier / sizeof earlier[0]; i++) {
        if (path_in(j, earlier[i], path, sizeof path) == 0)
            unlink(path);
    }
    omps_remove_stale_temporaries(j->dir, 1);
}

int omps_journal_start(struct omps_journal *j, const char *header)
{
    char path[4200];
    if (path_in(j, "runs.csv", path, sizeof path) != 0)
        return OMPS_EIO;
    j->runs_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0666);
    if (j->runs_fd < 0)
        return OMPS_EIO;
    char line[1024];
    const int len = snprintf(line, sizeof line, "%s\n", header);
    return omps_journal_append(j, line, (size_t)len);
}

/* Returns the length of path's content up to and including its last
 * newline, or -1. */
static off_t whole_lines_length(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    off_t end = st.st_size;
    char buf[4096];
    while (end > 0) {
        const off_t from = end > (off_t)sizeof buf ? end - (off_t)sizeof buf : 0;
        const ssize_t got = pread(fd, buf, (size_t)(end - from), from);
        if (got != end - from)
            return -1;
        for (ssize_t i = got - 1; i >= 0; i--) {
            if (buf[i] == '\n')
                return from + i + 1;
        }
        end = from;
    }
    return 0;
}

/* OMPS_OK when fd's first line is header; OMPS_EFORMAT when another
 * version wrote other columns, which appended rows would not match. */
static int same_header(int fd, const char *header)
{
    const size_t len = strlen(header);
    char *line = malloc(len + 2);
    if (line == NULL)
        return OMPS_ENOMEM;
    const ssize_t got = pread(fd, line, len + 1, 0);
    const int same = got == (ssize_t)len + 1 && memcmp(line, header, len) == 0 &&
                     line[len] == '\n';
    free(line);
    return same ? OMPS_OK : OMPS_EFORMAT;
}

int omps_journal_reopen(struct omps_journal *j, const char *header)
{
    char path[4200];
    if (path_in(j, "runs.csv", path, sizeof path) != 0)
        return OMPS_EIO;
    j->runs_fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
    if (j->runs_fd < 0)
        return errno == ENOENT ? omps_journal_start(j, header) : OMPS_EIO;
    const off_t keep = whole_lines_length(j->runs_fd);
    if (keep < 0 || ftruncate(j->runs_fd, keep) != 0 || fsync(j->runs_fd) != 0)
        return OMPS_EIO;
    if (keep > 0)
        return same_header(j->runs_fd, header);
    char line[1024];
    const int len = snprintf(line, sizeof line, "%s\n", header);
    return omps_journal_append(j, line, (size_t)len);
}

int omps_journal_append(struct omps_journal *j, const char *block, size_t len)
{
    /* One write per block: a process killed between writes leaves whole
     * blocks; a short write (a full disk) is finished, or cut back to the
     * last whole block and reported, so the journal never ends in half a
     * row that this process wrote. */
    struct stat st;
    const off_t before = fstat(j->runs_fd, &st) == 0 ? st.st_size : -1;
    while (len > 0) {
        const ssize_t w = write(j->runs_fd, block, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            const int saved = w < 0 ? errno : ENOSPC;
            if (before >= 0 && ftruncate(j->runs_fd, before) != 0)
                (void)0; /* the readers take a cut last line (runs_read.h) */
            errno = saved;
            return OMPS_EIO;
        }
        block += w;
        len -= (size_t)w;
    }
    return fsync(j->runs_fd) == 0 || errno == EINVAL ? OMPS_OK : OMPS_EIO;
}

void omps_journal_close(struct omps_journal *j)
{
    if (j->runs_fd >= 0)
        close(j->runs_fd);
    if (j->lock_fd >= 0)
        close(j->lock_fd); /* closing the last descriptor drops the lock */
    j->runs_fd = j->lock_fd = -1;
}

int omps_write_json(const char *dir, const char *name, json_t *root)
{
    struct omps_outfile out;
    int rc = omps_outfile_open(&out, dir, name);
    if (rc != OMPS_OK)
        return rc;
    if (json_dumpf(root, out.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
        fputc('\n', out.f) == EOF) {
        omps_outfile_abort(&out);
        return OMPS_EIO;
    }
    return omps_outfile_commit(&out);
}
