/*-------------------------------------------------------------------------
 * failover.c — what the worker does with its health checks.
 *
 * Each round (timeshard.health_check_interval) probes every data node at
 * once (health.c) and records per node its status, the time of the last
 * check and last success, the latency, the number of consecutive failures
 * and the last error (timeshard_catalog.data_node_status, shown in
 * timeshard_information.data_nodes).
 *
 * With timeshard.auto_failover, a node that failed
 * timeshard.failover_threshold checks in a row is marked unavailable —
 * exactly what alter_data_node(available => false) does: reads go to other
 * replicas, new chunks to other nodes, writes to its replicated chunks mark
 * its replicas stale.  When it answers again, its stale replicas are
 * refreshed from up-to-date ones (replicate.c) and it is marked available.
 * A node an administrator marked unavailable is left so.
 *
 * Every change is logged at LOG level with its reason and recorded in
 * timeshard_catalog.data_node_event (timeshard_information.data_node_events).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "catalog/catalog_spi.h"
#include "guc.h"
#include "health.h"
#include "replicate.h"

/* Record an event of the node (and log it). */
void
ts_data_node_event(const char *node_name, const char *event, const char *detail)
{
	TsCatalogSpi spi;
	Oid			types[3] = {NAMEOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', detail ? ' ' : 'n'};

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(node_name));
	values[1] = CStringGetTextDatum(event);
	values[2] = detail ? CStringGetTextDatum(detail) : (Datum) 0;
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("INSERT INTO timeshard_catalog.data_node_event (node_name, event, detail) "
							  "VALUES ($1, $2, $3)", 3, types, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not record an event of data node \"%s\"", node_name);
	ts_catalog_spi_finish(&spi);
	ereport(LOG,
			(errmsg("data node \"%s\": %s%s%s", node_name, event, detail ? ": " : "",
					detail ? detail : "")));
}

/*
 * Mark the node available or not (the "available" option of its foreign
 * server), recording why.
 */
void
ts_data_node_set_available(TsDataNode *node, bool available, const char *reason)
{
	ForeignServer *server = GetForeignServer(node->serverid);
	AlterForeignServerStmt *stmt = makeNode(AlterForeignServerStmt);
	bool		present = false;
	ListCell   *lc;

	foreach(lc, server->options)
		present |= strcmp(((DefElem *) lfirst(lc))->defname, "available") == 0;
	stmt->servername = node->name;
	stmt->options = list_make1(makeDefElemExtended(NULL, pstrdup("available"),
												   (Node *) makeString(available ? "true" : "false"),
												   present ? DEFELEM_SET : DEFELEM_ADD, -1));
	stmt->has_version = false;
	AlterForeignServer(stmt);
	CommandCounterIncrement();
	node->available = available;
	ts_data_node_event(node->name, available ? "available" : "unavailable", reason);
}

/* Did a health check of the node succeed after the given time? */
bool
ts_data_node_answered_since(const char *node_name, TimestampTz since)
{
	TsCatalogSpi spi;
	Oid			types[2] = {NAMEOID, TIMESTAMPTZOID};
	Datum		values[2];
	bool		answered = false;
	bool		isnull;

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(node_name));
	values[1] = TimestampTzGetDatum(since);
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("SELECT COALESCE(last_success > $2, false) "
							  "FROM timeshard_catalog.data_node_status WHERE node_name = $1",
							  2, types, values, NULL, true, 0) == SPI_OK_SELECT &&
		SPI_processed == 1)
		answered = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
											  &isnull));
	ts_catalog_spi_finish(&spi);
	return answered;
}

/* Is the node's last health check a success (or has it none yet)? */
bool
ts_data_node_seems_up(const char *node_name)
{
	TsCatalogSpi spi;
	Oid			types[1] = {NAMEOID};
	Datum		values[1];
	bool		up = true;
	bool		isnull;

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(node_name));
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("SELECT status <> 'down' FROM timeshard_catalog.data_node_status "
							  "WHERE node_name = $1", 1, types, values, NULL, true, 0) == SPI_OK_SELECT &&
		SPI_processed == 1)
		up = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	ts_catalog_spi_finish(&spi);
	return up;
}

/*
 * Names of the data nodes that serve: available, and up as far as the last
 * health check knows.
 */
List *
ts_data_node_serving_names(void)
{
	List	   *names = NIL;
	ListCell   *lc;

	foreach(lc, ts_data_node_list())
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);

		if (node->available && ts_data_node_seems_up(node->name))
			names = lappend(names, node->name);
	}
	return names;
}

typedef struct NodeStatus
{
	int			failures;		/* consecutive, after this check */
	double		down_for_ms;	/* since the last success (a probe that waits
								 * node_timeout spans several intervals) */
	bool		failed_over;	/* marked unavailable by the worker */
	bool		was_up;
} NodeStatus;

/* Record the probe; returns the node's status after it. */
static NodeStatus
record_probe(TsNodeProbe *probe)
{
	TsCatalogSpi spi;
	Oid			types[4] = {NAMEOID, BOOLOID, FLOAT8OID, TEXTOID};
	Datum		values[4];
	char		nulls[4] = {' ', ' ', probe->healthy ? ' ' : 'n', probe->error ? ' ' : 'n'};
	NodeStatus	status = {0, 0, false, true};
	bool		isnull;

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(probe->node->name));
	values[1] = BoolGetDatum(probe->healthy);
	values[2] = Float8GetDatum(probe->latency_ms);
	values[3] = probe->error ? CStringGetTextDatum(probe->error) : (Datum) 0;
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("SELECT status = 'up' FROM timeshard_catalog.data_node_status "
							  "WHERE node_name = $1", 1, types, values, NULL, true, 0) == SPI_OK_SELECT &&
		SPI_processed == 1)
		status.was_up = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
												   &isnull));
	if (SPI_execute_with_args(
							  "INSERT INTO timeshard_catalog.data_node_status AS s "
							  "(node_name, status, last_check, last_success, latency_ms, "
							  " consecutive_failures, last_error) "
							  "VALUES ($1, CASE WHEN $2 THEN 'up' ELSE 'down' END, clock_timestamp(), "
							  "        CASE WHEN $2 THEN clock_timestamp() END, $3, CASE WHEN $2 THEN 0 ELSE 1 END, $4) "
							  "ON CONFLICT (node_name) DO UPDATE SET "
							  " status = EXCLUDED.status, last_check = EXCLUDED.last_check, "
							  " last_success = COALESCE(EXCLUDED.last_success, s.last_success), "
							  " latency_ms = EXCLUDED.latency_ms, "
							  " consecutive_failures = CASE WHEN $2 THEN 0 ELSE s.consecutive_failures + 1 END, "
							  " last_error = COALESCE(EXCLUDED.last_error, s.last_error) "
							  "RETURNING consecutive_failures, failed_over, "
							  " COALESCE(extract(epoch FROM clock_timestamp() - last_success) * 1000, 0)::float8",
							  4, types, values, nulls, false, 0) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not record the health of data node \"%s\"", probe->node->name);
	status.failures = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
												  &isnull));
	status.failed_over = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
													&isnull));
	status.down_for_ms = probe->healthy ? 0
		: DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
	ts_catalog_spi_finish(&spi);
	return status;
}

/*
 * Record whether the worker is to bring the node back itself.  A node never
 * checked yet has no status row: one is made to say so.
 */
static void
set_failed_over(const char *node_name, bool failed_over)
{
	TsCatalogSpi spi;
	Oid			types[2] = {NAMEOID, BOOLOID};
	Datum		values[2];

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(node_name));
	values[1] = BoolGetDatum(failed_over);
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("UPDATE timeshard_catalog.data_node_status SET failed_over = $2 "
							  "WHERE node_name = $1", 2, types, values, NULL, false, 0) != SPI_OK_UPDATE ||
		(SPI_processed == 0 && failed_over &&
		 SPI_execute_with_args("INSERT INTO timeshard_catalog.data_node_status "
							   "(node_name, status, failed_over) VALUES ($1, 'unknown', $2)",
							   2, types, values, NULL, false, 0) != SPI_OK_INSERT))
		elog(ERROR, "could not record the failover of data node \"%s\"", node_name);
	ts_catalog_spi_finish(&spi);
}

/*
 * One round: probe every node, record, fail over.  The names of nodes to
 * bring back are added to *back.
 */
void
ts_failover_round(List **back)
{
	List	   *nodes = ts_data_node_list();
	ListCell   *lc;

	if (nodes == NIL)
		return;
	foreach(lc, ts_health_probe(nodes, ts_guc_node_timeout))
	{
		TsNodeProbe *probe = (TsNodeProbe *) lfirst(lc);
		TsDataNode *node = probe->node;
		NodeStatus	status = record_probe(probe);

		if (status.was_up && !probe->healthy)
			ts_data_node_event(node->name, "down", probe->error);
		else if (!status.was_up && probe->healthy)
			ts_data_node_event(node->name, "up", psprintf("answers in %.1f ms", probe->latency_ms));

		if (!ts_guc_auto_failover)
			continue;
		if (!probe->healthy && node->available &&
			(status.failures >= ts_guc_failover_threshold ||
			 status.down_for_ms >= (double) ts_guc_failover_threshold * ts_guc_health_check_interval))
		{
			/* A probe that waited node_timeout stands for the checks it spanned. */
			int			missed = Max(status.failures,
									 (int) (status.down_for_ms / Max(ts_guc_health_check_interval, 1)));

			ts_data_node_set_available(node, false,
									   psprintf("%d consecutive failed health checks (%s)",
												missed, probe->error));
			set_failed_over(node->name, true);
		}
		else if (probe->healthy && !node->available && status.failed_over)
			*back = lappend(*back, pstrdup(node->name));
	}
}

/* A change made by hand: the worker no longer brings the node back itself. */
void
ts_failover_forget(const char *node_name)
{
	set_failed_over(node_name, false);
}

/*
 * Leave the node's return to the worker, as if it had failed it over: it is
 * made available once it answers and its jobs have run (jobs/defer.c).
 */
void
ts_failover_hand_back(const char *node_name)
{
	set_failed_over(node_name, true);
}

/*
 * A node that failed over and answers again: its stale replicas were
 * refreshed (by the caller, one transaction per chunk); now it serves.
 */
void
ts_failover_bring_back(TsDataNode *node, int refreshed)
{
	int			dropped = ts_replicate_drop_orphans(node);

	ts_data_node_set_available(node, true,
							   psprintf("answers health checks again; %d stale chunk replicas refreshed, "
										"%d given-up ones dropped", refreshed, dropped));
	set_failed_over(node->name, false);
}
