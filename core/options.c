#include "options.h"

#include <string.h>

#include "errors.h"

#define USAGE_WIDTH 88

const struct omps_option *omps_option_find(const struct omps_option *opts, size_t count,
                                           const char *name, size_t len)
{
    for (size_t i = 0; i < count; i++) {
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
            return &opts[i];
    }
    return NULL;
}

void omps_usage_write(FILE *f, const char *lead, const char *head,
                      const struct omps_option *opts, size_t count, int form)
{
    const int indent = (int)(strlen(lead) + strlen(head) + 1);
    int column = fprintf(f, "%s%s", lead, head);
    for (size_t i = 0; i < count; i++) {
        if (opts[i].form != form || opts[i].usage == NULL)
            continue;
        const int width = (int)strlen(opts[i].usage);
        if (column > indent && column + 1 + width > USAGE_WIDTH)
            column = fprintf(f, "\n%*s", indent - 1, "") - 1;
        column += fprintf(f, " %s", opts[i].usage);
    }
    fputc('\n', f);
}

int omps_option_unhandled(const char *name, char *err, size_t err_len)
{
    snprintf(err, err_len, "%s has no handler in this build (a bug: please report it)", name);
    return OMPS_EINVAL;
}
