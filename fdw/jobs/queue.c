/*-------------------------------------------------------------------------
 * queue.c — the job queue tables: timeshard_catalog.job (one row per job)
 * and timeshard_catalog.job_node (one row per job and target node, with its
 * status, attempts, last error and times).
 *
 * Every read and write goes through the catalog's SPI session (the tables
 * grant nothing to PUBLIC).  Writes run with read_only = false, so each
 * statement sees what committed before it: the worker and the waiting
 * backends follow each other's progress.  A job's overall status is the
 * view timeshard_catalog.job_state, the one definition of it.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "catalog/catalog_spi.h"
#include "guc.h"
#include "jobs/jobs.h"

/* Back-off between failed attempts doubles up to this (or the interval). */
#define JOB_RETRY_CAP_MS 300000

#define OPEN_STATUS "('pending', 'running')"

/* Run one statement of the queue; SPI result code checked against expect. */
static void
queue_exec(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls,
		   int expect)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);

	if (rc != expect)
		elog(ERROR, "timeshard job queue: \"%s\" failed: %s", sql, SPI_result_code_string(rc));
}

static Datum
name_datum(const char *name)
{
	return DirectFunctionCall1(namein, CStringGetDatum(name));
}

/* A name[] of the names in the list. */
static Datum
name_array(List *names)
{
	Datum	   *datums = palloc(sizeof(Datum) * Max(list_length(names), 1));
	int			i = 0;
	ListCell   *lc;

	foreach(lc, names)
		datums[i++] = name_datum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(datums, i, NAMEOID, NAMEDATALEN, false,
										   TYPALIGN_CHAR));
}

/* Does the statement (catalog SPI session of its own) return a row? */
static bool
queue_found(const char *sql, int nargs, Oid *types, Datum *values)
{
	TsCatalogSpi spi;
	bool		found;

	ts_catalog_spi_connect(&spi);
	queue_exec(sql, nargs, types, values, NULL, SPI_OK_SELECT);
	found = SPI_processed > 0;
	ts_catalog_spi_finish(&spi);
	return found;
}

/* Column n (1-based) of row 0 of the last result. */
static Datum
result_datum(int n, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, n, isnull);
}

/* Column n of row 0 as a string in the caller's memory (NULL for NULL). */
static char *
result_string(int n, MemoryContext cxt)
{
	char	   *value = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, n);

	return value ? MemoryContextStrdup(cxt, value) : NULL;
}

/*
 * A new job for the named nodes; returns its id.  It becomes visible to the
 * worker when the caller's transaction commits.
 */
int64
ts_job_insert(const char *command, List *node_names, Oid role, const char *search_path,
			  bool transactional)
{
	TsCatalogSpi spi;
	Oid			types[5] = {TEXTOID, NAMEARRAYOID, OIDOID, TEXTOID, BOOLOID};
	Datum		values[5];
	bool		isnull;
	int64		job_id;

	values[0] = CStringGetTextDatum(command);
	values[1] = name_array(node_names);
	values[2] = ObjectIdGetDatum(role);
	values[3] = CStringGetTextDatum(search_path);
	values[4] = BoolGetDatum(transactional);
	ts_catalog_spi_connect(&spi);
	queue_exec("INSERT INTO timeshard_catalog.job "
			   "(command, node_list, submitted_by, search_path, transactional) "
			   "VALUES ($1, $2, $3, $4, $5) RETURNING id",
			   5, types, values, NULL, SPI_OK_INSERT_RETURNING);
	job_id = DatumGetInt64(result_datum(1, &isnull));
	values[0] = Int64GetDatum(job_id);
	types[0] = INT8OID;
	queue_exec("INSERT INTO timeshard_catalog.job_node (job_id, node_name) "
			   "SELECT $1, n FROM pg_catalog.unnest($2) n",
			   2, types, values, NULL, SPI_OK_INSERT);
	ts_catalog_spi_finish(&spi);
	return job_id;
}

/* The job's overall status and submitter; false if there is no such job. */
bool
ts_job_get_state(int64 job_id, char **status, Oid *role)
{
	MemoryContext cxt = CurrentMemoryContext;
	TsCatalogSpi spi;
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(job_id)};
	bool		found;
	bool		isnull;

	ts_catalog_spi_connect(&spi);
	queue_exec("SELECT s.status, j.submitted_by FROM timeshard_catalog.job j "
			   "JOIN timeshard_catalog.job_state s ON s.job_id = j.id WHERE j.id = $1",
			   1, types, values, NULL, SPI_OK_SELECT);
	found = SPI_processed == 1;
	if (found)
	{
		*status = result_string(1, cxt);
		*role = DatumGetObjectId(result_datum(2, &isnull));
	}
	ts_catalog_spi_finish(&spi);
	return found;
}

/*
 * Cancel a job that has not finished: it is marked cancelled, and so are its
 * nodes that had not finished — except one the worker is running right now
 * (locked), which the worker rolls back when it sees the job cancelled.
 * Returns false when the job had already finished.
 */
bool
ts_job_cancel_open(int64 job_id)
{
	TsCatalogSpi spi;
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(job_id)};
	bool		cancelled;

	ts_catalog_spi_connect(&spi);
	queue_exec("UPDATE timeshard_catalog.job j SET cancelled_at = pg_catalog.clock_timestamp() "
			   "FROM timeshard_catalog.job_state s "
			   "WHERE j.id = $1 AND s.job_id = j.id AND s.status IN " OPEN_STATUS,
			   1, types, values, NULL, SPI_OK_UPDATE);
	cancelled = SPI_processed == 1;
	if (cancelled)
		queue_exec("UPDATE timeshard_catalog.job_node n SET status = 'cancelled', "
				   "       finished_at = pg_catalog.clock_timestamp() "
				   "WHERE (n.job_id, n.node_name) IN ("
				   "  SELECT o.job_id, o.node_name FROM timeshard_catalog.job_node o "
				   "   WHERE o.job_id = $1 AND o.status IN " OPEN_STATUS
				   "   FOR UPDATE SKIP LOCKED)",
				   1, types, values, NULL, SPI_OK_UPDATE);
	ts_catalog_spi_finish(&spi);
	return cancelled;
}

/*
 * The node's next job: the oldest one not finished there (later ones wait
 * behind it).  False when the node has none.
 */
bool
ts_job_next(const char *node_name, TsJobTask *task)
{
	MemoryContext cxt = CurrentMemoryContext;
	TsCatalogSpi spi;
	Oid			types[1] = {NAMEOID};
	Datum		values[1] = {name_datum(node_name)};
	bool		found;
	bool		isnull;

	ts_catalog_spi_connect(&spi);
	queue_exec("SELECT n.job_id, j.command, j.submitted_by, j.search_path, j.transactional, "
			   "       n.next_attempt_at <= pg_catalog.clock_timestamp() "
			   "  FROM timeshard_catalog.job_node n "
			   "  JOIN timeshard_catalog.job j ON j.id = n.job_id "
			   " WHERE n.node_name = $1 AND n.status IN " OPEN_STATUS
			   " ORDER BY n.job_id LIMIT 1",
			   1, types, values, NULL, SPI_OK_SELECT);
	found = SPI_processed == 1;
	if (found)
	{
		task->job_id = DatumGetInt64(result_datum(1, &isnull));
		task->node_name = MemoryContextStrdup(cxt, node_name);
		task->command = result_string(2, cxt);
		task->role = DatumGetObjectId(result_datum(3, &isnull));
		task->search_path = result_string(4, cxt);
		task->transactional = DatumGetBool(result_datum(5, &isnull));
		task->due = DatumGetBool(result_datum(6, &isnull));
	}
	ts_catalog_spi_finish(&spi);
	return found;
}

/* Key of a task's job_node row: $1 job id, $2 node name. */
static void
task_key(const TsJobTask *task, Oid *types, Datum *values)
{
	types[0] = INT8OID;
	values[0] = Int64GetDatum(task->job_id);
	types[1] = NAMEOID;
	values[1] = name_datum(task->node_name);
}

/*
 * The task is running (a transaction of its own); false if no longer open.
 * A node row that a cancel skipped (the worker held it) is cancelled here.
 */
bool
ts_job_start(const TsJobTask *task)
{
	TsCatalogSpi spi;
	Oid			types[2];
	Datum		values[2];
	bool		started = false;

	task_key(task, types, values);
	ts_catalog_spi_connect(&spi);
	queue_exec("UPDATE timeshard_catalog.job_node n "
			   "   SET status = CASE WHEN j.cancelled_at IS NULL THEN 'running' ELSE 'cancelled' END, "
			   "       started_at = COALESCE(n.started_at, pg_catalog.clock_timestamp()), "
			   "       finished_at = CASE WHEN j.cancelled_at IS NOT NULL "
			   "                          THEN pg_catalog.clock_timestamp() END "
			   "  FROM timeshard_catalog.job j "
			   " WHERE j.id = n.job_id AND n.job_id = $1 AND n.node_name = $2 "
			   "   AND n.status IN " OPEN_STATUS
			   " RETURNING n.status = 'running'",
			   2, types, values, NULL, SPI_OK_UPDATE_RETURNING);
	if (SPI_processed == 1)
	{
		bool		isnull;

		started = DatumGetBool(result_datum(1, &isnull));
	}
	ts_catalog_spi_finish(&spi);
	return started;
}

/*
 * Lock the running task's row for the attempt's transaction (a cancel skips
 * it); false if it was cancelled meanwhile.
 */
bool
ts_job_lock_running(const TsJobTask *task)
{
	Oid			types[2];
	Datum		values[2];

	task_key(task, types, values);
	return queue_found("SELECT 1 FROM timeshard_catalog.job_node n "
					   "  JOIN timeshard_catalog.job j ON j.id = n.job_id "
					   " WHERE n.job_id = $1 AND n.node_name = $2 AND n.status = 'running' "
					   "   AND j.cancelled_at IS NULL "
					   "   FOR UPDATE OF n",
					   2, types, values);
}

/* Has the job been cancelled (as of now, not of the transaction's start)? */
bool
ts_job_is_cancelled(int64 job_id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(job_id)};

	return queue_found("SELECT 1 FROM timeshard_catalog.job "
					   "WHERE id = $1 AND cancelled_at IS NOT NULL",
					   1, types, values);
}

static void
task_update(const TsJobTask *task, const char *set)
{
	TsCatalogSpi spi;
	Oid			types[2];
	Datum		values[2];

	task_key(task, types, values);
	ts_catalog_spi_connect(&spi);
	queue_exec(psprintf("UPDATE timeshard_catalog.job_node SET %s "
						"WHERE job_id = $1 AND node_name = $2 AND status IN " OPEN_STATUS,
						set),
			   2, types, values, NULL, SPI_OK_UPDATE);
	ts_catalog_spi_finish(&spi);
}

/* The attempt that succeeded counts too: attempts is how many were made. */
void
ts_job_node_succeeded(const TsJobTask *task)
{
	task_update(task, "status = 'succeeded', attempts = attempts + 1, "
				"finished_at = pg_catalog.clock_timestamp()");
}

void
ts_job_node_cancelled(const TsJobTask *task)
{
	task_update(task, "status = 'cancelled', finished_at = pg_catalog.clock_timestamp()");
}

/*
 * Record an attempt that did not succeed.  Unreachable: pending again, not
 * counted, tried again after the retry interval.  Failed: counted; after
 * timeshard.job_max_attempts the node's part has failed, else it is tried
 * again after the interval doubled per earlier attempt (capped).  Returns
 * whether the node's part is finished now (failed).
 */
bool
ts_job_node_attempt_failed(const TsJobTask *task, const char *error, TsJobAttempt how)
{
	bool		finished = false;
	TsCatalogSpi spi;
	Oid			types[5];
	Datum		values[5];

	task_key(task, types, values);
	types[2] = TEXTOID;
	values[2] = CStringGetTextDatum(error);
	types[3] = FLOAT8OID;
	values[3] = Float8GetDatum((double) ts_guc_job_retry_interval);
	types[4] = INT4OID;
	values[4] = Int32GetDatum(how == TS_JOB_FAILED_FOR_GOOD ? 0 : ts_guc_job_max_attempts);
	ts_catalog_spi_connect(&spi);
	if (how == TS_JOB_UNREACHABLE)
		queue_exec("UPDATE timeshard_catalog.job_node SET status = 'pending', last_error = $3, "
				   "       next_attempt_at = pg_catalog.clock_timestamp() "
				   "                         + pg_catalog.make_interval(secs => $4 / 1000) "
				   "WHERE job_id = $1 AND node_name = $2 AND status IN " OPEN_STATUS,
				   4, types, values, NULL, SPI_OK_UPDATE);
	else
	{
		queue_exec(psprintf("UPDATE timeshard_catalog.job_node SET attempts = attempts + 1, "
							"       last_error = $3, "
							"       status = CASE WHEN attempts + 1 >= $5 THEN 'failed' ELSE 'pending' END, "
							"       finished_at = CASE WHEN attempts + 1 >= $5 "
							"                          THEN pg_catalog.clock_timestamp() END, "
							"       next_attempt_at = pg_catalog.clock_timestamp() "
							"           + pg_catalog.make_interval(secs => LEAST($4 * 2 ^ LEAST(attempts, 30), "
							"                                                    GREATEST($4, %d)) / 1000) "
							"WHERE job_id = $1 AND node_name = $2 AND status IN " OPEN_STATUS
							" RETURNING status = 'failed'",
							JOB_RETRY_CAP_MS),
				   5, types, values, NULL, SPI_OK_UPDATE_RETURNING);
		if (SPI_processed == 1)
		{
			bool		isnull;

			finished = DatumGetBool(result_datum(1, &isnull));
		}
	}
	ts_catalog_spi_finish(&spi);
	return finished;
}

/* The node is gone: its open jobs failed there (in the caller's transaction). */
void
ts_job_node_removed(const char *node_name)
{
	TsCatalogSpi spi;
	Oid			types[1] = {NAMEOID};
	Datum		values[1] = {name_datum(node_name)};

	ts_catalog_spi_connect(&spi);
	queue_exec("UPDATE timeshard_catalog.job_node SET status = 'failed', "
			   "       last_error = 'the data node was deleted', "
			   "       finished_at = pg_catalog.clock_timestamp() "
			   "WHERE node_name = $1 AND status IN " OPEN_STATUS,
			   1, types, values, NULL, SPI_OK_UPDATE);
	ts_catalog_spi_finish(&spi);
}

/* How many jobs are not finished on the node. */
int
ts_job_open_count(const char *node_name)
{
	TsCatalogSpi spi;
	Oid			types[1] = {NAMEOID};
	Datum		values[1] = {name_datum(node_name)};
	bool		isnull;
	int			count;

	ts_catalog_spi_connect(&spi);
	queue_exec("SELECT pg_catalog.count(*)::integer FROM timeshard_catalog.job_node "
			   "WHERE node_name = $1 AND status IN " OPEN_STATUS,
			   1, types, values, NULL, SPI_OK_SELECT);
	count = DatumGetInt32(result_datum(1, &isnull));
	ts_catalog_spi_finish(&spi);
	return count;
}

/*
 * Milliseconds until the next job on one of the nodes is due (0: one is
 * now); -1 when none of them has a job.  Only each node's oldest open job
 * counts: the others wait behind it.
 */
long
ts_job_ms_until_due(List *node_names)
{
	TsCatalogSpi spi;
	Oid			types[1] = {NAMEARRAYOID};
	Datum		values[1];
	bool		isnull;
	long		ms = -1;

	if (node_names == NIL)
		return -1;
	values[0] = name_array(node_names);
	ts_catalog_spi_connect(&spi);
	queue_exec("SELECT GREATEST(0, ceil(extract(epoch FROM pg_catalog.min(h.next_attempt_at) "
			   "                                       - pg_catalog.clock_timestamp()) * 1000))::int8 "
			   "  FROM (SELECT DISTINCT ON (node_name) node_name, next_attempt_at "
			   "          FROM timeshard_catalog.job_node "
			   "         WHERE status IN " OPEN_STATUS " AND node_name = ANY ($1) "
			   "         ORDER BY node_name, job_id) h",
			   1, types, values, NULL, SPI_OK_SELECT);
	{
		Datum		d = result_datum(1, &isnull);

		if (!isnull)
			ms = (long) Min(DatumGetInt64(d), (int64) INT_MAX);
	}
	ts_catalog_spi_finish(&spi);
	return ms;
}

/* Delete the jobs finished longer than timeshard.job_retention ago. */
int
ts_job_purge(void)
{
	TsCatalogSpi spi;
	Oid			types[1] = {FLOAT8OID};
	Datum		values[1] = {Float8GetDatum((double) ts_guc_job_retention)};
	int			purged;

	if (ts_guc_job_retention < 0)
		return 0;
	ts_catalog_spi_connect(&spi);
	queue_exec("DELETE FROM timeshard_catalog.job j USING timeshard_catalog.job_state s "
			   "WHERE s.job_id = j.id "
			   "  AND s.finished_at < pg_catalog.clock_timestamp() "
			   "                      - pg_catalog.make_interval(secs => $1)",
			   1, types, values, NULL, SPI_OK_DELETE);
	purged = (int) SPI_processed;
	ts_catalog_spi_finish(&spi);
	return purged;
}
