/*
 * SIGINT and SIGTERM for every command: each phase either ends at once
 * (exit 130) after removing the temporary files it had open and killing
 * the child processes it had started, or, while a phase has said it will
 * stop by itself (the sweep, which keeps every completed batch), only
 * raises a flag that the phase reads between visits.  A second signal
 * always ends the process at once.  Nothing a reader may see is ever half
 * written: every file is written under a temporary name (csv_write.h),
 * which this module removes on the way out.
 */
#ifndef OMPSCALE_INTERRUPT_H
#define OMPSCALE_INTERRUPT_H

#include <signal.h>
#include <sys/types.h>

/* Installs the handler for SIGINT and SIGTERM (a script's background job
 * starts with SIGINT ignored; `kill -INT` still ends it); flag is raised
 * by every signal, whatever the mode.  Called once, first thing in main,
 * by every command but the sweep's kept child, which ignores the
 * terminal's Ctrl-C and is ended by the sweep. */
void omps_interrupt_install(volatile sig_atomic_t *flag);

/* While deferred (on != 0) a first signal only raises the flag, for a
 * phase that polls it and ends in order; otherwise it ends the process.
 * Turning deferral off after a signal arrived ends the process at once. */
void omps_interrupt_defer(int on);

/* Registers a temporary file the handler removes if the process is ended
 * before it is committed or removed; returns a slot for omps_interrupt_
 * forget, or -1 when every slot is taken (the file is then only not
 * removed on a signal).  path is copied. */
int omps_interrupt_track_file(const char *path);

/* Registers a staging folder (holding files, no folders) that the handler
 * empties and removes; as omps_interrupt_track_file otherwise. */
int omps_interrupt_track_folder(const char *path);

/* Registers a child process that the handler kills with SIGKILL, and
 * waits for, before it removes files and folders and the process ends. */
int omps_interrupt_track_child(pid_t pid);

/* Forgets a slot from either call above; -1 is ignored. */
void omps_interrupt_forget(int slot);

/* Removes DIR's temporary files (".NAME.tmp-PID", csv_write.h), and
 * staging folders of that name with the files in them, whose
 * process PID is gone, or every one when all (a caller that holds DIR's
 * lock, so that no other writer can be at work there): the leftovers of a
 * command killed with SIGKILL or by a power cut.  Returns how many it
 * removed. */
int omps_remove_stale_temporaries(const char *dir, int all);

/* Removes a staging folder and the files in it (it holds no folders);
 * 0 or -1.  Async-signal-safe: the handler removes folders with it. */
int omps_remove_folder(const char *path);

#endif
