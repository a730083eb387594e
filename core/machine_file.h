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

/* Loads the plugins DIR's run loaded (machine.json's "plugins": each
 * path) and makes its programs by command kernels again ("commands"), so
 * that its rows' kernels are known to this process: the key
 * reader calls it for a kernel name it does not know (key_read.c).  Returns 0
 * (also for a directory without machine.json), or -1 with err naming the
 * plugin that cannot be loaded now. */
int omps_run_dir_load_plugins(const char *dir, char *err, size_t err_len);

/* The first key of machine_keys.h with one of roles (OMPS_SAME_MACHINE,
 * OMPS_SAME_HOST, OMPS_SAME_BUILD, or'd) whose value differs between a and
 * b (or is present in only one of them), in the list's order; NULL when
 * none does.  The one "same" predicate: the gate, the fleet, the fits and
 * the history ask for the same machine, --resume for all three. */
const char *omps_machine_mismatch(json_t *a, json_t *b, int roles);

/* omps_machine_mismatch for OMPS_SAME_MACHINE: the CPU model, the
 * physical cores, the logical CPUs and the OpenMP runtime. */
const char *omps_machines_differ(json_t *a, json_t *b);

/* Whether name is a key of machine_keys.h. */
int omps_machine_key_known(const char *name);

/* Writes those facts of m as one line, "CPU | 2 | 2 | libgomp", into buf:
 * two runs have the same fingerprint exactly when omps_machines_differ
 * finds no fact between them ("?" stands for a fact m lacks).  A history
 * keeps one series per fingerprint and never mixes them. */
void omps_machine_fingerprint(json_t *m, char *buf, size_t len);

#endif
