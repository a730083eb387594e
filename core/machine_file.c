#include "machine_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *omps_machine_file_load(const char *dir, char *err, size_t err_len)
{
    char path[4200];
    json_error_t je;
    snprintf(path, sizeof path, "%s/machine.json", dir);
    json_t *m = json_load_file(path, 0, &je);
    if (m != NULL && json_is_object(m))
        return m;
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
