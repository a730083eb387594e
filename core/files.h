/*
 * Facts about files that more than one command needs: a hash of a file's
 * bytes and whether two paths are one run directory.
 */
#ifndef OMPSCALE_FILES_H
#define OMPSCALE_FILES_H

#include <stdint.h>

#include <stddef.h>

/* 64-bit FNV-1a: the starting value, and the hash h continued over
 * data[0..len). */
#define OMPS_HASH_START UINT64_C(0xcbf29ce484222325)
uint64_t omps_hash_bytes(uint64_t h, const void *data, size_t len);

/* A hash of the file's bytes (64-bit FNV-1a), so the same run is
 * recognised however its directory was copied or renamed.  Returns 0 or
 * OMPS_EIO (errno set). */
int omps_file_hash(const char *path, uint64_t *hash);

/* Whether run directories a and b are one: the same directory (one device
 * and inode, however it is spelled) or copies holding the same runs.csv,
 * byte for byte.  A directory that cannot be read is not the same. */
int omps_same_run(const char *a, const char *b);

/* Whether path is a whole PNG: its signature first and its IEND chunk
 * last.  gnuplot exits 0 on a full disk with its picture cut anywhere, so
 * its exit status alone says nothing. */
int omps_png_whole(const char *path);

#endif
