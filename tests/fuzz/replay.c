/*
 * Runs a fuzz target once over each file named on the command line, or over
 * every file in each directory named, the way libFuzzer replays a corpus;
 * so the corpus and every crash found (kept as a regression) run in each
 * normal build and under the sanitizers, with no clang needed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    uint8_t *data = NULL;
    size_t size = 0, cap = 0, got;
    uint8_t chunk[4096];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (size + got > cap) {
            cap = (size + got) * 2;
            data = realloc(data, cap);
            if (data == NULL)
                abort();
        }
        memcpy(data + size, chunk, got);
        size += got;
    }
    fclose(f);
    /* A copy of exactly the input's size, so ASan sees reads past its end. */
    uint8_t *exact = malloc(size ? size : 1);
    if (exact == NULL)
        abort();
    if (size)
        memcpy(exact, data, size);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    free(data);
    return 0;
}

static int replay_path(const char *path, int *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        ++*count;
        return replay_file(path);
    }
    struct dirent **names;
    const int n = scandir(path, &names, NULL, alphasort);
    int bad = n < 0;
    for (int i = 0; i < n; i++) {
        char child[4200];
        if (names[i]->d_name[0] != '.') {
            snprintf(child, sizeof child, "%s/%s", path, names[i]->d_name);
            bad |= replay_path(child, count);
        }
        free(names[i]);
    }
    free(n >= 0 ? names : NULL);
    return bad;
}

int main(int argc, char **argv)
{
    int bad = 0, count = 0;
    for (int i = 1; i < argc; i++)
        bad |= replay_path(argv[i], &count);
    printf("%s: %d inputs replayed\n", argv[0], count);
    return bad || count == 0;
}
