/*-------------------------------------------------------------------------
 * launcher.c — the timeshard launcher: a static background worker that keeps
 * one timeshard worker running in every database with the extension.
 *
 * The launcher is connected to no database, so it can read only shared
 * catalogs: it cannot see which databases have the extension.  At start it
 * probes every connectable, non-template database by starting a worker there;
 * a worker that finds no extension says so in the registry and exits.  After
 * that, backends tell the launcher about new installations (see registry.c).
 *
 * Workers are dynamic background workers that are never restarted by the
 * postmaster; the launcher restarts a worker that died, after a delay that
 * doubles with every consecutive failure, so a failing worker never loops.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "launcher.h"
#include "registry.h"
#include "signals.h"
#include "worker.h"

/* Restart delays of a worker that exited abnormally. */
#define RESTART_DELAY_MIN_MS 1000
#define RESTART_DELAY_MAX_MS (5 * 60 * 1000)
/* A worker that ran this long without failing resets its failure count. */
#define HEALTHY_RUN_MS (5 * 60 * 1000)
/* The launcher wakes up at least this often. */
#define LAUNCHER_NAPTIME_MS (60 * 1000)
/* Delay of the postmaster before it restarts a launcher that died. */
#define LAUNCHER_RESTART_S 5

/* Launcher-local state of each registry slot (same index). */
typedef struct LocalSlot
{
	BackgroundWorkerHandle *handle;
	TimestampTz started_at;
} LocalSlot;

static LocalSlot local_slots[TS_REGISTRY_MAX_DATABASES];

/* Register the launcher; called from _PG_init while preloading. */
void
ts_launcher_register(void)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = LAUNCHER_RESTART_S;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "timeshard");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "timeshard_launcher_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "timeshard launcher");
	snprintf(worker.bgw_type, BGW_MAXLEN, "timeshard launcher");
	RegisterBackgroundWorker(&worker);
}

/*
 * Mark every database that could hold the extension as wanted, so that a
 * worker probes it.  Template databases are skipped: a connection to them
 * would make CREATE DATABASE fail.
 */
static void
probe_all_databases(void)
{
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tup;

	StartTransactionCommand();
	(void) GetTransactionSnapshot();
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	ts_registry_lock(true);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tup);
		TsDatabaseSlot *slot;

		if (!db->datallowconn || db->datistemplate)
			continue;
		slot = ts_registry_find_or_add(db->oid);
		if (slot == NULL)
			break;
		slot->wanted = true;
		slot->generation++;
	}
	ts_registry_unlock();
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	CommitTransactionCommand();
}

/* Does the database still exist and accept connections? */
static bool
database_connectable(Oid dboid)
{
	HeapTuple	tup;
	bool		ok = false;

	StartTransactionCommand();
	tup = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(dboid));
	if (HeapTupleIsValid(tup))
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tup);

		ok = db->datallowconn && !db->datistemplate;
		ReleaseSysCache(tup);
	}
	CommitTransactionCommand();
	return ok;
}

static bool
start_worker(int i, Oid dboid)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	worker.bgw_notify_pid = MyProcPid;
	worker.bgw_main_arg = ObjectIdGetDatum(dboid);
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "timeshard");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "timeshard_worker_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "timeshard worker for database %u", dboid);
	snprintf(worker.bgw_type, BGW_MAXLEN, "timeshard worker");

	if (!RegisterDynamicBackgroundWorker(&worker, &local_slots[i].handle))
	{
		local_slots[i].handle = NULL;
		return false;
	}
	local_slots[i].started_at = GetCurrentTimestamp();
	return true;
}

static long
restart_delay_ms(int failures)
{
	long		delay = RESTART_DELAY_MIN_MS;

	while (failures-- > 1 && delay < RESTART_DELAY_MAX_MS)
		delay *= 2;
	return Min(delay, RESTART_DELAY_MAX_MS);
}

/*
 * One pass over the registry: reap stopped workers, stop unwanted ones, start
 * wanted ones whose restart time has come.  Returns how long the launcher may
 * sleep before the next pass is due.
 */
static long
reconcile(void)
{
	TsDatabaseSlot *slots = ts_registry_slots();
	TimestampTz now = GetCurrentTimestamp();
	long		sleep_ms = LAUNCHER_NAPTIME_MS;

	for (int i = 0; i < TS_REGISTRY_MAX_DATABASES; i++)
	{
		LocalSlot  *local = &local_slots[i];
		Oid			dboid;
		bool		run;
		bool		start = false;

		/* Reap a worker that has stopped. */
		if (local->handle != NULL)
		{
			pid_t		pid;

			if (GetBackgroundWorkerPid(local->handle, &pid) == BGWH_STOPPED)
			{
				bool		healthy_run = TimestampDifferenceExceeds(local->started_at, now,
																	 HEALTHY_RUN_MS);

				pfree(local->handle);
				local->handle = NULL;
				ts_registry_lock(true);
				slots[i].launcher_has_worker = false;
				if (slots[i].wanted && !slots[i].held)
				{
					/* It exited though it was wanted: a failure. */
					slots[i].failures = healthy_run ? 1 : slots[i].failures + 1;
					slots[i].restart_at =
						TimestampTzPlusMilliseconds(now, restart_delay_ms(slots[i].failures));
				}
				ts_registry_unlock();
			}
		}

		ts_registry_lock(true);
		dboid = slots[i].dboid;
		run = OidIsValid(dboid) && slots[i].wanted && !slots[i].held;
		if (OidIsValid(dboid) && !slots[i].wanted && !slots[i].held &&
			local->handle == NULL && slots[i].worker_pid == 0)
		{
			/* Nothing to run and nobody waiting: give the slot back. */
			memset(&slots[i], 0, sizeof(TsDatabaseSlot));
			dboid = InvalidOid;
		}
		if (run && local->handle == NULL)
		{
			if (slots[i].restart_at <= now)
				start = true;
			else
			{
				long		secs;
				int			usecs;

				TimestampDifference(now, slots[i].restart_at, &secs, &usecs);
				sleep_ms = Min(sleep_ms, secs * 1000 + usecs / 1000 + 1);
			}
		}
		ts_registry_unlock();

		if (!run && local->handle != NULL)
			TerminateBackgroundWorker(local->handle);

		if (start)
		{
			if (!database_connectable(dboid))
			{
				ts_registry_lock(true);
				if (slots[i].dboid == dboid && !slots[i].held)
					memset(&slots[i], 0, sizeof(TsDatabaseSlot));
				ts_registry_unlock();
			}
			else if (start_worker(i, dboid))
			{
				ts_registry_lock(true);
				slots[i].launcher_has_worker = true;
				ts_registry_unlock();
			}
			else
			{
				/* No free background-worker slot: try again a bit later. */
				ereport(LOG,
						(errmsg("timeshard launcher could not start a worker for database %u", dboid),
						 errhint("Increase max_worker_processes.")));
				sleep_ms = Min(sleep_ms, RESTART_DELAY_MIN_MS);
			}
		}
	}
	return sleep_ms;
}

/*
 * Workers left over from an earlier launcher (one that died) have no handle
 * here: ask them to exit, so that each database has one worker only.
 */
static void
stop_orphan_workers(void)
{
	TsDatabaseSlot *slots = ts_registry_slots();

	ts_registry_lock(false);
	for (int i = 0; i < TS_REGISTRY_MAX_DATABASES; i++)
	{
		if (slots[i].worker_pid != 0)
			(void) kill(slots[i].worker_pid, SIGTERM);
	}
	ts_registry_unlock();

	for (int tries = 0; tries < 500; tries++)
	{
		bool		any = false;

		ts_registry_lock(false);
		for (int i = 0; i < TS_REGISTRY_MAX_DATABASES; i++)
			any |= slots[i].worker_pid != 0;
		ts_registry_unlock();
		if (!any)
			return;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 20, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

void
timeshard_launcher_main(Datum main_arg)
{
	ts_bgw_setup_signals();

	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	pgstat_report_appname("timeshard launcher");

	ts_registry_launcher_attach();
	on_shmem_exit(ts_registry_launcher_detach, (Datum) 0);
	stop_orphan_workers();
	probe_all_databases();

	ereport(LOG, (errmsg("timeshard launcher started")));

	for (;;)
	{
		long		sleep_ms;

		ts_bgw_process_signals(1);

		pgstat_report_activity(STATE_RUNNING, "reconciling workers");
		sleep_ms = reconcile();
		pgstat_report_activity(STATE_IDLE, NULL);

		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 sleep_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}
