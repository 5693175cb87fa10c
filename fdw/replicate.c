/*-------------------------------------------------------------------------
 * replicate.c — copying chunks between data nodes: refreshing stale
 * replicas, re-replicating chunks that lack replicas, copy_chunk() and
 * move_chunk().
 *
 * A copy runs inside the current (distributed) transaction: the chunk is
 * (re)created on the destination from the hypertable's definition, and its
 * rows stream from the source's COPY TO into the destination's COPY FROM
 * through the access node, one buffer at a time (bounded memory).  Writes
 * to the hypertable wait meanwhile (an EXCLUSIVE lock on it here, which
 * every INSERT, COPY, UPDATE and DELETE conflicts with; reads go on), so
 * the copy is exact; the catalog records the new replica in the same
 * transaction, and two-phase commit makes it all or nothing.
 *
 * A replica is stale when a write to its chunk went on without it (its
 * node was unavailable): it is no longer read, and is refreshed when its
 * node is back (failover.c) — or, when that takes longer than
 * timeshard.rereplicate_after, the chunk is copied to another node that
 * lacks it and the stale replica is given up.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/wait_event.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "catalog/catalog_spi.h"
#include "chunk.h"
#include "data_node.h"
#include "guc.h"
#include "membership.h"
#include "remote/txn.h"
#include "replicate.h"
#include "string_list.h"

static void
remote_ok(TsConnection *conn, const char *sql)
{
	TsRemoteError err;

	if (!ts_conn_exec_ok(conn, sql, TS_NO_DEADLINE, &err))
		ts_remote_error_report(&err, ERROR);
}

static void
wait_socket(TsConnection *conn, int events)
{
	TsRemoteError err;

	if (!ts_conn_wait(conn, events, &err))
		ts_remote_error_report(&err, ERROR);
}

static void
copy_failed(TsConnection *conn, const char *sql)
{
	TsRemoteError err;

	ts_remote_error_from_conn(&err, conn->node_name, conn->pg, sql);
	ts_remote_error_report(&err, ERROR);
}

/* Start a COPY on the connection; expect the given state. */
static void
start_copy(TsConnection *conn, const char *sql, ExecStatusType expected)
{
	TsRemoteError err;
	PGresult   *res;

	if (!ts_conn_send(conn, sql, 0, NULL, &err))
		ts_remote_error_report(&err, ERROR);
	res = ts_conn_get_result(conn, TS_NO_DEADLINE, sql, &err);
	if (res == NULL)
		ts_remote_error_report(&err, ERROR);
	if (PQresultStatus(res) != expected)
	{
		PQclear(res);
		elog(ERROR, "[%s]: unexpected answer to %s", conn->node_name, sql);
	}
	PQclear(res);
	conn->busy = true;
}

/* Read the end of a COPY. */
static void
end_copy(TsConnection *conn, const char *sql)
{
	TsRemoteError err;
	PGresult   *res = ts_conn_get_result(conn, TS_NO_DEADLINE, sql, &err);

	if (res == NULL)
		ts_remote_error_report(&err, ERROR);
	PQclear(res);
}

/* Stream the chunk's rows from src to dst; returns the number of rows. */
static uint64
stream_rows(const char *name, TsConnection *src, TsConnection *dst)
{
	char	   *out_sql = psprintf("COPY %s TO STDOUT", name);
	char	   *in_sql = psprintf("COPY %s FROM STDIN", name);
	uint64		rows = 0;

	start_copy(src, out_sql, PGRES_COPY_OUT);
	start_copy(dst, in_sql, PGRES_COPY_IN);
	for (;;)
	{
		char	   *buf = NULL;
		int			len = PQgetCopyData(src->pg, &buf, 1);
		int			rc;

		if (len == 0)
		{
			wait_socket(src, WL_SOCKET_READABLE);
			if (!PQconsumeInput(src->pg))
				copy_failed(src, out_sql);
			continue;
		}
		if (len == -1)
			break;
		if (len < 0)
			copy_failed(src, out_sql);
		while ((rc = PQputCopyData(dst->pg, buf, len)) == 0)
			wait_socket(dst, WL_SOCKET_WRITEABLE);
		PQfreemem(buf);
		if (rc < 0)
			copy_failed(dst, in_sql);
		while ((rc = PQflush(dst->pg)) == 1)
		{
			wait_socket(dst, WL_SOCKET_WRITEABLE | WL_SOCKET_READABLE);
			if (!PQconsumeInput(dst->pg))
				copy_failed(dst, in_sql);
		}
		if (rc < 0)
			copy_failed(dst, in_sql);
		rows++;
	}
	end_copy(src, out_sql);
	while (PQputCopyEnd(dst->pg, NULL) == 0)
		wait_socket(dst, WL_SOCKET_WRITEABLE);
	end_copy(dst, in_sql);
	return rows;
}

static void
catalog_exec(const char *sql, int nargs, Oid *types, Datum *values, int expected)
{
	TsCatalogSpi spi;

	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0) != expected)
		elog(ERROR, "catalog statement failed: %s", sql);
	ts_catalog_spi_finish(&spi);
}

/*
 * Copy the chunk from src to dst (replacing what dst has of it) and record
 * dst as an up-to-date replica.
 */
static void
copy_chunk_to(TsHypertable *ht, TsChunk *chunk, TsDataNode *src, TsDataNode *dst)
{
	char	   *name = psprintf("%s.%s", quote_identifier(chunk->schema_name),
								quote_identifier(chunk->table_name));
	TsConnection *sconn;
	TsConnection *dconn;
	Oid			types[2] = {INT4OID, NAMEOID};
	Datum		values[2];
	uint64		rows;

	/* Writers of the hypertable wait until the copy is committed. */
	LockRelationOid(ht->relid, ExclusiveLock);
	sconn = ts_remote_txn_connection(src->serverid, GetUserId(), false);
	dconn = ts_remote_txn_connection(dst->serverid, GetUserId(), true);
	remote_ok(dconn, psprintf("SELECT timeshard_internal.drop_chunk(%s, %s)",
							  quote_literal_cstr(chunk->schema_name),
							  quote_literal_cstr(chunk->table_name)));
	remote_ok(dconn, ts_chunk_remote_create_sql(ht, chunk));
	rows = stream_rows(name, sconn, dconn);

	values[0] = Int32GetDatum(chunk->id);
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(dst->name));
	catalog_exec("INSERT INTO timeshard_catalog.chunk_data_node (chunk_id, node_name) VALUES ($1, $2) "
				 "ON CONFLICT (chunk_id, node_name) DO UPDATE SET stale = false, stale_since = NULL",
				 2, types, values, SPI_OK_INSERT);
	CacheInvalidateRelcacheByRelid(ht->relid);
	ereport(LOG,
			(errmsg("chunk \"%s\" copied from data node \"%s\" to \"%s\" (" UINT64_FORMAT " rows)",
					name, src->name, dst->name, rows)));
}

/* An available, up-to-date replica of the chunk other than not_this. */
static TsDataNode *
good_source(TsChunk *chunk, const char *not_this)
{
	ListCell   *lc;

	foreach(lc, chunk->data_nodes)
	{
		TsDataNode *node = ts_data_node_get((char *) lfirst(lc), true);

		if (node != NULL && node->available && strcmp(node->name, not_this) != 0)
			return node;
	}
	return NULL;
}

/* The chunk and its hypertable, by id (NULL if gone). */
static TsChunk *
chunk_by_id(int32 id, TsHypertable **ht_out)
{
	ListCell   *lc;

	foreach(lc, ts_hypertable_list())
	{
		TsHypertable *ht = ts_hypertable_get(lfirst_oid(lc));
		ListCell   *lc2;

		if (ht == NULL)
			continue;
		foreach(lc2, ts_hypertable_load_chunks(ht, true))
		{
			TsChunk    *chunk = (TsChunk *) lfirst(lc2);

			if (chunk->id == id)
			{
				*ht_out = ht;
				return chunk;
			}
		}
	}
	return NULL;
}

/*
 * The chunk ids (first column) a catalog query returns, in order; what
 * names the query in its error.
 */
static List *
catalog_chunk_ids(const char *sql, int nargs, Oid *types, Datum *values, const char *what)
{
	TsCatalogSpi spi;
	List	   *ids = NIL;

	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args(sql, nargs, types, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read %s", what);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		ids = lappend_int(ids, DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
														   SPI_tuptable->tupdesc, 1, &isnull)));
	}
	ts_catalog_spi_finish(&spi);
	return ids;
}

/*
 * Refresh one stale replica on the node from an up-to-date one; false when
 * the node has none (left).  Run in a transaction of its own each.
 */
bool
ts_replicate_refresh_one(TsDataNode *node)
{
	Oid			types[1] = {NAMEOID};
	Datum		values[1];
	List	   *ids;
	ListCell   *lc;

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(node->name));
	ids = catalog_chunk_ids("SELECT chunk_id FROM timeshard_catalog.chunk_data_node "
							"WHERE node_name = $1 AND stale ORDER BY chunk_id",
							1, types, values,
							psprintf("the stale replicas of data node \"%s\"", node->name));

	foreach(lc, ids)
	{
		TsHypertable *ht;
		TsChunk    *chunk = chunk_by_id(lfirst_int(lc), &ht);
		TsDataNode *src;

		if (chunk == NULL || (src = good_source(chunk, node->name)) == NULL)
			continue;
		copy_chunk_to(ht, chunk, src, node);
		return true;
	}
	return false;
}

/*
 * Chunks with fewer up-to-date replicas on available nodes than their
 * hypertable's replication factor, for longer than rereplicate_after: copy
 * one to an available node that lacks it (the first by name) and give up
 * its replicas that are stale or on unavailable nodes beyond the factor.  Returns whether one was copied; called in a
 * transaction of its own each.
 */
bool
ts_replicate_one_lacking(void)
{
	List	   *ids;
	ListCell   *lc;
	Datum		values[1];
	Oid			types[1] = {INT4OID};

	if (ts_guc_rereplicate_after < 0)
		return false;
	values[0] = Int32GetDatum(ts_guc_rereplicate_after);
	ids = catalog_chunk_ids("SELECT c.id FROM timeshard_catalog.chunk c "
							"JOIN timeshard_catalog.hypertable h ON h.id = c.hypertable_id "
							"WHERE h.replication_factor > 1 AND "
							"(SELECT count(*) FROM timeshard_catalog.chunk_data_node d "
							"  JOIN timeshard_information.data_nodes n ON n.node_name = d.node_name "
							"  WHERE d.chunk_id = c.id AND NOT d.stale AND n.available) < h.replication_factor "
							"AND COALESCE((SELECT min(COALESCE(d.stale_since, s.last_success, s.last_check)) "
							"  FROM timeshard_catalog.chunk_data_node d "
							"  JOIN timeshard_information.data_nodes n ON n.node_name = d.node_name "
							"  LEFT JOIN timeshard_catalog.data_node_status s ON s.node_name = d.node_name "
							"  WHERE d.chunk_id = c.id AND (d.stale OR NOT n.available)), c.creation_time) "
							"  < now() - make_interval(secs => $1 / 1000.0) "
							"ORDER BY c.id",
							1, types, values, "the chunks lacking replicas");

	foreach(lc, ids)
	{
		TsHypertable *ht;
		TsChunk    *chunk = chunk_by_id(lfirst_int(lc), &ht);
		TsDataNode *src;
		TsDataNode *dst = NULL;
		ListCell   *lc2;

		if (chunk == NULL || (src = good_source(chunk, "")) == NULL)
			continue;
		/* The first available attached node that holds no replica, stale or not. */
		foreach(lc2, ht->nodes)
		{
			TsDataNode *node = ts_data_node_get(((TsHypertableNode *) lfirst(lc2))->name, true);

			if (node == NULL || !node->available ||
				ts_string_list_member(chunk->data_nodes, node->name) ||
				ts_string_list_member(chunk->stale_nodes, node->name))
				continue;
			dst = node;
			break;
		}
		if (dst == NULL)
			continue;
		copy_chunk_to(ht, chunk, src, dst);
		/* The replicas it replaces leave the catalog (their node drops them when back). */
		{
			Oid			t2[1] = {INT4OID};
			Datum		v2[1];

			v2[0] = Int32GetDatum(chunk->id);
			catalog_exec("DELETE FROM timeshard_catalog.chunk_data_node d "
						 "USING timeshard_information.data_nodes n "
						 "WHERE d.chunk_id = $1 AND n.node_name = d.node_name AND (d.stale OR NOT n.available)",
						 1, t2, v2, SPI_OK_DELETE);
			ts_chunk_fix_primary(ht, chunk->id);
		}
		return true;
	}
	return false;
}

static TsChunk *
chunk_of(Oid relid, TsHypertable **ht_out)
{
	Oid			nsp = get_rel_namespace(relid);
	char	   *schema = nsp ? get_namespace_name(nsp) : NULL;
	char	   *table = get_rel_name(relid);
	ListCell   *lc;

	ts_check_relation_exists(relid);

	if (schema != NULL && table != NULL)
		foreach(lc, ts_hypertable_list())
		{
			TsHypertable *ht = ts_hypertable_get(lfirst_oid(lc));
			ListCell   *lc2;

			if (ht == NULL)
				continue;
			foreach(lc2, ts_hypertable_load_chunks(ht, true))
			{
				TsChunk    *chunk = (TsChunk *) lfirst(lc2);

				if (strcmp(chunk->schema_name, schema) == 0 && strcmp(chunk->table_name, table) == 0)
				{
					*ht_out = ht;
					return chunk;
				}
			}
		}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("\"%s\" is not a valid remote chunk", table ? table : "?"),
			 errhint("Pass a chunk of a distributed hypertable (see timeshard_information.chunks).")));
	return NULL;
}

static void
check_copy_args(FunctionCallInfo fcinfo, TsHypertable **ht, TsChunk **chunk, TsDataNode **src,
				TsDataNode **dst)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid source or destination node"),
				 errhint("Give the chunk, the source node and the destination node.")));
	*chunk = chunk_of(PG_GETARG_OID(0), ht);
	*src = ts_data_node_get(NameStr(*PG_GETARG_NAME(1)), false);
	*dst = ts_data_node_get(NameStr(*PG_GETARG_NAME(2)), false);
	if (!superuser() && !has_rolreplication(GetUserId()) &&
		!has_privs_of_role(GetUserId(), ts_rel_owner((*ht)->relid)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be superuser, replication role, or hypertable owner to copy/move chunk to data node"),
				 errhint("Ask the owner of hypertable \"%s\".", (*ht)->table_name)));
	if (strcmp((*src)->name, (*dst)->name) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source and destination data node match"),
				 errhint("Choose another destination node.")));
	if (!ts_string_list_member((*chunk)->data_nodes, (*src)->name))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("chunk \"%s\" does not exist on source data node \"%s\"",
						(*chunk)->table_name, (*src)->name),
				 errhint("The chunk's up-to-date replicas are in timeshard_information.chunks.")));
	if (ts_string_list_member((*chunk)->data_nodes, (*dst)->name))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("chunk \"%s\" already exists on destination data node \"%s\"",
						(*chunk)->table_name, (*dst)->name),
				 errhint("Choose a node that does not hold the chunk.")));
	if (!(*src)->available || !(*dst)->available)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_EXCEPTION),
				 errmsg("data node \"%s\" is not available",
						!(*src)->available ? (*src)->name : (*dst)->name),
				 errhint("Bring it back or choose another node.")));
}

PG_FUNCTION_INFO_V1(ts_copy_chunk);
PG_FUNCTION_INFO_V1(ts_move_chunk);

/* copy_chunk(chunk regclass, source_node name, destination_node name) */
Datum
ts_copy_chunk(PG_FUNCTION_ARGS)
{
	TsHypertable *ht;
	TsChunk    *chunk;
	TsDataNode *src;
	TsDataNode *dst;

	check_copy_args(fcinfo, &ht, &chunk, &src, &dst);
	copy_chunk_to(ht, chunk, src, dst);
	PG_RETURN_VOID();
}

/* move_chunk(...): copy, then the source replica goes. */
Datum
ts_move_chunk(PG_FUNCTION_ARGS)
{
	TsHypertable *ht;
	TsChunk    *chunk;
	TsDataNode *src;
	TsDataNode *dst;
	TsConnection *conn;
	Oid			types[2] = {INT4OID, NAMEOID};
	Datum		values[2];

	check_copy_args(fcinfo, &ht, &chunk, &src, &dst);
	copy_chunk_to(ht, chunk, src, dst);
	conn = ts_remote_txn_connection(src->serverid, GetUserId(), true);
	remote_ok(conn, psprintf("SELECT timeshard_internal.drop_chunk(%s, %s)",
							 quote_literal_cstr(chunk->schema_name),
							 quote_literal_cstr(chunk->table_name)));
	values[0] = Int32GetDatum(chunk->id);
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(src->name));
	catalog_exec("DELETE FROM timeshard_catalog.chunk_data_node WHERE chunk_id = $1 AND node_name = $2",
				 2, types, values, SPI_OK_DELETE);
	ts_chunk_fix_primary(ht, chunk->id);
	PG_RETURN_VOID();
}

/*
 * Drop the chunk tables the node holds that the catalog no longer gives it
 * (replicas given up while it was away).  Returns how many.
 */
int
ts_replicate_drop_orphans(TsDataNode *node)
{
	TsConnection *conn = ts_remote_txn_connection(node->serverid, GetUserId(), true);
	int			dropped = 0;
	ListCell   *lc;

	foreach(lc, ts_hypertable_list())
	{
		TsHypertable *ht = ts_hypertable_get(lfirst_oid(lc));
		List	   *ours = NIL;
		const char *params[1];
		TsRemoteError err;
		PGresult   *res;
		bool		attached = false;
		ListCell   *lc2;

		if (ht == NULL || ht->replication_factor <= 0)
			continue;
		foreach(lc2, ht->nodes)
			attached |= strcmp(((TsHypertableNode *) lfirst(lc2))->name, node->name) == 0;
		if (!attached)
			continue;
		foreach(lc2, ts_hypertable_load_chunks(ht, true))
		{
			TsChunk    *chunk = (TsChunk *) lfirst(lc2);

			if (ts_string_list_member(chunk->data_nodes, node->name) ||
				ts_string_list_member(chunk->stale_nodes, node->name))
				ours = lappend(ours, psprintf("%s.%s", chunk->schema_name, chunk->table_name));
		}
		params[0] = psprintf("%s.%s", quote_identifier(ht->schema_name),
							 quote_identifier(ht->table_name));
		res = ts_conn_exec(conn,
						   "SELECT n.nspname, c.relname FROM pg_catalog.pg_partition_tree($1::pg_catalog.regclass) t "
						   "JOIN pg_catalog.pg_class c ON c.oid = t.relid "
						   "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf",
						   1, params, TS_NO_DEADLINE, &err);
		if (res == NULL)
			ts_remote_error_report(&err, ERROR);
		for (int i = 0; i < PQntuples(res); i++)
		{
			char	   *schema = PQgetvalue(res, i, 0);
			char	   *table = PQgetvalue(res, i, 1);

			if (ts_string_list_member(ours, psprintf("%s.%s", schema, table)))
				continue;
			remote_ok(conn, psprintf("SELECT timeshard_internal.drop_chunk(%s, %s)",
									 quote_literal_cstr(schema), quote_literal_cstr(table)));
			dropped++;
			ereport(LOG,
					(errmsg("dropped chunk table %s.%s on data node \"%s\": no longer one of its replicas",
							schema, table, node->name)));
		}
		PQclear(res);
	}
	return dropped;
}
