/*-------------------------------------------------------------------------
 * dist_scan_exec.c — executing a DataNodeScan: one cursor per data node,
 * all nodes at work at once.
 *
 * When the scan starts, parameters and stable functions become constants,
 * the chunks they exclude are dropped, the rest are grouped by the node
 * they are read from, and every node is sent its query in one message:
 *
 *	DECLARE c<n> [BINARY] NO SCROLL CURSOR FOR <query>; FETCH <fetch_size> FROM c<n>
 *
 * before any answer is read, so the nodes compute at the same time.  Each
 * time a batch arrives the next FETCH goes out before the batch is
 * consumed: the node computes its next batch while this one is read.  At
 * most two batches per node are in memory.  Rows travel in binary when
 * every column's type is built in (send/receive functions exist and mean the
 * same on every node), in text otherwise.
 *
 * Unsorted scans return each node's rows in turn; sorted scans merge the
 * nodes' sorted streams (a binary heap, as in MergeAppend).
 *
 * A connection busy with our FETCH can be needed by another statement of
 * the same transaction (a chunk insert, another scan): its release callback
 * reads the pending batch first and keeps it for us.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "lib/binaryheap.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/nodeFuncs.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/sortsupport.h"
#include "utils/syscache.h"

#include "data_node.h"
#include "deparse.h"
#include "guc.h"
#include "query/dist_scan.h"
#include "remote/txn.h"

typedef struct DataNodeScanState DataNodeScanState;

/* One data node's cursor. */
typedef struct NodeStream
{
	DataNodeScanState *scan;
	TsNodeShare *share;
	char	   *sql;			/* the node's query */
	TsConnection *conn;
	unsigned int cursor;
	bool		fetch_pending;	/* a FETCH is in flight */
	bool		eof;			/* the last batch has been requested */
	PGresult   *ready;			/* a batch read for us by someone else */
	PGresult   *batch;			/* the batch being returned */
	int			next_row;
	TupleTableSlot *slot;		/* its current row */
	MemoryContext row_cxt;

	/* EXPLAIN ANALYZE */
	double		rows;
	int			batches;
	instr_time	started;
	instr_time	finished;
} NodeStream;

struct DataNodeScanState
{
	CustomScanState css;
	TsRemoteQuery *query;
	TsHypertable *ht;
	Oid			userid;
	bool		binary;			/* rows travel in binary */
	int			ncols;
	FmgrInfo   *in_funcs;		/* per column: input or receive function */
	Oid		   *ioparams;
	int32	   *typmods;
	FmgrInfo   *state_funcs;	/* per column: receive of a partial state */
	Oid		   *state_ioparams;
	bool	   *is_state;

	bool		started;
	bool		warmed;			/* every node's first batch is in */
	bool		explain_only;
	int			fetch_size;		/* rows per FETCH, fixed when started */
	List	   *streams;		/* NodeStream */
	int			current;		/* unsorted: the stream being read */

	/* sorted: merge the nodes' streams */
	int			nkeys;
	SortSupport sortkeys;
	AttrNumber *key_cols;
	binaryheap *heap;
	NodeStream *last;			/* stream whose row was returned last */
	NodeStream **by_index;
};

static CustomExecMethods exec_methods;
static unsigned int cursor_number = 0;

static void stream_release(TsConnection *conn, void *arg);
static void stop_streams(DataNodeScanState *state);

/* libpq results live outside memory contexts: free ours with the query's. */
static void
free_results(void *arg)
{
	DataNodeScanState *state = (DataNodeScanState *) arg;
	ListCell   *lc;

	foreach(lc, state->streams)
	{
		NodeStream *stream = (NodeStream *) lfirst(lc);

		if (stream->batch)
			PQclear(stream->batch);
		if (stream->ready)
			PQclear(stream->ready);
		stream->batch = stream->ready = NULL;
	}
}

/* Types whose binary form means the same on every node. */
static bool
binary_safe(Oid type)
{
	HeapTuple	tuple;
	bool		safe;
	Form_pg_type typ;

	if (type >= FirstNormalObjectId || type == RECORDOID)
		return false;
	tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
	if (!HeapTupleIsValid(tuple))
		return false;
	typ = (Form_pg_type) GETSTRUCT(tuple);
	safe = OidIsValid(typ->typreceive) && OidIsValid(typ->typsend) && typ->typtype == TYPTYPE_BASE;
	ReleaseSysCache(tuple);
	return safe;
}

static List *
select_list(TsRemoteQuery *query)
{
	return query->remote_exprs != NIL ? query->remote_exprs : query->exprs;
}

/* Decoding of the node's columns into the scan's. */
static void
init_columns(DataNodeScanState *state)
{
	TsRemoteQuery *query = state->query;
	List	   *wire = select_list(query);
	int			i = 0;
	ListCell   *lc;

	state->ncols = list_length(query->exprs);
	state->in_funcs = palloc0(sizeof(FmgrInfo) * Max(state->ncols, 1));
	state->ioparams = palloc0(sizeof(Oid) * Max(state->ncols, 1));
	state->typmods = palloc0(sizeof(int32) * Max(state->ncols, 1));
	state->state_funcs = palloc0(sizeof(FmgrInfo) * Max(state->ncols, 1));
	state->state_ioparams = palloc0(sizeof(Oid) * Max(state->ncols, 1));
	state->is_state = palloc0(sizeof(bool) * Max(state->ncols, 1));

	state->binary = true;
	foreach(lc, wire)
		state->binary &= binary_safe(exprType((Node *) lfirst(lc)));

	foreach(lc, wire)
	{
		Node	   *expr = (Node *) lfirst(lc);
		Oid			type = exprType(expr);
		Oid			func;
		Oid			state_type = query->state_types != NIL
			? list_nth_oid(query->state_types, i) : InvalidOid;

		if (state->binary)
			getTypeBinaryInputInfo(type, &func, &state->ioparams[i]);
		else
			getTypeInputInfo(type, &func, &state->ioparams[i]);
		fmgr_info(func, &state->in_funcs[i]);
		state->typmods[i] = exprTypmod(expr);
		if (OidIsValid(state_type))
		{
			/* A partial state sent as bytea in its type's binary form. */
			getTypeBinaryInputInfo(state_type, &func, &state->state_ioparams[i]);
			fmgr_info(func, &state->state_funcs[i]);
			state->is_state[i] = true;
		}
		i++;
	}
}

static Datum
decode_value(DataNodeScanState *state, int col, char *value, int len)
{
	Datum		datum;

	if (state->is_state[col])
	{
		StringInfoData buf;

		if (state->binary)
		{
			/* bytea's binary form is its bytes. */
			buf.data = value;
			buf.len = len;
		}
		else
		{
			bytea	   *bytes = DatumGetByteaPP(InputFunctionCall(&state->in_funcs[col], value,
																   state->ioparams[col], -1));

			buf.data = VARDATA_ANY(bytes);
			buf.len = VARSIZE_ANY_EXHDR(bytes);
		}
		buf.maxlen = buf.len;
		buf.cursor = 0;
		return ReceiveFunctionCall(&state->state_funcs[col], &buf, state->state_ioparams[col], -1);
	}
	if (state->binary)
	{
		StringInfoData buf;

		buf.data = value;
		buf.len = len;
		buf.maxlen = len;
		buf.cursor = 0;
		datum = ReceiveFunctionCall(&state->in_funcs[col], &buf, state->ioparams[col],
									state->typmods[col]);
	}
	else
		datum = InputFunctionCall(&state->in_funcs[col], value, state->ioparams[col],
								  state->typmods[col]);
	return datum;
}

static void
remote_fail(TsRemoteError *err)
{
	ts_remote_error_report(err, ERROR);
}

/* Send the next FETCH: the node computes while we read. */
static void
stream_send_fetch(NodeStream *stream, const char *prefix)
{
	TsRemoteError err;
	char	   *sql;

	sql = psprintf("%s%sFETCH %d FROM c%u", prefix ? prefix : "", prefix ? "; " : "",
				   stream->scan->fetch_size, stream->cursor);
	if (!ts_conn_send(stream->conn, sql, 0, NULL, &err))
		remote_fail(&err);
	stream->fetch_pending = true;
	stream->conn->release_cb = stream_release;
	stream->conn->release_arg = stream;
}

/*
 * Read the FETCH in flight (waiting for the node).  A node that is gone
 * (connection lost, or no answer within timeshard.node_timeout) gives NULL
 * when lost is not NULL (*lost set), so that the caller can read its
 * chunks elsewhere; any other failure is an error.
 */
static PGresult *
stream_read_fetch_ext(NodeStream *stream, bool *lost)
{
	TsRemoteError err;
	PGresult   *res;

	if (stream->conn->release_cb == stream_release && stream->conn->release_arg == stream)
		stream->conn->release_cb = NULL;
	stream->fetch_pending = false;
	res = ts_conn_get_result(stream->conn, TS_NO_DEADLINE, stream->sql, &err);
	if (res == NULL)
	{
		if (lost != NULL && err.connection_lost)
		{
			ts_data_node_note_failure(stream->share->node_name);
			*lost = true;
			return NULL;
		}
		remote_fail(&err);
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		PQclear(res);
		elog(ERROR, "[%s]: unexpected answer to FETCH", stream->share->node_name);
	}
	return res;
}

static PGresult *
stream_read_fetch(NodeStream *stream)
{
	return stream_read_fetch_ext(stream, NULL);
}

/* Someone else needs the connection: take our batch off it first. */
static void
stream_release(TsConnection *conn, void *arg)
{
	NodeStream *stream = (NodeStream *) arg;

	if (stream->fetch_pending)
		stream->ready = stream_read_fetch(stream);
}

/*
 * The next batch of the stream; false at the end.  The FETCH after it is
 * sent at once.
 */
static bool
stream_next_batch(NodeStream *stream)
{
	PGresult   *res;

	if (stream->batch)
	{
		PQclear(stream->batch);
		stream->batch = NULL;
	}
	if (stream->ready)
	{
		res = stream->ready;
		stream->ready = NULL;
	}
	else if (stream->fetch_pending)
		res = stream_read_fetch(stream);
	else
		return false;

	stream->batches++;
	stream->rows += PQntuples(res);
	if (PQntuples(res) < stream->scan->fetch_size)
	{
		stream->eof = true;
		INSTR_TIME_SET_CURRENT(stream->finished);
	}
	else
		stream_send_fetch(stream, NULL);
	stream->batch = res;
	stream->next_row = 0;
	return PQntuples(res) > 0;
}

/* Decode the stream's next row into its slot; false at its end. */
static bool
stream_next_row(NodeStream *stream)
{
	DataNodeScanState *state = stream->scan;
	TupleTableSlot *slot = stream->slot;
	MemoryContext old;

	ExecClearTuple(slot);
	if (stream->batch == NULL || stream->next_row >= PQntuples(stream->batch))
	{
		if (!stream_next_batch(stream))
			return false;
	}
	MemoryContextReset(stream->row_cxt);
	old = MemoryContextSwitchTo(stream->row_cxt);
	for (int i = 0; i < state->ncols; i++)
	{
		if (PQgetisnull(stream->batch, stream->next_row, i))
		{
			slot->tts_values[i] = (Datum) 0;
			slot->tts_isnull[i] = true;
			continue;
		}
		slot->tts_values[i] = decode_value(state, i, PQgetvalue(stream->batch, stream->next_row, i),
										   PQgetlength(stream->batch, stream->next_row, i));
		slot->tts_isnull[i] = false;
	}
	MemoryContextSwitchTo(old);
	stream->next_row++;
	ExecStoreVirtualTuple(slot);
	return true;
}

/* The query as sent: parameters and stable functions as constants. */
static TsRemoteQuery *
evaluated_query(DataNodeScanState *state)
{
	EState	   *estate = state->css.ss.ps.state;
	TsRemoteQuery *q = palloc(sizeof(TsRemoteQuery));
	ParamListInfo params = estate->es_param_list_info;

	Node	   *(*eval) (Node *, ParamListInfo, EState *) =
		state->explain_only ? ts_deparse_eval_stable_no_exec : ts_deparse_eval_stable;

	*q = *state->query;
	if (q->remote_exprs != NIL)
		q->remote_exprs = (List *) eval((Node *) q->remote_exprs, params, estate);
	else
		q->exprs = (List *) eval((Node *) q->exprs, params, estate);
	q->remote_quals = (List *) eval((Node *) q->remote_quals, params, estate);
	q->having = eval(q->having, params, estate);
	return q;
}

/* Which node reads what, and its SQL. */
static void
plan_streams(DataNodeScanState *state)
{
	EState	   *estate = state->css.ss.ps.state;
	TsRemoteQuery *q = evaluated_query(state);
	List	   *chunk_ids;
	List	   *shares;
	ListCell   *lc;
	TupleDesc	desc = state->css.ss.ss_ScanTupleSlot->tts_tupleDescriptor;

	chunk_ids = ts_dist_scan_exclude_at_runtime(state->ht, q->varno, q->remote_quals,
												q->chunk_ids);
	shares = ts_dist_scan_assign_nodes(state->ht, chunk_ids);
	state->streams = NIL;
	foreach(lc, shares)
	{
		NodeStream *stream = palloc0(sizeof(NodeStream));

		stream->scan = state;
		stream->share = (TsNodeShare *) lfirst(lc);
		stream->sql = ts_remote_query_sql(q, state->ht, stream->share);
		stream->slot = MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);
		stream->row_cxt = AllocSetContextCreate(estate->es_query_cxt, "timeshard node rows",
												ALLOCSET_DEFAULT_SIZES);
		state->streams = lappend(state->streams, stream);
	}
}

/*
 * Ask every node, then wait for none: they all start now.  A node that
 * cannot be reached is left out and its chunks read from other replicas.
 */
static void
start_streams(DataNodeScanState *state)
{
	ListCell   *lc;

	for (int attempt = 0;; attempt++)
	{
		TsRemoteError err;
		bool		failed = false;

		plan_streams(state);
		foreach(lc, state->streams)
		{
			NodeStream *stream = (NodeStream *) lfirst(lc);

			stream->conn = ts_remote_txn_connection_try(stream->share->serverid, state->userid,
														 false, &err);
			if (stream->conn == NULL)
			{
				failed = true;
				break;
			}
		}
		if (!failed)
			break;
		if (attempt >= 8)
			ts_remote_error_report(&err, ERROR);
	}
	state->fetch_size = ts_guc_fetch_size;
	foreach(lc, state->streams)
	{
		NodeStream *stream = (NodeStream *) lfirst(lc);
		char	   *declare;

		stream->cursor = ++cursor_number;
		declare = psprintf("DECLARE c%u %sNO SCROLL CURSOR FOR %s", stream->cursor,
						   state->binary ? "BINARY " : "", stream->sql);
		INSTR_TIME_SET_CURRENT(stream->started);
		stream_send_fetch(stream, declare);
	}
	state->started = true;
	state->warmed = false;
	state->current = 0;
	state->last = NULL;
	state->heap = NULL;
}

/*
 * Before the first row: every node's first batch.  A node lost now (it
 * died, or froze beyond timeshard.node_timeout) is replaced: the scan
 * restarts without it, its chunks read from other replicas.
 */
static void
warm_up(DataNodeScanState *state)
{
	for (int attempt = 0;; attempt++)
	{
		bool		lost = false;
		ListCell   *lc;

		foreach(lc, state->streams)
		{
			NodeStream *stream = (NodeStream *) lfirst(lc);

			if (stream->fetch_pending)
				stream->ready = stream_read_fetch_ext(stream, attempt < 8 ? &lost : NULL);
			if (lost)
				break;
		}
		if (!lost)
			break;
		stop_streams(state);
		start_streams(state);
	}
	state->warmed = true;
}

/* Finish every cursor: read what is in flight, then close them all at once. */
static void
stop_streams(DataNodeScanState *state)
{
	List	   *closing = NIL;
	ListCell   *lc;

	foreach(lc, state->streams)
	{
		NodeStream *stream = (NodeStream *) lfirst(lc);
		TsRemoteError err;

		if (stream->conn == NULL)
			continue;
		if (stream->fetch_pending && ts_conn_is_ok(stream->conn))
		{
			bool		lost = false;
			PGresult   *res = stream_read_fetch_ext(stream, &lost);

			if (res != NULL)
				PQclear(res);
		}
		stream->fetch_pending = false;
		if (stream->conn->release_cb == stream_release && stream->conn->release_arg == stream)
			stream->conn->release_cb = NULL;
		if (stream->ready)
			PQclear(stream->ready);
		if (stream->batch)
			PQclear(stream->batch);
		stream->ready = stream->batch = NULL;
		if (!ts_conn_is_ok(stream->conn) || stream->conn->busy)
			continue;
		if (!ts_conn_send(stream->conn, psprintf("CLOSE c%u", stream->cursor), 0, NULL, &err))
			remote_fail(&err);
		closing = lappend(closing, stream);
	}
	foreach(lc, closing)
	{
		NodeStream *stream = (NodeStream *) lfirst(lc);
		TsRemoteError err;
		PGresult   *res = ts_conn_get_result(stream->conn, TS_NO_DEADLINE, "CLOSE", &err);

		if (res == NULL)
			remote_fail(&err);
		PQclear(res);
	}
	state->started = false;
}

/* Merge: the heap orders streams by their current rows, smallest first. */
static int
compare_streams(Datum a, Datum b, void *arg)
{
	DataNodeScanState *state = (DataNodeScanState *) arg;
	TupleTableSlot *sa = state->by_index[DatumGetInt32(a)]->slot;
	TupleTableSlot *sb = state->by_index[DatumGetInt32(b)]->slot;

	for (int k = 0; k < state->nkeys; k++)
	{
		AttrNumber	col = state->key_cols[k];
		int			cmp = ApplySortComparator(sa->tts_values[col - 1], sa->tts_isnull[col - 1],
											  sb->tts_values[col - 1], sb->tts_isnull[col - 1],
											  &state->sortkeys[k]);

		if (cmp != 0)
			return -cmp;
	}
	return 0;
}

static void
init_sort(DataNodeScanState *state)
{
	TsRemoteQuery *query = state->query;

	state->nkeys = list_length(query->sort_refs);
	if (state->nkeys == 0)
		return;
	state->sortkeys = palloc0(sizeof(SortSupportData) * state->nkeys);
	state->key_cols = palloc(sizeof(AttrNumber) * state->nkeys);
	for (int k = 0; k < state->nkeys; k++)
	{
		SortSupport sk = &state->sortkeys[k];

		sk->ssup_cxt = CurrentMemoryContext;
		sk->ssup_collation = list_nth_oid(query->sort_collations, k);
		sk->ssup_nulls_first = boolVal(list_nth(query->sort_nulls_first, k));
		sk->ssup_attno = list_nth_int(query->sort_refs, k);
		state->key_cols[k] = sk->ssup_attno;
		PrepareSortSupportFromOrderingOp(list_nth_oid(query->sort_ops, k), sk);
	}
}

static TupleTableSlot *
next_merged(DataNodeScanState *state)
{
	if (state->heap == NULL)
	{
		int			n = list_length(state->streams);
		ListCell   *lc;

		state->by_index = palloc(sizeof(NodeStream *) * Max(n, 1));
		state->heap = binaryheap_allocate(Max(n, 1), compare_streams, state);
		foreach(lc, state->streams)
		{
			NodeStream *stream = (NodeStream *) lfirst(lc);

			state->by_index[foreach_current_index(lc)] = stream;
			if (stream_next_row(stream))
				binaryheap_add_unordered(state->heap, Int32GetDatum(foreach_current_index(lc)));
		}
		binaryheap_build(state->heap);
	}
	else if (state->last != NULL)
	{
		if (stream_next_row(state->last))
			binaryheap_replace_first(state->heap, binaryheap_first(state->heap));
		else
			(void) binaryheap_remove_first(state->heap);
	}
	if (binaryheap_empty(state->heap))
	{
		state->last = NULL;
		return NULL;
	}
	state->last = state->by_index[DatumGetInt32(binaryheap_first(state->heap))];
	return state->last->slot;
}

static TupleTableSlot *
next_unsorted(DataNodeScanState *state)
{
	while (state->current < list_length(state->streams))
	{
		NodeStream *stream = (NodeStream *) list_nth(state->streams, state->current);

		if (stream_next_row(stream))
			return stream->slot;
		state->current++;
	}
	return NULL;
}

static TupleTableSlot *
scan_next(ScanState *ss)
{
	DataNodeScanState *state = (DataNodeScanState *) ss;
	TupleTableSlot *slot;

	if (!state->started)
		start_streams(state);
	if (!state->warmed)
		warm_up(state);
	slot = state->nkeys > 0 ? next_merged(state) : next_unsorted(state);
	return slot != NULL ? slot : ExecClearTuple(ss->ss_ScanTupleSlot);
}

static bool
scan_recheck(ScanState *ss, TupleTableSlot *slot)
{
	return true;
}

static TupleTableSlot *
exec_scan(CustomScanState *node)
{
	return ExecScan(&node->ss, scan_next, scan_recheck);
}

static bool
has_exec_params_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Param) && ((Param *) node)->paramkind == PARAM_EXEC)
		return true;
	return expression_tree_walker(node, has_exec_params_walker, context);
}

static void
begin_scan(CustomScanState *node, EState *estate, int eflags)
{
	DataNodeScanState *state = (DataNodeScanState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	MemoryContextCallback *cb;

	state->query = ts_remote_query_unpack(cscan->custom_private);
	state->ht = ts_hypertable_get(state->query->relid);
	if (state->ht == NULL)
		elog(ERROR, "relation %u is no longer a hypertable", state->query->relid);
	state->userid = OidIsValid(state->query->check_as_user) ? state->query->check_as_user
		: GetUserId();
	init_columns(state);
	init_sort(state);
	cb = MemoryContextAlloc(estate->es_query_cxt, sizeof(MemoryContextCallback));
	cb->func = free_results;
	cb->arg = state;
	MemoryContextRegisterResetCallback(estate->es_query_cxt, cb);

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
	{
		state->explain_only = true;
		plan_streams(state);
		return;
	}
	/*
	 * Start now unless values of the executor are needed (they are set
	 * later): the cursors' snapshot must not see rows this statement writes
	 * later in the same remote transaction (INSERT ... SELECT).
	 */
	if (!has_exec_params_walker((Node *) cscan->custom_exprs, NULL))
		start_streams(state);
}

static void
end_scan(CustomScanState *node)
{
	DataNodeScanState *state = (DataNodeScanState *) node;

	if (state->started)
		stop_streams(state);
}

static void
rescan(CustomScanState *node)
{
	DataNodeScanState *state = (DataNodeScanState *) node;

	if (state->started)
		stop_streams(state);
	/* Restarted by the next row asked for, with the parameters of then. */
}

/* EXPLAIN: per data node, its chunks and query (and how it went). */
static void
explain_scan(CustomScanState *node, List *ancestors, ExplainState *es)
{
	DataNodeScanState *state = (DataNodeScanState *) node;
	ListCell   *lc;

	if (state->streams == NIL && !state->started && !state->explain_only)
		plan_streams(state);
	if (state->streams == NIL)
		ExplainPropertyText("Data nodes", "none (every chunk excluded)", es);
	ExplainOpenGroup("Data Nodes", "Data Nodes", false, es);
	foreach(lc, state->streams)
	{
		NodeStream *stream = (NodeStream *) lfirst(lc);
		StringInfoData chunks;
		ListCell   *lc2;

		initStringInfo(&chunks);
		foreach(lc2, stream->share->chunks)
		{
			TsChunk    *chunk = (TsChunk *) lfirst(lc2);

			appendStringInfo(&chunks, "%s%s", chunks.len > 0 ? ", " : "", chunk->table_name);
		}
		ExplainOpenGroup("Data Node", NULL, true, es);
		ExplainPropertyText("Data node", stream->share->node_name, es);
		if (es->format == EXPLAIN_FORMAT_TEXT)
			es->indent++;
		ExplainPropertyText("Chunks", chunks.data, es);
		if (es->verbose)
			ExplainPropertyText("Remote SQL", stream->sql, es);
		if (es->analyze && stream->batches > 0)
		{
			instr_time	elapsed = stream->eof ? stream->finished : stream->started;

			if (stream->eof)
				INSTR_TIME_SUBTRACT(elapsed, stream->started);
			else
				INSTR_TIME_SET_ZERO(elapsed);
			ExplainPropertyFloat("Node rows", NULL, stream->rows, 0, es);
			ExplainPropertyInteger("Node batches", NULL, stream->batches, es);
			if (stream->eof && es->timing)
				ExplainPropertyFloat("Node time", "ms", INSTR_TIME_GET_MILLISEC(elapsed), 3, es);
		}
		if (ts_guc_enable_remote_explain)
		{
			TsConnection *conn = ts_remote_txn_connection(stream->share->serverid,
														   state->userid, false);
			TsRemoteError err;
			PGresult   *res = ts_conn_exec(conn, psprintf("EXPLAIN %s", stream->sql), 0, NULL,
											TS_NO_DEADLINE, &err);
			StringInfoData plan;

			if (res == NULL)
				remote_fail(&err);
			if (es->format == EXPLAIN_FORMAT_TEXT)
			{
				/* The node's plan, indented under ours. */
				appendStringInfoSpaces(es->str, es->indent * 2);
				appendStringInfoString(es->str, "Remote EXPLAIN:\n");
				for (int i = 0; i < PQntuples(res); i++)
				{
					appendStringInfoSpaces(es->str, es->indent * 2 + 2);
					appendStringInfo(es->str, "%s\n", PQgetvalue(res, i, 0));
				}
			}
			else
			{
				initStringInfo(&plan);
				for (int i = 0; i < PQntuples(res); i++)
					appendStringInfo(&plan, "%s%s", i > 0 ? "\n" : "", PQgetvalue(res, i, 0));
				ExplainPropertyText("Remote EXPLAIN", plan.data, es);
			}
			PQclear(res);
		}
		if (es->format == EXPLAIN_FORMAT_TEXT)
			es->indent--;
		ExplainCloseGroup("Data Node", NULL, true, es);
	}
	ExplainCloseGroup("Data Nodes", "Data Nodes", false, es);
}

static Node *
create_state(CustomScan *cscan)
{
	DataNodeScanState *state = (DataNodeScanState *) newNode(sizeof(DataNodeScanState),
															  T_CustomScanState);

	state->css.methods = &exec_methods;
	return (Node *) state;
}

Node *
ts_dist_scan_create_state(CustomScan *cscan)
{
	return create_state(cscan);
}

void
ts_dist_scan_exec_init(void)
{
	exec_methods.CustomName = "DataNodeScan";
	exec_methods.BeginCustomScan = begin_scan;
	exec_methods.ExecCustomScan = exec_scan;
	exec_methods.EndCustomScan = end_scan;
	exec_methods.ReScanCustomScan = rescan;
	exec_methods.ExplainCustomScan = explain_scan;
}
