/*
 * `ompscale compare`'s arguments as a fuzzer writes them (NUL-separated).
 * Only the parser runs: a parse that succeeds would judge whatever
 * directories the input names.
 */
#include <stdlib.h>

#include "compare.h"
#include "fuzz.h"

enum { MAX_ARGS = 64 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), *argv[MAX_ARGS], err[1024];
    if (buf == NULL)
        return 0;
    const int argc = fuzz_split_args(data, size, buf, argv, MAX_ARGS);
    struct omps_compare_options opts;
    omps_parse_compare_args(argc, argv, &opts, err, sizeof err);
    free(buf);
    return 0;
}
