#include "machine_file.h"

#include <stdio.h>

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

const char *omps_machines_differ(json_t *a, json_t *b)
{
    static const char *const facts[] = {"cpu_model", "physical_cores", "logical_cpus",
                                        "omp_runtime"};
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        json_t *x = json_object_get(a, facts[i]), *y = json_object_get(b, facts[i]);
        if ((x == NULL) != (y == NULL) || (x != NULL && !json_equal(x, y)))
            return facts[i];
    }
    return NULL;
}
