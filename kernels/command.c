/* Programs started by command, as kernels (command.h). */
#define _DEFAULT_SOURCE
#include "command.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "registry.h"

/* The stubs: one process run is one item, and nothing is set up here. */
static uint64_t one(const struct omps_sizing *s)
{
    (void)s;
    return 1;
}

static double no_bytes(uint64_t n)
{
    (void)n;
    return 0.0;
}

static int no_setup(void **state, uint64_t n, const double *params)
{
    (void)n;
    (void)params;
    *state = NULL;
    return OMPS_OK;
}

static void no_run(void *state, struct omps_team *team)
{
    (void)state;
    (void)team;
}

static int no_verify(void *state, char *why, size_t len)
{
    (void)state;
    (void)why;
    (void)len;
    return 0;
}

static void no_teardown(void *state)
{
    (void)state;
}

static struct omps_work one_run(uint64_t n, const double *params)
{
    (void)n;
    (void)params;
    return (struct omps_work){.items = 1.0};
}

void omps_command_name(const char *command, char *name, size_t len)
{
    const char *start = command + strspn(command, " \t");
    const size_t word = strcspn(start, " \t");
    const char *base = start;
    for (size_t i = 0; i < word; i++) {
        if (start[i] == '/')
            base = start + i + 1;
    }
    size_t n = 0;
    for (; base < start + word && n + 1 < len; base++, n++) {
        const char c = *base;
        const int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '_';
        name[n] = ok ? c : '_';
    }
    name[n] = '\0';
    if (n == 0)
        snprintf(name, len, "command");
}

/* Whether pattern (of option name) is an extended regular expression
 * with a group, the number it reads. */
static int bad_pattern(const char *name, const char *pattern, char *err, size_t err_len)
{
    regex_t re;
    if (pattern == NULL)
        return 0;
    const int rc = regcomp(&re, pattern, REG_EXTENDED);
    const size_t groups = rc == 0 ? re.re_nsub : 0;
    if (rc == 0)
        regfree(&re);
    if (rc == 0 && groups >= 1)
        return 0;
    snprintf(err, err_len, "%s: '%s' is not an extended regular expression with a group "
             "around the number", name, pattern);
    return 1;
}

/* A copy of text, or NULL for NULL; *failed is set when memory ran out. */
static char *copy_of(const char *text, int *failed)
{
    char *copy = text != NULL ? strdup(text) : NULL;
    *failed |= text != NULL && copy == NULL;
    return copy;
}

int omps_command_kernel(const struct omps_command *c, char *err, size_t err_len)
{
    const struct omps_kernel *had = omps_kernel_find(c->name);
    if (had != NULL && had->command != NULL && strcmp(had->command, c->command) == 0 &&
        (had->ranked != OMPS_RANKED_NO) == (c->ranked != 0))
        return OMPS_OK;
    if (!omps_kernel_name_ok(c->name)) {
        snprintf(err, err_len, "--name: '%s' is not 1 to 48 letters, digits and '_'", c->name);
        return OMPS_EINVAL;
    }
    if (had != NULL) {
        snprintf(err, err_len, "--command: the name '%s' is %s's already (give it another "
                 "with --name)", c->name, had->origin ? had->origin
                 : had->command ? "another command" : "a built-in kernel");
        return OMPS_EINVAL;
    }
    if (bad_pattern("--time-from", c->time_from, err, err_len) ||
        bad_pattern("--result", c->result, err, err_len))
        return OMPS_EINVAL;
    int failed = 0;
    struct omps_kernel *k = calloc(1, sizeof *k);
    char *summary = malloc(strlen(c->command) + 32);
    if (k != NULL)
        *k = (struct omps_kernel){.name = copy_of(c->name, &failed), .summary = summary,
                                  .unit = OMPS_UNIT_UNITS_PER_S, .family = OMPS_FAMILY_SCALING,
                                  .scheduled = 1, .default_size = one, .footprint = no_bytes,
                                  .setup = no_setup, .run = no_run, .verify = no_verify,
                                  .teardown = no_teardown, .work = one_run,
                                  .command = copy_of(c->command, &failed),
                                  .command_check = copy_of(c->check, &failed),
                                  .command_time_from = copy_of(c->time_from, &failed),
                                  .command_result = copy_of(c->result, &failed),
                                  .ranked = c->ranked ? OMPS_RANKED_ANY : OMPS_RANKED_NO};
    if (k == NULL || summary == NULL || failed || omps_kernel_register(k, err, err_len) != 0) {
        if (k != NULL) {
            free((char *)k->name), free((char *)k->command), free((char *)k->command_check);
            free((char *)k->command_time_from), free((char *)k->command_result);
        }
        free(k), free(summary);
        if (k == NULL || summary == NULL || failed)
            snprintf(err, err_len, "--command: out of memory");
        return OMPS_EINVAL;
    }
    sprintf(summary, "the program `%s`", c->command);
    return OMPS_OK;
}
