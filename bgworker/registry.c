/*-------------------------------------------------------------------------
 * registry.c — shared-memory registry of the databases served by timeshard
 * workers: how backends, the launcher and the workers tell each other which
 * databases need a worker.
 *
 * Protocol, in short:
 *	- a backend that committed CREATE EXTENSION (or created a database)
 *	  marks the database "wanted" and sets the launcher's latch;
 *	- the launcher starts a worker for every wanted database and restarts one
 *	  that died, with back-off;
 *	- a worker that finds no extension in its database (it was dropped, or the
 *	  launcher was only probing) clears "wanted" and exits;
 *	- a backend about to run DROP DATABASE (or another statement that needs
 *	  the database free of connections) "holds" the slot: the launcher stops
 *	  the worker, and the backend waits until it is gone.
 *
 * All fields of the slots are protected by the registry's LWLock.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <signal.h>

#include "access/xact.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "pgstat.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "registry.h"

#define REGISTRY_TRANCHE "timeshard registry"

/* How long a backend waits for a held database's worker to go away. */
#define HOLD_WAIT_MS 10000
#define HOLD_POLL_MS 20

typedef struct TsRegistry
{
	LWLock	   *lock;
	pid_t		launcher_pid;
	Latch	   *launcher_latch;
	TsDatabaseSlot slots[TS_REGISTRY_MAX_DATABASES];
} TsRegistry;

static TsRegistry *registry = NULL;

/* Requests made in the current transaction, sent when it commits. */
typedef enum PendingKind
{
	PENDING_START,				/* at commit */
	PENDING_WAKE,				/* at commit */
	PENDING_RELEASE				/* at commit or abort */
} PendingKind;

typedef struct PendingRequest
{
	PendingKind kind;
	Oid			dboid;
} PendingRequest;

static List *pending_requests = NIL;
static bool xact_callback_registered = false;

void
ts_registry_shmem_request(void)
{
	RequestAddinShmemSpace(MAXALIGN(sizeof(TsRegistry)));
	RequestNamedLWLockTranche(REGISTRY_TRANCHE, 1);
}

void
ts_registry_shmem_startup(void)
{
	bool		found;

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	registry = ShmemInitStruct("timeshard registry", sizeof(TsRegistry), &found);
	if (!found)
	{
		memset(registry, 0, sizeof(TsRegistry));
		registry->lock = &(GetNamedLWLockTranche(REGISTRY_TRANCHE))->lock;
	}
	LWLockRelease(AddinShmemInitLock);
}

void
ts_registry_lock(bool exclusive)
{
	LWLockAcquire(registry->lock, exclusive ? LW_EXCLUSIVE : LW_SHARED);
}

void
ts_registry_unlock(void)
{
	LWLockRelease(registry->lock);
}

TsDatabaseSlot *
ts_registry_slots(void)
{
	return registry->slots;
}

static TsDatabaseSlot *
find_slot(Oid dboid)
{
	for (int i = 0; i < TS_REGISTRY_MAX_DATABASES; i++)
	{
		if (registry->slots[i].dboid == dboid)
			return &registry->slots[i];
	}
	return NULL;
}

/*
 * Find the slot of a database, or take a free one.  Returns NULL when every
 * slot is taken.  Caller holds the lock exclusively.
 */
TsDatabaseSlot *
ts_registry_find_or_add(Oid dboid)
{
	TsDatabaseSlot *slot = find_slot(dboid);

	if (slot != NULL)
		return slot;
	slot = find_slot(InvalidOid);
	if (slot == NULL)
		return NULL;
	memset(slot, 0, sizeof(TsDatabaseSlot));
	slot->dboid = dboid;
	return slot;
}

static void
wake_launcher_locked(void)
{
	if (registry->launcher_latch != NULL)
		SetLatch(registry->launcher_latch);
}

/* The launcher announces itself; called once at its start. */
void
ts_registry_launcher_attach(void)
{
	ts_registry_lock(true);
	registry->launcher_pid = MyProcPid;
	registry->launcher_latch = MyLatch;
	ts_registry_unlock();
}

/* on_shmem_exit callback of the launcher. */
void
ts_registry_launcher_detach(int code, Datum arg)
{
	if (registry == NULL)
		return;
	ts_registry_lock(true);
	registry->launcher_pid = 0;
	registry->launcher_latch = NULL;
	for (int i = 0; i < TS_REGISTRY_MAX_DATABASES; i++)
		registry->slots[i].launcher_has_worker = false;
	ts_registry_unlock();
}

bool
ts_registry_launcher_running(void)
{
	bool		running;

	if (registry == NULL)
		return false;
	ts_registry_lock(false);
	running = registry->launcher_pid != 0;
	ts_registry_unlock();
	return running;
}

/* on_shmem_exit callback of a worker: its slot no longer has a process. */
static void
worker_detach(int code, Datum arg)
{
	TsDatabaseSlot *slot;

	ts_registry_lock(true);
	slot = find_slot(DatumGetObjectId(arg));
	if (slot != NULL && slot->worker_pid == MyProcPid)
	{
		slot->worker_pid = 0;
		slot->worker_latch = NULL;
	}
	ts_registry_unlock();
}

/*
 * A worker publishes itself in its database's slot.  Returns false when the
 * database is no longer wanted (the worker should exit at once); otherwise
 * *generation receives the slot's request generation.
 */
bool
ts_registry_worker_attach(Oid dboid, uint32 *generation)
{
	TsDatabaseSlot *slot;
	bool		ok = false;

	ts_registry_lock(true);
	slot = find_slot(dboid);
	if (slot != NULL && slot->wanted && !slot->held)
	{
		slot->worker_pid = MyProcPid;
		slot->worker_latch = MyLatch;
		*generation = slot->generation;
		ok = true;
	}
	ts_registry_unlock();
	if (ok)
		on_shmem_exit(worker_detach, ObjectIdGetDatum(dboid));
	return ok;
}

/*
 * A worker found no timeshard extension in its database: the database needs
 * no worker, unless a start request came in since the worker looked (then the
 * generation moved on and the launcher will start a fresh worker).
 */
void
ts_registry_worker_not_wanted(Oid dboid, uint32 generation)
{
	TsDatabaseSlot *slot;

	ts_registry_lock(true);
	slot = find_slot(dboid);
	if (slot != NULL && slot->generation == generation)
		slot->wanted = false;
	ts_registry_unlock();
}

/* Ask the launcher to run a worker for the database, now. */
void
ts_registry_request_start(Oid dboid)
{
	TsDatabaseSlot *slot;

	if (registry == NULL)
		return;
	ts_registry_lock(true);
	slot = ts_registry_find_or_add(dboid);
	if (slot != NULL)
	{
		slot->wanted = true;
		slot->generation++;
		slot->failures = 0;
		slot->restart_at = 0;
	}
	wake_launcher_locked();
	ts_registry_unlock();
	if (slot == NULL)
		ereport(WARNING,
				(errmsg("timeshard cannot start a worker for database %u", dboid),
				 errdetail("All %d database slots of the timeshard launcher are in use.",
						   TS_REGISTRY_MAX_DATABASES)));
}

/* Set the latch of the database's worker, if one runs. */
void
ts_registry_wake_worker(Oid dboid)
{
	TsDatabaseSlot *slot;

	if (registry == NULL)
		return;
	ts_registry_lock(false);
	slot = find_slot(dboid);
	if (slot != NULL && slot->worker_latch != NULL)
		SetLatch(slot->worker_latch);
	ts_registry_unlock();
}

/*
 * Stop the database's worker and keep it stopped until ts_registry_release,
 * waiting (interruptibly, at most HOLD_WAIT_MS) until it has exited.
 */
void
ts_registry_hold(Oid dboid)
{
	TsDatabaseSlot *slot;
	TimestampTz deadline;

	if (registry == NULL)
		return;
	ts_registry_lock(true);
	slot = find_slot(dboid);
	if (slot != NULL)
		slot->held = true;
	wake_launcher_locked();
	ts_registry_unlock();
	if (slot == NULL)
		return;

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), HOLD_WAIT_MS);
	for (;;)
	{
		bool		gone;

		ts_registry_lock(false);
		gone = slot->dboid != dboid ||
			(slot->worker_pid == 0 && !slot->launcher_has_worker) ||
			registry->launcher_pid == 0;
		ts_registry_unlock();
		if (gone)
			return;
		if (GetCurrentTimestamp() >= deadline)
		{
			ereport(WARNING,
					(errmsg("timeshard worker of database %u did not stop within %d ms",
							dboid, HOLD_WAIT_MS)));
			return;
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 HOLD_POLL_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * End a hold.  The launcher probes the database again: if it still exists and
 * has the extension, its worker comes back.
 */
void
ts_registry_release(Oid dboid)
{
	TsDatabaseSlot *slot;
	bool		had_slot;

	if (registry == NULL)
		return;
	ts_registry_lock(true);
	slot = find_slot(dboid);
	had_slot = slot != NULL && slot->held;
	if (slot != NULL)
		slot->held = false;
	ts_registry_unlock();
	if (had_slot)
		ts_registry_request_start(dboid);
}

static void
registry_xact_callback(XactEvent event, void *arg)
{
	List	   *requests = pending_requests;
	bool		committed;
	ListCell   *lc;

	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			committed = true;
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			committed = false;
			break;
		default:
			return;
	}

	pending_requests = NIL;
	foreach(lc, requests)
	{
		PendingRequest *req = (PendingRequest *) lfirst(lc);

		if (req->kind == PENDING_RELEASE)
			ts_registry_release(req->dboid);
		else if (committed && req->kind == PENDING_START)
			ts_registry_request_start(req->dboid);
		else if (committed && req->kind == PENDING_WAKE)
			ts_registry_wake_worker(req->dboid);
	}
	list_free_deep(requests);
}

static void
add_pending(PendingKind kind, Oid dboid)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
	PendingRequest *req;

	if (!xact_callback_registered)
	{
		RegisterXactCallback(registry_xact_callback, NULL);
		xact_callback_registered = true;
	}
	req = palloc(sizeof(PendingRequest));
	req->kind = kind;
	req->dboid = dboid;
	pending_requests = lappend(pending_requests, req);
	MemoryContextSwitchTo(old);
}

/*
 * The request takes effect when the current transaction commits (a worker
 * started earlier would not see the extension yet); nothing happens if it
 * aborts.
 */
void
ts_registry_request_start_at_commit(Oid dboid)
{
	add_pending(PENDING_START, dboid);
}

void
ts_registry_wake_worker_at_commit(Oid dboid)
{
	add_pending(PENDING_WAKE, dboid);
}

/*
 * End a hold when the current transaction ends, whichever way: a database
 * dropped by it is then gone for good, a renamed one has its new name.
 */
void
ts_registry_release_at_end_of_xact(Oid dboid)
{
	add_pending(PENDING_RELEASE, dboid);
}
