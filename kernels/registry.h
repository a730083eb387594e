/*
 * The one list of kernels.  Adding a kernel means adding its file and one
 * line here; declarations and the lookup table are generated from it.
 */
#ifndef OMPSCALE_REGISTRY_H
#define OMPSCALE_REGISTRY_H

#include <stddef.h>

#include "kernel.h"

#define OMPS_KERNEL_LIST(X)                                                    \
    X(midpoint)                                                                \
    X(cube_map)                                                                \
    X(shared_array)                                                            \
    X(copy)                                                                    \
    X(read)                                                                    \
    X(update)                                                                  \
    X(serial_fraction)                                                         \
    X(counter_critical)                                                        \
    X(counter_atomic)                                                          \
    X(counter_lock)                                                            \
    X(counter_reduction)                                                       \
    X(false_sharing)                                                           \
    X(false_sharing_padded)                                                    \
    X(imbalance)                                                               \
    X(tasks)                                                                   \
    X(recursive_sum)                                                           \
    X(blocking_overlap)                                                        \
    X(overhead_reference)                                                      \
    X(overhead_parallel)                                                       \
    X(overhead_for)                                                            \
    X(overhead_barrier)                                                        \
    X(overhead_reduction)                                                      \
    X(overhead_critical)                                                       \
    X(overhead_atomic)

/* The process kernels: MPI ranks, each with its OpenMP team.  They exist
 * only in a build that found MPI (OMPS_HAVE_MPI). */
#ifdef OMPS_HAVE_MPI
#define OMPS_MPI_KERNEL_LIST(X)                                                \
    X(mpi_midpoint)                                                            \
    X(mpi_cube_map)                                                            \
    X(mpi_cube_local)                                                          \
    X(mpi_shared_array)                                                        \
    X(mpi_counter)                                                             \
    X(mpi_pipe)                                                                \
    X(spawn)
#else
#define OMPS_MPI_KERNEL_LIST(X)
#endif

#define OMPS_DECLARE_KERNEL(k) extern const struct omps_kernel omps_kernel_##k;
OMPS_KERNEL_LIST(OMPS_DECLARE_KERNEL)
OMPS_MPI_KERNEL_LIST(OMPS_DECLARE_KERNEL)
#undef OMPS_DECLARE_KERNEL

/* Returns the number of registered kernels: the built-in ones, then those
 * loaded from plugins. */
size_t omps_kernel_count(void);

/* Returns kernel i (0 <= i < omps_kernel_count()), in registry order. */
const struct omps_kernel *omps_kernel_at(size_t i);

/* Returns the kernel with this exact name, or NULL when there is none. */
const struct omps_kernel *omps_kernel_find(const char *name);

/* Whether name may be a kernel's: 1 to 48 letters, digits and '_' (it is
 * a column value and a file name); NULL is not. */
int omps_kernel_name_ok(const char *name);

/* The most plugins one process loads. */
#define OMPS_MAX_PLUGINS 16

/*
 * Loads the plugin at path (<ompscale/kernel.h>: a shared object defining
 * omps_plugin_kernels) and registers its kernels after the others, each
 * with origin set to the plugin's absolute path.  Loading the same file
 * again does nothing.  Returns 0, or OMPS_EINVAL with err one line naming
 * the file and what is wrong with it: not a shared object, no entry point,
 * an ABI version other than OMPS_KERNEL_ABI, a kernel name that is not
 * letters, digits and '_' or that another kernel has, a required field
 * missing (summary, default_size, footprint, setup, run, verify, teardown,
 * work), a unit or family it cannot have, parameters out of order, or a
 * footprint below 0 at its default size.  Nothing of a refused plugin is
 * registered.
 */
int omps_kernels_load(const char *path, char *err, size_t err_len);

/* Registers k (made at run time: a program by command, command.h) after the
 * others.  Returns 0, or OMPS_EINVAL with err naming the kernel that has
 * its name already. */
int omps_kernel_register(const struct omps_kernel *k, char *err, size_t err_len);

/* The plugins loaded, in order: how many, and each one's absolute path. */
size_t omps_plugin_count(void);
const char *omps_plugin_path(size_t i);

#endif
