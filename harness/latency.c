#define _GNU_SOURCE
#include "latency.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "stats.h"

/* The line the two ends pass back and forth, alone on its cache line. */
struct line {
    _Alignas(64) atomic_long turn;
    _Alignas(64) int cpu[2];
    int batches;
    double batch_ns[OMPS_LATENCY_BATCHES];
    atomic_int failed;
};

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/* Waits until turn reaches want; 0, or -1 after a second without it (or
 * when the other end gave up). */
static int wait_turn(struct line *l, long want, double *deadline)
{
    unsigned spins = 0;
    while (atomic_load_explicit(&l->turn, memory_order_acquire) != want) {
        if (++spins % 4096 == 0 &&
            (atomic_load(&l->failed) || seconds_now() > *deadline))
            return -1;
    }
    return 0;
}

/* The answering end: turns odd numbers into the next even one. */
static void *answer(void *arg)
{
    struct line *l = arg;
    double deadline = seconds_now() + 1.0;
    if (pin(l->cpu[1]) != 0) {
        atomic_store(&l->failed, 1);
        return NULL;
    }
    const long total = (long)l->batches * OMPS_LATENCY_TRIPS;
    for (long k = 0; k < total; k++) {
        if (wait_turn(l, 2 * k + 1, &deadline) != 0) {
            atomic_store(&l->failed, 1);
            return NULL;
        }
        atomic_store_explicit(&l->turn, 2 * k + 2, memory_order_release);
    }
    return NULL;
}

/* The asking end: times each batch of round trips. */
static void *ask(void *arg)
{
    struct line *l = arg;
    double deadline = seconds_now() + 1.0;
    if (pin(l->cpu[0]) != 0) {
        atomic_store(&l->failed, 1);
        return NULL;
    }
    long k = 0;
    for (int b = 0; b < l->batches; b++) {
        const double t0 = seconds_now();
        for (int i = 0; i < OMPS_LATENCY_TRIPS; i++, k++) {
            atomic_store_explicit(&l->turn, 2 * k + 1, memory_order_release);
            if (wait_turn(l, 2 * k + 2, &deadline) != 0) {
                atomic_store(&l->failed, 1);
                return NULL;
            }
        }
        l->batch_ns[b] = (seconds_now() - t0) * 1e9 / OMPS_LATENCY_TRIPS;
    }
    return NULL;
}

int omps_latency_pair(int a, int b, int batches, double *ns)
{
    struct line *l = aligned_alloc(64, sizeof *l);
    pthread_t t[2];
    *ns = NAN;
    if (l == NULL)
        return -1;
    memset(l, 0, sizeof *l);
    l->cpu[0] = a;
    l->cpu[1] = b;
    l->batches = batches < 1 ? 1 : batches > OMPS_LATENCY_BATCHES ? OMPS_LATENCY_BATCHES : batches;
    int started = 0;
    if (pthread_create(&t[0], NULL, answer, l) == 0) {
        started = 1;
        if (pthread_create(&t[1], NULL, ask, l) == 0)
            started = 2;
        else
            atomic_store(&l->failed, 1);
    }
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    const int ok = started == 2 && !atomic_load(&l->failed);
    if (ok)
        *ns = omps_median_inplace(l->batch_ns, (size_t)l->batches);
    free(l);
    return ok ? 0 : -1;
}

int omps_latency_map_measure(const int *cpus, int n, struct omps_latency_map *map)
{
    memset(map, 0, sizeof *map);
    /* Beyond the limit, an evenly spread sample keeps every package and
     * L3 domain represented, since OS indexes follow the topology. */
    const int count = n > OMPS_LATENCY_MAX_CPUS ? OMPS_LATENCY_MAX_CPUS : n;
    for (int i = 0; i < count; i++)
        map->cpus[i] = cpus[(long)i * n / count];
    map->count = count;
    map->ns = calloc((size_t)count * (size_t)count + 1, sizeof *map->ns);
    if (map->ns == NULL)
        return OMPS_ENOMEM;
    for (int i = 0; i < count; i++) {
        for (int j = i + 1; j < count; j++) {
            double v;
            omps_latency_pair(map->cpus[i], map->cpus[j], OMPS_LATENCY_BATCHES, &v);
            map->ns[i * count + j] = map->ns[j * count + i] = v;
        }
    }
    return OMPS_OK;
}

int omps_latency_usable_cpus(int *out, int cap)
{
    cpu_set_t set;
    int n = 0;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && n < cap; cpu++) {
        if (CPU_ISSET(cpu, &set))
            out[n++] = cpu;
    }
    return n;
}

int omps_latency_round_pair(int *a, int *b)
{
    int cpus[2];
    if (omps_latency_usable_cpus(cpus, 2) < 2)
        return -1;
    *a = cpus[0];
    *b = cpus[1];
    return 0;
}

void omps_latency_map_free(struct omps_latency_map *map)
{
    free(map->ns);
    memset(map, 0, sizeof *map);
}
