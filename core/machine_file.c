#include "machine_file.h"

#include "machine_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "registry.h"

/* Each key of machine_keys.h with its kind, least value and roles. */
struct field {
    const char *name;
    enum omps_machine_kind kind;
    double min; /* a number's least value */
    int roles;
};
#define OMPS_MACHINE_FIELD(name, kind, least, roles) {#name, kind, least, roles},
static const struct field schema[] = {OMPS_MACHINE_KEYS(OMPS_MACHINE_FIELD)};
#define KEY_COUNT (sizeof schema / sizeof schema[0])

static const char *kind_name(enum omps_machine_kind k)
{
    static const char *const names[] = {"a string", "a whole number", "a number",
                                        "true or false", "an object", "a list"};
    return names[k];
}

static int has_kind(json_t *v, const struct field *f)
{
    switch (f->kind) {
    case OMPS_MK_TEXT:
        return json_is_string(v);
    case OMPS_MK_WHOLE:
        return json_is_integer(v) && (double)json_integer_value(v) >= f->min;
    case OMPS_MK_NUMBER:
        return json_is_number(v) && json_number_value(v) >= f->min;
    case OMPS_MK_FLAG:
        return json_is_boolean(v);
    case OMPS_MK_OBJECT:
        return json_is_object(v);
    default:
        return json_is_array(v);
    }
}

/* The first key of m with a value of the wrong kind, said in err; 0 when
 * there is none. */
static int check_schema(json_t *m, const char *path, char *err, size_t err_len)
{
    for (size_t i = 0; i < KEY_COUNT; i++) {
        json_t *v = json_object_get(m, schema[i].name);
        if (v == NULL || has_kind(v, &schema[i]))
            continue;
        char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        const int number = schema[i].kind == OMPS_MK_WHOLE || schema[i].kind == OMPS_MK_NUMBER;
        snprintf(err, err_len, "%s: \"%s\" is %.60s where %s%s belongs", path, schema[i].name,
                 text != NULL ? text : "?", kind_name(schema[i].kind),
                 number && schema[i].min > 0 ? " of 1 or more" : number ? " of 0 or more" : "");
        free(text);
        return -1;
    }
    const char *state = json_string_value(json_object_get(m, "state"));
    if (state != NULL && strcmp(state, "running") != 0 && strcmp(state, "complete") != 0 &&
        strcmp(state, "interrupted") != 0) {
        snprintf(err, err_len, "%s: \"state\" is \"%.60s\" where running, complete or "
                 "interrupted belongs", path, state);
        return -1;
    }
    return 0;
}

json_t *omps_machine_file_load(const char *dir, char *err, size_t err_len)
{
    char path[4200];
    json_error_t je;
    snprintf(path, sizeof path, "%s/machine.json", dir);
    /* JSON_REJECT_DUPLICATES: two values of one key are a damaged file. */
    json_t *m = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (m != NULL && json_is_object(m) && check_schema(m, path, err, err_len) == 0)
        return m;
    if (m == NULL || !json_is_object(m))
        snprintf(err, err_len, "%s:%d: %s", path, je.line, m ? "not a JSON object" : je.text);
    json_decref(m);
    return NULL;
}

int omps_run_dir_load_plugins(const char *dir, char *err, size_t err_len)
{
    char path[4200], why[4600];
    snprintf(path, sizeof path, "%s/machine.json", dir);
    /* A run directory without machine.json (summarize on a bare journal)
     * has no plugins to name. */
    if (access(path, F_OK) != 0)
        return 0;
    /* A machine.json that cannot be read is the caller's to report, where
     * it reads the file for itself; here it names no plugin. */
    json_t *m = omps_machine_file_load(dir, why, sizeof why);
    if (m == NULL)
        return 0;
    json_t *plugins = json_object_get(m, "plugins"), *p;
    size_t i;
    int rc = 0;
    /* Programs run by command are kernels of their own name again. */
    json_array_foreach(json_object_get(m, "commands"), i, p)
    {
        const struct omps_command c = {
            json_string_value(json_object_get(p, "name")),
            json_string_value(json_object_get(p, "command")),
            json_string_value(json_object_get(p, "check")),
            json_string_value(json_object_get(p, "time_from")),
            json_string_value(json_object_get(p, "result")),
            json_is_true(json_object_get(p, "ranked"))};
        if (rc == 0 && c.name != NULL && c.command != NULL &&
            omps_command_kernel(&c, why, sizeof why) != 0) {
            snprintf(err, err_len, "%s: %s", dir, why);
            rc = -1;
        }
    }
    json_array_foreach(plugins, i, p)
    {
        const char *file = json_string_value(json_object_get(p, "path"));
        if (rc == 0 && file != NULL && omps_kernels_load(file, why, sizeof why) != 0) {
            snprintf(err, err_len, "%s: its kernels came from %s, which cannot be loaded now (%s)",
                     dir, file, why);
            rc = -1;
        }
    }
    json_decref(m);
    return rc;
}

const char *omps_machine_mismatch(json_t *a, json_t *b, int roles)
{
    for (size_t i = 0; i < KEY_COUNT; i++) {
        if ((schema[i].roles & roles) == 0)
            continue;
        json_t *x = json_object_get(a, schema[i].name), *y = json_object_get(b, schema[i].name);
        if ((x == NULL) != (y == NULL) || (x != NULL && !json_equal(x, y)))
            return schema[i].name;
    }
    return NULL;
}

const char *omps_machines_differ(json_t *a, json_t *b)
{
    return omps_machine_mismatch(a, b, OMPS_SAME_MACHINE);
}

int omps_machine_key_known(const char *name)
{
    for (size_t i = 0; i < KEY_COUNT; i++) {
        if (strcmp(schema[i].name, name) == 0)
            return 1;
    }
    return 0;
}

void omps_machine_fingerprint(json_t *m, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < KEY_COUNT && used < len; i++) {
        if ((schema[i].roles & OMPS_SAME_MACHINE) == 0)
            continue;
        json_t *v = json_object_get(m, schema[i].name);
        /* A string as itself, without JSON's quotes: people read it. */
        char *text = v != NULL && !json_is_string(v) ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
        const char *shown = json_is_string(v) ? json_string_value(v) : text != NULL ? text : "?";
        const int w = snprintf(buf + used, len - used, "%s%s", used > 0 ? " | " : "", shown);
        used += w > 0 ? (size_t)w : 0;
        free(text);
    }
}
