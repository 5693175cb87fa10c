/*-------------------------------------------------------------------------
 * sizes.c — how big a hypertable is: hypertable_size,
 * hypertable_detailed_size, chunks_detailed_size, approximate_row_count.
 *
 * A distributed hypertable's rows are on its data nodes: each node is asked
 * (all at once) for the sizes of its member hypertable, and answers with one
 * row.  Replicas count where they are: the detailed functions show one row
 * per node, the totals add them up.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "chunk.h"

#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "catalog/hypertable.h"
#include "data_node.h"
#include "remote/txn.h"

PG_FUNCTION_INFO_V1(hypertable_detailed_size);
PG_FUNCTION_INFO_V1(hypertable_size);
PG_FUNCTION_INFO_V1(chunks_detailed_size);
PG_FUNCTION_INFO_V1(approximate_row_count);

/* Sizes of a relation and its inheritance/partition tree, here. */
#define LOCAL_SIZES_SQL \
	"SELECT COALESCE(sum(pg_catalog.pg_relation_size(r)), 0)::bigint, " \
	"COALESCE(sum(pg_catalog.pg_indexes_size(r)), 0)::bigint, " \
	"COALESCE(sum(CASE WHEN c.reltoastrelid <> 0 THEN " \
	"  pg_catalog.pg_total_relation_size(c.reltoastrelid) END), 0)::bigint, " \
	"COALESCE(sum(pg_catalog.pg_total_relation_size(r)), 0)::bigint " \
	"FROM (SELECT $1::pg_catalog.regclass AS r UNION " \
	"      SELECT inhrelid FROM pg_catalog.pg_inherits WHERE inhparent = $1) t " \
	"JOIN pg_catalog.pg_class c ON c.oid = t.r"

/*
 * The rows the statistics know of in a relation and its inheritance or
 * partition tree, here: the row counts of the relations that hold rows (a
 * partitioned table's own count is the sum of its partitions'; a relation
 * never analyzed counts for nothing).  For a local hypertable, the chunks
 * (its children, analyzed with it: see utility.c); for a member hypertable
 * on a data node, its leaf partitions.
 */
#define LOCAL_ROWS_SQL \
	"WITH RECURSIVE tree(r) AS (SELECT $1::pg_catalog.oid UNION " \
	"  SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree ON i.inhparent = tree.r) " \
	"SELECT COALESCE(sum(GREATEST(c.reltuples, 0)), 0)::bigint " \
	"FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.r " \
	"WHERE c.relkind <> " CppAsString2(RELKIND_PARTITIONED_TABLE)

static TsHypertable *
hypertable_arg(FunctionCallInfo fcinfo)
{
	TsHypertable *ht;

	if (PG_ARGISNULL(0))
		return NULL;
	ts_check_relation_exists(PG_GETARG_OID(0));
	ht = ts_hypertable_get(PG_GETARG_OID(0));
	if (ht == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("\"%s\" is not a hypertable",
						get_rel_name(PG_GETARG_OID(0)) ? get_rel_name(PG_GETARG_OID(0)) : "?")));
	return ht;
}

static char *
qualified(TsHypertable *ht)
{
	return psprintf("%s.%s", quote_identifier(ht->schema_name), quote_identifier(ht->table_name));
}

/*
 * Run sql on every data node of the hypertable at once (in the distributed
 * transaction, read-only) and call emit for each row of each answer.
 */
static void
ask_nodes(TsHypertable *ht, const char *sql, int nparams, const char *const *params,
		  void (*emit) (const char *node, PGresult *res, int row, void *arg), void *arg)
{
	List	   *nodes = NIL;
	List	   *conns = NIL;
	ListCell   *lc;
	ListCell   *lc2;
	TsRemoteError first_err;
	bool		failed = false;

	foreach(lc, ht->nodes)
	{
		TsDataNode *node = ts_data_node_get(((TsHypertableNode *) lfirst(lc))->name, false);
		TsConnection *conn = ts_remote_txn_connection(node->serverid, GetUserId(), false);
		TsRemoteError err;

		if (!failed && !ts_conn_send(conn, sql, nparams, params, &err))
		{
			first_err = err;
			failed = true;
		}
		nodes = lappend(nodes, node);
		conns = lappend(conns, conn);
	}
	forboth(lc, nodes, lc2, conns)
	{
		TsConnection *conn = (TsConnection *) lfirst(lc2);
		TsRemoteError err;
		PGresult   *res;

		if (!conn->busy)
			continue;
		res = ts_conn_get_result(conn, TS_NO_DEADLINE, sql, &err);
		if (res == NULL)
		{
			if (!failed)
			{
				first_err = err;
				failed = true;
			}
			continue;
		}
		for (int r = 0; !failed && r < PQntuples(res); r++)
			emit(((TsDataNode *) lfirst(lc))->name, res, r, arg);
		PQclear(res);
	}
	if (failed)
		ts_remote_error_report(&first_err, ERROR);
}

typedef struct SizeRows
{
	Tuplestorestate *store;
	TupleDesc	desc;
	int			first;			/* column of the first size in the answer */
	int			nsizes;
	int			nnames;			/* leading name columns (chunks) */
} SizeRows;

static void
emit_size_row(const char *node, PGresult *res, int row, void *arg)
{
	SizeRows   *rows = (SizeRows *) arg;
	Datum		values[8];
	bool		nulls[8] = {false};
	NameData	names[3];
	int			col = 0;

	for (int i = 0; i < rows->nnames; i++, col++)
	{
		namestrcpy(&names[i], PQgetvalue(res, row, i));
		values[col] = NameGetDatum(&names[i]);
	}
	for (int i = 0; i < rows->nsizes; i++, col++)
		values[col] = Int64GetDatum(strtoll(PQgetvalue(res, row, rows->first + i), NULL, 10));
	namestrcpy(&names[2], node);
	values[col] = NameGetDatum(&names[2]);
	tuplestore_putvalues(rows->store, rows->desc, values, nulls);
}

/* A set-returning function's output, materialized. */
static SizeRows
start_rows(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SizeRows	rows;

	InitMaterializedSRF(fcinfo, 0);
	rows.store = rsinfo->setResult;
	rows.desc = rsinfo->setDesc;
	return rows;
}

/* The sizes of the hypertable here: its root and its local chunks. */
static void
local_sizes(Oid relid, int64 *sizes)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	SPI_connect();
	if (SPI_execute_with_args(LOCAL_SIZES_SQL, 1, types, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not compute the size of relation %u", relid);
	for (int i = 0; i < 4; i++)
	{
		bool		isnull;

		sizes[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
											   i + 1, &isnull));
	}
	SPI_finish();
}

/*
 * hypertable_detailed_size(hypertable) returns (table_bytes, index_bytes,
 * toast_bytes, total_bytes, node_name): the access node's own row (node_name
 * NULL), then one row per data node.
 */
Datum
hypertable_detailed_size(PG_FUNCTION_ARGS)
{
	TsHypertable *ht = hypertable_arg(fcinfo);
	SizeRows	rows = start_rows(fcinfo);
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, true};
	int64		sizes[4];

	if (ht == NULL)
		PG_RETURN_NULL();
	local_sizes(ht->relid, sizes);
	for (int i = 0; i < 4; i++)
		values[i] = Int64GetDatum(sizes[i]);
	tuplestore_putvalues(rows.store, rows.desc, values, nulls);
	if (ht->replication_factor > 0)
	{
		const char *params[1] = {qualified(ht)};

		rows.first = 0;
		rows.nsizes = 4;
		rows.nnames = 0;
		ask_nodes(ht, "SELECT * FROM timeshard_internal.member_size($1::pg_catalog.regclass)",
				  1, params, emit_size_row, &rows);
	}
	PG_RETURN_NULL();
}

typedef struct Total
{
	int64		bytes;
} Total;

static void
add_total(const char *node, PGresult *res, int row, void *arg)
{
	((Total *) arg)->bytes += strtoll(PQgetvalue(res, row, 3), NULL, 10);
}

/* hypertable_size(hypertable): the total bytes, on every node. */
Datum
hypertable_size(PG_FUNCTION_ARGS)
{
	TsHypertable *ht = hypertable_arg(fcinfo);
	int64		sizes[4];
	Total		total;

	if (ht == NULL)
		PG_RETURN_NULL();
	local_sizes(ht->relid, sizes);
	total.bytes = sizes[3];
	if (ht->replication_factor > 0)
	{
		const char *params[1] = {qualified(ht)};

		ask_nodes(ht, "SELECT * FROM timeshard_internal.member_size($1::pg_catalog.regclass)",
				  1, params, add_total, &total);
	}
	PG_RETURN_INT64(total.bytes);
}

/*
 * chunks_detailed_size(hypertable) returns (chunk_schema, chunk_name,
 * table_bytes, index_bytes, toast_bytes, total_bytes, node_name): one row
 * per replica of each chunk.
 */
Datum
chunks_detailed_size(PG_FUNCTION_ARGS)
{
	TsHypertable *ht = hypertable_arg(fcinfo);
	SizeRows	rows = start_rows(fcinfo);

	if (ht == NULL)
		PG_RETURN_NULL();
	if (ht->replication_factor > 0)
	{
		const char *params[1] = {qualified(ht)};

		rows.first = 2;
		rows.nsizes = 4;
		rows.nnames = 2;
		ask_nodes(ht, "SELECT * FROM timeshard_internal.member_chunk_sizes($1::pg_catalog.regclass)",
				  1, params, emit_size_row, &rows);
	}
	else
	{
		ListCell   *lc;

		foreach(lc, ts_hypertable_load_chunks(ht, false))
		{
			TsChunk    *chunk = (TsChunk *) lfirst(lc);
			Oid			relid = DatumGetObjectId(DirectFunctionCall1(to_regclass,
																	 CStringGetTextDatum(psprintf("%s.%s",
																								  quote_identifier(chunk->schema_name),
																								  quote_identifier(chunk->table_name)))));
			Datum		values[7];
			bool		nulls[7] = {false, false, false, false, false, false, true};
			NameData	schema;
			NameData	table;
			int64		sizes[4];

			if (!OidIsValid(relid))
				continue;
			local_sizes(relid, sizes);
			namestrcpy(&schema, chunk->schema_name);
			namestrcpy(&table, chunk->table_name);
			values[0] = NameGetDatum(&schema);
			values[1] = NameGetDatum(&table);
			for (int i = 0; i < 4; i++)
				values[2 + i] = Int64GetDatum(sizes[i]);
			tuplestore_putvalues(rows.store, rows.desc, values, nulls);
		}
	}
	PG_RETURN_NULL();
}

typedef struct RowEstimate
{
	int64		rows;
	List	   *seen;			/* chunks counted already: "schema.name" */
} RowEstimate;

/* Each chunk counts once, whichever replica answers first. */
static void
add_rows(const char *node, PGresult *res, int row, void *arg)
{
	RowEstimate *est = (RowEstimate *) arg;
	char	   *chunk = psprintf("%s.%s", PQgetvalue(res, row, 0), PQgetvalue(res, row, 1));
	ListCell   *lc;

	foreach(lc, est->seen)
	{
		if (strcmp((char *) lfirst(lc), chunk) == 0)
			return;
	}
	est->seen = lappend(est->seen, chunk);
	est->rows += strtoll(PQgetvalue(res, row, 2), NULL, 10);
}

/*
 * approximate_row_count(relation): the rows the statistics know of.  For a
 * distributed hypertable, each chunk counts once, on its primary replica;
 * for anything else, the relations of its tree that hold rows, here.
 */
Datum
approximate_row_count(PG_FUNCTION_ARGS)
{
	TsHypertable *ht;
	Total		total = {0};
	RowEstimate est = {0, NIL};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	ht = ts_hypertable_get(PG_GETARG_OID(0));
	if (ht == NULL || ht->replication_factor <= 0)
	{
		Oid			types[1] = {OIDOID};
		Datum		values[1] = {PG_GETARG_DATUM(0)};
		bool		isnull;

		SPI_connect();
		if (SPI_execute_with_args(LOCAL_ROWS_SQL, 1, types, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not estimate the rows of relation %u", DatumGetObjectId(values[0]));
		total.bytes = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		SPI_finish();
		PG_RETURN_INT64(total.bytes);
	}
	{
		const char *params[1] = {qualified(ht)};

		ask_nodes(ht, "SELECT * FROM timeshard_internal.member_row_estimate($1::pg_catalog.regclass)",
				  1, params, add_rows, &est);
	}
	PG_RETURN_INT64(est.rows);
}
