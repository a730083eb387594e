/*
 * What a process started by the spawn kernel runs: `ompscale spawned`.
 */
#ifndef OMPSCALE_SPAWN_H
#define OMPSCALE_SPAWN_H

/* Joins MPI, answers the rank that spawned it and ends.  Returns the exit
 * code: 0, or 2 when it was not started by MPI_Comm_spawn. */
int omps_spawned_main(int argc, char **argv);

#endif
