#include "options.h"

#include <string.h>

#include "errors.h"
#include "parse.h"

#define USAGE_WIDTH 88

const struct omps_option *omps_option_find(const struct omps_option *opts, size_t count,
                                           int form, const char *name, size_t len)
{
    for (size_t i = 0; i < count; i++) {
        if ((form < 0 || opts[i].form == form) && strlen(opts[i].name) == len &&
            strncmp(opts[i].name, name, len) == 0)
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

/* Whether o takes no value. */
static int is_flag(const struct omps_option *o)
{
    return o->type == OMPS_OPT_FLAG || (o->type == OMPS_OPT_SET && o->flag);
}

/* Reads value into o's field of cmd, by o's type. */
static int apply(const struct omps_option *o, const char *value, void *cmd, char *err,
                 size_t err_len)
{
    char *field = (char *)cmd + o->field;
    switch (o->type) {
    case OMPS_OPT_FLAG:
        *(int *)field = 1;
        return OMPS_OK;
    case OMPS_OPT_TEXT:
        if (*value == '\0') {
            snprintf(err, err_len, "%s: an empty value names no file", o->name);
            return OMPS_EINVAL;
        }
        *(const char **)field = value;
        return OMPS_OK;
    case OMPS_OPT_WHOLE:
        if (omps_parse_long(value, o->lo, o->hi, (long *)field) == 0)
            return OMPS_OK;
        snprintf(err, err_len, "%s: '%s' is not a whole number from %ld to %ld", o->name, value,
                 o->lo, o->hi);
        return OMPS_EINVAL;
    case OMPS_OPT_ALPHA:
        return omps_parse_alpha(value, (double *)field, err, err_len) == 0 ? OMPS_OK
                                                                           : OMPS_EINVAL;
    case OMPS_OPT_THRESHOLD:
        return omps_parse_threshold(value, (double *)field, err, err_len) == 0 ? OMPS_OK
                                                                               : OMPS_EINVAL;
    case OMPS_OPT_SET:
        if (o->set != NULL)
            return o->set(cmd, o->name, value, err, err_len) == 0 ? OMPS_OK : OMPS_EINVAL;
        break;
    }
    return omps_option_unhandled(o->name, err, err_len);
}

int omps_option_unhandled(const char *name, char *err, size_t err_len)
{
    snprintf(err, err_len, "%s has no handler in this build (a bug: please report it)", name);
    return OMPS_EINVAL;
}

/* Handles an argument that is not an option. */
static int positional(const struct omps_command_line *c, const char *arg, void *cmd, char *err,
                      size_t err_len)
{
    if (c->positional != NULL)
        return c->positional(cmd, arg, err, err_len) == 0 ? OMPS_OK : OMPS_EINVAL;
    snprintf(err, err_len, "unexpected argument '%s' (see 'ompscale --help')", arg);
    return OMPS_EINVAL;
}

int omps_options_parse(const struct omps_command_line *c, int argc, char **argv, void *cmd,
                       char *err, size_t err_len)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            if (positional(c, arg, cmd, err, err_len) != OMPS_OK)
                return OMPS_EINVAL;
            continue;
        }
        const char *eq = strchr(arg, '=');
        const size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        const struct omps_option *o = omps_option_find(c->options, c->count, c->form, arg, len);
        if (o == NULL) {
            snprintf(err, err_len, "unknown option '%.*s' (see 'ompscale --help')", (int)len,
                     arg);
            return OMPS_EINVAL;
        }
        if (is_flag(o) && eq != NULL) {
            snprintf(err, err_len, "%s takes no value", o->name);
            return OMPS_EINVAL;
        }
        const char *value = eq != NULL ? eq + 1 : NULL;
        if (!is_flag(o) && value == NULL) {
            if (i + 1 >= argc) {
                snprintf(err, err_len, "%s needs a value", o->name);
                return OMPS_EINVAL;
            }
            value = argv[++i];
        }
        if (apply(o, value, cmd, err, err_len) != OMPS_OK)
            return OMPS_EINVAL;
    }
    return OMPS_OK;
}
