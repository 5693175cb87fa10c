/*-------------------------------------------------------------------------
 * worker.c — the per-database timeshard worker.
 *
 * Started by the launcher in every database that has the extension.  It runs
 * the standard background-worker loop: sleep on its latch, wake up for a
 * signal, a request from a backend or the next due round, then do each unit
 * of work in a transaction of its own: every timeshard.health_check_interval
 * the data nodes are checked, failed over and back, and chunks re-replicated
 * (fdw/failover.c, fdw/replicate.c); every timeshard.txn_resolve_interval
 * (at the first health check after it, when there are health checks), the
 * prepared transactions this access node left on data nodes are resolved
 * (fdw/remote/resolve.c); every time round, due distributed_exec
 * jobs run (job_runner.c).  It exits by itself, and tells the
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
#include "data_node.h"
#include "health.h"
#include "jobs/jobs.h"
#include "job_runner.h"
#include "remote/resolve.h"
#include "replicate.h"
#include "registry.h"
#include "signals.h"
#include "string_list.h"
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
static TimestampTz last_health = 0;
static TimestampTz last_purge = 0;

/* Purge finished jobs at most this often. */
#define JOB_PURGE_INTERVAL_MS 60000

typedef bool (*WorkUnit) (void *arg);

/*
 * Run one unit of work in a transaction of its own.  An error is logged and
 * the transaction rolled back; the worker goes on.  Returns the unit's
 * result (false after an error).
 */
static bool
run_unit(WorkUnit unit, void *arg)
{
	MemoryContext cxt = CurrentMemoryContext;
	bool		result = false;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PG_TRY();
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		result = unit(arg);
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
		result = false;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	pgstat_report_stat(false);
	return result;
}

/*
 * Finish the prepared transactions this access node left on its data nodes
 * (remote/resolve.c).  A node that cannot be reached is a WARNING; the
 * others are still done.
 */
static bool
resolve_unit(void *arg)
{
	ts_resolve_all_data_nodes();
	return true;
}

/* Names collected inside a transaction, kept in the round's memory. */
typedef struct NameList
{
	List	   *names;
	MemoryContext cxt;
} NameList;

static void
keep_names(NameList *out, List *names)
{
	MemoryContext old = MemoryContextSwitchTo(out->cxt);

	out->names = list_concat(out->names, ts_string_list_copy(names));
	MemoryContextSwitchTo(old);
}

static bool
health_unit(void *arg)
{
	List	   *back = NIL;

	ts_failover_round(&back);
	keep_names((NameList *) arg, back);
	return true;
}

static bool
refresh_unit(void *arg)
{
	TsDataNode *node = ts_data_node_get((char *) arg, true);

	return node != NULL && ts_replicate_refresh_one(node);
}

typedef struct BackArg
{
	char	   *name;
	int			refreshed;
} BackArg;

static bool
bring_back_unit(void *arg)
{
	BackArg    *back = (BackArg *) arg;
	TsDataNode *node = ts_data_node_get(back->name, true);

	/* Not while a job is open for it (one deferred since its delivery). */
	if (node != NULL && ts_job_node_ready(node))
		ts_failover_bring_back(node, back->refreshed);
	return true;
}

static bool
available_nodes_unit(void *arg)
{
	keep_names((NameList *) arg, ts_data_node_serving_names());
	return true;
}

static bool
rereplicate_unit(void *arg)
{
	return ts_replicate_one_lacking();
}

/*
 * Health checks and what follows: failover, a returning node's stale
 * replicas refreshed (one transaction per chunk) before it serves again,
 * chunks lacking replicas copied (one transaction per chunk).
 */
static void
health_round(void)
{
	MemoryContext cxt = AllocSetContextCreate(TopMemoryContext, "timeshard health round",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	NameList	back = {NIL, cxt};
	NameList	serving = {NIL, cxt};
	ListCell   *lc;

	(void) run_unit(health_unit, &back);
	foreach(lc, back.names)
	{
		BackArg		arg = {(char *) lfirst(lc), 0};

		/* Its jobs first (a deferred ADD COLUMN before rows are copied). */
		if (ts_guc_deliver_before_available && !ts_job_runner_deliver(arg.name))
			continue;
		while (run_unit(refresh_unit, arg.name))
			arg.refreshed++;
		(void) run_unit(bring_back_unit, &arg);
	}
	/* Stale replicas on nodes that serve (made available by hand, say). */
	(void) run_unit(available_nodes_unit, &serving);
	foreach(lc, serving.names)
	{
		for (int i = 0; i < 1000 && run_unit(refresh_unit, lfirst(lc)); i++)
			;
	}
	for (int i = 0; i < 1000 && run_unit(rereplicate_unit, NULL); i++)
		;
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
}

void
timeshard_worker_main(Datum main_arg)
{
	Oid			dboid = DatumGetObjectId(main_arg);
	uint32		generation = 0;
	char	   *dbname = NULL;
	long		next_job_ms = -1;

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
		bool		health_ran = false;

		/* With health checks, the resolver waits for the next one (below). */
		if (ts_guc_txn_resolve_interval >= 0 && ts_guc_health_check_interval < 0)
		{
			long		until = TimestampDifferenceMilliseconds(now,
																TimestampTzPlusMilliseconds(last_resolve,
																							ts_guc_txn_resolve_interval));

			timeout = Min(timeout, Max(until, 0));
		}
		if (ts_guc_health_check_interval >= 0)
		{
			long		until = TimestampDifferenceMilliseconds(now,
																TimestampTzPlusMilliseconds(last_health,
																							ts_guc_health_check_interval));

			timeout = Min(timeout, Max(until, 0));
		}
		if (next_job_ms >= 0)
			timeout = Min(timeout, next_job_ms);
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
		/* Health first: the resolver skips nodes found down. */
		if (ts_guc_health_check_interval >= 0 &&
			TimestampDifferenceExceeds(last_health, GetCurrentTimestamp(),
									   ts_guc_health_check_interval))
		{
			last_health = GetCurrentTimestamp();
			pgstat_report_activity(STATE_RUNNING, "checking data nodes");
			health_round();
			health_ran = true;
		}
		/*
		 * The resolver connects to every node the health checks found up:
		 * right after a check, so that a node that stopped answering since
		 * (and would hold the resolver for node_timeout) is rare, and never
		 * delays the next check by more than that.
		 */
		if (ts_guc_txn_resolve_interval >= 0 &&
			(health_ran || ts_guc_health_check_interval < 0) &&
			TimestampDifferenceExceeds(last_resolve, GetCurrentTimestamp(),
									   ts_guc_txn_resolve_interval))
		{
			pgstat_report_activity(STATE_RUNNING, "resolving prepared transactions");
			(void) run_unit(resolve_unit, NULL);
			last_resolve = GetCurrentTimestamp();
		}

		/*
		 * Jobs every time round: a new one wakes the worker, but waits on
		 * data nodes above may have consumed that wake-up.  A round that ran
		 * jobs is followed by another at once.
		 */
		pgstat_report_activity(STATE_RUNNING, "running distributed_exec jobs");
		ts_job_runner_round(&next_job_ms);
		if (TimestampDifferenceExceeds(last_purge, GetCurrentTimestamp(), JOB_PURGE_INTERVAL_MS))
		{
			ts_job_runner_purge();
			last_purge = GetCurrentTimestamp();
		}
		pgstat_report_activity(STATE_IDLE, NULL);
	}
}
