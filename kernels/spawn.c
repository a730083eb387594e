/*
 * spawn: the wall-clock cost of starting n processes that do nothing but
 * join MPI and answer (MPI_Comm_spawn of `ompscale spawned`, then a
 * reduction over the new processes and a disconnect): "processes are
 * costly to spawn", the creation of a multiprocessing.Pool, in
 * microseconds beside overhead_parallel's cost of waking a team of threads.
 * It runs on one rank; n, the processes it starts, is the configuration's
 * rank count.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "errors.h"
#include "mpi_common.h"
#include "spawn.h"

extern const struct omps_kernel omps_kernel_overhead_parallel;

struct spawn_state {
    int procs;
    char binary[4096];
    int answered; /* the sum of the started processes' answers: rank + 1 each */
    int started;  /* processes MPI reported started */
};

static int spawn_setup(void **state, uint64_t n, const double *params)
{
    (void)params;
    struct spawn_state *s = calloc(1, sizeof *s);
    int rc = s != NULL ? OMPS_OK : OMPS_ENOMEM;
    if (n > OMPS_MAX_RANKS)
        rc = OMPS_EINVAL;
    if (s != NULL && rc == OMPS_OK) {
        s->procs = (int)n;
        const ssize_t len = readlink("/proc/self/exe", s->binary, sizeof s->binary - 1);
        rc = len > 0 ? OMPS_OK : OMPS_EIO;
        if (len > 0)
            s->binary[len] = '\0';
    }
    rc = omps_mpi_agree(rc);
    if (rc != OMPS_OK) {
        free(s);
        return rc;
    }
    *state = s;
    return OMPS_OK;
}

/* Starts the processes from this rank alone and waits until every one has
 * answered and let go. */
static void start_processes(struct spawn_state *s)
{
    char *args[] = {"spawned", NULL};
    int errors[OMPS_MAX_RANKS];
    const int none = 0;
    MPI_Comm children;
    MPI_Comm_spawn(s->binary, args, s->procs, MPI_INFO_NULL, 0, MPI_COMM_SELF, &children,
                   errors);
    s->started = 0;
    for (int i = 0; i < s->procs; i++)
        s->started += errors[i] == MPI_SUCCESS;
    MPI_Reduce(&none, &s->answered, 1, MPI_INT, MPI_SUM, MPI_ROOT, children);
    MPI_Comm_disconnect(&children);
}

static void spawn_run(void *state, struct omps_team *team)
{
    struct spawn_state *s = state;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp master
        start_processes(s);
    }
}

static int spawn_verify(void *state, char *why, size_t why_len)
{
    const struct spawn_state *s = state;
    const int want = s->procs * (s->procs + 1) / 2;
    if (s->started == s->procs && s->answered == want)
        return 0;
    snprintf(why, why_len, "%d of %d processes started, answers summing to %d, want %d",
             s->started, s->procs, s->answered, want);
    return -1;
}

static void spawn_poison(void *state)
{
    struct spawn_state *s = state;
    s->answered = s->started = -1;
}

static void spawn_corrupt(void *state)
{
    struct spawn_state *s = state;
    s->answered -= 1;
}

static double spawn_footprint(uint64_t n)
{
    (void)n;
    return (double)sizeof(struct spawn_state);
}

static uint64_t spawn_default_size(const struct omps_sizing *sizing)
{
    (void)sizing;
    return 1;
}

static struct omps_work spawn_work(uint64_t n, const double *params)
{
    (void)n;
    (void)params;
    return (struct omps_work){.items = 1.0};
}

int omps_spawned_main(int argc, char **argv)
{
    MPI_Comm parent;
    int rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_get_parent(&parent);
    if (parent == MPI_COMM_NULL) {
        fputs("ompscale spawned: this command is run by the spawn kernel itself\n", stderr);
        MPI_Finalize();
        return 2;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const int answer = rank + 1;
    MPI_Reduce(&answer, NULL, 1, MPI_INT, MPI_SUM, 0, parent);
    MPI_Comm_disconnect(&parent);
    MPI_Finalize();
    return 0;
}

const struct omps_kernel omps_kernel_spawn = {
    .name = "spawn",
    .summary = "start n processes that join MPI, answer and end: processes are "
               "costly to spawn, a Pool's creation (process kernel)",
    .unit = OMPS_UNIT_US_PER_CONSTRUCT,
    .family = OMPS_FAMILY_OVERHEAD,
    .ranked = OMPS_RANKED_SPAWN,
    .thread_form = &omps_kernel_overhead_parallel,
    .default_size = spawn_default_size,
    .footprint = spawn_footprint,
    .setup = spawn_setup,
    .poison = spawn_poison,
    .run = spawn_run,
    .verify = spawn_verify,
    .teardown = free,
    .corrupt = spawn_corrupt,
    .work = spawn_work,
};
