#include "registry.h"

#include <string.h>

#define OMPS_TABLE_ENTRY(k) &omps_kernel_##k,
static const struct omps_kernel *const kernel_table[] = {
    OMPS_KERNEL_LIST(OMPS_TABLE_ENTRY) OMPS_MPI_KERNEL_LIST(OMPS_TABLE_ENTRY)};
#undef OMPS_TABLE_ENTRY

size_t omps_kernel_count(void)
{
    return sizeof kernel_table / sizeof kernel_table[0];
}

const struct omps_kernel *omps_kernel_at(size_t i)
{
    return i < omps_kernel_count() ? kernel_table[i] : NULL;
}

const struct omps_kernel *omps_kernel_find(const char *name)
{
    for (size_t i = 0; i < omps_kernel_count(); i++) {
        if (strcmp(kernel_table[i]->name, name) == 0)
            return kernel_table[i];
    }
    return NULL;
}

const char *omps_family_name(enum omps_family family)
{
    switch (family) {
    case OMPS_FAMILY_SCALING:
        return "scaling";
    case OMPS_FAMILY_OVERHEAD:
        return "overhead";
    case OMPS_FAMILY_CONTENTION:
        return "contention";
    case OMPS_FAMILY_FALSE_SHARING:
        return "false_sharing";
    case OMPS_FAMILY_BLOCKING:
        return "blocking";
    }
    return "scaling";
}

const char *omps_unit_name(enum omps_unit unit)
{
    switch (unit) {
    case OMPS_UNIT_GFLOPS:
        return "GFLOP/s";
    case OMPS_UNIT_GBPS:
        return "GB/s";
    case OMPS_UNIT_MUPDATES:
        return "Mupdates/s";
    case OMPS_UNIT_US_PER_CONSTRUCT:
        return "us/construct";
    case OMPS_UNIT_UNITS_PER_S:
        return "units/s";
    }
    return "unknown";
}
