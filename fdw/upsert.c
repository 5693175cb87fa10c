/*-------------------------------------------------------------------------
 * upsert.c — INSERT ... ON CONFLICT into a distributed hypertable.
 *
 * A conflict is found by a unique index, which lives on the data node that
 * holds the row (unique indexes include the partitioning columns, so both
 * rows of a conflict fall in one chunk).  Rows therefore go to their nodes
 * as batches of
 *
 *	INSERT INTO table AS table (columns) VALUES ($1, ...), (...)
 *		ON CONFLICT ... [RETURNING *]
 *
 * instead of COPY: each node decides, and every replica applies the same
 * statement.  Only each chunk's primary replica answers with RETURNING rows
 * and counts, so nothing is counted twice.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "chunk.h"
#include "data_node.h"
#include "deparse.h"
#include "remote/txn.h"
#include "upsert.h"

/* At most this many rows per statement (and 65535 parameters). */
#define UPSERT_BATCH_ROWS 1000

/* The hypertable's name in the statements when its own is "excluded". */
#define UPSERT_TARGET_ALIAS "ts_target"

typedef struct Batch
{
	char	   *node_name;
	Oid			serverid;
	bool		primary;		/* answers with RETURNING and counts */
	int			nrows;
	List	   *values;			/* char *, ncols per row */
} Batch;

struct TsUpsert
{
	MemoryContext mcxt;
	Relation	rel;
	TsHypertable *ht;
	int			ncols;
	AttrNumber *attnos;
	FmgrInfo   *out_funcs;
	char	   *columns;		/* "(c1, c2, ...)" */
	char	   *conflict;		/* "ON CONFLICT ..." */
	bool		returning;
	int			batch_rows;
	List	   *batches;		/* Batch */
	uint64		affected;
	/* RETURNING rows of the last flush, consumed before more rows are sent */
	MemoryContext returned_cxt;
	List	   *returned;		/* HeapTuple */
	int			next_returned;
	AttInMetadata *attinmeta;
};

/* Generated columns are computed by the data node. */
static bool
column_is_sent(Form_pg_attribute att)
{
	return !att->attisdropped && !att->attgenerated;
}

/* "(c1, c2, ...)": the columns the statements list. */
static char *
columns_sql(TupleDesc desc)
{
	StringInfoData cols;

	initStringInfo(&cols);
	appendStringInfoChar(&cols, '(');
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (column_is_sent(att))
			appendStringInfo(&cols, "%s%s", cols.len > 1 ? ", " : "",
							 quote_identifier(NameStr(att->attname)));
	}
	appendStringInfoChar(&cols, ')');
	return cols.data;
}

/*
 * The name the statements give the hypertable (INSERT INTO ... AS name), by
 * which the ON CONFLICT clause refers to its columns: the table's own name,
 * unless that is "excluded", the name of the proposed row.
 */
const char *
ts_upsert_target_alias(TsHypertable *ht)
{
	return strcmp(ht->table_name, "excluded") == 0 ? UPSERT_TARGET_ALIAS : ht->table_name;
}

TsUpsert *
ts_upsert_begin(Relation rel, TsHypertable *ht, const char *conflict, bool returning)
{
	MemoryContext mcxt = AllocSetContextCreate(CurrentMemoryContext, "timeshard upsert",
											   ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	TsUpsert   *u = palloc0(sizeof(TsUpsert));
	TupleDesc	desc = RelationGetDescr(rel);

	u->mcxt = mcxt;
	u->rel = rel;
	u->ht = ht;
	u->conflict = pstrdup(conflict);
	u->returning = returning;
	u->attnos = palloc(sizeof(AttrNumber) * desc->natts);
	u->out_funcs = palloc(sizeof(FmgrInfo) * desc->natts);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Oid			func;
		bool		isvarlena;

		if (!column_is_sent(att))
			continue;
		getTypeOutputInfo(att->atttypid, &func, &isvarlena);
		fmgr_info(func, &u->out_funcs[u->ncols]);
		u->attnos[u->ncols++] = att->attnum;
	}
	u->columns = columns_sql(desc);
	u->batch_rows = Max(1, Min(UPSERT_BATCH_ROWS, PG_UINT16_MAX / Max(u->ncols, 1)));
	if (returning)
	{
		u->returned_cxt = AllocSetContextCreate(mcxt, "timeshard upsert returned",
												ALLOCSET_DEFAULT_SIZES);
		u->attinmeta = TupleDescGetAttInMetadata(desc);
	}
	MemoryContextSwitchTo(old);
	return u;
}

static Batch *
batch_for(TsUpsert *u, const char *node_name, bool primary)
{
	Batch	   *batch;
	ListCell   *lc;

	foreach(lc, u->batches)
	{
		batch = (Batch *) lfirst(lc);
		if (batch->primary == primary && strcmp(batch->node_name, node_name) == 0)
			return batch;
	}
	batch = palloc0(sizeof(Batch));
	batch->node_name = pstrdup(node_name);
	batch->serverid = ts_data_node_get(node_name, false)->serverid;
	batch->primary = primary;
	u->batches = lappend(u->batches, batch);
	return batch;
}

/*
 * The statement for nrows rows of ncols values each (parameters $1, ...),
 * with RETURNING * when returning.
 */
static char *
statement_sql(TsHypertable *ht, const char *columns, int ncols, int nrows,
			  const char *conflict, bool returning)
{
	StringInfoData sql;
	int			param = 1;

	initStringInfo(&sql);
	appendStringInfo(&sql, "INSERT INTO %s.%s AS %s %s VALUES ",
					 quote_identifier(ht->schema_name), quote_identifier(ht->table_name),
					 quote_identifier(ts_upsert_target_alias(ht)), columns);
	for (int r = 0; r < nrows; r++)
	{
		appendStringInfo(&sql, "%s(", r > 0 ? ", " : "");
		for (int c = 0; c < ncols; c++)
			appendStringInfo(&sql, "%s$%d", c > 0 ? ", " : "", param++);
		appendStringInfoChar(&sql, ')');
	}
	appendStringInfo(&sql, " %s", conflict);
	if (returning)
		appendStringInfoString(&sql, " RETURNING *");
	return sql.data;
}

static char *
batch_sql(TsUpsert *u, Batch *batch)
{
	return statement_sql(u->ht, u->columns, u->ncols, batch->nrows, u->conflict,
						 batch->primary && u->returning);
}

/*
 * For EXPLAIN: the statement as it goes to the data nodes, with one row
 * standing for the batch.
 */
char *
ts_upsert_explain_sql(Relation rel, TsHypertable *ht, const char *conflict, bool returning)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			ncols = 0;

	for (int i = 0; i < desc->natts; i++)
		if (column_is_sent(TupleDescAttr(desc, i)))
			ncols++;
	return statement_sql(ht, columns_sql(desc), ncols, 1, conflict, returning);
}

/*
 * Send one round of pending batches (at most one per node: a connection
 * runs one statement at a time), then read every answer: the primaries'
 * row counts and RETURNING rows are collected.  Returns false when nothing
 * was pending.
 */
static bool
flush_round(TsUpsert *u)
{
	List	   *round = NIL;
	List	   *sqls = NIL;
	List	   *conns = NIL;
	ListCell   *lc;
	ListCell   *lc2;
	ListCell   *lc3;
	TsRemoteError first_err;
	bool		failed = false;

	foreach(lc, u->batches)
	{
		Batch	   *batch = (Batch *) lfirst(lc);
		bool		busy = false;

		foreach(lc2, round)
			busy |= ((Batch *) lfirst(lc2))->serverid == batch->serverid;
		if (batch->nrows > 0 && !busy)
			round = lappend(round, batch);
	}
	if (round == NIL)
		return false;

	foreach(lc, round)
	{
		Batch	   *batch = (Batch *) lfirst(lc);
		TsConnection *conn = ts_remote_txn_connection(batch->serverid, GetUserId(), true);
		const char **values = palloc(sizeof(char *) * list_length(batch->values));
		char	   *sql = batch_sql(u, batch);
		TsRemoteError err;
		int			i = 0;

		foreach(lc2, batch->values)
			values[i++] = (const char *) lfirst(lc2);
		conns = lappend(conns, conn);
		sqls = lappend(sqls, sql);
		if (!failed && !ts_conn_send(conn, sql, i, values, &err))
		{
			first_err = err;
			failed = true;
		}
	}
	forthree(lc, round, lc2, conns, lc3, sqls)
	{
		Batch	   *batch = (Batch *) lfirst(lc);
		TsRemoteError err;
		PGresult   *res = NULL;

		if (!failed || ((TsConnection *) lfirst(lc2))->busy)
			res = ts_conn_get_result((TsConnection *) lfirst(lc2), TS_NO_DEADLINE,
									 (char *) lfirst(lc3), &err);
		batch->nrows = 0;
		list_free_deep(batch->values);
		batch->values = NIL;
		if (res == NULL)
		{
			if (!failed)
			{
				first_err = err;
				failed = true;
			}
			continue;
		}
		if (batch->primary && !failed)
		{
			u->affected += strtoull(PQcmdTuples(res), NULL, 10);
			for (int r = 0; u->returning && r < PQntuples(res); r++)
			{
				TupleDesc	desc = RelationGetDescr(u->rel);
				char	  **row = palloc0(sizeof(char *) * desc->natts);
				MemoryContext cur;
				int			col = 0;

				/* RETURNING * lists the node's columns: ours without the dropped. */
				for (int a = 0; a < desc->natts; a++)
				{
					if (TupleDescAttr(desc, a)->attisdropped)
						continue;
					row[a] = PQgetisnull(res, r, col) ? NULL : PQgetvalue(res, r, col);
					col++;
				}
				cur = MemoryContextSwitchTo(u->returned_cxt);
				u->returned = lappend(u->returned, BuildTupleFromCStrings(u->attinmeta, row));
				MemoryContextSwitchTo(cur);
				pfree(row);
			}
		}
		PQclear(res);
	}
	if (failed)
		ts_remote_error_report(&first_err, ERROR);
	return true;
}

/* Send every pending batch and read the answers. */
void
ts_upsert_flush(TsUpsert *u)
{
	MemoryContext old = MemoryContextSwitchTo(u->mcxt);

	while (flush_round(u))
		;
	MemoryContextSwitchTo(old);
}

static void
add_row(TsUpsert *u, Batch *batch, char **values)
{
	for (int c = 0; c < u->ncols; c++)
		batch->values = lappend(batch->values, values[c] ? pstrdup(values[c]) : NULL);
	batch->nrows++;
}

/* Queue the row for its chunk's replicas; full batches are sent. */
void
ts_upsert_row(TsUpsert *u, TsChunk *chunk, TupleTableSlot *slot)
{
	MemoryContext old = MemoryContextSwitchTo(u->mcxt);
	char	  **values = palloc(sizeof(char *) * u->ncols);
	bool		full = false;
	ListCell   *lc;

	slot_getallattrs(slot);
	for (int c = 0; c < u->ncols; c++)
	{
		int			att = u->attnos[c] - 1;

		values[c] = slot->tts_isnull[att] ? NULL
			: ts_value_for_node(&u->out_funcs[c], slot->tts_values[att]);
	}
	foreach(lc, ts_chunk_writable_replicas(u->ht, chunk))
	{
		Batch	   *batch = batch_for(u, (char *) lfirst(lc), foreach_current_index(lc) == 0);

		add_row(u, batch, values);
		full |= batch->nrows >= u->batch_rows;
	}
	for (int c = 0; c < u->ncols; c++)
		if (values[c])
			pfree(values[c]);
	pfree(values);
	MemoryContextSwitchTo(old);
	if (full)
		ts_upsert_flush(u);
}

uint64
ts_upsert_affected(TsUpsert *u)
{
	return u->affected;
}

/* The next row the nodes returned, into slot (of the root's row type). */
bool
ts_upsert_next_returned(TsUpsert *u, TupleTableSlot *slot)
{
	if (u->next_returned >= list_length(u->returned))
	{
		/* All consumed: free them before the next flush brings more. */
		if (u->returned != NIL)
		{
			u->returned = NIL;
			u->next_returned = 0;
			MemoryContextReset(u->returned_cxt);
		}
		return false;
	}
	ExecForceStoreHeapTuple(list_nth(u->returned, u->next_returned++), slot, false);
	return true;
}

void
ts_upsert_end(TsUpsert *u)
{
	ts_upsert_flush(u);
}
