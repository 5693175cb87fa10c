/*-------------------------------------------------------------------------
 * scan.c — the FDW's scan of one chunk: a foreign table on the access node
 * read from one of its replicas.
 *
 * The chunk is read from the foreign table's server (its primary replica),
 * or, when that node is unavailable, from the first available replica in the
 * catalog.  Rows come through a cursor inside the distributed transaction,
 * fetched in batches, so memory stays bounded whatever the chunk's size.
 * Conditions are evaluated on the access node.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/spi.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "chunk.h"
#include "data_node.h"
#include "remote/txn.h"
#include "scan.h"

/* Rows fetched from a cursor at a time. */
#define FETCH_ROWS 10000

/* Row estimate for a chunk that was never analyzed. */
#define DEFAULT_CHUNK_ROWS 1000.0

typedef struct ChunkScanState
{
	char	   *sql;			/* SELECT of the chunk on the node */
	char	   *node_name;
	Oid			serverid;
	TsConnection *conn;
	unsigned int cursor;
	bool		cursor_open;
	bool		eof;
	PGresult   *batch;
	int			next_row;
	AttInMetadata *attinmeta;
	int			ncols;
	AttrNumber *attnos;			/* slot attribute of each remote column */
	MemoryContext batch_cxt;
	MemoryContextCallback release;	/* frees the batch with the query */
} ChunkScanState;

static unsigned int cursor_number = 0;

static void open_cursor(ChunkScanState *state);

/* libpq results live outside memory contexts: free ours with the query's. */
static void
release_batch(void *arg)
{
	ChunkScanState *state = (ChunkScanState *) arg;

	if (state->batch)
		PQclear(state->batch);
	state->batch = NULL;
}

void
ts_scan_get_rel_size(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	if (baserel->tuples <= 0)
		baserel->tuples = DEFAULT_CHUNK_ROWS;
	baserel->rows = clamp_row_est(baserel->tuples *
								  clauselist_selectivity(root, baserel->baserestrictinfo,
														 0, JOIN_INNER, NULL));
}

void
ts_scan_get_paths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	Cost		startup = 100.0;
	Cost		total = startup + baserel->tuples * (cpu_tuple_cost + 0.01);

	add_path(baserel, (Path *) create_foreignscan_path(root, baserel, NULL, baserel->rows,
													   startup, total, NIL, NULL, NULL, NIL));
}

ForeignScan *
ts_scan_get_plan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
				 ForeignPath *best_path, List *tlist, List *scan_clauses, Plan *outer_plan)
{
	List	   *local = extract_actual_clauses(scan_clauses, false);

	return make_foreignscan(tlist, local, baserel->relid, NIL, NIL, NIL, NIL, outer_plan);
}

/*
 * Where to read the chunk: its foreign table's server when available,
 * otherwise the first available replica.
 */
TsDataNode *
ts_scan_choose_replica(Relation rel)
{
	ForeignTable *ft = GetForeignTable(RelationGetRelid(rel));
	TsDataNode *primary = ts_data_node_get_by_id(ft->serverid, false);
	List	   *replicas;
	ListCell   *lc;

	if (primary->available)
		return primary;
	replicas = ts_chunk_replica_names(rel);
	foreach(lc, replicas)
	{
		TsDataNode *node = ts_data_node_get((char *) lfirst(lc), true);

		if (node != NULL && node->available)
			return node;
	}
	ereport(ERROR,
			(errcode(ERRCODE_CONNECTION_EXCEPTION),
			 errmsg("data node \"%s\" is not available", primary->name),
			 errdetail("Chunk \"%s\" has no available replica.", RelationGetRelationName(rel)),
			 errhint("Bring the data node back, or mark it available with alter_data_node().")));
	return NULL;
}

void
ts_scan_begin(ForeignScanState *node, int eflags)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	Relation	rel = node->ss.ss_currentRelation;
	TupleDesc	desc = RelationGetDescr(rel);
	RangeTblEntry *rte = exec_rt_fetch(fsplan->scan.scanrelid, estate);
	ChunkScanState *state = palloc0(sizeof(ChunkScanState));
	StringInfoData sql;
	TsDataNode *replica;

	node->fdw_state = state;
	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	state->attnos = palloc(sizeof(AttrNumber) * desc->natts);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		appendStringInfo(&sql, "%s%s", state->ncols > 0 ? ", " : "",
						 quote_identifier(NameStr(att->attname)));
		state->attnos[state->ncols++] = att->attnum;
	}
	if (state->ncols == 0)
		appendStringInfoString(&sql, "NULL");
	appendStringInfo(&sql, " FROM %s.%s",
					 quote_identifier(get_namespace_name(RelationGetNamespace(rel))),
					 quote_identifier(RelationGetRelationName(rel)));
	state->sql = sql.data;

	replica = ts_scan_choose_replica(rel);
	state->node_name = replica->name;
	state->serverid = replica->serverid;
	state->attinmeta = TupleDescGetAttInMetadata(desc);
	state->batch_cxt = AllocSetContextCreate(estate->es_query_cxt, "timeshard chunk scan",
											 ALLOCSET_DEFAULT_SIZES);
	state->release.func = release_batch;
	state->release.arg = state;
	MemoryContextRegisterResetCallback(estate->es_query_cxt, &state->release);
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;
	state->conn = ts_remote_txn_connection(state->serverid,
										   rte->checkAsUser ? rte->checkAsUser : GetUserId(),
										   false);
	/*
	 * Open the cursor now: its snapshot must not see rows this statement
	 * writes later in the same remote transaction (INSERT ... SELECT from
	 * the same hypertable).
	 */
	open_cursor(state);
}

static void
remote_exec(ChunkScanState *state, const char *sql)
{
	TsRemoteError err;

	if (!ts_conn_exec_ok(state->conn, sql, TS_NO_DEADLINE, &err))
		ts_remote_error_report(&err, ERROR);
}

static void
open_cursor(ChunkScanState *state)
{
	state->cursor = ++cursor_number;
	remote_exec(state, psprintf("DECLARE c%u NO SCROLL CURSOR FOR %s", state->cursor, state->sql));
	state->cursor_open = true;
}

static void
fetch_batch(ChunkScanState *state)
{
	TsRemoteError err;
	char	   *sql;

	if (state->batch)
	{
		PQclear(state->batch);
		state->batch = NULL;
	}
	if (!state->cursor_open)
		open_cursor(state);
	sql = psprintf("FETCH %d FROM c%u", FETCH_ROWS, state->cursor);
	state->batch = ts_conn_exec(state->conn, sql, 0, NULL, TS_NO_DEADLINE, &err);
	if (state->batch == NULL)
		ts_remote_error_report(&err, ERROR);
	state->next_row = 0;
	if (PQntuples(state->batch) < FETCH_ROWS)
		state->eof = true;
}

TupleTableSlot *
ts_scan_iterate(ForeignScanState *node)
{
	ChunkScanState *state = (ChunkScanState *) node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	MemoryContext old;

	ExecClearTuple(slot);
	if (state->batch == NULL || state->next_row >= PQntuples(state->batch))
	{
		if (state->eof)
			return slot;
		fetch_batch(state);
		if (PQntuples(state->batch) == 0)
			return slot;
	}

	MemoryContextReset(state->batch_cxt);
	old = MemoryContextSwitchTo(state->batch_cxt);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	for (int i = 0; i < state->ncols; i++)
	{
		int			att = state->attnos[i] - 1;

		if (PQgetisnull(state->batch, state->next_row, i))
			continue;
		slot->tts_values[att] =
			InputFunctionCall(&state->attinmeta->attinfuncs[att],
							  PQgetvalue(state->batch, state->next_row, i),
							  state->attinmeta->attioparams[att],
							  state->attinmeta->atttypmods[att]);
		slot->tts_isnull[att] = false;
	}
	MemoryContextSwitchTo(old);
	state->next_row++;
	return ExecStoreVirtualTuple(slot);
}

static void
close_cursor(ChunkScanState *state)
{
	if (state->batch)
	{
		PQclear(state->batch);
		state->batch = NULL;
	}
	if (state->cursor_open && ts_conn_is_ok(state->conn) && !state->conn->busy)
		remote_exec(state, psprintf("CLOSE c%u", state->cursor));
	state->cursor_open = false;
	state->eof = false;
}

void
ts_scan_rescan(ForeignScanState *node)
{
	close_cursor((ChunkScanState *) node->fdw_state);
}

void
ts_scan_end(ForeignScanState *node)
{
	ChunkScanState *state = (ChunkScanState *) node->fdw_state;

	if (state != NULL && state->conn != NULL)
		close_cursor(state);
}

void
ts_scan_explain(ForeignScanState *node, ExplainState *es)
{
	ChunkScanState *state = (ChunkScanState *) node->fdw_state;

	ExplainPropertyText("Data node", state->node_name, es);
	if (es->verbose)
		ExplainPropertyText("Remote SQL", state->sql, es);
}
