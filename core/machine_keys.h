/*
 * machine.json's top-level keys, the one list (as core/columns.h is for
 * the CSV files): each key's name, the kind its value must have, the least
 * value of a number, and its roles in "the same" run: OMPS_SAME_MACHINE
 * (runs on one machine are comparable: compare, fleet, fit --with, the
 * history's series), OMPS_SAME_HOST and OMPS_SAME_BUILD (what --resume
 * also asks of a run it continues).  The writer (harness/machine.c,
 * harness/run.c) writes no key that is not here, test_rundir checks it,
 * and tests/columns.sh checks docs/reference.md lists every one.
 *
 * X(name, kind, least, roles)
 */
#ifndef OMPSCALE_MACHINE_KEYS_H
#define OMPSCALE_MACHINE_KEYS_H

enum omps_machine_role {
    OMPS_SAME_MACHINE = 1,
    OMPS_SAME_HOST = 2,
    OMPS_SAME_BUILD = 4
};

enum omps_machine_kind {
    OMPS_MK_TEXT, OMPS_MK_WHOLE, OMPS_MK_NUMBER, OMPS_MK_FLAG, OMPS_MK_OBJECT, OMPS_MK_LIST
};

#define OMPS_MACHINE_KEYS(X)                                      \
    X(date, OMPS_MK_TEXT, 0, 0)                                   \
    X(host, OMPS_MK_TEXT, 0, OMPS_SAME_HOST)                      \
    X(cpu_model, OMPS_MK_TEXT, 0, OMPS_SAME_MACHINE)              \
    X(physical_cores, OMPS_MK_WHOLE, 1, OMPS_SAME_MACHINE)        \
    X(logical_cpus, OMPS_MK_WHOLE, 1, OMPS_SAME_MACHINE)          \
    X(usable_cpus, OMPS_MK_WHOLE, 1, 0)                           \
    X(affinity, OMPS_MK_TEXT, 0, 0)                               \
    X(llc_bytes, OMPS_MK_WHOLE, 0, 0)                             \
    X(cache_line_bytes, OMPS_MK_WHOLE, 0, 0)                      \
    X(caches, OMPS_MK_LIST, 0, 0)                                 \
    X(compiler, OMPS_MK_TEXT, 0, OMPS_SAME_BUILD)                 \
    X(compiler_flags, OMPS_MK_TEXT, 0, OMPS_SAME_BUILD)           \
    X(build_type, OMPS_MK_TEXT, 0, 0)                             \
    X(openmp_version, OMPS_MK_WHOLE, 0, 0)                        \
    X(omp_runtime, OMPS_MK_TEXT, 0, OMPS_SAME_MACHINE)            \
    X(omp_environment, OMPS_MK_OBJECT, 0, 0)                      \
    X(git_commit, OMPS_MK_TEXT, 0, OMPS_SAME_BUILD)               \
    X(git_dirty, OMPS_MK_FLAG, 0, OMPS_SAME_BUILD)                \
    X(ompscale_version, OMPS_MK_TEXT, 0, OMPS_SAME_BUILD)         \
    X(topology, OMPS_MK_OBJECT, 0, OMPS_SAME_HOST)                \
    X(division_ns, OMPS_MK_NUMBER, 0, 0)                          \
    X(fma_gflops, OMPS_MK_NUMBER, 0, 0)                           \
    X(git_commit_time, OMPS_MK_TEXT, 0, 0)                        \
    X(copy_stores, OMPS_MK_TEXT, 0, 0)                            \
    X(calibration, OMPS_MK_OBJECT, 0, 0)                          \
    X(transparent_hugepages, OMPS_MK_OBJECT, 0, 0)                \
    X(core_to_core_ns, OMPS_MK_OBJECT, 0, 0)                      \
    X(state, OMPS_MK_TEXT, 0, 0)                                  \
    X(seed, OMPS_MK_WHOLE, 0, 0)                                  \
    X(run, OMPS_MK_OBJECT, 0, 0)                                  \
    X(system, OMPS_MK_OBJECT, 0, 0)                               \
    X(nodes, OMPS_MK_LIST, 0, 0)                                  \
    X(nodes_alike, OMPS_MK_FLAG, 0, 0)                            \
    X(nodes_differ, OMPS_MK_TEXT, 0, 0)                           \
    X(plugins, OMPS_MK_LIST, 0, OMPS_SAME_BUILD)                  \
    X(commands, OMPS_MK_LIST, 0, OMPS_SAME_BUILD)                \
    X(cache_levels, OMPS_MK_LIST, 0, 0)                           \
    X(cache_finding, OMPS_MK_TEXT, 0, 0)                          \
    X(cache_probe, OMPS_MK_OBJECT, 0, 0)

#endif
