/*
 * tasks: the midpoint integral for pi as a taskloop, the apply_async
 * lesson: one thread creates tasks of `grainsize` terms, the team runs them.
 * Sweep the grainsize with --set tasks.grainsize=1024,16384,262144 as a chunk
 * is swept for loops; 0 lets the runtime choose.
 */
#include "kernel.h"
#include "pi_terms.h"

static const struct omps_param_def tasks_params[] = {
    {"grainsize", 0, 0, 1e9, "terms per task (0: the runtime chooses)", NULL, 0},
};

static int tasks_setup(void **state, uint64_t n, const double *params)
{
    return omps_pi_setup(state, n, params[0]);
}

/* Terms lo..hi-1, vectorised: the body of one task.  Adds the number of
 * terms it summed to *terms. */
static double block_sum(int64_t lo, int64_t hi, double h, int64_t *terms)
{
    double sum = 0.0;
    int64_t count = 0;
#pragma omp simd reduction(+ : sum, count)
    for (int64_t i = lo; i < hi; i++) {
        sum += omps_pi_term(i, h);
        count++;
    }
    *terms += count;
    return sum;
}

/*
 * The taskloop runs over blocks of `grainsize` terms, one block per task,
 * so each task's terms stay a vectorised loop.  With grainsize 0 the blocks
 * are DEFAULT_BLOCK terms and the runtime decides how many make a task.
 */
#define DEFAULT_BLOCK 4096
static void tasks_sum(struct omps_pi_state *s)
{
    const int64_t n = s->n, grainsize = (int64_t)s->param;
    const double h = 1.0 / (double)n;
    const int64_t block = grainsize > 0 ? grainsize : DEFAULT_BLOCK;
    const int64_t blocks = (n + block - 1) / block;
    double sum = 0.0;
    int64_t terms = 0;
    if (grainsize > 0) {
#pragma omp taskloop grainsize(1) reduction(+ : sum, terms)
        for (int64_t b = 0; b < blocks; b++)
            sum += block_sum(b * block, b + 1 < blocks ? (b + 1) * block : n, h, &terms);
    } else {
#pragma omp taskloop reduction(+ : sum, terms)
        for (int64_t b = 0; b < blocks; b++)
            sum += block_sum(b * block, b + 1 < blocks ? (b + 1) * block : n, h, &terms);
    }
    s->result = sum * h;
    s->terms = terms;
}

static void tasks_run(void *state, struct omps_team *team)
{
    struct omps_pi_state *s = state;
#pragma omp parallel
    {
        omps_team_note(team);
#pragma omp single
        tasks_sum(s);
    }
}

static struct omps_work tasks_work(uint64_t n, const double *params)
{
    (void)params;
    return (struct omps_work){.flops = OMPS_PI_FLOPS_PER_TERM * (double)n};
}

const struct omps_kernel omps_kernel_tasks = {
    .name = "tasks",
    .summary = "the pi integral as a taskloop (apply_async): task creation "
               "and scheduling cost against grainsize",
    .unit = OMPS_UNIT_GFLOPS,
    .bound = OMPS_BOUND_DIVISION,
    .scheduled = 0,
    .params = tasks_params,
    .nparams = 1,
    .default_size = omps_pi_default_size,
    .footprint = omps_pi_footprint,
    .setup = tasks_setup,
    .run = tasks_run,
    .verify = omps_pi_verify_state,
    .poison = omps_pi_poison,
    .teardown = omps_pi_teardown,
    .result = omps_pi_result,
    .corrupt = omps_pi_corrupt,
    .work = tasks_work,
};
