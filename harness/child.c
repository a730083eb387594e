#define _GNU_SOURCE
#include "child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <omp.h>

#include "errors.h"

/* How long a child that was told to finish may take before it is killed. */
#define FINISH_GRACE_S 5.0

int omps_toolchain_binary(const struct omps_run_options *opts, int tc, char *path, size_t len,
                          char *err, size_t err_len)
{
    const int own = (int)omps_own_toolchain();
    const int base = tc == OMPS_TC_GCC_LIBOMP ? OMPS_TC_GCC : tc;
    if (base == own) {
        const ssize_t n = readlink("/proc/self/exe", path, len - 1);
        if (n > 0) {
            path[n] = '\0';
            return OMPS_OK;
        }
    }
    const char *given = opts->toolchain_binary[base];
    if (given != NULL && access(given, X_OK) == 0) {
        snprintf(path, len, "%s", given);
        return OMPS_OK;
    }
    snprintf(err, err_len,
             "--toolchains: %s needs an ompscale built with %s%s%s (make bench TOOLCHAINS=gcc,%s "
             "builds one after apt-get install %s; or pass --toolchain-binary %s=PATH)",
             omps_env_value(OMPS_AXIS_TOOLCHAIN, tc), base == OMPS_TC_CLANG ? "clang" : "gcc",
             given ? "; not executable: " : "", given ? given : "",
             base == OMPS_TC_CLANG ? "clang" : "gcc",
             base == OMPS_TC_CLANG ? "clang libomp-dev" : "gcc",
             omps_env_value(OMPS_AXIS_TOOLCHAIN, base));
    return OMPS_EINVAL;
}

int omps_libomp_dir(char *dir, size_t len, char *err, size_t err_len)
{
    char libomp[PATH_MAX], link[PATH_MAX + 32];
    if (omps_find_libomp(libomp, sizeof libomp) != 0) {
        snprintf(err, err_len, "--toolchains: gcc+libomp needs LLVM's libomp, which is not "
                 "installed (apt-get install libomp-dev)");
        return OMPS_EINVAL;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, len, "%s/ompscale-libomp-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    snprintf(link, sizeof link, "%s/libgomp.so.1", mkdtemp(dir) ? dir : "");
    if (link[0] == '/' && symlink(libomp, link) == 0)
        return OMPS_OK;
    snprintf(err, err_len, "--toolchains: cannot make a directory for gcc+libomp in %s: %s",
             dir, strerror(errno));
    dir[0] = '\0';
    return OMPS_EINVAL;
}

void omps_libomp_dir_remove(const char *dir)
{
    char link[PATH_MAX + 32];
    if (dir == NULL || dir[0] == '\0')
        return;
    snprintf(link, sizeof link, "%s/libgomp.so.1", dir);
    unlink(link);
    rmdir(dir);
}

/* In the forked child, before exec: the environment, the signals and the
 * pipes.  Only async-signal-safe calls and the environment functions, which
 * glibc makes safe after fork. */
static void exec_child(const char *binary, char *const args[], const struct omps_env *e,
                       const int *swept, const char *libomp_dir, int in, int out, int launcher)
{
    /* A launcher installs its own SIGINT handler; in a process group of its
     * own, a Ctrl-C at the terminal reaches only the parent, which decides. */
    if (launcher)
        setpgid(0, 0);
    /* PMIx 4's shared-memory store now and then leaves a starting process
     * waiting in PMIx_Init for ever (openpmix/openpmix#2967; here it hung
     * MPI_Comm_spawn in about one quick sweep in seven).  Its hash store,
     * PMIx's own workaround, is used unless the user chose one. */
    if (launcher)
        setenv(OMPS_PMIX_STORE, "hash", 0);
    for (int a = 0; a < OMPS_AXES; a++) {
        const char *variable = omps_axis_variable((enum omps_axis)a);
        if (variable == NULL || !swept[a])
            continue;
        if (e->value[a] == 0)
            unsetenv(variable);
        else
            setenv(variable, omps_env_value((enum omps_axis)a, e->value[a]), 1);
    }
    if (e->value[OMPS_AXIS_TOOLCHAIN] == OMPS_TC_GCC_LIBOMP && libomp_dir != NULL) {
        char path[8192];
        const char *old = getenv("LD_LIBRARY_PATH");
        snprintf(path, sizeof path, "%s%s%s", libomp_dir, old && *old ? ":" : "",
                 old ? old : "");
        setenv("LD_LIBRARY_PATH", path, 1);
    }
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
        _exit(127);
    execv(binary, args);
    _exit(127);
}

int omps_child_start(struct omps_child *c, const char *binary, char *const args[],
                     const struct omps_env *e, const int *swept, const char *libomp_dir,
                     int launcher, char *err, size_t err_len)
{
    int to[2], from[2];
    memset(c, 0, sizeof *c);
    c->pid = -1;
    c->launcher = launcher;
    c->to = c->from = -1;
    if (pipe2(to, O_CLOEXEC) != 0) {
        snprintf(err, err_len, "cannot start a child: %s", strerror(errno));
        return OMPS_EIO;
    }
    if (pipe2(from, O_CLOEXEC) != 0) {
        close(to[0]);
        close(to[1]);
        snprintf(err, err_len, "cannot start a child: %s", strerror(errno));
        return OMPS_EIO;
    }
    fflush(NULL);
    c->pid = fork();
    if (c->pid == 0)
        exec_child(binary, args, e, swept, libomp_dir, to[0], from[1], launcher);
    close(to[0]);
    close(from[1]);
    c->to = to[1];
    c->from = from[0];
    if (c->pid < 0) {
        snprintf(err, err_len, "cannot start a child: %s", strerror(errno));
        close(c->to);
        close(c->from);
        return OMPS_EIO;
    }
    return OMPS_OK;
}

int omps_child_send(struct omps_child *c, const char *text)
{
    size_t left = strlen(text);
    while (left > 0) {
        /* The sweep ignores SIGPIPE while it has children, so a child that
         * died shows here as EPIPE. */
        const ssize_t w = write(c->to, text, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        text += w;
        left -= (size_t)w;
    }
    return 0;
}

/* Moves one complete line out of the buffer; returns 1 when there was one. */
static int take_line(struct omps_child *c, char *out, size_t len)
{
    char *nl = memchr(c->buf, '\n', c->len);
    if (nl == NULL && c->len < sizeof c->buf)
        return 0;
    const size_t line = nl ? (size_t)(nl - c->buf) : c->len;
    snprintf(out, len, "%.*s", (int)line, c->buf);
    const size_t used = nl ? line + 1 : line;
    memmove(c->buf, c->buf + used, c->len - used);
    c->len -= used;
    return 1;
}

int omps_child_read_line(struct omps_child *c, char *out, size_t len, double deadline,
                         volatile sig_atomic_t *stop)
{
    for (;;) {
        if (take_line(c, out, len))
            return 1;
        if (*stop)
            return -2;
        const double left = deadline - omp_get_wtime();
        if (left <= 0)
            return -1;
        struct pollfd p = {c->from, POLLIN, 0};
        /* Wake at least every 100 ms to see an interrupt. */
        const int rc = poll(&p, 1, left < 0.1 ? (int)(left * 1000) + 1 : 100);
        if (rc <= 0)
            continue;
        const ssize_t n = read(c->from, c->buf + c->len, sizeof c->buf - c->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        c->len += (size_t)n;
    }
}

/* Waits up to seconds for the child; returns 1 when it was reaped. */
static int reap(struct omps_child *c, double seconds, int *status)
{
    const double until = omp_get_wtime() + seconds;
    do {
        const pid_t r = waitpid(c->pid, status, WNOHANG);
        if (r == c->pid || (r < 0 && errno != EINTR))
            return 1;
        usleep(10000);
    } while (omp_get_wtime() < until);
    return 0;
}

size_t omps_proc_children(pid_t pid, pid_t *out, size_t max)
{
    char path[96];
    size_t n = 0;
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *tasks = opendir(path);
    for (struct dirent *t; tasks != NULL && (t = readdir(tasks)) != NULL;) {
        if (t->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%.20s/children", (int)pid, t->d_name);
        FILE *f = fopen(path, "re");
        long child;
        while (f != NULL && n < max && fscanf(f, "%ld", &child) == 1)
            out[n++] = (pid_t)child;
        if (f != NULL)
            fclose(f);
    }
    if (tasks != NULL)
        closedir(tasks);
    return n;
}

/* Sends sig to pid's descendants, the deepest first; depth bounds the
 * walk. */
static void signal_descendants(pid_t pid, int sig, int depth)
{
    pid_t children[256];
    const size_t n = depth > 0 ? omps_proc_children(pid, children, 256) : 0;
    for (size_t i = 0; i < n; i++) {
        signal_descendants(children[i], sig, depth - 1);
        kill(children[i], sig);
    }
}

void omps_child_signal(const struct omps_child *c, int sig)
{
    /* A launcher's ranks are its children here, each in a process group of
     * its own (Open MPI 4 gives them one), so the group alone would miss
     * them.  mpirun itself waits in poll, and would forward the signal
     * again and say so on stderr. */
    if (c->launcher)
        signal_descendants(c->pid, sig, 8);
    else
        kill(c->pid, sig);
}

int omps_child_finish(struct omps_child *c, int kill_it, char *why, size_t why_len)
{
    int status = 0;
    if (c->to >= 0)
        close(c->to);
    c->to = -1;
    if (c->pid > 0) {
        int ended = !kill_it && reap(c, FINISH_GRACE_S, &status);
        /* mpirun ends its ranks on SIGTERM; killed outright it would leave
         * them running, since each rank has a process group of its own. */
        if (!ended && c->launcher) {
            kill(c->pid, SIGTERM);
            ended = reap(c, FINISH_GRACE_S, &status);
        }
        if (!ended) {
            kill(c->pid, SIGKILL);
            while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
                ;
        }
    }
    if (c->from >= 0)
        close(c->from);
    c->from = -1;
    c->pid = -1;
    if (WIFSIGNALED(status))
        snprintf(why, why_len, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(why, why_len, "exited with %d", WEXITSTATUS(status));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
