/* The built-in midpoint kernel built again as a plugin (its own source,
 * compiled into the shared object), under the name midpoint_plugin, so that
 * bench/plugin-overhead.sh can time a loaded kernel against the same kernel
 * built in, interleaved in one run. */
#include <string.h>

#include "kernel.h"

extern const struct omps_kernel omps_kernel_midpoint;

const struct omps_kernel_api *const *omps_plugin_kernels(int *abi, size_t *count);
const struct omps_kernel_api *const *omps_plugin_kernels(int *abi, size_t *count)
{
    static struct omps_kernel_api plugin;
    static const struct omps_kernel_api *const list[] = {&plugin};
    /* The public fields lead struct omps_kernel (OMPS_KERNEL_API_FIELDS). */
    memcpy(&plugin, &omps_kernel_midpoint, sizeof plugin);
    plugin.name = "midpoint_plugin";
    *abi = OMPS_KERNEL_ABI;
    *count = 1;
    return list;
}
