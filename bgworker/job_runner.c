/*-------------------------------------------------------------------------
 * job_runner.c — the worker's side of the distributed_exec job queue
 * (fdw/jobs/).
 *
 * Each round, every available data node that answers its health checks
 * gets its due jobs, oldest first; a job not finished on a node holds back
 * the later ones there.  One attempt is two transactions:
 *
 *	1. the node's row becomes 'running' (visible to everyone);
 *	2. the row is locked, the command runs on the node as the submitting
 *	   role (its user mapping, its search_path) in the distributed
 *	   transaction, and the row becomes 'succeeded' — the local record and
 *	   the node's change commit together (two-phase commit), so a job takes
 *	   effect on a node exactly once, and a killed attempt leaves nothing.
 *
 * An attempt that fails is rolled back and recorded in a third transaction:
 * a node that does not answer keeps the job pending without counting the
 * attempt; any other error counts, with back-off, up to
 * timeshard.job_max_attempts.  A job cancelled while it runs is rolled back
 * on its node when the command returns.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "utils/acl.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "data_node.h"
#include "dist_exec.h"
#include "guc.h"
#include "health.h"
#include "jobs/jobs.h"
#include "remote/cache.h"
#include "string_list.h"
#include "job_runner.h"

/* At most this many jobs per node and round: health checks come in between. */
#define JOBS_PER_NODE_AND_ROUND 100

typedef enum RunOutcome
{
	RUN_NOTHING,				/* no job due on the node */
	RUN_FINISHED,				/* succeeded, failed for good or cancelled */
	RUN_RETRY,					/* failed; tried again later */
	RUN_UNREACHABLE				/* the node did not answer */
} RunOutcome;

/* Set when the attempt found its job cancelled (not an error of the job). */
static bool attempt_cancelled = false;

/* The memory context of the code that opened the current transaction. */
static MemoryContext caller_cxt = NULL;

/*
 * Start a transaction of the worker's own, with a snapshot.  Allocations in
 * it are gone when it ends: what outlives it goes into the caller's context,
 * which is current again after commit_txn or abort_txn.
 */
static void
begin_txn(void)
{
	caller_cxt = CurrentMemoryContext;
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
}

static void
commit_txn(void)
{
	PopActiveSnapshot();
	CommitTransactionCommand();
	MemoryContextSwitchTo(caller_cxt);
	pgstat_report_stat(false);
}

/* After an error: log it, roll back whatever transaction is open. */
static void
abort_txn(MemoryContext cxt, bool report)
{
	MemoryContextSwitchTo(cxt);
	if (report)
		EmitErrorReport();
	FlushErrorState();
	AbortCurrentTransaction();
	MemoryContextSwitchTo(cxt);
}

/*
 * The node's next job, if due, marked running (transaction 1).  Only while
 * the node is available — as of now, not of the round's start — unless its
 * jobs are being delivered before it is made available.
 */
static bool
claim_next(const char *node_name, bool delivering, TsJobTask *task, MemoryContext cxt)
{
	bool		claimed = false;
	MemoryContext old;
	bool		found;

	begin_txn();
	old = MemoryContextSwitchTo(cxt);
	found = ts_job_next(node_name, task);
	MemoryContextSwitchTo(old);
	if (found && task->due)
	{
		TsDataNode *node;

		/*
		 * The job was read with a snapshot newer than the transaction's
		 * start: a node marked unavailable before the job was submitted must
		 * look so here too, so read the catalog caches' news first.
		 */
		AcceptInvalidationMessages();
		node = ts_data_node_get(node_name, true);
		if (node != NULL && (node->available || delivering))
		{
			task->serverid = node->serverid;
			claimed = ts_job_start(task);
		}
	}
	commit_txn();
	return claimed;
}

/*
 * Why the job can never run on its node, or NULL: its role or its node is
 * gone, or the role may no longer use the node.
 */
static char *
cannot_run(const TsJobTask *task, TsDataNode *node)
{
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(task->role)))
		return psprintf("role with OID %u, which submitted the job, does not exist", task->role);
	if (node == NULL)
		return psprintf("data node \"%s\" does not exist", task->node_name);
	if (pg_foreign_server_aclcheck(node->serverid, task->role, ACL_USAGE) != ACLCHECK_OK)
		return psprintf("permission denied for data node \"%s\": role \"%s\" has no USAGE on it",
						node->name, GetUserNameFromId(task->role, false));
	return NULL;
}

/*
 * Transaction 2: run the command on the node as the job's role and record
 * the success.  Errors propagate (the caller rolls back).  Returns a reason
 * the job can never run, or NULL once it succeeded.
 */
static char *
attempt(const TsJobTask *task)
{
	TsDataNode *node;
	char	   *never;
	Oid			saved_user;
	int			saved_context;

	if (!ts_job_lock_running(task))
	{
		/* Cancelled meanwhile: nothing to run; the row says so. */
		ts_job_node_cancelled(task);
		return NULL;
	}
	node = ts_data_node_get(task->node_name, true);
	never = cannot_run(task, node);
	if (never != NULL)
		return never;

	GetUserIdAndSecContext(&saved_user, &saved_context);
	SetUserIdAndSecContext(task->role, saved_context | SECURITY_LOCAL_USERID_CHANGE);
	if (task->transactional)
		ts_dist_exec_in_txn(list_make1(node), task->command, task->search_path);
	else
		ts_dist_exec_autocommit(list_make1(node), task->command, task->search_path);
	SetUserIdAndSecContext(saved_user, saved_context);

	/* Rolled back if cancelled meanwhile (outside a transaction it is done). */
	if (task->transactional && ts_job_is_cancelled(task->job_id))
	{
		attempt_cancelled = true;
		ereport(ERROR,
				(errcode(ERRCODE_QUERY_CANCELED),
				 errmsg("job " INT64_FORMAT " was cancelled while it ran on data node \"%s\"",
						task->job_id, task->node_name)));
	}
	ts_job_node_succeeded(task);
	return NULL;
}

/* Does the node answer the worker's own probe? */
static bool
node_answers(const char *node_name)
{
	TsNodeProbe *probe = ts_health_probe_node(node_name, ts_guc_node_timeout);

	return probe != NULL && probe->healthy;
}

/* Transaction 3: record how an attempt that did not succeed ended. */
static RunOutcome
record_failure(const TsJobTask *task, ErrorData *edata, const char *never)
{
	RunOutcome	outcome = RUN_RETRY;

	begin_txn();
	if (attempt_cancelled || ts_job_is_cancelled(task->job_id))
	{
		ts_job_node_cancelled(task);
		outcome = RUN_FINISHED;
	}
	else if (never != NULL)
	{
		(void) ts_job_node_attempt_failed(task, never, TS_JOB_FAILED_FOR_GOOD);
		outcome = RUN_FINISHED;
	}
	else
	{
		/*
		 * A connection failure counts only when the node answers the worker:
		 * a refused login is the job's problem, a node down is not.
		 */
		bool		unreachable = ERRCODE_TO_CATEGORY(edata->sqlerrcode) ==
			ERRCODE_CONNECTION_EXCEPTION && !node_answers(task->node_name);

		if (ts_job_node_attempt_failed(task, edata->message,
									   unreachable ? TS_JOB_UNREACHABLE : TS_JOB_FAILED))
			outcome = RUN_FINISHED;
		else
			outcome = unreachable ? RUN_UNREACHABLE : RUN_RETRY;
	}
	commit_txn();
	if (!attempt_cancelled)
		ereport(LOG,
				(errmsg("timeshard job " INT64_FORMAT " failed on data node \"%s\": %s",
						task->job_id, task->node_name, never ? never : edata->message)));
	return outcome;
}

/*
 * Close the connection a job used: what its command set for the session
 * (SET, SET ROLE) must not reach later jobs, nor the worker's own commands
 * when the job's role is the worker's.
 */
static void
forget_connection(Oid serverid, Oid role)
{
	ListCell   *lc;

	foreach(lc, ts_conn_cache_entries())
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		if (entry->key.serverid == serverid && entry->key.userid == role &&
			entry->xact_depth == 0 && entry->conn != NULL)
			ts_conn_cache_disconnect(entry);
	}
}

/* One attempt of the node's next due job. */
static RunOutcome
run_next(const char *node_name, bool delivering)
{
	MemoryContext outer = CurrentMemoryContext;
	MemoryContext cxt = AllocSetContextCreate(outer, "timeshard job", ALLOCSET_DEFAULT_SIZES);
	volatile RunOutcome outcome = RUN_FINISHED;
	TsJobTask	task;
	char	   *volatile never = NULL;

	if (!claim_next(node_name, delivering, &task, cxt))
	{
		MemoryContextSwitchTo(outer);
		MemoryContextDelete(cxt);
		return RUN_NOTHING;
	}
	pgstat_report_activity(STATE_RUNNING,
						   psprintf("running job " INT64_FORMAT " on data node %s",
									task.job_id, node_name));
	attempt_cancelled = false;
	begin_txn();
	PG_TRY();
	{
		char	   *reason = attempt(&task);

		/* The transaction's memory goes with its abort: keep the reason. */
		if (reason != NULL)
		{
			never = MemoryContextStrdup(cxt, reason);
			elog(ERROR, "%s", never);
		}
		commit_txn();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		abort_txn(cxt, false);
		outcome = record_failure(&task, edata, never);
	}
	PG_END_TRY();
	forget_connection(task.serverid, task.role);
	MemoryContextSwitchTo(outer);
	MemoryContextDelete(cxt);
	return outcome;
}

/*
 * Run the node's due jobs in order; returns the attempts made.  *open tells
 * whether jobs remain open on the node afterwards.
 */
static int
run_node(const char *node_name, bool delivering, bool *open)
{
	int			attempts = 0;
	RunOutcome	outcome = RUN_FINISHED;

	while (attempts < JOBS_PER_NODE_AND_ROUND &&
		   (outcome = run_next(node_name, delivering)) == RUN_FINISHED)
		attempts++;
	if (outcome == RUN_RETRY || outcome == RUN_UNREACHABLE)
		attempts++;
	if (open != NULL)
	{
		begin_txn();
		*open = ts_job_open_count(node_name) > 0;
		commit_txn();
	}
	return attempts;
}

/* Names of the available data nodes that answer health checks. */
static List *
serving_nodes(MemoryContext cxt)
{
	List	   *names;
	MemoryContext old;

	begin_txn();
	names = ts_data_node_serving_names();
	old = MemoryContextSwitchTo(cxt);
	names = ts_string_list_copy(names);
	MemoryContextSwitchTo(old);
	commit_txn();
	return names;
}

/*
 * One round over the serving nodes.  *next_ms is
 * when a job is due next (0: now, -1: none is open).  Errors of the queue
 * itself are logged, and the round ends.
 */
void
ts_job_runner_round(long *next_ms)
{
	MemoryContext cxt = AllocSetContextCreate(TopMemoryContext, "timeshard job round",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	int			attempts = 0;

	*next_ms = -1;
	PG_TRY();
	{
		List	   *names = serving_nodes(cxt);
		ListCell   *lc;

		foreach(lc, names)
			attempts += run_node((char *) lfirst(lc), false, NULL);
		begin_txn();
		*next_ms = attempts > 0 ? 0 : ts_job_ms_until_due(names);
		commit_txn();
	}
	PG_CATCH();
	{
		abort_txn(cxt, true);
		*next_ms = ts_guc_job_retry_interval;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
}

/*
 * A node coming back: run its jobs.  True when none is left open (it may be
 * made available now); false when one failed and waits for a retry, or the
 * node stopped answering.
 */
bool
ts_job_runner_deliver(const char *node_name)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile bool open = true;

	PG_TRY();
	{
		bool		left;

		(void) run_node(node_name, true, &left);
		open = left;
	}
	PG_CATCH();
	{
		abort_txn(cxt, true);
		open = true;
	}
	PG_END_TRY();
	return !open;
}

/* Delete old finished jobs (a transaction of its own). */
void
ts_job_runner_purge(void)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		int			purged;

		begin_txn();
		purged = ts_job_purge();
		commit_txn();
		if (purged > 0)
			ereport(DEBUG1, (errmsg("timeshard purged %d finished jobs", purged)));
	}
	PG_CATCH();
	{
		abort_txn(cxt, true);
	}
	PG_END_TRY();
}
