#define _GNU_SOURCE
#include "fuzz.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    remove(path);
    return 0;
}

static void remove_dir(void)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_dir(void)
{
    if (dir[0] != '\0')
        return dir;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/ompscale-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(remove_dir);
    return dir;
}

void fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

int fuzz_split_args(const uint8_t *data, size_t size, char *buf, char **argv, int cap)
{
    int argc = 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    for (size_t i = 0; i <= size && argc < cap - 1;) {
        argv[argc++] = &buf[i];
        i += strlen(&buf[i]) + 1;
    }
    /* A trailing NUL ends the last argument; it does not start an empty one. */
    if (argc > 0 && size > 0 && data[size - 1] == '\0')
        argc--;
    argv[argc] = NULL;
    return argc;
}
