/*-------------------------------------------------------------------------
 * registry.h — shared-memory registry of the databases that have a
 * timeshard worker, shared by the launcher, the workers and backends.
 *
 * Provided by registry.c.
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_REGISTRY_H
#define TIMESHARD_REGISTRY_H

#include "datatype/timestamp.h"
#include "storage/latch.h"

/* Databases one server can serve with workers at the same time. */
#define TS_REGISTRY_MAX_DATABASES 64

/*
 * One database's entry.  "wanted" says whether the launcher should keep a
 * worker running there; "held" that a backend is running a statement that
 * needs the database free of connections (DROP DATABASE and the like).
 */
typedef struct TsDatabaseSlot
{
	Oid			dboid;			/* InvalidOid: the slot is free */
	bool		wanted;
	bool		held;
	bool		launcher_has_worker;	/* launcher holds a live handle */
	uint32		generation;		/* bumped by every start request */
	pid_t		worker_pid;		/* set by the running worker, else 0 */
	Latch	   *worker_latch;
	int			failures;		/* consecutive abnormal exits */
	TimestampTz restart_at;		/* no restart before this time */
} TsDatabaseSlot;

/* shared memory */
extern void ts_registry_shmem_request(void);
extern void ts_registry_shmem_startup(void);

/* for the launcher */
extern void ts_registry_launcher_attach(void);
extern void ts_registry_launcher_detach(int code, Datum arg);
extern void ts_registry_lock(bool exclusive);
extern void ts_registry_unlock(void);
extern TsDatabaseSlot *ts_registry_slots(void);
extern TsDatabaseSlot *ts_registry_find_or_add(Oid dboid);

/* for a worker */
extern bool ts_registry_worker_attach(Oid dboid, uint32 *generation);
extern void ts_registry_worker_not_wanted(Oid dboid, uint32 generation);

/* for backends */
extern bool ts_registry_launcher_running(void);
extern void ts_registry_request_start(Oid dboid);
extern void ts_registry_request_start_at_commit(Oid dboid);
extern void ts_registry_wake_worker_at_commit(Oid dboid);
extern void ts_registry_wake_worker(Oid dboid);
extern void ts_registry_hold(Oid dboid);
extern void ts_registry_release(Oid dboid);
extern void ts_registry_release_at_end_of_xact(Oid dboid);

#endif							/* TIMESHARD_REGISTRY_H */
