/*
 * machine.json as every reader of a run directory sees it: one loader and
 * one "same machine" predicate, for resume, the fits and the gate.
 */
#ifndef OMPSCALE_MACHINE_FILE_H
#define OMPSCALE_MACHINE_FILE_H

#include <stddef.h>

#include <jansson.h>

/* Loads DIR/machine.json, which must be a JSON object whose known keys
 * have the kinds ompscale writes ("physical_cores" a whole number of 1 or
 * more, "seed" a whole number, "state" running, complete or interrupted,
 * ...; core/machine_file.c's schema), with no key twice.  Returns it (the
 * caller's to json_decref), or NULL with err saying "PATH:LINE: why" or
 * "PATH: "KEY" is VALUE where KIND belongs". */
json_t *omps_machine_file_load(const char *dir, char *err, size_t err_len);

/* The machine facts that make two runs comparable: the CPU model, the
 * physical cores, the logical CPUs and the OpenMP runtime.  Returns the
 * first that differs between a and b (or is present in only one of them),
 * or NULL when they are the same machine. */
const char *omps_machines_differ(json_t *a, json_t *b);

/* Writes those facts of m as one line, "CPU | 2 | 2 | libgomp", into buf:
 * two runs have the same fingerprint exactly when omps_machines_differ
 * finds no fact between them ("?" stands for a fact m lacks).  A history
 * keeps one series per fingerprint and never mixes them. */
void omps_machine_fingerprint(json_t *m, char *buf, size_t len);

#endif
