/*
 * Child processes for environment groups.  The OpenMP runtime reads
 * OMP_PROC_BIND, OMP_PLACES and OMP_WAIT_POLICY once, when it starts, and
 * the runtime itself is fixed when the binary is loaded; so a sweep over
 * them re-executes ompscale (or another toolchain's build of it) as
 * `ompscale child` with that environment, once per environment per round.
 * The parent keeps the lock, the journal and every decision; the child
 * times the visits it is sent and answers on a pipe (sweep.c speaks the
 * protocol; this module starts, talks to and ends the process).
 */
#ifndef OMPSCALE_CHILD_H
#define OMPSCALE_CHILD_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "cli.h"
#include "env.h"

struct omps_child {
    pid_t pid;
    int to;   /* the child's standard input */
    int from; /* the child's standard output */
    char buf[8192];
    size_t len;
    int launcher; /* mpirun: in its own process group, ended with SIGTERM */
};

/*
 * Finds the binary that runs toolchain tc into path: this executable for its
 * own toolchain and for gcc+libomp (a GCC build, with LLVM's libomp loaded in
 * place of libgomp), else --toolchain-binary.  Returns 0, or OMPS_EINVAL
 * with err naming what to install or pass.
 */
int omps_toolchain_binary(const struct omps_run_options *opts, int tc, char *path, size_t len,
                          char *err, size_t err_len);

/* The PMIx variable a launcher (mpirun) is started with, set to "hash"
 * unless already set, and passed on to the ranks of other hosts. */
#define OMPS_PMIX_STORE "PMIX_MCA_gds"

/*
 * Starts `BINARY child ARGS...` with the environment e: each swept variable
 * set to its value or removed (value 0), and for gcc+libomp, libomp_dir
 * (holding libgomp.so.1 as a link to libomp) first on LD_LIBRARY_PATH.  The
 * child ignores SIGINT: the parent decides what an interrupt stops.
 * swept[a] says which axes the run sweeps; the others pass through as
 * inherited.  A launcher (mpirun, starting ranks) gets a process group of
 * its own, and omps_child_finish asks it to end its ranks (SIGTERM) before
 * it is killed.  Returns 0 or OMPS_EIO with err set.
 */
int omps_child_start(struct omps_child *c, const char *binary, char *const args[],
                     const struct omps_env *e, const int *swept, const char *libomp_dir,
                     int launcher, char *err, size_t err_len);

/* Writes text to the child's input; 0, or -1 when the child is gone. */
int omps_child_send(struct omps_child *c, const char *text);

/*
 * Reads one line (newline removed) into out before deadline (omp_get_wtime
 * seconds).  Returns 1 for a line, 0 at end of output (the child ended),
 * -1 when the deadline passed, -2 when *stop was set.
 */
int omps_child_read_line(struct omps_child *c, char *out, size_t len, double deadline,
                         volatile sig_atomic_t *stop);

/*
 * Closes the child's input, kills it first when kill_it (or when it has not
 * ended within a few seconds), reaps it and writes how it ended ("exited
 * with 0", "was killed by signal 11") into why.  Returns 1 when it exited
 * with 0, else 0.
 */
int omps_child_finish(struct omps_child *c, int kill_it, char *why, size_t why_len);

/* The children of process pid, read from /proc (each of its tasks'
 * children list), at most max into out; returns how many. */
size_t omps_proc_children(pid_t pid, pid_t *out, size_t max);

/* Sends sig (SIGSTOP, SIGCONT) to the child or, for a launcher, to every
 * process it started on this host: its ranks (mpirun itself only waits).
 * Ranks it started on other hosts are out of reach. */
void omps_child_signal(const struct omps_child *c, int sig);

/* Creates a temporary directory holding libgomp.so.1 as a link to LLVM's
 * libomp.  Returns 0, or OMPS_EINVAL naming the package to install. */
int omps_libomp_dir(char *dir, size_t len, char *err, size_t err_len);

/* Removes what omps_libomp_dir made; safe on "". */
void omps_libomp_dir_remove(const char *dir);

#endif
