#include "machine_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The type each known top-level key must have, when present (an older
 * file may lack any of them): what ompscale writes (harness/machine.c,
 * harness/run.c), so that a damaged or hand-edited file is refused rather
 * than read as zeros. */
enum kind { TEXT, WHOLE, NUMBER, FLAG, OBJECT, LIST };
struct field {
    const char *name;
    enum kind kind;
    double min; /* WHOLE and NUMBER: the least value */
};
static const struct field schema[] = {
    {"date", TEXT, 0},           {"host", TEXT, 0},
    {"cpu_model", TEXT, 0},      {"physical_cores", WHOLE, 1},
    {"logical_cpus", WHOLE, 1},  {"usable_cpus", WHOLE, 1},
    {"affinity", TEXT, 0},       {"llc_bytes", WHOLE, 0},
    {"cache_line_bytes", WHOLE, 0}, {"caches", LIST, 0},
    {"compiler", TEXT, 0},       {"compiler_flags", TEXT, 0},
    {"build_type", TEXT, 0},     {"openmp_version", WHOLE, 0},
    {"omp_runtime", TEXT, 0},    {"omp_environment", OBJECT, 0},
    {"git_commit", TEXT, 0},     {"git_dirty", FLAG, 0},
    {"ompscale_version", TEXT, 0}, {"topology", OBJECT, 0},
    {"division_ns", NUMBER, 0},  {"fma_gflops", NUMBER, 0},
    {"git_commit_time", TEXT, 0}, {"copy_stores", TEXT, 0},
    {"calibration", OBJECT, 0},  {"transparent_hugepages", OBJECT, 0},
    {"core_to_core_ns", OBJECT, 0}, {"state", TEXT, 0},
    {"seed", WHOLE, 0},          {"run", OBJECT, 0},
    {"system", OBJECT, 0},       {"nodes", LIST, 0},
    {"nodes_alike", FLAG, 0},    {"nodes_differ", TEXT, 0},
};

static const char *kind_name(enum kind k)
{
    static const char *const names[] = {"a string", "a whole number", "a number",
                                        "true or false", "an object", "a list"};
    return names[k];
}

static int has_kind(json_t *v, const struct field *f)
{
    switch (f->kind) {
    case TEXT:
        return json_is_string(v);
    case WHOLE:
        return json_is_integer(v) && (double)json_integer_value(v) >= f->min;
    case NUMBER:
        return json_is_number(v) && json_number_value(v) >= f->min;
    case FLAG:
        return json_is_boolean(v);
    case OBJECT:
        return json_is_object(v);
    default:
        return json_is_array(v);
    }
}

/* The first key of m with a value of the wrong kind, said in err; 0 when
 * there is none. */
static int check_schema(json_t *m, const char *path, char *err, size_t err_len)
{
    for (size_t i = 0; i < sizeof schema / sizeof schema[0]; i++) {
        json_t *v = json_object_get(m, schema[i].name);
        if (v == NULL || has_kind(v, &schema[i]))
            continue;
        char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        snprintf(err, err_len, "%s: \"%s\" is %.60s where %s%s belongs", path, schema[i].name,
                 text != NULL ? text : "?", kind_name(schema[i].kind),
                 (schema[i].kind == WHOLE || schema[i].kind == NUMBER) && schema[i].min > 0
                     ? " of 1 or more"
                     : schema[i].kind == WHOLE || schema[i].kind == NUMBER ? " of 0 or more" : "");
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

/* The facts that make two runs comparable, in the fingerprint's order. */
static const char *const facts[] = {"cpu_model", "physical_cores", "logical_cpus",
                                    "omp_runtime"};
#define FACT_COUNT (sizeof facts / sizeof facts[0])

const char *omps_machines_differ(json_t *a, json_t *b)
{
    for (size_t i = 0; i < FACT_COUNT; i++) {
        json_t *x = json_object_get(a, facts[i]), *y = json_object_get(b, facts[i]);
        if ((x == NULL) != (y == NULL) || (x != NULL && !json_equal(x, y)))
            return facts[i];
    }
    return NULL;
}

void omps_machine_fingerprint(json_t *m, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < FACT_COUNT && used < len; i++) {
        json_t *v = json_object_get(m, facts[i]);
        /* A string as itself, without JSON's quotes: people read it. */
        char *text = v != NULL && !json_is_string(v) ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
        const char *shown = json_is_string(v) ? json_string_value(v) : text != NULL ? text : "?";
        const int w = snprintf(buf + used, len - used, "%s%s", i > 0 ? " | " : "", shown);
        used += w > 0 ? (size_t)w : 0;
        free(text);
    }
}
