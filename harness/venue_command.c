/* The venue of programs started by command (`run --command`, command.h):
 * each repetition is one whole run of the program, with the
 * configuration's OMP_* variables, in a process group of its own, with no
 * standard input and its output kept in RUN_DIR/commands/NAME.out (the
 * last run's, its last 64 KiB).  The timed value is the wall time of the
 * process.  A run that exits non-zero, is killed by a signal, passes its
 * limit or whose --check fails is that configuration's verification
 * failure.  A program that used about one CPU and one thread in every run
 * at two threads or more is named at the end on stderr: it ignored
 * OMP_NUM_THREADS or never went parallel. */
#define _GNU_SOURCE
#include "venue.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <regex.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "errors.h"
#include "launch.h"
#include "stats.h"

/* The most of a run's output kept. */
#define TAIL_BYTES (64 * 1024)

struct commands {
    struct omps_venue_context c;
    char dir[4200];           /* RUN_DIR/commands */
    char mpirun[4096];        /* the launcher of a program run at --ranks; "" */
    /* Each program's runs at two threads or more, and how many of them
     * ran serially (ran_serial), for the word at the end. */
    struct {
        const struct omps_kernel *kernel;
        size_t runs, serial;
        int threads;
        struct omps_process_use last;
    } teams[64];
    size_t nteams;
};

static double now(void)
{
    return omps_visit_now();
}

/* How one run of a command ended. */
struct ran {
    int status;        /* wait4's */
    struct rusage ru;  /* its and its children's use */
    double seconds;    /* its wall time */
    int threads;       /* the most threads seen at once */
};

static int run_once(const struct omps_key *k, char *const *args, int out, double limit_s,
                    volatile sig_atomic_t *stop, struct ran *r);

/* The most arguments of one run: mpirun's, the shell's three, the end. */
#define MAX_ARGS 64

/* The arguments that run line through the shell. */
static void shell_args(const char *line, char **args)
{
    args[0] = (char *)"/bin/sh";
    args[1] = (char *)"-c";
    args[2] = (char *)line;
    args[3] = NULL;
}

/* The median wall time of n (at most 11) runs of args. */
static double median_run(struct commands *s, char *const *args, int n)
{
    const struct omps_kernel *any = NULL;
    for (size_t i = 0; i < s->c.plan->count && any == NULL; i++)
        any = s->c.plan->configs[i].key.kernel;
    const struct omps_key k = {.kernel = any, .threads = 1};
    double t[11];
    struct ran r;
    const int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    for (int i = 0; i < n; i++) {
        run_once(&k, args, out, 30.0, s->c.stop, &r);
        t[i] = r.seconds;
    }
    if (out >= 0)
        close(out);
    return omps_median_inplace(t, (size_t)n);
}

/* The cost of starting a program here: the median of 11 runs of `true`
 * (and of 5 under mpirun, for a run with ranks), said on stderr and kept
 * in machine.json's run.command_start_s (run.command_mpirun_start_s), so
 * that a user sees which share of a short program's time is its start. */
static void measure_start(struct commands *s)
{
    char *args[MAX_ARGS], text[8192];
    shell_args("true", args);
    const double start = median_run(s, args, 11);
    s->c.out->command_start_s = start;
    fprintf(stderr, "ompscale: starting a program takes %.2f ms here (the median of 11 runs of "
            "true); each timed run of a command includes it\n", 1e3 * start);
    if (s->mpirun[0] == '\0')
        return;
    const struct omps_launch l = {.mpirun = s->mpirun, .ranks = 1, .cores = 1, .nodes = 1};
    shell_args("true", args + omps_ranks_launch_args(&l, args, MAX_ARGS - 4, text, sizeof text));
    const double mpirun = median_run(s, args, 5);
    s->c.out->command_mpirun_start_s = mpirun;
    fprintf(stderr, "ompscale: starting one under mpirun takes %.0f ms here (the median of 5 "
            "runs of mpirun -np 1 true); each timed run at a rank count includes it\n",
            1e3 * mpirun);
}

static int commands_open(struct omps_venue *v, const struct omps_venue_context *c, char *err,
                         size_t err_len)
{
    struct commands *s = calloc(1, sizeof *s);
    if (s == NULL)
        return OMPS_ENOMEM;
    v->self = s;
    s->c = *c;
    snprintf(s->dir, sizeof s->dir, "%s/commands", c->run_dir);
    if (mkdir(s->dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, err_len, "%s: %s", s->dir, strerror(errno));
        return OMPS_EIO;
    }
    for (size_t i = 0; i < c->plan->count; i++) {
        const struct omps_key *k = &c->plan->configs[i].key;
        if (k->kernel->command != NULL && omps_key_launch_ranks(k) > 0 && s->mpirun[0] == '\0' &&
            omps_ranks_find_mpirun(s->mpirun, sizeof s->mpirun, err, err_len) != OMPS_OK)
            return OMPS_EINVAL;
    }
    measure_start(s);
    return OMPS_OK;
}

/* In the forked child: the configuration's OpenMP variables, its own
 * process group, no input, output to out; then args[0] runs args. */
static void exec_command(const struct omps_key *k, char *const *args, int out)
{
    char threads[32], schedule[64];
    setpgid(0, 0);
    snprintf(threads, sizeof threads, "%d", k->threads);
    setenv("OMP_NUM_THREADS", threads, 1);
    setenv("OMP_DYNAMIC", "false", 1);
    if (k->schedule.kind != 0) {
        snprintf(schedule, sizeof schedule, "%s%s%.0d", omps_schedule_name(k->schedule.kind),
                 k->schedule.chunk > 0 ? "," : "", k->schedule.chunk);
        setenv("OMP_SCHEDULE", schedule, 1);
    }
    for (int a = 0; a < OMPS_AXES; a++) {
        const char *variable = omps_axis_variable((enum omps_axis)a);
        if (variable != NULL && k->env.value[a] != 0)
            setenv(variable, omps_env_value((enum omps_axis)a, k->env.value[a]), 1);
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    const int in = open("/dev/null", O_RDONLY);
    if (in < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
        dup2(out, STDERR_FILENO) < 0)
        _exit(127);
    execv(args[0], args);
    _exit(127);
}

/* The OpenMP variables a program's ranks on other hosts must be given
 * (mpirun passes its own environment only to the ranks it starts here):
 * those exec_command sets for k.  Returns vars, ended by NULL. */
static const char **rank_variables(const struct omps_key *k, const char **vars)
{
    size_t n = 0;
    vars[n++] = "OMP_NUM_THREADS";
    vars[n++] = "OMP_DYNAMIC";
    if (k->schedule.kind != 0)
        vars[n++] = "OMP_SCHEDULE";
    for (int a = 0; a < OMPS_AXES; a++) {
        const char *variable = omps_axis_variable((enum omps_axis)a);
        if (variable != NULL && k->env.value[a] != 0)
            vars[n++] = variable;
    }
    vars[n] = NULL;
    return vars;
}

/* The arguments of configuration i's run of line: the shell's, after
 * mpirun's for a program run at a rank count (each rank is then the shell
 * running line, with threads per rank from the plan, bound to its share
 * of the cores, over the hostfile's hosts). */
static void command_args(const struct commands *s, size_t i, const char *line, char **args,
                         char *text, size_t len)
{
    const struct omps_config *cf = &s->c.plan->configs[i];
    const int ranks = omps_key_launch_ranks(&cf->key);
    size_t n = 0;
    if (ranks > 0) {
        const char *vars[OMPS_AXES + 4];
        const struct omps_launch l = {
            .mpirun = s->mpirun, .hostfile = s->c.opts->hostfile, .ranks = ranks,
            .cores = s->c.plan->node_cores, .nodes = s->c.opts->hosts,
            .oversubscribe = s->c.opts->oversubscribe || cf->oversubscribed,
            .variables = rank_variables(&cf->key, vars)};
        n = omps_ranks_launch_args(&l, args, MAX_ARGS - 4, text, len);
    }
    shell_args(line, args + n);
}

/* The threads of the processes at the leaves of pid's tree (a shell or a
 * launcher that waits for its children is not the program), read from
 * /proc: a leaf's status's Threads, each task's children; depth bounds
 * the walk.  A launcher (counted 0) is not the program even as a leaf,
 * before it starts its ranks or after they end. */
static int threads_of(pid_t pid, int depth, int counted)
{
    char path[96], line[256];
    int threads = 0;
    /* A shell's or a launcher's children. */
    pid_t kids[256];
    const size_t children = depth > 0 ? omps_proc_children(pid, kids, 256) : 0;
    for (size_t i = 0; i < children; i++)
        threads += threads_of(kids[i], depth - 1, 1);
    if (children > 0 || !counted)
        return threads;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "Threads:", 8) == 0)
            threads = atoi(line + 8);
    }
    if (f != NULL)
        fclose(f);
    return threads;
}

/* Waits for pid until deadline, polling stop: 0 when it ended (status and
 * usage filled), 1 when it passed the deadline, 2 on an interrupt (it is
 * killed, with its group, either way).  *threads gets the most threads its
 * processes held at one of the samples, taken 1, 2, 4 and 8 ms after the
 * start and then every 10 ms (an OpenMP runtime keeps its team's threads
 * until the program ends, so a late sample still sees them); pid itself
 * counts only when it is not a launcher. */
static int await(pid_t pid, int launcher, double deadline, volatile sig_atomic_t *stop,
                 int *status, struct rusage *ru, int *threads)
{
    const int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    int wait_ms = 1;
    *threads = 0;
    for (;;) {
        if (wait4(pid, status, WNOHANG, ru) == pid)
            break;
        const int late = now() >= deadline;
        if (late || *stop) {
            kill(-pid, SIGKILL);
            wait4(pid, status, 0, ru);
            if (fd >= 0)
                close(fd);
            return late ? 1 : 2;
        }
        const int seen = threads_of(pid, 4, !launcher);
        *threads = seen > *threads ? seen : *threads;
        /* The pidfd wakes the wait the moment the program ends; without
         * one (an old kernel), a short sleep. */
        if (fd >= 0) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            poll(&p, 1, wait_ms);
            wait_ms = wait_ms < 10 ? 2 * wait_ms : 10;
        } else {
            nanosleep(&(struct timespec){0, 200000}, NULL);
        }
    }
    if (fd >= 0)
        close(fd);
    kill(-pid, SIGKILL); /* whatever it left running in its group */
    return 0;
}

/* Runs args for configuration k with output to out; returns await's
 * answer, with how it ended in *r. */
static int run_once(const struct omps_key *k, char *const *args, int out, double limit_s,
                    volatile sig_atomic_t *stop, struct ran *r)
{
    fflush(NULL);
    *r = (struct ran){.status = 127 << 8};
    const double t0 = now();
    const pid_t pid = fork();
    if (pid == 0)
        exec_command(k, args, out);
    if (pid < 0)
        return 0;
    setpgid(pid, pid);
    /* Anything but the shell first is a launcher (command_args). */
    const int launcher = strcmp(args[0], "/bin/sh") != 0;
    const int got = await(pid, launcher, t0 + limit_s, stop, &r->status, &r->ru, &r->threads);
    r->seconds = now() - t0;
    return got;
}

static double seconds_of(struct timeval t)
{
    return (double)t.tv_sec + 1e-6 * (double)t.tv_usec;
}

/* What the run used, for runs.csv (stats.h). */
static struct omps_process_use use_of(const struct ran *r)
{
    const int status = WIFSIGNALED(r->status) ? 128 + WTERMSIG(r->status)
                       : WIFEXITED(r->status) ? WEXITSTATUS(r->status)
                                              : -1;
    struct omps_process_use u = {.user_s = seconds_of(r->ru.ru_utime),
                                 .system_s = seconds_of(r->ru.ru_stime),
                                 .max_rss_kb = r->ru.ru_maxrss, .threads_seen = r->threads,
                                 .exit_status = status};
    u.cpus = r->seconds > 0 ? (u.user_s + u.system_s) / r->seconds : NAN;
    return u;
}

/* Why a run's status is a failure, into why; 0 when it exited 0. */
static int failed(int status, const char *what, char *why, size_t len)
{
    if (WIFSIGNALED(status))
        return snprintf(why, len, "%s was killed by signal %d (%s)", what, WTERMSIG(status),
                        strsignal(WTERMSIG(status))), 1;
    /* The shell that ran it says 128 + N for a program signal N killed. */
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    if (code > 128 && code < 128 + 65)
        return snprintf(why, len, "%s was killed by signal %d (%s)", what, code - 128,
                        strsignal(code - 128)), 1;
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return snprintf(why, len, "%s exited %d%s", what, WEXITSTATUS(status),
                        WEXITSTATUS(status) == 127 ? " (the shell found no such program)" : ""),
               1;
    return 0;
}

/* The most of a run's output searched for --time-from and --result. */
#define SEARCH_BYTES (16 * 1024 * 1024)

/* How many of the unit after a number make a second: ns, us (or µs), ms
 * or s; 1 (seconds) when none follows.  Dividing by it rounds once. */
static double per_second(const char *after)
{
    after += strspn(after, " \t");
    if (strncmp(after, "ns", 2) == 0)
        return 1e9;
    if (strncmp(after, "us", 2) == 0 || strncmp(after, "\xc2\xb5s", 3) == 0)
        return 1e6;
    if (strncmp(after, "ms", 2) == 0)
        return 1e3;
    return 1.0;
}

/* The number pattern's first group reads on the last line of the output
 * (fd) it matches, into *value (times its unit's seconds when timed).
 * Returns 0, or -1 when no line matches or the group is not a number. */
static int read_figure(int fd, const char *pattern, int timed, double *value)
{
    regex_t re;
    struct stat st;
    if (regcomp(&re, pattern, REG_EXTENDED) != 0)
        return -1;
    const off_t size = fstat(fd, &st) == 0 ? st.st_size : 0;
    const size_t len = (size_t)(size > SEARCH_BYTES ? SEARCH_BYTES : size);
    char *text = malloc(len + 1);
    int found = -1;
    if (text != NULL && pread(fd, text, len, size - (off_t)len) == (ssize_t)len) {
        text[len] = '\0';
        for (char *line = text, *next; line != NULL; line = next) {
            regmatch_t m[2];
            next = strchr(line, '\n');
            if (next != NULL)
                *next++ = '\0';
            if (regexec(&re, line, 2, m, 0) != 0 || m[1].rm_so < 0)
                continue;
            /* The group must be a number, whole: strtod stops where it does. */
            char *end;
            const double v = strtod(line + m[1].rm_so, &end);
            if (end != line + m[1].rm_so && end == line + m[1].rm_eo && isfinite(v)) {
                *value = timed ? v / per_second(line + m[1].rm_eo) : v;
                found = 0;
            }
        }
    }
    free(text);
    regfree(&re);
    return found;
}

/* Reads the program's own time (--time-from) and result (--result) from
 * its output; a time it did not print fails the repetition. */
static void read_figures(const struct omps_kernel *k, int out, struct omps_visit_answer *a)
{
    double v;
    if (k->command_result != NULL && read_figure(out, k->command_result, 0, &v) == 0)
        a->result = v;
    if (k->command_time_from == NULL || !a->verified[0])
        return;
    if (read_figure(out, k->command_time_from, 1, &v) == 0 && v > 0) {
        a->seconds[0] = v;
        return;
    }
    a->verified[0] = 0;
    snprintf(a->failure, sizeof a->failure, "the program printed no line matching "
             "--time-from '%.300s' with a positive number", k->command_time_from);
}

/* Keeps the last TAIL_BYTES of the output file. */
static void keep_tail(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= TAIL_BYTES)
        return;
    char *tail = malloc(TAIL_BYTES);
    if (tail != NULL && pread(fd, tail, TAIL_BYTES, st.st_size - TAIL_BYTES) == TAIL_BYTES &&
        ftruncate(fd, 0) == 0)
        (void)!pwrite(fd, tail, TAIL_BYTES, 0);
    free(tail);
}

/* Whether run u of configuration k ran serially (stats.h's rule). */
static int ran_serial(const struct omps_key *k, const struct omps_process_use *u)
{
    return omps_process_serial(u->cpus, u->threads_seen, k->threads, omps_key_ranks(k),
                               omps_key_launch_ranks(k) > 0);
}

/* Counts k's run toward the word at the end (note_serial). */
static void count_team(struct commands *s, const struct omps_key *k,
                       const struct omps_process_use *u)
{
    if (k->threads < 2)
        return;
    size_t t = 0;
    while (t < s->nteams && s->teams[t].kernel != k->kernel)
        t++;
    if (t == s->nteams && s->nteams == sizeof s->teams / sizeof s->teams[0])
        return;
    if (t == s->nteams)
        s->teams[s->nteams++].kernel = k->kernel;
    s->teams[t].runs++;
    if (ran_serial(k, u)) {
        s->teams[t].serial++;
        s->teams[t].threads = k->threads;
        s->teams[t].last = *u;
    }
}

/* Names each program whose every run at two threads or more ran serially
 * (one sample may miss a short parallel phase; every run will not). */
static void note_serial(const struct commands *s)
{
    for (size_t t = 0; t < s->nteams; t++) {
        const struct omps_process_use *u = &s->teams[t].last;
        if (s->teams[t].runs == 0 || s->teams[t].serial < s->teams[t].runs)
            continue;
        fprintf(stderr, "%sompscale: %s used %.2f CPUs on average and %s at %d threads, in "
                "each of its %zu runs at two threads or more: it ignores OMP_NUM_THREADS or "
                "never goes parallel, so its speedup is not OpenMP's\n",
                isatty(STDERR_FILENO) ? "\r\033[K" : "", s->teams[t].kernel->name, u->cpus,
                u->threads_seen == 1 ? "held 1 thread" : "no second thread was seen",
                s->teams[t].threads, s->teams[t].runs);
    }
}

static int commands_visit(struct omps_venue *v, size_t i, const struct omps_visit_request *q,
                          double limit_s, struct omps_visit_answer *a, int *rc)
{
    struct commands *s = v->self;
    const struct omps_key *k = q->key;
    char path[4400];
    struct ran r;
    *rc = OMPS_OK;
    omps_visit_answer_clear(a);
    a->load_child = -1;
    snprintf(path, sizeof path, "%s/%s.out", s->dir, k->kernel->name);
    const int out = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (out < 0) {
        snprintf(a->error, sizeof a->error, "%.300s: %s", path, strerror(errno));
        return OMPS_GOT_ANSWER;
    }
    char *args[MAX_ARGS], text[8192];
    command_args(s, i, k->kernel->command, args, text, sizeof text);
    const int got = run_once(k, args, out, limit_s, s->c.stop, &r);
    if (got == 2) {
        close(out);
        return OMPS_GOT_INTERRUPTED;
    }
    a->repetitions = 1;
    a->iterations = 1;
    a->seconds[0] = r.seconds;
    a->use = use_of(&r);
    a->verified[0] = got == 0 && !failed(r.status, "the program", a->failure, sizeof a->failure);
    a->time.timed = r.seconds;
    if (got == 1)
        snprintf(a->failure, sizeof a->failure, "the program ran past its limit of %.0f s "
                 "(OMPSCALE_CHILD_TIMEOUT sets it) and was killed", limit_s);
    count_team(s, k, &a->use);
    if (a->verified[0] && k->kernel->command_check != NULL) {
        struct ran c;
        shell_args(k->kernel->command_check, args);
        const int checked = run_once(k, args, out, limit_s, s->c.stop, &c);
        a->time.verify = c.seconds;
        a->verified[0] = checked == 0 && !failed(c.status, "its --check", a->failure,
                                                  sizeof a->failure);
        if (checked == 1)
            snprintf(a->failure, sizeof a->failure, "its --check ran past its limit");
    }
    read_figures(k->kernel, out, a);
    keep_tail(out);
    close(out);
    return OMPS_GOT_ANSWER;
}

static const char *commands_runtime(const struct omps_venue *v)
{
    (void)v;
    return "command";
}

static int commands_close(struct omps_venue *v, struct omps_sweep_time *account)
{
    (void)account;
    if (v->self != NULL)
        note_serial(v->self);
    free(v->self);
    v->self = NULL;
    return OMPS_OK;
}

/* One group, always ready (venue.h's defaults). */
static const struct omps_venue_ops command_ops = {
    .open = commands_open, .visit = commands_visit, .runtime = commands_runtime,
    .close = commands_close};

void omps_venue_command(struct omps_venue *v)
{
    *v = (struct omps_venue){.ops = &command_ops, .name = "a program"};
}
