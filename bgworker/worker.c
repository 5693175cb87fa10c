/*-------------------------------------------------------------------------
 * worker.c — the per-database timeshard worker.
 *
 * Started by the launcher in every database that has the extension.  It runs
 * the standard background-worker loop: sleep on its latch, wake up for a
 * signal, a request from a backend or the next due round, then do each unit
 * of work in a transaction of its own.  It exits by itself, and tells the
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
#include "utils/wait_event.h"

#include "guc.h"
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

	for (;;)
	{
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 ts_guc_worker_naptime, PG_WAIT_EXTENSION);
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
		pgstat_report_activity(STATE_IDLE, NULL);
	}
}
