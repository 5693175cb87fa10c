/*-------------------------------------------------------------------------
 * jobs.h — the distributed_exec job queue: commands for data nodes that
 * the background worker runs as the role that submitted them.
 *
 * queue.c reads and writes the queue tables (timeshard_catalog.job and
 * job_node); api.c has the SQL functions and submission; defer.c queues the
 * part of a command meant for unavailable nodes.  The worker's side is
 * bgworker/job_runner.c.  docs/jobs.md describes it all for users.
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_JOBS_H
#define TIMESHARD_JOBS_H

#include "nodes/pg_list.h"

#include "data_node.h"

/* One job's part on one node, as the worker runs it. */
typedef struct TsJobTask
{
	int64		job_id;
	char	   *node_name;
	Oid			serverid;		/* the node's foreign server */
	char	   *command;
	Oid			role;			/* the submitting role */
	char	   *search_path;	/* the submitter's */
	bool		transactional;
	bool		due;			/* its back-off has passed */
} TsJobTask;

/* How an attempt that did not succeed ends. */
typedef enum TsJobAttempt
{
	TS_JOB_UNREACHABLE,			/* the node did not answer: not counted */
	TS_JOB_FAILED,				/* counted; retried until job_max_attempts */
	TS_JOB_FAILED_FOR_GOOD		/* cannot ever succeed (role or node gone) */
} TsJobAttempt;

/* queue.c */
extern int64 ts_job_insert(const char *command, List *node_names, Oid role,
						   const char *search_path, bool transactional);
extern bool ts_job_get_state(int64 job_id, char **status, Oid *role);
extern bool ts_job_cancel_open(int64 job_id);
extern bool ts_job_next(const char *node_name, TsJobTask *task);
extern bool ts_job_start(const TsJobTask *task);
extern bool ts_job_lock_running(const TsJobTask *task);
extern bool ts_job_is_cancelled(int64 job_id);
extern void ts_job_node_succeeded(const TsJobTask *task);
extern void ts_job_node_cancelled(const TsJobTask *task);
extern bool ts_job_node_attempt_failed(const TsJobTask *task, const char *error,
									   TsJobAttempt how);
extern void ts_job_node_removed(const char *node_name);
extern int	ts_job_open_count(const char *node_name);
extern long ts_job_ms_until_due(List *node_names);
extern int	ts_job_purge(void);

/* api.c */
extern int64 ts_job_submit(const char *command, List *nodes, const char *search_path,
						   bool transactional);

/* defer.c */
extern void ts_job_defer(List *nodes, const char *command, const char *search_path,
						 bool transactional);
extern bool ts_job_node_ready(TsDataNode *node);
extern bool ts_job_hand_to_worker(TsDataNode *node);

#endif							/* TIMESHARD_JOBS_H */
