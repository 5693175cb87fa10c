/*-------------------------------------------------------------------------
 * defer.c — the part of a command meant for unavailable data nodes, kept
 * as a job until they are back.
 *
 * With timeshard.defer_ddl_to_unavailable_nodes on, distributed_exec and
 * the DDL timeshard propagates to a distributed hypertable's nodes run on
 * the available nodes and queue the rest (dist_exec.c, ddl.c call
 * ts_job_defer).  The job is part of the command's transaction: rolled back
 * with it.  With timeshard.deliver_before_available on, a node with jobs
 * still open is made available only once the worker has run them
 * (ts_job_hand_to_worker, for alter_data_node; bgworker/worker.c for a node
 * the worker failed over itself).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_foreign_server.h"
#include "lib/stringinfo.h"
#include "storage/lmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "bgworker/registry.h"
#include "guc.h"
#include "health.h"
#include "jobs/jobs.h"

/* "data node "a" is" or "data nodes "a", "b" are" */
static char *
nodes_phrase(List *nodes)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoString(&buf, list_length(nodes) == 1 ? "data node " : "data nodes ");
	foreach(lc, nodes)
		appendStringInfo(&buf, "%s\"%s\"", foreach_current_index(lc) > 0 ? ", " : "",
						 ((TsDataNode *) lfirst(lc))->name);
	appendStringInfoString(&buf, list_length(nodes) == 1 ? " is" : " are");
	return buf.data;
}

/*
 * A deferral and a node's return to service exclude each other: the first
 * holds a share lock on the node's foreign server until it commits, the
 * return an exclusive one while it counts the node's open jobs and makes it
 * available.  So a job deferred for a node is never missed by its return.
 */
static void
lock_node_return(TsDataNode *node, LOCKMODE mode)
{
	LockDatabaseObject(ForeignServerRelationId, node->serverid, 0, mode);
}

/*
 * Queue the command for the unavailable nodes (none: nothing to do), as the
 * current user with search_path.
 */
void
ts_job_defer(List *nodes, const char *command, const char *search_path, bool transactional)
{
	int64		job_id;
	ListCell   *lc;

	if (nodes == NIL)
		return;
	foreach(lc, nodes)
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);

		lock_node_return(node, ShareLock);
		if (ts_data_node_get_by_id(node->serverid, false)->available)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("data node \"%s\" became available while the command ran", node->name),
					 errdetail("Its part of the command was to be queued as a job."),
					 errhint("Run the command again.")));
	}
	job_id = ts_job_submit(command, nodes, search_path, transactional);
	ereport(NOTICE,
			(errmsg("%s not available: job " INT64_FORMAT " will run the command there when %s",
					nodes_phrase(nodes), job_id, list_length(nodes) == 1 ? "it is" : "they are"),
			 errhint("timeshard_information.job_nodes shows its progress.")));
}

/*
 * May the node be made available now?  With
 * timeshard.deliver_before_available, only once no job is open for it; the
 * caller makes it available in the same transaction.
 */
bool
ts_job_node_ready(TsDataNode *node)
{
	if (!ts_guc_deliver_before_available)
		return true;
	lock_node_return(node, ExclusiveLock);
	return ts_job_open_count(node->name) == 0;
}

/*
 * alter_data_node(available => true) for a node with jobs still open: with
 * timeshard.deliver_before_available, the node stays unavailable and the
 * worker, which brings back nodes it failed over, delivers the jobs and
 * then makes it available.  Returns whether the node was handed over.
 * Without health checks and failover the worker brings back no node: the
 * node is made available at once, its jobs follow.
 */
bool
ts_job_hand_to_worker(TsDataNode *node)
{
	int			open;

	if (!ts_guc_deliver_before_available || !ts_guc_auto_failover ||
		ts_guc_health_check_interval < 0)
		return false;
	lock_node_return(node, ExclusiveLock);
	open = ts_job_open_count(node->name);
	if (open == 0)
		return false;
	ts_failover_hand_back(node->name);
	ts_registry_wake_worker_at_commit(MyDatabaseId);
	ereport(NOTICE,
			(errmsg("data node \"%s\" has %d pending job%s: it stays unavailable until the "
					"background worker has run %s", node->name, open, open == 1 ? "" : "s",
					open == 1 ? "it" : "them"),
			 errdetail("timeshard.deliver_before_available is on: a node never serves with a "
					   "schema behind the others."),
			 errhint("timeshard_information.data_nodes shows when it is available; "
					 "timeshard_information.job_nodes the jobs.")));
	return true;
}
