/*
 * What the fuzz targets share: a scratch directory for the files they
 * write, and a whole-file writer.  Each target defines
 * LLVMFuzzerTestOneInput; clang's libFuzzer drives it (make fuzz), and
 * replay.c drives it over the checked-in corpus in every normal build.
 */
#ifndef OMPSCALE_FUZZ_H
#define OMPSCALE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A directory of this process's own, made on first use (under $TMPDIR). */
const char *fuzz_dir(void);

/* Writes data to DIR/NAME, replacing it; aborts when it cannot, since a
 * target that silently tests nothing is worse than one that stops. */
void fuzz_write(const char *name, const uint8_t *data, size_t size);

/* Splits data on NUL bytes into at most cap - 1 arguments, copied into buf
 * (of at least size + 1 bytes); returns argc, with argv[argc] = NULL. */
int fuzz_split_args(const uint8_t *data, size_t size, char *buf, char **argv, int cap);

#endif
