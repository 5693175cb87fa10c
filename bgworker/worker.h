/*-------------------------------------------------------------------------
 * worker.h — the per-database timeshard worker (worker.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_WORKER_H
#define TIMESHARD_WORKER_H

/* Entry point named in each worker's registration; the argument is the
 * database OID. */
extern PGDLLEXPORT void timeshard_worker_main(Datum main_arg);

#endif							/* TIMESHARD_WORKER_H */
