/* Planning a sweep: which configurations run, at which sizes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_write.h"

#include "errors.h"
#include "registry.h"
#include "plan.h"
#include "launch.h"

/* Memory a sweep may plan to use, as a share of physical memory. */
#define MEMORY_SHARE 0.8

/* The automatic repetition length leaves half the budget to precision. */
#define BUDGET_SHARE_FOR_MINIMUM 0.5
#define AUTO_MIN_TIME_FLOOR 0.01
/* The size for kernel k: the last --size naming it, else the last --size
 * for every kernel, else its default (a memory-bound kernel's a quarter of
 * it in a plan trimmed that far). */
static uint64_t kernel_size(const struct omps_run_options *o, int trim,
                            const struct omps_kernel *k,
                            const struct omps_sizing *sizing)
{
    uint64_t all = 0, mine = 0;
    for (size_t i = 0; i < o->nsizes; i++) {
        if (o->sizes[i].kernel == k)
            mine = o->sizes[i].n;
        if (o->sizes[i].kernel == NULL)
            all = o->sizes[i].n;
    }
    if (mine || all)
        return mine ? mine : all;
    const uint64_t n = k->default_size(sizing);
    if (trim < OMPS_TRIM_MEMORY_SIZE || k->bound != OMPS_BOUND_BANDWIDTH || n < 16384)
        return n;
    return n / 4 / 4096 * 4096;
}

/* The values parameter p of k takes: the last --set for it, else its
 * default alone. */
static size_t param_values(const struct omps_run_options *o, int trim,
                           const struct omps_kernel *k, size_t p,
                           const double **values)
{
    *values = &k->params[p].default_value;
    size_t n = 1;
    /* A smoke sweep, and a plan trimmed that far, take only the first of a
     * kernel's own list. */
    if (k->params[p].nsweep > 0) {
        *values = k->params[p].sweep;
        n = o->quick || trim >= OMPS_TRIM_PARAMS ? 1 : k->params[p].nsweep;
    }
    for (size_t i = 0; i < o->nsets; i++) {
        if (o->sets[i].kernel == k && o->sets[i].param == p) {
            *values = o->sets[i].values;
            n = o->sets[i].nvalues;
        }
    }
    return n;
}

/* The number of parameter combinations a kernel sweeps. */
static size_t param_combinations(const struct omps_run_options *o, int trim,
                                 const struct omps_kernel *k)
{
    size_t total = 1;
    const double *values;
    for (size_t p = 0; p < k->nparams; p++)
        total *= param_values(o, trim, k, p, &values);
    return total;
}

/* Fills combination `index` (mixed radix over the value lists) into the
 * key's params and their text. */
static void param_combination(const struct omps_run_options *o, int trim, size_t index,
                              struct omps_key *key)
{
    for (size_t p = 0; p < key->kernel->nparams; p++) {
        const double *values;
        const size_t n = param_values(o, trim, key->kernel, p, &values);
        key->params[p] = values[index % n];
        index /= n;
    }
    omps_key_format_params(key);
}

static int check_footprint(const struct omps_kernel *k, uint64_t n, double have,
                           char *err, size_t err_len)
{
    const double need = k->footprint(n);
    if (need <= MEMORY_SHARE * have)
        return OMPS_OK;
    snprintf(err, err_len,
             "--size: %s at n=%llu needs %.3g GiB, more than %.0f%% of this "
             "machine's %.3g GiB", k->name, (unsigned long long)n,
             need / 1073741824.0, MEMORY_SHARE * 100, have / 1073741824.0);
    return OMPS_EINVAL;
}

/* Whether a thread count between one and all cores stays in a plan trimmed
 * this far. */
static int thread_count_kept(int v, int trim)
{
    if (trim < OMPS_TRIM_THREADS_POWERS)
        return 1;
    if (trim >= OMPS_TRIM_THREADS_ENDS || (v & (v - 1)) != 0)
        return 0;
    return trim < OMPS_TRIM_THREADS_SPARSE || __builtin_ctz((unsigned)v) % 2 == 0;
}

/* Thins a default thread list for a trimmed plan, always keeping one
 * thread and the last count (all cores): powers of two only, then every
 * other power of two (1, 4, 16, ...), then nothing between.  Returns the
 * new length. */
static size_t thin_threads(int *t, size_t n, int trim)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || i + 1 == n || thread_count_kept(t[i], trim))
            t[k++] = t[i];
    }
    return k;
}

/* The thread list: as given, else the topology's (at most 2 if quick),
 * thinned as far as the plan is trimmed. */
static size_t thread_list(const struct omps_run_options *o, const struct omps_machine *m,
                          int trim, int *out)
{
    if (o->nthreads > 0) {
        memcpy(out, o->threads, o->nthreads * sizeof *out);
        return o->nthreads;
    }
    size_t n = omps_topology_threads(&m->topology, out);
    while (o->quick && n > 1 && out[n - 1] > 2)
        n--;
    return thin_threads(out, n, trim);
}

static size_t schedule_list(const struct omps_run_options *o, int trim,
                            struct omps_schedule *out)
{
    static const struct omps_schedule defaults[] = {
        {omp_sched_static, 0}, {omp_sched_dynamic, 1024},
        {omp_sched_guided, 0}, {omp_sched_auto, 0}};
    if (o->nschedules > 0) {
        memcpy(out, o->schedules, o->nschedules * sizeof *out);
        return o->nschedules;
    }
    size_t n = o->quick || trim >= OMPS_TRIM_SCHEDULES ? 2 : sizeof defaults / sizeof defaults[0];
    memcpy(out, defaults, n * sizeof *out);
    return n;
}

/* How many cores a configuration may use: a process kernel's ranks x
 * threads stays within max_cores unless oversubscribing was asked for
 * (max_cores 0: no limit, as for OpenMP kernels, whose thread list decides);
 * more than usable_cpus is marked. */
struct core_limits {
    int usable_cpus;
    int max_cores;
};

/* Appends one kernel instance's configurations at *count: schedule-major,
 * then threads, so each series lies together. */
static void plan_kernel(const struct omps_key *proto, const int *threads,
                        size_t nthreads, const struct omps_schedule *scheds,
                        size_t nscheds, const struct core_limits *limits,
                        struct omps_config *out, size_t *count)
{
    static const struct omps_schedule none = {0, 0};
    if (!proto->kernel->scheduled) {
        scheds = &none;
        nscheds = 1;
    }
    for (size_t s = 0; s < nscheds; s++) {
        for (size_t t = 0; t < nthreads; t++) {
            const int cores = omps_key_ranks(proto) * threads[t];
            if (limits->max_cores > 0 && cores > limits->max_cores)
                continue;
            struct omps_config *c = &out[(*count)++];
            c->key = *proto;
            c->key.threads = threads[t];
            c->key.schedule = scheds[s];
            c->oversubscribed = cores > limits->usable_cpus;
        }
    }
}

/* The cores of one node, shared out among its ranks. */
static int node_cores(const struct omps_machine *m)
{
    return m->physical_cores > 0 ? m->physical_cores : m->usable_cpus;
}

/* The cores this run's ranks may use: this machine's, times the hosts of
 * --hostfile (taken to be alike; machine.json records each one). */
static int ranks_cores(const struct omps_run_options *o, const struct omps_machine *m)
{
    return node_cores(m) * (o->hosts > 1 ? o->hosts : 1);
}

/* The rank counts: --ranks, else 1, 2, 4, 8, 16, then every fourth power
 * of two (each rank count is one more mpirun per round), and the cores
 * themselves (at most 2 for --quick). */
static size_t rank_list(const struct omps_run_options *o, const struct omps_machine *m,
                        int *out)
{
    if (o->nranks > 0) {
        memcpy(out, o->ranks, o->nranks * sizeof *out);
        return o->nranks;
    }
    const int cores = o->quick && ranks_cores(o, m) > 2 ? 2 : ranks_cores(o, m);
    size_t n = 0;
    for (int r = 1; r <= cores && n < OMPS_MAX_THREADS - 1; r *= r < 16 ? 2 : 4)
        out[n++] = r;
    if (out[n - 1] != cores)
        out[n++] = cores;
    return n;
}

/* The values each axis sweeps: opts's, and with auto_bind close against
 * spread where opts leaves the binding alone. */
struct axes {
    unsigned char value[OMPS_AXES][OMPS_AXIS_VALUES];
    size_t count[OMPS_AXES];
};

static void axes_of(const struct omps_run_options *o, int auto_bind, struct axes *x)
{
    memcpy(x->value, o->axis, sizeof x->value);
    memcpy(x->count, o->naxis, sizeof x->count);
    if (auto_bind && x->count[OMPS_AXIS_BIND] == 0) {
        omps_env_parse(OMPS_AXIS_BIND, "close", &x->value[OMPS_AXIS_BIND][0]);
        omps_env_parse(OMPS_AXIS_BIND, "spread", &x->value[OMPS_AXIS_BIND][1]);
        x->count[OMPS_AXIS_BIND] = 2;
    }
}

/* Blocking kernels go past the cores on purpose: doubling the default list
 * up to this many times the usable CPUs shows waits overlapping where a
 * CPU-bound kernel would only lose. */
#define BLOCKING_OVERSUBSCRIPTION 8

/* Kernel k's thread counts: the run's list, extended for a blocking kernel
 * when the list is the default one.  Returns how many (out holds
 * OMPS_MAX_THREADS). */
static size_t kernel_threads(const struct omps_run_options *o, const struct omps_machine *m,
                             const struct omps_kernel *k, const int *base, size_t nbase,
                             int *out)
{
    memcpy(out, base, nbase * sizeof *out);
    if (k->family != OMPS_FAMILY_BLOCKING || o->nthreads > 0 || o->quick || nbase == 0)
        return nbase;
    const int most = m->usable_cpus * BLOCKING_OVERSUBSCRIPTION;
    size_t n = nbase;
    for (int t = 2 * out[n - 1]; t <= most && t <= OMPS_MAX_THREADS && n < OMPS_MAX_THREADS;
         t *= 2)
        out[n++] = t;
    return n;
}

/* The environments to sweep into out (NULL: only count them): the cross
 * product of the swept axes, every other axis as this process inherited
 * it.  Returns how many. */
static size_t env_list(const struct axes *x, struct omps_env *out)
{
    struct omps_env inherited;
    size_t total = 1;
    omps_env_inherited(&inherited);
    for (int a = 0; a < OMPS_AXES; a++)
        total *= x->count[a] > 0 ? x->count[a] : 1;
    for (size_t i = 0; out != NULL && i < total; i++) {
        size_t rest = i;
        out[i] = inherited;
        for (int a = OMPS_AXES - 1; a >= 0; a--) {
            if (x->count[a] == 0)
                continue;
            out[i].value[a] = x->value[a][rest % x->count[a]];
            rest /= x->count[a];
        }
    }
    return total;
}

/* --auto-environments: a memory-bound kernel on a machine with more than
 * one L3 domain or NUMA node runs bound close and spread, which put a
 * team on few or on all memory paths, unless --bind says otherwise. */
static int auto_bind(const struct omps_run_options *o, const struct omps_machine *m,
                     const struct omps_kernel *k, int trim)
{
    return o->auto_environments && trim < OMPS_TRIM_ENVIRONMENTS && o->naxis[OMPS_AXIS_BIND] == 0 &&
           k->bound == OMPS_BOUND_BANDWIDTH &&
           (m->topology.l3_domains > 1 || m->topology.numa_nodes > 1);
}

/* The kernels to run: as listed, or all; overhead kernels bring the
 * reference they are measured against. */
static size_t kernel_list(const struct omps_run_options *o, int without_processes,
                          const struct omps_kernel **out)
{
    if (o->nkernels == 0) {
        /* With plugins loaded the question is about their kernels: the
         * built-in ones join only when --kernels names them. */
        int loaded_only = omps_plugin_count() > 0;
        for (size_t i = 0; i < omps_kernel_count(); i++)
            loaded_only |= omps_kernel_at(i)->command != NULL;
        size_t n = 0;
        for (size_t i = 0; i < omps_kernel_count(); i++) {
            const struct omps_kernel *k = omps_kernel_at(i);
            if ((!without_processes || k->ranked == OMPS_RANKED_NO) &&
                (!loaded_only || k->origin != NULL || k->command != NULL))
                out[n++] = k;
        }
        return n;
    }
    size_t n = o->nkernels;
    int needs_reference = 0, has_reference = 0;
    memcpy(out, o->kernels, n * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        needs_reference |= out[i]->reference != NULL;
        has_reference |= out[i]->reference == out[i];
    }
    for (size_t i = 0; needs_reference && !has_reference && i < o->nkernels; i++) {
        if (out[i]->reference != NULL) {
            out[n++] = out[i]->reference;
            break;
        }
    }
    return n;
}

/* The kernel's own check of its parameters against its size. */
static int check_params(const struct omps_key *k, char *err, size_t err_len)
{
    char why[256];
    if (k->kernel->check == NULL || k->kernel->check(k->n, k->params, why, sizeof why) == 0)
        return 0;
    snprintf(err, err_len, "--set: %s", why);
    return -1;
}

/* The two environment lists a plan draws from: [0] for every kernel, [1]
 * for the kernels --auto-environments binds close and spread. */
struct env_lists {
    struct axes axes[2];
    struct omps_env *env[2];
    size_t count[2];
};

static void env_lists_free(struct env_lists *l)
{
    free(l->env[0]);
    free(l->env[1]);
}

static int env_lists_make(const struct omps_run_options *o, struct env_lists *l)
{
    memset(l, 0, sizeof *l);
    for (int i = 0; i < 2; i++) {
        axes_of(o, i, &l->axes[i]);
        l->count[i] = env_list(&l->axes[i], NULL);
        l->env[i] = calloc(l->count[i], sizeof *l->env[i]);
        if (l->env[i] == NULL) {
            env_lists_free(l);
            return OMPS_ENOMEM;
        }
        env_list(&l->axes[i], l->env[i]);
    }
    return OMPS_OK;
}

/* What every kernel of a plan shares. */
struct plan_lists {
    int threads[OMPS_MAX_THREADS];
    size_t nthreads;
    int ranks[OMPS_MAX_THREADS];
    size_t nranks;
    /* Without --ranks or --threads, a kernel with both forms runs its ranks
     * at one thread each and every split of split_cores into ranks x
     * threads of at most node_cores threads, rather than the cross product
     * of the two lists, which grows with the square of the cores. */
    int splits, split_cores, node_cores, explicit_ranks;
    int trim; /* how far the default plan is trimmed (enum omps_trim) */
    struct core_limits omp, mpi;
    struct omps_schedule scheds[OMPS_MAX_LIST];
    size_t nscheds;
    int explicit_schedules;
    struct env_lists envs;
};

/* Whether spawn, whose every visit starts processes afresh, runs at the
 * r-th rank count: every one of --ranks, else 1, 4, 16, ... and the most,
 * since the cost of starting them grows smoothly with their count. */
static int spawn_default(const struct plan_lists *l, size_t r)
{
    const int v = l->ranks[r];
    return l->explicit_ranks || r + 1 == l->nranks || (v & (v - 1)) != 0 ||
           __builtin_ctz((unsigned)v) % 2 == 0;
}

/* Appends proto's configurations at each of its rank counts: one process
 * for an OpenMP kernel; --ranks for a process kernel (of one thread each
 * for a kernel of processes alone, and for one that spawns its ranks,
 * whose n is then the rank count); two ranks of one thread for a
 * ping-pong. */
static void plan_ranks(struct omps_key *proto, const struct plan_lists *l, const int *threads,
                       size_t nthreads, struct omps_plan *plan)
{
    static const int one = 1, two = 2;
    const enum omps_ranked how = proto->kernel->ranked;
    const int *ranks = how == OMPS_RANKED_PAIR ? &two : how == OMPS_RANKED_NO ? &one : l->ranks;
    const size_t nranks = how == OMPS_RANKED_NO || how == OMPS_RANKED_PAIR ? 1 : l->nranks;
    /* A process kernel's question is ranks against threads, not schedules:
     * it runs the first schedule unless --schedules names them.  So does a
     * program run by command: OMP_SCHEDULE reaches only its loops with
     * schedule(runtime), which few have. */
    const int one_schedule = how != OMPS_RANKED_NO || proto->kernel->command != NULL;
    size_t nscheds = !one_schedule || l->explicit_schedules ? l->nscheds : 1;
    /* A trimmed plan runs the memory-bound kernels at its first schedule,
     * static, the one STREAM runs. */
    if (l->trim >= OMPS_TRIM_MEMORY_STATIC && proto->kernel->bound == OMPS_BOUND_BANDWIDTH)
        nscheds = 1;
    if (how != OMPS_RANKED_NO && how != OMPS_RANKED_ANY) {
        threads = &one;
        nthreads = 1;
    }
    for (size_t r = 0; r < nranks; r++) {
        int split[2] = {1, 0};
        if (how == OMPS_RANKED_SPAWN && !spawn_default(l, r))
            continue;
        proto->ranks = ranks[r];
        if (how == OMPS_RANKED_SPAWN)
            proto->n = (uint64_t)ranks[r];
        if (how == OMPS_RANKED_ANY && l->splits) {
            split[1] = l->split_cores / ranks[r];
            const int fits = l->split_cores % ranks[r] == 0 && split[1] > 1 &&
                             split[1] <= l->node_cores;
            threads = split;
            nthreads = fits ? 2 : 1;
        }
        plan_kernel(proto, threads, nthreads, l->scheds, nscheds,
                    how == OMPS_RANKED_NO ? &l->omp : &l->mpi, plan->configs, &plan->count);
    }
}

/* Appends kernel k's configurations: each combination of its parameters,
 * in each of its environments, by schedule and thread count.  Returns 0 or
 * OMPS_EINVAL with err naming a size or parameter that does not fit. */
static int plan_one_kernel(const struct omps_run_options *o, const struct omps_machine *m,
                           const struct omps_kernel *k, const struct plan_lists *l,
                           struct omps_plan *plan, char *err, size_t err_len)
{
    const struct omps_sizing sizing = {.llc_bytes = m->llc_bytes, .quick = o->quick};
    const int a = auto_bind(o, m, k, l->trim);
    int threads[OMPS_MAX_THREADS];
    const size_t nthreads = kernel_threads(o, m, k, l->threads, l->nthreads, threads);
    struct omps_key proto = {.kernel = k};
    proto.n = kernel_size(o, l->trim, k, &sizing);
    if (check_footprint(k, proto.n, m->memory_bytes, err, err_len) != 0)
        return OMPS_EINVAL;
    for (size_t c = 0; c < param_combinations(o, l->trim, k); c++) {
        param_combination(o, l->trim, c, &proto);
        if (check_params(&proto, err, err_len) != 0)
            return OMPS_EINVAL;
        for (size_t e = 0; e < l->envs.count[a]; e++) {
            proto.env = l->envs.env[a][e];
            /* A program is built by its user: ompscale's toolchains do not
             * reach it, so it runs in the first one's environments only. */
            if (k->command != NULL && proto.env.value[OMPS_AXIS_TOOLCHAIN] !=
                                          l->envs.env[a][0].value[OMPS_AXIS_TOOLCHAIN])
                continue;
            plan_ranks(&proto, l, threads, nthreads, plan);
        }
    }
    return OMPS_OK;
}

/* The rank counts must fit the cores unless --oversubscribe, and need a
 * build with MPI; fills the core limits.  Returns 0 or OMPS_EINVAL. */
static int check_ranks(const struct omps_run_options *o, const struct omps_machine *m,
                       struct plan_lists *l, char *err, size_t err_len)
{
    const int hosts = o->hosts > 1 ? o->hosts : 1;
    l->omp = (struct core_limits){m->usable_cpus, 0};
    l->mpi = (struct core_limits){m->usable_cpus * hosts, o->oversubscribe ? 0 : ranks_cores(o, m)};
    if (o->nranks > 0 && !omps_ranks_built()) {
        snprintf(err, err_len, "--ranks: this ompscale was built without MPI, so it has no "
                 "process kernels (tools/deps.sh installs Open MPI; then rebuild)");
        return OMPS_EINVAL;
    }
    if (l->mpi.max_cores > 0 && l->ranks[l->nranks - 1] > l->mpi.max_cores) {
        snprintf(err, err_len, "--ranks: %d ranks is more than the %d cores ompscale may use "
                 "%s; add --oversubscribe to run them anyway", l->ranks[l->nranks - 1],
                 l->mpi.max_cores, o->hosts > 1 ? "on the hostfile's hosts" : "here");
        return OMPS_EINVAL;
    }
    return OMPS_OK;
}

/* Plans the configurations into plan->configs; see omps_plan_make. */
static int plan_configs(const struct omps_run_options *o, const struct omps_machine *m,
                        int trim, struct omps_plan *plan, char *err, size_t err_len)
{
    struct plan_lists l;
    const struct omps_kernel *kernels[OMPS_MAX_LIST + 1];
    const size_t nkernels = kernel_list(o, trim >= OMPS_TRIM_PROCESSES && o->nranks == 0, kernels);
    int threads[OMPS_MAX_THREADS], any_auto = 0;
    size_t total = 0;
    l.trim = trim;
    l.nthreads = thread_list(o, m, trim, l.threads);
    l.nscheds = schedule_list(o, trim, l.scheds);
    l.explicit_schedules = o->nschedules > 0;
    l.nranks = rank_list(o, m, l.ranks);
    l.explicit_ranks = o->nranks > 0;
    l.splits = o->nranks == 0 && o->nthreads == 0;
    l.split_cores = l.ranks[l.nranks - 1];
    l.node_cores = node_cores(m);
    if (check_ranks(o, m, &l, err, err_len) != OMPS_OK)
        return OMPS_EINVAL;
    if (env_lists_make(o, &l.envs) != OMPS_OK)
        return OMPS_ENOMEM;
    for (size_t i = 0; i < nkernels; i++) {
        const int a = auto_bind(o, m, kernels[i], trim);
        any_auto |= a;
        total += param_combinations(o, trim, kernels[i]) * l.nscheds * l.envs.count[a] *
                 (kernel_threads(o, m, kernels[i], l.threads, l.nthreads, threads) + 2) *
                 (kernels[i]->ranked != OMPS_RANKED_NO ? l.nranks : 1);
    }
    plan->environments = l.envs.count[0] + (any_auto ? l.envs.count[1] : 0);
    /* A program run by command sets its environment itself: only kernels
     * need a child per environment. */
    int in_process = 0;
    for (size_t i = 0; i < nkernels; i++)
        in_process |= kernels[i]->command == NULL;
    plan->children = (omps_run_options_use_children(o) && in_process) || any_auto;
    for (int a = 0; a < OMPS_AXES; a++)
        plan->swept[a] = l.envs.axes[any_auto].count[a] > 0;
    plan->configs = calloc(total + 1, sizeof *plan->configs);
    int rc = plan->configs != NULL ? OMPS_OK : OMPS_ENOMEM;
    for (size_t i = 0; rc == OMPS_OK && i < nkernels; i++)
        rc = plan_one_kernel(o, m, kernels[i], &l, plan, err, err_len);
    env_lists_free(&l.envs);
    return rc;
}

/* The repetition length when none is given: 0.1 s, shortened on a machine
 * whose plan would otherwise spend more than half the budget on the minimum
 * repetitions, but never below 0.01 s. */
static double automatic_min_time(const struct omps_plan *plan, const struct omps_run_options *o)
{
    if (o->min_time_given || o->quick || !isfinite(o->budget))
        return o->min_time;
    double t = o->min_time;
    while (t > AUTO_MIN_TIME_FLOOR &&
           omps_plan_estimate(plan, t, o->repetitions) > BUDGET_SHARE_FOR_MINIMUM * o->budget)
        t = fmax(AUTO_MIN_TIME_FLOOR, 0.8 * t);
    return t;
}

static int make_plan(const struct omps_run_options *o, const struct omps_machine *m, int trim,
                     struct omps_plan *plan, char *err, size_t err_len)
{
    memset(plan, 0, sizeof *plan);
    plan->share_states = m->topology.numa_nodes <= 1;
    plan->rates = m->rates;
    plan->llc_bytes = m->llc_bytes;
    plan->physical_cores = m->physical_cores;
    int rc = plan_configs(o, m, trim, plan, err, err_len);
    if (rc == OMPS_OK)
        rc = omps_plan_count_states(plan);
    if (rc == OMPS_OK)
        omps_plan_count_rank_groups(plan);
    plan->ranks_kept = o->hostfile == NULL;
    plan->node_cores = node_cores(m);
    if (rc != OMPS_OK) {
        omps_plan_free(plan);
        return rc;
    }
    plan->memory_bytes = m->memory_bytes;
    plan->min_time = automatic_min_time(plan, o);
    plan->estimate = omps_plan_estimate(plan, plan->min_time, o->repetitions);
    return OMPS_OK;
}

int omps_plan_is_default(const struct omps_run_options *o)
{
    return o->nkernels == 0 && o->nthreads == 0 && o->nschedules == 0;
}

/* A trimmed plan aims below the budget by this share, for the estimate's
 * error and some time for precision. */
#define TRIM_TARGET_SHARE 0.8

int omps_plan_make(const struct omps_run_options *o, const struct omps_machine *m,
                   struct omps_plan *plan, char *err, size_t err_len)
{
    int rc = make_plan(o, m, OMPS_TRIM_NONE, plan, err, err_len);
    if (rc != OMPS_OK || !omps_plan_is_default(o) || plan->estimate <= o->budget)
        return rc;
    /* The default plan is never refused: it is trimmed step by step, in
     * the order of enum omps_trim, until it fits; the steps that took
     * configurations away are named on the plan line and in machine.json. */
    const double whole = plan->estimate;
    unsigned steps = 0;
    size_t before = plan->count;
    double was = plan->estimate;
    for (int trim = OMPS_TRIM_NONE + 1; rc == OMPS_OK && trim < OMPS_TRIMS; trim++) {
        omps_plan_free(plan);
        rc = make_plan(o, m, trim, plan, err, err_len);
        /* A step counts when it took configurations away or made them
         * cheaper (smaller arrays). */
        if (rc == OMPS_OK && (plan->count < before || plan->estimate < 0.99 * was))
            steps |= 1u << trim;
        before = plan->count;
        was = plan->estimate;
        if (rc == OMPS_OK && plan->estimate <= TRIM_TARGET_SHARE * o->budget)
            break;
    }
    plan->trimmed_steps = steps;
    plan->untrimmed_estimate = whole;
    return rc;
}

const char *omps_trim_text(int step)
{
    static const char *const text[OMPS_TRIMS] = {
        [OMPS_TRIM_MEMORY_STATIC] = "the memory-bound kernels at static only",
        [OMPS_TRIM_ENVIRONMENTS] = "the memory-bound kernels without close and spread "
                                   "binding (--auto-environments)",
        [OMPS_TRIM_PROCESSES] = "the process kernels (mpi_*, spawn) left out",
        [OMPS_TRIM_SCHEDULES] = "the schedules guided and auto left out",
        [OMPS_TRIM_PARAMS] = "each kernel's own parameter sweep at its first value",
        [OMPS_TRIM_THREADS_POWERS] = "only powers of two and all cores as thread counts",
        [OMPS_TRIM_MEMORY_SIZE] = "the memory-bound kernels' arrays at the cache's size "
                                  "rather than four times it",
        [OMPS_TRIM_THREADS_SPARSE] = "only every other power of two as thread counts",
        [OMPS_TRIM_THREADS_ENDS] = "only one thread and all cores"};
    return step > OMPS_TRIM_NONE && step < OMPS_TRIMS ? text[step] : "";
}

void omps_plan_free(struct omps_plan *plan)
{
    free(plan->configs);
    plan->configs = NULL;
    plan->count = 0;
}

/* Formats seconds as "2m05s" or "42s". */
void omps_format_duration(double seconds, char *buf, size_t len)
{
    if (!isfinite(seconds)) {
        snprintf(buf, len, "none");
        return;
    }
    const long s = lround(seconds);
    if (s >= 3600)
        snprintf(buf, len, "%ldh%02ldm", s / 3600, s / 60 % 60);
    else if (s >= 60)
        snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
    else
        snprintf(buf, len, "%lds", s);
}

void omps_plan_describe(const struct omps_plan *plan, const struct omps_run_options *o,
                        FILE *f)
{
    char est[32], budget[32], precision[32] = "none";
    omps_format_duration(plan->estimate, est, sizeof est);
    omps_format_duration(o->budget, budget, sizeof budget);
    if (isfinite(o->precision))
        snprintf(precision, sizeof precision, "+-%.3g%%", o->precision * 100.0);
    fprintf(f,
            "ompscale: plan: %zu configurations, at least %d repetitions of %.3g s each; "
            "estimated %s for the minimum (budget %s, precision %s)",
            plan->count, o->repetitions, plan->min_time, est, budget, precision);
    if (plan->children)
        fprintf(f, "; %zu environments, each in a child process kept for the sweep",
                plan->environments);
    if (plan->rank_groups > 0)
        fprintf(f, "; %zu groups of MPI ranks, each started through mpirun %s",
                plan->rank_groups, plan->ranks_kept ? "once and kept for the sweep"
                                                    : "per round");
    size_t programs = 0;
    for (size_t i = 0; i < plan->count; i++)
        programs += plan->configs[i].key.kernel->command != NULL;
    if (programs > 0)
        fprintf(f, "; %zu of them a program's, whose runs the estimate counts at %.3g s each, "
                "since their length is known only once they run", programs, plan->min_time);
    if (plan->trimmed_steps != 0) {
        char whole[32];
        omps_format_duration(plan->untrimmed_estimate, whole, sizeof whole);
        fputs("; trimmed to keep the budget:", f);
        for (int step = OMPS_TRIM_NONE + 1; step < OMPS_TRIMS; step++) {
            if (plan->trimmed_steps & (1u << step))
                fprintf(f, " %s;", omps_trim_text(step));
        }
        fprintf(f, " the whole plan needs about %s (raise --budget, or name --kernels, "
                "--threads and --schedules)", whole);
    }
    fputc('\n', f);
}

int omps_plan_check_budget(const struct omps_plan *plan, const struct omps_run_options *o,
                           char *err, size_t err_len)
{
    /* A default plan trimmed as far as it goes still runs, to the budget. */
    if (plan->estimate <= o->budget || omps_plan_is_default(o))
        return OMPS_OK;
    char est[32], budget[32];
    omps_format_duration(plan->estimate, est, sizeof est);
    omps_format_duration(o->budget, budget, sizeof budget);
    snprintf(err, err_len,
             "--budget: %zu configurations at %d repetitions of %.3g s need about %s, "
             "more than the budget of %s; drop kernels (--kernels), thread counts "
             "(--threads) or schedules (--schedules), lower --repetitions or "
             "--min-time, or raise --budget",
             plan->count, o->repetitions, plan->min_time, est, budget);
    return OMPS_EINVAL;
}

void omps_plan_write_csv(const struct omps_plan *plan, FILE *f)
{
    fprintf(f, "%s\n", OMPS_PLAN_HEADER);
    for (size_t i = 0; i < plan->count; i++)
        omps_csv_plan_row(f, &plan->configs[i].key);
}
