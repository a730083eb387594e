/*
 * runs.csv as a fuzzer writes it: summarize it (the shared reader, the
 * statistics and the writer), read the summary back as the fits do, and
 * judge it against itself as the gate does.  Bad input must end in an
 * error code, never a crash, a hang or a sanitizer report.
 */
#include <stdio.h>
#include <string.h>

#include "fit.h"
#include "compare.h"
#include "summarize.h"
#include "errors.h"
#include "fuzz.h"

static const char machine_json[] = "{\"state\": \"complete\"}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *dir = fuzz_dir();
    char err[1024], path[4200];
    fuzz_write("runs.csv", data, size);
    fuzz_write("machine.json", (const uint8_t *)machine_json, strlen(machine_json));
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    remove(path);
    if (omps_summarize_dir(dir, err, sizeof err) == OMPS_OK) {
        struct omps_fit_input in;
        if (omps_fit_read(dir, &in, err, sizeof err) == OMPS_OK)
            omps_fit_input_free(&in);
    }
    snprintf(path, sizeof path, "%s/report", dir);
    struct omps_compare_options o = {.base_dir = dir, .new_dir = dir, .report_dir = path,
                                     .threshold = 0.05, .alpha = 0.05};
    omps_compare(&o);
    return 0;
}
