#define _GNU_SOURCE /* syscall */
#include "interrupt.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOTS 64

/* What the handler undoes.  A slot is filled before it is marked used and
 * unmarked before it is reused, so the handler only ever reads whole
 * entries; it reads nothing else. */
struct slot {
    volatile sig_atomic_t used; /* 0 free, 1 file, 2 child, 3 staging folder */
    pid_t pid;
    char path[4096];
};

static struct slot slots[SLOTS];
static volatile sig_atomic_t *raised;
static volatile sig_atomic_t deferred;
static volatile sig_atomic_t arrived;

/* Empties and removes a staging folder with the system calls themselves,
 * so that the handler can call it too: opendir and readdir may allocate,
 * which a handler must not.  Its buffer is shared: a handler that
 * interrupts a caller here ends the process after its own pass. */
int omps_remove_folder(const char *path)
{
    static char buf[8192];
    const int fd = open(path, O_RDONLY | O_DIRECTORY);
    for (long n; fd >= 0 && (n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0;) {
        for (long at = 0; at < n;) {
            /* struct linux_dirent64: inode, offset, record length, type, name. */
            const unsigned short len = *(const unsigned short *)(buf + at + 16);
            const char *name = buf + at + 19;
            if (!(name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))))
                unlinkat(fd, name, 0);
            at += len;
        }
    }
    if (fd < 0)
        return -1;
    close(fd);
    return rmdir(path);
}

/* Only async-signal-safe calls: kill, waitpid, unlink, open, getdents64,
 * rmdir, write, _exit. */
static void end_now(void)
{
    /* The children first, and waited for, so that none writes into a
     * staging folder after it is removed. */
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].used == 2) {
            kill(slots[i].pid, SIGKILL);
            waitpid(slots[i].pid, NULL, 0);
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].used == 1)
            unlink(slots[i].path);
        else if (slots[i].used == 3)
            omps_remove_folder(slots[i].path);
    }
    static const char msg[] = "ompscale: interrupted\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(130);
}

static void on_signal(int sig)
{
    (void)sig;
    const int second = arrived;
    arrived = 1;
    if (raised != NULL)
        *raised = 1;
    if (!deferred || second)
        end_now();
}

void omps_interrupt_install(volatile sig_atomic_t *flag)
{
    raised = flag;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void omps_interrupt_defer(int on)
{
    deferred = on;
    if (!on && arrived)
        end_now();
}

/* A free slot, filled before it is marked with kind. */
static int take_slot(int kind, pid_t pid, const char *path)
{
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].used != 0)
            continue;
        slots[i].pid = pid;
        snprintf(slots[i].path, sizeof slots[i].path, "%s", path != NULL ? path : "");
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        slots[i].used = kind;
        return i;
    }
    return -1;
}

int omps_interrupt_track_file(const char *path)
{
    return take_slot(1, 0, path);
}

int omps_interrupt_track_folder(const char *path)
{
    return take_slot(3, 0, path);
}

int omps_interrupt_track_child(pid_t pid)
{
    return pid > 0 ? take_slot(2, pid, NULL) : -1;
}

void omps_interrupt_forget(int slot)
{
    if (slot >= 0 && slot < SLOTS)
        slots[slot].used = 0;
}

/* The PID of a ".NAME.tmp-PID" name, or 0 when name is not one. */
static pid_t temporary_pid(const char *name)
{
    const char *tag = strstr(name, ".tmp-");
    if (name[0] != '.' || tag == NULL)
        return 0;
    char *end;
    errno = 0;
    const long pid = strtol(tag + 5, &end, 10);
    return errno == 0 && *end == '\0' && pid > 0 ? (pid_t)pid : 0;
}

int omps_remove_stale_temporaries(const char *dir, int all)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    int removed = 0;
    char path[8192];
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        const pid_t pid = temporary_pid(e->d_name);
        /* A live process (or one we may not signal) still owns its file. */
        if (pid == 0 || pid == getpid() || (!all && (kill(pid, 0) == 0 || errno == EPERM)))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        removed += unlink(path) == 0 || omps_remove_folder(path) == 0;
    }
    closedir(d);
    return removed;
}
