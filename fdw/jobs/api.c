/*-------------------------------------------------------------------------
 * api.c — the SQL functions of the job queue, and submission.
 *
 *	distributed_exec_async(query text, node_list name[] = NULL) RETURNS bigint
 *	cancel_distributed_exec_job(job_id bigint) RETURNS boolean
 *	wait_for_distributed_exec_job(job_id bigint, timeout interval = NULL)
 *		RETURNS text
 *
 * A job becomes visible to the worker when the submitting transaction
 * commits, and the worker is woken then; a rolled-back submission leaves
 * nothing.  A role sees, waits for and cancels only its own jobs, unless it
 * is a superuser; another role's job is "not found" (its existence is not
 * told either).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "bgworker/registry.h"
#include "dist_exec.h"
#include "jobs/jobs.h"

#define MSECS_PER_DAY_F 86400000.0

PG_FUNCTION_INFO_V1(distributed_exec_async);
PG_FUNCTION_INFO_V1(cancel_distributed_exec_job);
PG_FUNCTION_INFO_V1(wait_for_distributed_exec_job);

/* Jobs submitted by the current transaction (not visible to the worker yet). */
static List *submitted_here = NIL;
static bool callback_registered = false;

static void
forget_submitted(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
		submitted_here = NIL;	/* its memory goes with the transaction */
}

static bool
is_submitted_here(int64 job_id)
{
	ListCell   *lc;

	foreach(lc, submitted_here)
		if (*(int64 *) lfirst(lc) == job_id)
			return true;
	return false;
}

/*
 * Queue a command for the nodes (TsDataNode), to run as the current user
 * with search_path; returns the job's id.
 */
int64
ts_job_submit(const char *command, List *nodes, const char *search_path, bool transactional)
{
	List	   *names = NIL;
	int64		job_id;
	int64	   *kept;
	MemoryContext old;
	ListCell   *lc;

	foreach(lc, nodes)
		names = lappend(names, ((TsDataNode *) lfirst(lc))->name);
	job_id = ts_job_insert(command, names, GetUserId(), search_path, transactional);

	if (!callback_registered)
	{
		RegisterXactCallback(forget_submitted, NULL);
		callback_registered = true;
	}
	old = MemoryContextSwitchTo(TopTransactionContext);
	kept = palloc(sizeof(int64));
	*kept = job_id;
	submitted_here = lappend(submitted_here, kept);
	MemoryContextSwitchTo(old);
	ts_registry_wake_worker_at_commit(MyDatabaseId);
	return job_id;
}

/*
 * The job's status, after checking that the current role may see it: its
 * submitter, or a superuser.
 */
static char *
visible_job_status(int64 job_id)
{
	char	   *status;
	Oid			role;

	if (!ts_job_get_state(job_id, &status, &role) ||
		(role != GetUserId() && !superuser()))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("job " INT64_FORMAT " not found", job_id),
				 errdetail("There is no such job, or it was submitted by another role."),
				 errhint("timeshard_information.jobs lists the jobs you can see.")));
	return status;
}

static bool
is_final(const char *status)
{
	return strcmp(status, "succeeded") == 0 || strcmp(status, "failed") == 0 ||
		strcmp(status, "cancelled") == 0;
}

/*
 * distributed_exec_async(query text, node_list name[] = NULL) RETURNS bigint
 *
 * The checks of distributed_exec(); unavailable nodes are allowed (their
 * part waits for them).
 */
Datum
distributed_exec_async(PG_FUNCTION_ARGS)
{
	char	   *query = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	ArrayType  *node_list = PG_ARGISNULL(1) ? NULL : PG_GETARG_ARRAYTYPE_P(1);
	List	   *nodes;

	ts_dist_exec_check_command(query, "distributed_exec_async()");
	nodes = ts_dist_exec_listed_nodes(node_list, "distributed_exec_async()");
	PG_RETURN_INT64(ts_job_submit(query, nodes, GetConfigOption("search_path", false, false),
								  true));
}

/*
 * cancel_distributed_exec_job(job_id bigint) RETURNS boolean
 *
 * True when the job was pending or running and is cancelled now; false when
 * it had finished already.
 */
Datum
cancel_distributed_exec_job(PG_FUNCTION_ARGS)
{
	int64		job_id = PG_GETARG_INT64(0);
	char	   *status = visible_job_status(job_id);

	if (is_final(status))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(ts_job_cancel_open(job_id));
}

/*
 * An interval as milliseconds, for a timeout; -1 for one too long to ever
 * pass (over a century), -2 for a negative one.
 */
static int64
interval_ms(Interval *span)
{
	double		ms = ((double) span->month * DAYS_PER_MONTH + span->day) * MSECS_PER_DAY_F +
		(double) span->time / 1000.0;

	if (ms < 0)
		return -2;
	return ms > 100.0 * 365 * MSECS_PER_DAY_F ? -1 : (int64) ms;
}

/*
 * wait_for_distributed_exec_job(job_id bigint, timeout interval = NULL)
 *		RETURNS text
 *
 * The job's final status; when the timeout passes first, its current one.
 */
Datum
wait_for_distributed_exec_job(PG_FUNCTION_ARGS)
{
	int64		job_id;
	int64		timeout_ms = -1;
	TimestampTz until = 0;
	long		nap_ms = 2;
	char	   *status;
	MemoryContext poll_cxt;
	text	   *result;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("job_id cannot be NULL"),
				 errhint("Pass the id distributed_exec_async() returned.")));
	job_id = PG_GETARG_INT64(0);
	if (!PG_ARGISNULL(1))
	{
		timeout_ms = interval_ms(PG_GETARG_INTERVAL_P(1));
		if (timeout_ms == -2)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("timeout cannot be negative"),
					 errhint("Pass a positive interval, or NULL to wait as long as it takes.")));
		if (timeout_ms >= 0)
			until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);
	}
	status = visible_job_status(job_id);
	if (is_submitted_here(job_id))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("job " INT64_FORMAT " was submitted in the current transaction", job_id),
				 errdetail("The worker sees the job only once the transaction commits; "
						   "waiting for it here would never end."),
				 errhint("Commit first, then wait for the job.")));
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot wait for a job in a %s transaction",
						IsolationIsSerializable() ? "SERIALIZABLE" : "REPEATABLE READ"),
				 errdetail("The transaction's snapshot would never show the job progress."),
				 errhint("Wait in a READ COMMITTED transaction, or outside a transaction block.")));

	/* Each look at the queue allocates: in a context reset every time. */
	poll_cxt = AllocSetContextCreate(CurrentMemoryContext, "timeshard job wait",
									 ALLOCSET_SMALL_SIZES);
	while (!is_final(status))
	{
		long		left = nap_ms;
		MemoryContext old;

		if (timeout_ms >= 0)
		{
			left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), until);
			if (left <= 0)
				break;
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Min(nap_ms, left), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		nap_ms = Min(nap_ms * 2, 100);
		MemoryContextReset(poll_cxt);
		old = MemoryContextSwitchTo(poll_cxt);
		status = visible_job_status(job_id);
		MemoryContextSwitchTo(old);
	}
	result = cstring_to_text(status);
	MemoryContextDelete(poll_cxt);
	PG_RETURN_TEXT_P(result);
}
