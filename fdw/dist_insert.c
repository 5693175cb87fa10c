/*-------------------------------------------------------------------------
 * dist_insert.c — route rows of a distributed hypertable to their data
 * nodes and stream them there with COPY.
 *
 * Used by INSERT (insert_node.c) and COPY FROM (copy_from.c) on the access
 * node.  For each row: find its chunk (creating it when needed), encode the
 * row once in COPY format, and append it to the stream of every replica's
 * data node.  Each node has one COPY into its local hypertable, which routes
 * the rows into the chunks (native partitioning); the COPY stays open across
 * rows and is ended only when a chunk must be created (the connection is then
 * needed for other commands) and at the end of the statement.
 *
 * Rows travel in binary COPY format when every column type is built in (the
 * binary form of arrays and records carries type OIDs, which differ between
 * databases for user-defined types), in text format otherwise.
 *
 * Memory stays bounded: a row is encoded in a per-row context, a node's
 * buffer is handed to libpq when it reaches STREAM_FLUSH_BYTES, and libpq's
 * output is flushed before more is added, so the access node never holds more
 * than about one buffer per node however large the input.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/attmap.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/tupconvert.h"
#include "access/xact.h"
#include "executor/executor.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/wait_event.h"

#include "chunk.h"
#include "deparse.h"
#include "data_node.h"
#include "dist_insert.h"
#include "remote/txn.h"
#include "time_utils.h"
#include "upsert.h"

/* Hand a node's buffer to libpq when it holds this much. */
#define STREAM_FLUSH_BYTES (256 * 1024)

static const char binary_header[] = "PGCOPY\n\377\r\n\0";

static void release_stream(TsConnection *conn, void *arg);

typedef struct NodeStream
{
	struct TsDistInsert *owner;
	char	   *node_name;
	Oid			serverid;
	TsConnection *conn;			/* NULL until first used */
	bool		in_copy;
	StringInfoData buf;
} NodeStream;

/* A chunk of a local hypertable, open for inserts. */
typedef struct LocalChunk
{
	int32		chunk_id;
	Relation	rel;
	ResultRelInfo *rri;
	TupleTableSlot *slot;
	AttrMap    *map;			/* root's columns to the chunk's, when they differ */
} LocalChunk;

/* A chunk rows went to, with the streams of its replicas. */
typedef struct Route
{
	TsChunk    *chunk;
	List	   *streams;		/* NodeStream */
} Route;

#define ROUTES 16

struct TsDistInsert
{
	MemoryContext mcxt;			/* what lives as long as the statement */
	EState	   *estate;
	bool		local;			/* a local hypertable: chunks are tables here */
	TsUpsert   *upsert;			/* ON CONFLICT: statements instead of COPY */
	List	   *local_chunks;	/* LocalChunk */
	Relation	rel;
	TsHypertable *ht;
	int			ncols;			/* columns sent */
	AttrNumber *attnos;
	FmgrInfo   *out_funcs;		/* send (binary) or output (text) functions */
	bool		binary;
	char	   *copy_sql;
	List	   *streams;		/* NodeStream */
	TsChunk    *last_chunk;
	List	   *last_streams;	/* NodeStream of last_chunk's replicas */
	Route		routes[ROUTES];	/* chunks rows went to lately */
	int			nroutes;
	int			next_route;		/* the one to replace next */
	uint64		rows;
	MemoryContext row_cxt;
	StringInfoData row;
};

/* Can every column travel in binary form between databases? */
static bool
binary_possible(TupleDesc desc)
{
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Oid			send;
		bool		isvarlena;

		if (att->attisdropped || att->attgenerated)
			continue;
		if (att->atttypid >= FirstNormalObjectId)
			return false;
		getTypeBinaryOutputInfo(att->atttypid, &send, &isvarlena);
		if (!OidIsValid(send))
			return false;
	}
	return true;
}

/*
 * Start routing rows into the hypertable.  Everything the state needs lives
 * in its own memory context, so callers may run ts_dist_insert_row in a
 * per-row context.
 */
TsDistInsert *
ts_dist_insert_begin(Relation rel, TsHypertable *ht, EState *estate)
{
	MemoryContext mcxt = AllocSetContextCreate(CurrentMemoryContext, "timeshard insert",
											   ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	TsDistInsert *state = palloc0(sizeof(TsDistInsert));
	TupleDesc	desc = RelationGetDescr(rel);
	StringInfoData cols;

	state->rel = rel;
	state->ht = ht;
	state->estate = estate;
	state->local = ht->replication_factor <= 0;
	state->binary = binary_possible(desc);
	state->attnos = palloc(sizeof(AttrNumber) * desc->natts);
	state->out_funcs = palloc(sizeof(FmgrInfo) * desc->natts);
	initStringInfo(&cols);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Oid			func;
		bool		isvarlena;

		/* Generated columns are computed by the data node. */
		if (att->attisdropped || att->attgenerated)
			continue;
		if (state->binary)
			getTypeBinaryOutputInfo(att->atttypid, &func, &isvarlena);
		else
			getTypeOutputInfo(att->atttypid, &func, &isvarlena);
		fmgr_info(func, &state->out_funcs[state->ncols]);
		state->attnos[state->ncols++] = att->attnum;
		appendStringInfo(&cols, "%s%s", cols.len > 0 ? ", " : "",
						 quote_identifier(NameStr(att->attname)));
	}
	state->copy_sql = psprintf("COPY %s.%s (%s) FROM STDIN%s",
							   quote_identifier(ht->schema_name),
							   quote_identifier(ht->table_name), cols.data,
							   state->binary ? " WITH (FORMAT binary)" : "");
	state->mcxt = mcxt;
	state->row_cxt = AllocSetContextCreate(mcxt, "timeshard insert row",
										   ALLOCSET_DEFAULT_SIZES);
	initStringInfo(&state->row);
	MemoryContextSwitchTo(old);
	return state;
}

static NodeStream *
stream_for(TsDistInsert *state, const char *node_name)
{
	NodeStream *stream;
	MemoryContext old;
	ListCell   *lc;

	foreach(lc, state->streams)
	{
		stream = (NodeStream *) lfirst(lc);
		if (strcmp(stream->node_name, node_name) == 0)
			return stream;
	}
	old = MemoryContextSwitchTo(state->mcxt);
	stream = palloc0(sizeof(NodeStream));
	stream->owner = state;
	stream->node_name = pstrdup(node_name);
	stream->serverid = ts_data_node_get(node_name, false)->serverid;
	initStringInfo(&stream->buf);
	state->streams = lappend(state->streams, stream);
	MemoryContextSwitchTo(old);
	return stream;
}

/* Wait until the socket can take more, serving interrupts. */
static void
wait_writable(TsConnection *conn)
{
	TsRemoteError err;

	/* A node that stopped reading is given up after timeshard.node_timeout. */
	if (!ts_conn_wait(conn, WL_SOCKET_WRITEABLE, &err))
		ts_remote_error_report(&err, ERROR);
}

static void
stream_failed(NodeStream *stream, const char *sql)
{
	TsRemoteError err;

	ts_remote_error_from_conn(&err, stream->node_name, stream->conn->pg, sql);
	ts_remote_error_report(&err, ERROR);
}

/* Open the node's connection (in the distributed transaction) and COPY. */
static void
stream_start(TsDistInsert *state, NodeStream *stream)
{
	TsRemoteError err;
	PGresult   *res;

	if (stream->conn == NULL)
		stream->conn = ts_remote_txn_connection(stream->serverid, GetUserId(), true);
	if (!ts_conn_send(stream->conn, state->copy_sql, 0, NULL, &err))
		ts_remote_error_report(&err, ERROR);
	res = ts_conn_get_result(stream->conn, TS_NO_DEADLINE, state->copy_sql, &err);
	if (res == NULL)
		ts_remote_error_report(&err, ERROR);
	if (PQresultStatus(res) != PGRES_COPY_IN)
	{
		PQclear(res);
		elog(ERROR, "[%s]: unexpected answer to COPY", stream->node_name);
	}
	PQclear(res);
	stream->conn->busy = true;
	stream->in_copy = true;
	/* A scan or a chunk creation that needs the connection ends the COPY. */
	stream->conn->release_cb = release_stream;
	stream->conn->release_arg = stream;
	if (state->binary)
	{
		appendBinaryStringInfo(&stream->buf, binary_header, sizeof(binary_header) - 1);
		appendStringInfoSpaces(&stream->buf, 8);	/* flags and extension: 0 */
		memset(stream->buf.data + stream->buf.len - 8, 0, 8);
	}
}

/* Hand the node's buffer to libpq and push it out. */
static void
stream_flush(TsDistInsert *state, NodeStream *stream)
{
	int			rc;

	if (stream->buf.len == 0)
		return;
	while ((rc = PQputCopyData(stream->conn->pg, stream->buf.data, stream->buf.len)) == 0)
		wait_writable(stream->conn);
	if (rc < 0)
		stream_failed(stream, state->copy_sql);
	resetStringInfo(&stream->buf);
	while ((rc = PQflush(stream->conn->pg)) == 1)
	{
		wait_writable(stream->conn);
		/* The node may say something (an error) while we write. */
		if (!PQconsumeInput(stream->conn->pg))
			stream_failed(stream, state->copy_sql);
	}
	if (rc < 0)
		stream_failed(stream, state->copy_sql);
}

/* Send the rest of the node's rows and the end of its COPY. */
static void
stream_send_end(TsDistInsert *state, NodeStream *stream)
{
	int			rc;

	stream->conn->release_cb = NULL;
	if (state->binary)
		appendBinaryStringInfo(&stream->buf, "\377\377", 2);
	stream_flush(state, stream);
	while ((rc = PQputCopyEnd(stream->conn->pg, NULL)) == 0)
		wait_writable(stream->conn);
	if (rc < 0)
		stream_failed(stream, state->copy_sql);
	stream->in_copy = false;
}

/* Read the node's answer to its COPY: an error of any row surfaces here. */
static void
stream_wait_end(TsDistInsert *state, NodeStream *stream)
{
	TsRemoteError err;
	PGresult   *res = ts_conn_get_result(stream->conn, TS_NO_DEADLINE, state->copy_sql, &err);

	if (res == NULL)
		ts_remote_error_report(&err, ERROR);
	PQclear(res);
}

/* Someone else needs the node's connection: end our COPY there. */
static void
release_stream(TsConnection *conn, void *arg)
{
	NodeStream *stream = (NodeStream *) arg;

	stream_send_end(stream->owner, stream);
	stream_wait_end(stream->owner, stream);
}

/*
 * End every node's COPY (at the end of the statement): all ends
 * are sent before any answer is read, so the nodes finish at the same time.
 */
static void
end_all_streams(TsDistInsert *state)
{
	List	   *ended = NIL;
	ListCell   *lc;

	foreach(lc, state->streams)
	{
		NodeStream *stream = (NodeStream *) lfirst(lc);

		if (stream->in_copy)
		{
			stream_send_end(state, stream);
			ended = lappend(ended, stream);
		}
	}
	foreach(lc, ended)
		stream_wait_end(state, (NodeStream *) lfirst(lc));
	list_free(ended);
}

static void
append_text_escaped(StringInfo buf, const char *s)
{
	for (; *s; s++)
	{
		switch (*s)
		{
			case '\\':
				appendStringInfoString(buf, "\\\\");
				break;
			case '\t':
				appendStringInfoString(buf, "\\t");
				break;
			case '\n':
				appendStringInfoString(buf, "\\n");
				break;
			case '\r':
				appendStringInfoString(buf, "\\r");
				break;
			default:
				appendStringInfoChar(buf, *s);
		}
	}
}

/* Encode the row in state->row (COPY binary or text format). */
static void
encode_row(TsDistInsert *state, TupleTableSlot *slot)
{
	StringInfo	row = &state->row;

	resetStringInfo(row);
	if (state->binary)
	{
		uint16		n = pg_hton16((uint16) state->ncols);

		appendBinaryStringInfo(row, (char *) &n, 2);
	}
	for (int i = 0; i < state->ncols; i++)
	{
		int			att = state->attnos[i] - 1;
		bool		isnull = slot->tts_isnull[att];
		Datum		value = slot->tts_values[att];

		if (state->binary)
		{
			if (isnull)
			{
				uint32		len = pg_hton32((uint32) -1);

				appendBinaryStringInfo(row, (char *) &len, 4);
			}
			else
			{
				bytea	   *out = SendFunctionCall(&state->out_funcs[i], value);
				uint32		len = pg_hton32((uint32) (VARSIZE(out) - VARHDRSZ));

				appendBinaryStringInfo(row, (char *) &len, 4);
				appendBinaryStringInfo(row, VARDATA(out), VARSIZE(out) - VARHDRSZ);
			}
		}
		else
		{
			if (i > 0)
				appendStringInfoChar(row, '\t');
			if (isnull)
				appendStringInfoString(row, "\\N");
			else
				append_text_escaped(row, ts_value_for_node(&state->out_funcs[i], value));
		}
	}
	if (!state->binary)
		appendStringInfoChar(row, '\n');
}

static void
null_time_error(TsDistInsert *state)
{
	ereport(ERROR,
			(errcode(ERRCODE_NOT_NULL_VIOLATION),
			 errmsg("null value in column \"%s\" of relation \"%s\" violates not-null constraint",
					state->ht->time_column, RelationGetRelationName(state->rel)),
			 errdetail("The time column of a hypertable decides the row's chunk.")));
}

static LocalChunk *
local_chunk_for(TsDistInsert *state, TsChunk *chunk)
{
	MemoryContext old;
	LocalChunk *lch;
	ListCell   *lc;

	foreach(lc, state->local_chunks)
	{
		lch = (LocalChunk *) lfirst(lc);
		if (lch->chunk_id == chunk->id)
			return lch;
	}
	old = MemoryContextSwitchTo(state->mcxt);
	lch = palloc0(sizeof(LocalChunk));
	lch->chunk_id = chunk->id;
	lch->rel = table_openrv(makeRangeVar(chunk->schema_name, chunk->table_name, -1),
							RowExclusiveLock);
	lch->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(lch->rri, lch->rel, 1, NULL, 0);
	ExecOpenIndices(lch->rri, false);
	lch->slot = table_slot_create(lch->rel, NULL);
	lch->map = build_attrmap_by_name_if_req(RelationGetDescr(state->rel),
											RelationGetDescr(lch->rel));
	state->local_chunks = lappend(state->local_chunks, lch);
	MemoryContextSwitchTo(old);
	return lch;
}

/* Store the row in a local hypertable's chunk, with its index entries. */
static void
insert_local(TsDistInsert *state, TsChunk *chunk, TupleTableSlot *slot)
{
	LocalChunk *lch = local_chunk_for(state, chunk);
	TupleTableSlot *row;

	if (lch->map != NULL)
		row = execute_attr_map_slot(lch->map, slot, lch->slot);
	else
		row = ExecCopySlot(lch->slot, slot);
	table_tuple_insert(lch->rel, row, GetCurrentCommandId(true), 0, NULL);
	if (lch->rri->ri_NumIndices > 0)
		ExecInsertIndexTuples(lch->rri, row, state->estate, false, false, NULL, NIL);
	state->rows++;
}

/*
 * Route one row (a slot of the root table's row type) to the data nodes of
 * its chunk (or, for a local hypertable, into its chunk).
 */
static void
remember_route(TsDistInsert *state, TsChunk *chunk, List *streams)
{
	Route	   *route;

	if (state->nroutes < ROUTES)
		route = &state->routes[state->nroutes++];
	else
	{
		route = &state->routes[state->next_route];
		state->next_route = (state->next_route + 1) % ROUTES;
	}
	route->chunk = chunk;
	route->streams = streams;
}

void
ts_dist_insert_row(TsDistInsert *state, TupleTableSlot *slot)
{
	TsHypertable *ht = state->ht;
	MemoryContext old;
	int64		time;
	Datum		space = (Datum) 0;
	bool		space_isnull = true;
	TsChunk    *chunk;
	ListCell   *lc;

	slot_getallattrs(slot);
	if (slot->tts_isnull[ht->time_attno - 1])
		null_time_error(state);
	time = ts_time_to_internal(slot->tts_values[ht->time_attno - 1], ht->time_type);
	ts_time_check_finite(time, ht->time_type, ht->time_column);
	if (ht->space_dim_id != 0)
	{
		space = slot->tts_values[ht->space_attno - 1];
		space_isnull = slot->tts_isnull[ht->space_attno - 1];
	}

	/*
	 * The chunks rows went to lately, with their streams: rows of a few
	 * chunks interleave (devices in several space partitions), so a row
	 * usually finds its chunk here without a catalog lookup.
	 */
	{
		uint64		hash = ht->space_dim_id != 0
			? ts_space_hash(space, space_isnull, ht->space_type, ht->space_collation) : 0;

		chunk = NULL;
		for (int i = 0; i < state->nroutes; i++)
		{
			TsChunk    *c = state->routes[i].chunk;

			if (time >= c->time_start && (time < c->time_end || c->time_end == PG_INT64_MAX) &&
				(ht->space_dim_id == 0 || c->space_modulus == 0 ||
				 (int) (hash % (uint64) c->space_modulus) == c->space_remainder))
			{
				chunk = c;
				if (!state->local && !state->upsert)
					state->last_streams = state->routes[i].streams;
				break;
			}
		}
	}
	if (chunk == NULL)
	{
		chunk = ts_chunk_find(ht, time, space, space_isnull);
		if (chunk == NULL)
			chunk = ts_chunk_find_or_create(ht, time, space, space_isnull);
		if (chunk == NULL)
			elog(ERROR, "no chunk for time " INT64_FORMAT " in hypertable \"%s\"", time,
				 ht->table_name);
		if (state->local || state->upsert)
		{
			state->last_chunk = chunk;
			remember_route(state, chunk, NIL);
		}
		if (state->local)
		{
			insert_local(state, chunk, slot);
			return;
		}
		if (state->upsert)
		{
			ts_upsert_row(state->upsert, chunk, slot);
			state->rows++;
			return;
		}
		state->last_chunk = chunk;
		state->last_streams = NIL;
		foreach(lc, ts_chunk_writable_replicas(ht, chunk))
		{
			NodeStream *stream = stream_for(state, (char *) lfirst(lc));

			old = MemoryContextSwitchTo(state->mcxt);
			state->last_streams = lappend(state->last_streams, stream);
			MemoryContextSwitchTo(old);
		}
		remember_route(state, chunk, state->last_streams);
	}

	if (state->local)
	{
		insert_local(state, chunk, slot);
		return;
	}
	if (state->upsert)
	{
		ts_upsert_row(state->upsert, chunk, slot);
		state->rows++;
		return;
	}

	old = MemoryContextSwitchTo(state->row_cxt);
	encode_row(state, slot);
	MemoryContextSwitchTo(old);
	MemoryContextReset(state->row_cxt);

	foreach(lc, state->last_streams)
	{
		NodeStream *stream = (NodeStream *) lfirst(lc);

		if (!stream->in_copy)
			stream_start(state, stream);
		appendBinaryStringInfo(&stream->buf, state->row.data, state->row.len);
		if (stream->buf.len >= STREAM_FLUSH_BYTES)
			stream_flush(state, stream);
	}
	state->rows++;
}

/*
 * Rows go as INSERT ... ON CONFLICT statements (conflict: the clause from
 * "ON CONFLICT" on), with RETURNING * when returning.
 */
TsUpsert *
ts_dist_insert_on_conflict(TsDistInsert *state, const char *conflict, bool returning)
{
	MemoryContext old = MemoryContextSwitchTo(state->mcxt);

	if (state->local)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ON CONFLICT is not supported on local hypertables"),
				 errhint("Use a distributed hypertable, or check for the row before inserting.")));
	state->upsert = ts_upsert_begin(state->rel, state->ht, conflict, returning);
	MemoryContextSwitchTo(old);
	return state->upsert;
}

uint64
ts_dist_insert_rows(TsDistInsert *state)
{
	return state->rows;
}

/*
 * Send what is left and end every COPY; errors of the nodes surface here.
 * Local chunks are closed (their locks stay until the transaction ends).
 */
void
ts_dist_insert_end(TsDistInsert *state)
{
	ListCell   *lc;

	if (state->upsert)
		ts_upsert_end(state->upsert);
	end_all_streams(state);
	foreach(lc, state->local_chunks)
	{
		LocalChunk *lch = (LocalChunk *) lfirst(lc);

		ExecCloseIndices(lch->rri);
		ExecDropSingleTupleTableSlot(lch->slot);
		table_close(lch->rel, NoLock);
	}
	list_free(state->local_chunks);
	state->local_chunks = NIL;
}
