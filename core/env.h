/*
 * The OpenMP environment a configuration runs under: the binding
 * (OMP_PROC_BIND), the places (OMP_PLACES), the wait policy
 * (OMP_WAIT_POLICY) and the toolchain (compiler and OpenMP runtime).  The
 * runtime reads these once at start-up, so a sweep over them runs each
 * environment in a child process (child.h); this module names the values,
 * parses the axes and reports what a process actually got.
 */
#ifndef OMPSCALE_ENV_H
#define OMPSCALE_ENV_H

#include <stddef.h>

enum omps_axis {
    OMPS_AXIS_BIND,      /* OMP_PROC_BIND */
    OMPS_AXIS_PLACES,    /* OMP_PLACES */
    OMPS_AXIS_WAIT,      /* OMP_WAIT_POLICY */
    OMPS_AXIS_TOOLCHAIN, /* the binary and the runtime it loads */
    OMPS_AXES
};

/* Value 0 of every axis means "left to the runtime" (and, for the
 * toolchain, "not recorded": a file from before the column). */
enum omps_toolchain { OMPS_TC_NONE, OMPS_TC_GCC, OMPS_TC_CLANG, OMPS_TC_GCC_LIBOMP };

struct omps_env {
    unsigned char value[OMPS_AXES];
};

/* The column each axis has in runs.csv and summary.csv. */
const char *omps_axis_column(enum omps_axis a);

/* The environment variable behind an axis; NULL for the toolchain. */
const char *omps_axis_variable(enum omps_axis a);

/* The text of value v on axis a ("" for 0, NULL when out of range). */
const char *omps_env_value(enum omps_axis a, int v);

/* Parses one value of axis a: "" gives 0.  Returns 0 or OMPS_EINVAL. */
int omps_env_parse(enum omps_axis a, const char *text, unsigned char *v);

/*
 * Parses a comma-separated list of values for axis a into out (distinct,
 * in the order given; "default" is value 0 except on the toolchain axis).
 * option names the flag in err.  Returns 0 or OMPS_EINVAL with a message
 * that lists the accepted values.
 */
int omps_env_parse_list(enum omps_axis a, const char *option, const char *text,
                        unsigned char *out, size_t cap, size_t *count, char *err,
                        size_t err_len);

/*
 * Reads an environment from the cells of its columns, in axis order (NULL:
 * the file has no such column).  A file without a toolchain column ran this
 * build's toolchain with the variables left to the runtime.  Returns -1, or
 * the first axis whose cell holds no value of that axis.
 */
int omps_env_from_cells(const char *const cells[OMPS_AXES], struct omps_env *e);

/* Orders environments field by field, like strcmp. */
int omps_env_compare(const struct omps_env *a, const struct omps_env *b);

/*
 * Writes the environment as "bind=close;places=cores;wait_policy=passive",
 * leaving out the fields left to the runtime and, unless with_toolchain,
 * the toolchain.  "" when nothing is set.
 */
void omps_env_text(const struct omps_env *e, int with_toolchain, char *buf, size_t len);

/* The toolchain this binary was built with (OMPS_TC_GCC or OMPS_TC_CLANG). */
enum omps_toolchain omps_own_toolchain(void);

/* The environment this process inherited: each variable whose value is one
 * of its axis's values, and this binary's toolchain. */
void omps_env_inherited(struct omps_env *e);

/* The file name of the OpenMP runtime this process loaded (from its loaded
 * objects, symbolic links resolved), e.g. "libgomp.so.1"; "unknown" when it
 * cannot be found. */
void omps_runtime_name(char *buf, size_t len);

/*
 * Checks, in this process, that the runtime honours env: the wait policy it
 * reports (omp_display_env, where the runtime has it) and that asked-for
 * places exist; and that the gcc+libomp toolchain really loaded libomp.  The
 * binding is checked on every thread of every run (omps_team_note).
 * Returns 1, or 0 with why filled.
 */
int omps_env_check(const struct omps_env *e, char *why, size_t why_len);

/* Finds LLVM's libomp.so.5 for the gcc+libomp toolchain; returns 0 and its
 * path, or -1 when it is not installed. */
int omps_find_libomp(char *path, size_t len);

#endif
