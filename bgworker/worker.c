/*-------------------------------------------------------------------------
 * worker.c — the per-database timeshard worker.
 *
 * Started by the launcher in every database that has the extension.  It runs
 * the standard background-worker loop: sleep on its latch, wake up for a
 * signal, a request from a backend or the next due round, then do each unit
 * of work in a transaction of its own: every timeshard.txn_resolve_interval,
 * the prepared transactions this access node left on data nodes are
 * resolved (fdw/remote/resolve.c).  It exits by itself, and tells the
 * registry not to restart it, when the extension is not (or no longer)
 * installed in its database.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "guc.h"
#include "remote/resolve.h"
#include "registry.h"
#include "signals.h"
#include "worker.h"

#define EXTENSION_NAME "timeshard"

/*
 * Is the extension installed in this database?  Runs in a transaction of its
 * own.  Also fills *dbname (in TopMemoryContext) when asked.
 */
static bool
extension_installed(char **dbname)
{
	bool		installed;

	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	installed = OidIsValid(get_extension_oid(EXTENSION_NAME, true));
	if (dbname != NULL)
		*dbname = MemoryContextStrdup(TopMemoryContext,
									  get_database_name(MyDatabaseId));
	PopActiveSnapshot();
	CommitTransactionCommand();
	return installed;
}

static TimestampTz last_resolve = 0;

/*
 * Finish the prepared transactions this access node left on its data nodes
 * (remote/resolve.c), in a transaction of its own.  A node that cannot be
 * reached is a WARNING; the others are still done.
 */
static void
resolve_prepared_transactions(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	ts_resolve_all_data_nodes();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_stat(false);
}

void
timeshard_worker_main(Datum main_arg)
{
	Oid			dboid = DatumGetObjectId(main_arg);
	uint32		generation = 0;
	char	   *dbname = NULL;

	ts_bgw_setup_signals();

	if (!ts_registry_worker_attach(dboid, &generation))
		proc_exit(0);

	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);

	if (!extension_installed(&dbname))
	{
		/* A probe of a database without timeshard: nothing to do here. */
		ts_registry_worker_not_wanted(dboid, generation);
		proc_exit(0);
	}

	SetConfigOption("application_name", psprintf("timeshard worker %s", dbname),
					PGC_USERSET, PGC_S_SESSION);
	ereport(LOG, (errmsg("timeshard worker started for database \"%s\"", dbname)));
	last_resolve = GetCurrentTimestamp();

	for (;;)
	{
		long		timeout = ts_guc_worker_naptime;
		TimestampTz now = GetCurrentTimestamp();

		if (ts_guc_txn_resolve_interval >= 0)
		{
			long		until = TimestampDifferenceMilliseconds(now,
																TimestampTzPlusMilliseconds(last_resolve,
																							ts_guc_txn_resolve_interval));

			timeout = Min(timeout, Max(until, 0));
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 timeout, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		ts_bgw_process_signals(0);

		/* A standby has nothing to do: wait for promotion quietly. */
		if (RecoveryInProgress())
			continue;

		pgstat_report_activity(STATE_RUNNING, "checking the extension");
		if (!extension_installed(NULL))
		{
			ereport(LOG,
					(errmsg("timeshard worker for database \"%s\" exits: the extension was dropped",
							dbname)));
			ts_registry_worker_not_wanted(dboid, generation);
			proc_exit(0);
		}
		if (ts_guc_txn_resolve_interval >= 0 &&
			TimestampDifferenceExceeds(last_resolve, GetCurrentTimestamp(),
									   ts_guc_txn_resolve_interval))
		{
			pgstat_report_activity(STATE_RUNNING, "resolving prepared transactions");
			resolve_prepared_transactions();
			last_resolve = GetCurrentTimestamp();
		}
		pgstat_report_activity(STATE_IDLE, NULL);
	}
}
