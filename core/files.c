#define _POSIX_C_SOURCE 200809L
#include "files.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"

uint64_t omps_hash_bytes(uint64_t h, const void *data, size_t len)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * UINT64_C(0x100000001b3);
    return h;
}

int omps_file_hash(const char *path, uint64_t *hash)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return OMPS_EIO;
    uint64_t h = OMPS_HASH_START;
    unsigned char block[4096];
    size_t got;
    while ((got = fread(block, 1, sizeof block, f)) > 0)
        h = omps_hash_bytes(h, block, got);
    const int bad = ferror(f);
    fclose(f);
    *hash = h;
    return bad ? OMPS_EIO : 0;
}

int omps_same_run(const char *a, const char *b)
{
    struct stat x, y;
    if (stat(a, &x) != 0 || stat(b, &y) != 0)
        return 0;
    if (x.st_dev == y.st_dev && x.st_ino == y.st_ino)
        return 1;
    char pa[4200], pb[4200];
    uint64_t ha, hb;
    snprintf(pa, sizeof pa, "%s/runs.csv", a);
    snprintf(pb, sizeof pb, "%s/runs.csv", b);
    return omps_file_hash(pa, &ha) == 0 && omps_file_hash(pb, &hb) == 0 && ha == hb;
}

int omps_png_whole(const char *path)
{
    static const unsigned char head[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const unsigned char tail[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
    unsigned char a[8], b[12];
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    const int ok = fread(a, 1, sizeof a, f) == sizeof a && fseek(f, -12L, SEEK_END) == 0 &&
                   fread(b, 1, sizeof b, f) == sizeof b && memcmp(a, head, sizeof a) == 0 &&
                   memcmp(b, tail, sizeof b) == 0;
    fclose(f);
    return ok;
}
