/*-------------------------------------------------------------------------
 * chunk.c — find the chunk of a row on the access node, creating it (on
 * its data nodes and as a foreign table here) when it does not exist yet.
 *
 * Creation of a distributed hypertable's chunk, in one distributed
 * transaction (a local hypertable's chunk is a table here that inherits
 * from the root, made the same way without steps 4 and 5):
 *	1. lock the hypertable's root in SHARE UPDATE EXCLUSIVE mode: concurrent
 *	   creators queue here, one after the other, and never deadlock (the same
 *	   lock CREATE FOREIGN TABLE ... INHERITS takes on the root anyway);
 *	2. read the catalog again with the latest snapshot: the chunk may have
 *	   been made while we waited;
 *	3. compute its bounds (the aligned slice, cut so that it overlaps no
 *	   existing slice) and its replicas, and insert the catalog rows;
 *	4. create the chunk on every replica (timeshard_internal.create_chunk);
 *	5. create the foreign table that inherits from the root, on the primary
 *	   replica's server, with CHECK constraints on its time range.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "foreign/foreign.h"
#include "membership.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "catalog/catalog_spi.h"
#include "catalog/hypertable.h"
#include "chunk.h"
#include "string_list.h"
#include "data_node.h"
#include "dist_exec.h"
#include "option.h"
#include "remote/txn.h"
#include "time_utils.h"

/* The owner of a relation. */
Oid
ts_rel_owner(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/* Is the node usable for new chunks of this hypertable? */
static bool
node_takes_new_chunks(TsHypertable *ht, const char *name)
{
	TsDataNode *node = ts_data_node_get(name, true);
	ListCell   *lc;

	TsRemoteError err;

	if (node == NULL || !ts_data_node_usable(node))
		return false;
	/* One that just died takes none (its failure is remembered). */
	if (ts_remote_txn_connection_try(node->serverid, GetUserId(), true, &err) == NULL)
		return false;
	foreach(lc, ht->nodes)
	{
		TsHypertableNode *hn = (TsHypertableNode *) lfirst(lc);

		if (strcmp(hn->name, name) == 0)
			return !hn->block_chunks;
	}
	return false;
}

/*
 * The data nodes of a new chunk, primary first.  With a space dimension, the
 * nodes of the chunk's space partition; without, replication_factor
 * consecutive nodes starting at (slice ordinal + hypertable id).  Unusable
 * nodes are skipped and others taken in their place, in ring order.
 */
static List *
choose_replicas(TsHypertable *ht, int64 slice_start, int remainder)
{
	List	   *usable = NIL;
	List	   *result = NIL;
	int			n;
	int			first = 0;
	ListCell   *lc;

	foreach(lc, ht->nodes)
	{
		TsHypertableNode *hn = (TsHypertableNode *) lfirst(lc);

		if (node_takes_new_chunks(ht, hn->name))
			usable = lappend(usable, hn->name);
	}
	n = list_length(usable);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("insufficient number of data nodes"),
				 errdetail("No data node of hypertable \"%s\" is available for new chunks.",
						   ht->table_name),
				 errhint("Increase the number of available data nodes on hypertable \"%s\".",
						 ht->table_name)));

	if (ht->space_dim_id != 0 && ht->partitions != NIL)
	{
		List	   *preferred = list_nth(ht->partitions, remainder % list_length(ht->partitions));

		foreach(lc, preferred)
		{
			char	   *name = (char *) lfirst(lc);

			if (list_length(result) < ht->replication_factor &&
				ts_string_list_member(usable, name) && !ts_string_list_member(result, name))
				result = lappend(result, name);
		}
		if (preferred != NIL)
		{
			/* Fill up after the preferred primary's place in the ring. */
			for (int i = 0; i < n; i++)
				if (strcmp(list_nth(usable, i), linitial(preferred)) >= 0)
				{
					first = i;
					break;
				}
		}
	}
	else
	{
		int64		ordinal = slice_start / ht->interval;

		first = (int) (((ordinal % n) + n + ht->id) % n);
	}
	for (int i = 0; i < n && list_length(result) < ht->replication_factor; i++)
	{
		char	   *name = list_nth(usable, (first + i) % n);

		if (!ts_string_list_member(result, name))
			result = lappend(result, name);
	}
	if (list_length(result) < ht->replication_factor)
		ereport(WARNING,
				(errmsg("insufficient number of data nodes"),
				 errdetail("There are not enough data nodes to replicate chunks according to the "
						   "configured replication factor."),
				 errhint("Attach %d or more data nodes to hypertable \"%s\".",
						 ht->replication_factor - list_length(result), ht->table_name)));
	return result;
}

static char *
qualified(const char *schema, const char *table)
{
	return psprintf("%s.%s", quote_identifier(schema), quote_identifier(table));
}

static int32
next_chunk_id(void)
{
	TsCatalogSpi spi;
	bool		isnull;
	int32		id;

	ts_catalog_spi_connect(&spi);
	if (SPI_execute("SELECT pg_catalog.nextval('timeshard_catalog.chunk_id_seq')::integer",
					false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not allocate a chunk id");
	id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	ts_catalog_spi_finish(&spi);
	return id;
}

static void
insert_catalog_rows(TsHypertable *ht, TsChunk *chunk)
{
	Oid			types[8] = {INT4OID, INT4OID, NAMEOID, NAMEOID, INT8OID, INT8OID, INT4OID, INT4OID};
	Datum		values[8];
	char		nulls[8] = "        ";
	ListCell   *lc;
	TsCatalogSpi spi;

	values[0] = Int32GetDatum(chunk->id);
	values[1] = Int32GetDatum(ht->id);
	values[2] = DirectFunctionCall1(namein, CStringGetDatum(chunk->schema_name));
	values[3] = DirectFunctionCall1(namein, CStringGetDatum(chunk->table_name));
	values[4] = Int64GetDatum(chunk->time_start);
	values[5] = Int64GetDatum(chunk->time_end);
	values[6] = Int32GetDatum(chunk->space_modulus);
	values[7] = Int32GetDatum(chunk->space_remainder);
	if (chunk->space_modulus == 0)
		nulls[6] = nulls[7] = 'n';

	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("INSERT INTO timeshard_catalog.chunk (id, hypertable_id, schema_name, "
							  "table_name, time_start, time_end, space_modulus, space_remainder) "
							  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
							  8, types, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not record chunk %d", chunk->id);
	foreach(lc, chunk->data_nodes)
	{
		Oid			t2[2] = {INT4OID, NAMEOID};
		Datum		v2[2];

		v2[0] = Int32GetDatum(chunk->id);
		v2[1] = DirectFunctionCall1(namein, CStringGetDatum((char *) lfirst(lc)));
		if (SPI_execute_with_args("INSERT INTO timeshard_catalog.chunk_data_node (chunk_id, node_name) "
								  "VALUES ($1, $2)", 2, t2, v2, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not record a replica of chunk %d", chunk->id);
	}
	ts_catalog_spi_finish(&spi);
}

/* The statement that creates the chunk on a data node. */
char *
ts_chunk_remote_create_sql(TsHypertable *ht, TsChunk *chunk)
{
	char	   *start = ts_internal_to_literal(chunk->time_start, ht->time_type);
	char	   *end = ts_internal_to_literal(chunk->time_end, ht->time_type);

	return psprintf("SELECT timeshard_internal.create_chunk(%s, %s, %s, %s, %s, %s, %s, %s)",
					quote_literal_cstr(qualified(ht->schema_name, ht->table_name)),
					quote_literal_cstr(chunk->schema_name),
					quote_literal_cstr(chunk->table_name),
					start ? quote_literal_cstr(start) : "NULL",
					end ? quote_literal_cstr(end) : "NULL",
					chunk->space_modulus
					? quote_literal_cstr(psprintf("_ts_s%d_" INT64_FORMAT, ht->id, chunk->time_start))
					: "NULL",
					chunk->space_modulus ? psprintf("%d", chunk->space_modulus) : "NULL",
					chunk->space_modulus ? psprintf("%d", chunk->space_remainder) : "NULL");
}

/* Create the chunk on each of its data nodes, all at once. */
static void
create_remote_chunks(TsHypertable *ht, TsChunk *chunk)
{
	char	   *sql = ts_chunk_remote_create_sql(ht, chunk);
	List	   *conns = NIL;
	List	   *sqls = NIL;
	ListCell   *lc;

	foreach(lc, chunk->data_nodes)
	{
		TsDataNode *node = ts_data_node_get((char *) lfirst(lc), false);

		conns = lappend(conns, ts_remote_txn_connection(node->serverid, GetUserId(), true));
		sqls = lappend(sqls, sql);
	}
	ts_dist_exec_on_all(conns, sqls);
}

/*
 * The foreign table of the chunk on the access node: it inherits from the
 * root (so scans of the root see it), points at the primary replica's
 * server, and carries its time range as CHECK constraints for exclusion.
 */
static void
create_foreign_table(TsHypertable *ht, TsChunk *chunk)
{
	char	   *start = ts_internal_to_literal(chunk->time_start, ht->time_type);
	char	   *end = ts_internal_to_literal(chunk->time_end, ht->time_type);
	const char *column = quote_identifier(ht->time_column);
	char	   *type = format_type_be(ht->time_type);
	StringInfoData sql;
	char	   *owner = GetUserNameFromId(ts_rel_owner(ht->relid), false);
	char	   *name = qualified(chunk->schema_name, chunk->table_name);
	TsCatalogSpi spi;

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE FOREIGN TABLE %s () INHERITS (%s) SERVER %s",
					 name, qualified(ht->schema_name, ht->table_name),
					 quote_identifier((char *) linitial(chunk->data_nodes)));
	if (start != NULL || end != NULL)
	{
		appendStringInfoString(&sql, "; ALTER FOREIGN TABLE ");
		appendStringInfo(&sql, "%s ADD CONSTRAINT %s CHECK (", name,
						 quote_identifier(psprintf("constraint_%d", chunk->id)));
		if (start != NULL)
			appendStringInfo(&sql, "%s >= %s::%s", column, quote_literal_cstr(start), type);
		if (start != NULL && end != NULL)
			appendStringInfoString(&sql, " AND ");
		if (end != NULL)
			appendStringInfo(&sql, "%s < %s::%s", column, quote_literal_cstr(end), type);
		appendStringInfoChar(&sql, ')');
	}
	appendStringInfo(&sql, "; ALTER FOREIGN TABLE %s OWNER TO %s", name, quote_identifier(owner));

	ts_option_creating_chunk = true;
	PG_TRY();
	{
		ts_catalog_spi_connect(&spi);
		if (SPI_execute(sql.data, false, 0) < 0)
			elog(ERROR, "could not create the foreign table of chunk %s", name);
		ts_catalog_spi_finish(&spi);
	}
	PG_FINALLY();
	{
		ts_option_creating_chunk = false;
	}
	PG_END_TRY();
}

/*
 * A local hypertable's chunk: a table like the root (columns, defaults,
 * constraints, indexes), with its range as a CHECK constraint, that
 * inherits from the root.
 */
static void
create_local_table(TsHypertable *ht, TsChunk *chunk)
{
	char	   *start = ts_internal_to_literal(chunk->time_start, ht->time_type);
	char	   *end = ts_internal_to_literal(chunk->time_end, ht->time_type);
	const char *column = quote_identifier(ht->time_column);
	char	   *type = format_type_be(ht->time_type);
	char	   *root = qualified(ht->schema_name, ht->table_name);
	char	   *name = qualified(chunk->schema_name, chunk->table_name);
	char	   *owner = GetUserNameFromId(ts_rel_owner(ht->relid), false);
	StringInfoData sql;
	TsCatalogSpi spi;

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
					 "INCLUDING INDEXES INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING GENERATED)",
					 name, root);
	if (start != NULL || end != NULL || chunk->space_modulus != 0)
	{
		appendStringInfo(&sql, "; ALTER TABLE %s ADD CONSTRAINT %s CHECK (true", name,
						 quote_identifier(psprintf("constraint_%d", chunk->id)));
		if (start != NULL)
			appendStringInfo(&sql, " AND %s >= %s::%s", column, quote_literal_cstr(start), type);
		if (end != NULL)
			appendStringInfo(&sql, " AND %s < %s::%s", column, quote_literal_cstr(end), type);
		if (chunk->space_modulus != 0)
			appendStringInfo(&sql, " AND timeshard_internal.get_partition_hash(%s, %d) = %d",
							 quote_identifier(ht->space_column), chunk->space_modulus,
							 chunk->space_remainder);
		appendStringInfoChar(&sql, ')');
	}
	appendStringInfo(&sql, "; ALTER TABLE %s INHERIT %s; ALTER TABLE %s OWNER TO %s",
					 name, root, name, quote_identifier(owner));
	ts_catalog_spi_connect(&spi);
	if (SPI_execute(sql.data, false, 0) < 0)
		elog(ERROR, "could not create chunk %s", name);
	ts_catalog_spi_finish(&spi);
}

/* Bounds of a new time slice holding time: aligned, overlapping no slice. */
static void
new_slice_bounds(TsHypertable *ht, int64 time, int64 *start, int64 *end)
{
	*start = ts_time_slice_start(time, ht->interval, ht->time_type);
	*end = ts_time_slice_end(*start, ht->interval, ht->time_type);
	for (int i = 0; i < ht->nslices; i++)
	{
		TsTimeSlice *s = ht->slices[i];

		if (s->end <= time && s->end > *start)
			*start = s->end;
		if (s->start > time && s->start < *end)
			*end = s->start;
	}
}

static int
point_remainder(TsHypertable *ht, TsTimeSlice *slice, Datum space, bool space_isnull)
{
	int			modulus;

	if (ht->space_dim_id == 0)
		return -1;
	modulus = slice != NULL ? slice->space_modulus : ht->num_slices;
	return ts_space_remainder(space, space_isnull, ht->space_type, ht->space_collation, modulus);
}

/*
 * The chunk of the point (time in internal time, the space column's value),
 * from the backend's cache.  NULL when the cache does not have it.
 */
TsChunk *
ts_chunk_find(TsHypertable *ht, int64 time, Datum space, bool space_isnull)
{
	TsTimeSlice *slice = ts_hypertable_find_slice(ht, time);

	if (slice == NULL)
		return NULL;
	return ts_hypertable_find_chunk(ht, time, point_remainder(ht, slice, space, space_isnull),
									NULL);
}

/*
 * The chunk of the point, created if no one has.  The caller's data-node
 * connections must be free (not in COPY).
 */
TsChunk *
ts_chunk_find_or_create(TsHypertable *ht, int64 time, Datum space, bool space_isnull)
{
	TsChunk    *chunk = ts_chunk_find(ht, time, space, space_isnull);
	TsTimeSlice *slice;
	TsChunk		new_chunk;
	List	   *fresh;
	ListCell   *lc;
	int			remainder;

	if (chunk != NULL)
		return chunk;

	LockRelationOid(ht->relid, ShareUpdateExclusiveLock);
	fresh = ts_hypertable_load_chunks(ht, true);
	foreach(lc, fresh)
		ts_hypertable_add_chunk(ht, (TsChunk *) lfirst(lc));
	chunk = ts_chunk_find(ht, time, space, space_isnull);
	if (chunk != NULL)
		return chunk;

	memset(&new_chunk, 0, sizeof(new_chunk));
	slice = ts_hypertable_find_slice(ht, time);
	if (slice != NULL)
	{
		new_chunk.time_start = slice->start;
		new_chunk.time_end = slice->end;
		new_chunk.space_modulus = slice->space_modulus;
	}
	else
	{
		new_slice_bounds(ht, time, &new_chunk.time_start, &new_chunk.time_end);
		new_chunk.space_modulus = ht->space_dim_id != 0 ? ht->num_slices : 0;
	}
	remainder = point_remainder(ht, slice, space, space_isnull);
	new_chunk.space_remainder = remainder < 0 ? 0 : remainder;
	new_chunk.id = next_chunk_id();
	new_chunk.schema_name = ht->associated_schema;
	new_chunk.table_name = psprintf("%s_%d_chunk", ht->associated_prefix, new_chunk.id);
	if (ht->replication_factor > 0)
	{
		new_chunk.data_nodes = choose_replicas(ht, new_chunk.time_start, new_chunk.space_remainder);
		insert_catalog_rows(ht, &new_chunk);
		create_remote_chunks(ht, &new_chunk);
		create_foreign_table(ht, &new_chunk);
	}
	else
	{
		insert_catalog_rows(ht, &new_chunk);
		create_local_table(ht, &new_chunk);
	}
	CommandCounterIncrement();

	ts_hypertable_add_chunk(ht, &new_chunk);
	return ts_chunk_find(ht, time, space, space_isnull);
}

/* Is the relation a chunk of a hypertable (on this node's catalog)? */
bool
ts_chunk_is_chunk(Oid relid)
{
	Oid			types[2] = {NAMEOID, NAMEOID};
	Datum		values[2];
	char	   *name = get_rel_name(relid);
	TsCatalogSpi spi;
	bool		found;

	if (name == NULL || !ts_extension_ready())
		return false;
	values[0] = DirectFunctionCall1(namein, CStringGetDatum(get_namespace_name(get_rel_namespace(relid))));
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(name));
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("SELECT 1 FROM timeshard_catalog.chunk WHERE schema_name = $1 AND table_name = $2",
							  2, types, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the chunk catalog");
	found = SPI_processed > 0;
	ts_catalog_spi_finish(&spi);
	return found;
}

/*
 * The names of the data nodes holding replicas of the chunk whose foreign
 * table is rel, by name.
 */
List *
ts_chunk_replica_names(Relation rel)
{
	Oid			types[2] = {NAMEOID, NAMEOID};
	Datum		values[2];
	TsCatalogSpi spi;
	List	   *names = NIL;
	MemoryContext caller = CurrentMemoryContext;

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(get_namespace_name(RelationGetNamespace(rel))));
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(RelationGetRelationName(rel)));
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("SELECT d.node_name FROM timeshard_catalog.chunk c "
							  "JOIN timeshard_catalog.chunk_data_node d ON d.chunk_id = c.id "
							  "WHERE c.schema_name = $1 AND c.table_name = $2 AND NOT d.stale ORDER BY 1",
							  2, types, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the replicas of chunk %s", RelationGetRelationName(rel));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		MemoryContext spi_cxt = MemoryContextSwitchTo(caller);

		names = lappend(names, pstrdup(SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1)));
		MemoryContextSwitchTo(spi_cxt);
	}
	ts_catalog_spi_finish(&spi);
	return names;
}

/*
 * Point the chunk's foreign table at an up-to-date replica when its server
 * is no longer one (stale, given up, moved).
 */
void
ts_chunk_fix_primary(TsHypertable *ht, int32 chunk_id)
{
	ListCell   *lc;

	foreach(lc, ts_hypertable_load_chunks(ht, true))
	{
		TsChunk    *chunk = (TsChunk *) lfirst(lc);
		Oid			nsp;
		Oid			relid;
		ForeignTable *ft;
		TsDataNode *primary;
		ListCell   *lc2;
		TsDataNode *best = NULL;

		if (chunk->id != chunk_id || chunk->data_nodes == NIL)
			continue;
		nsp = get_namespace_oid(chunk->schema_name, true);
		relid = OidIsValid(nsp) ? get_relname_relid(chunk->table_name, nsp) : InvalidOid;
		if (!OidIsValid(relid))
			return;
		ft = GetForeignTable(relid);
		primary = ts_data_node_get_by_id(ft->serverid, true);
		if (primary != NULL)
			foreach(lc2, chunk->data_nodes)
				if (strcmp((char *) lfirst(lc2), primary->name) == 0)
					return;
		foreach(lc2, chunk->data_nodes)
		{
			TsDataNode *node = ts_data_node_get((char *) lfirst(lc2), true);

			if (node != NULL && (best == NULL || (!best->available && node->available)))
				best = node;
		}
		if (best != NULL)
			ts_chunk_set_server(chunk, best->serverid);
		return;
	}
}

/*
 * The replicas a write to the chunk goes to: those on available nodes.  A
 * replica on an unavailable node misses the write: it is marked stale (no
 * longer read, refreshed when its node is back).  No replica available is
 * an error naming the nodes.
 */
List *
ts_chunk_writable_replicas(TsHypertable *ht, TsChunk *chunk)
{
	List	   *result = NIL;
	List	   *missed = NIL;
	ListCell   *lc;

	foreach(lc, chunk->data_nodes)
	{
		TsDataNode *node = ts_data_node_get((char *) lfirst(lc), true);
		TsRemoteError err;

		/* Usable, and reachable now (a node that just died counts as down). */
		if (node != NULL && ts_data_node_usable(node) &&
			ts_remote_txn_connection_try(node->serverid, GetUserId(), true, &err) != NULL)
			result = lappend(result, lfirst(lc));
		else
			missed = lappend(missed, lfirst(lc));
	}
	if (result == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_EXCEPTION),
				 errmsg("data node \"%s\" is not available", (char *) linitial(chunk->data_nodes)),
				 errdetail("Chunk \"%s\" has no available replica to write to.", chunk->table_name),
				 errhint("Bring a data node back, or mark it available with alter_data_node().")));
	foreach(lc, missed)
	{
		Oid			types[2] = {INT4OID, NAMEOID};
		Datum		values[2];
		TsCatalogSpi spi;

		values[0] = Int32GetDatum(chunk->id);
		values[1] = DirectFunctionCall1(namein, CStringGetDatum((char *) lfirst(lc)));
		ts_catalog_spi_connect(&spi);
		if (SPI_execute_with_args("UPDATE timeshard_catalog.chunk_data_node "
								  "SET stale = true, stale_since = COALESCE(stale_since, now()) "
								  "WHERE chunk_id = $1 AND node_name = $2",
								  2, types, values, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "could not mark a replica of chunk \"%s\" stale", chunk->table_name);
		ts_catalog_spi_finish(&spi);
		ereport(NOTICE,
				(errmsg("replica of chunk \"%s\" on data node \"%s\" is stale", chunk->table_name,
						(char *) lfirst(lc)),
				 errdetail("The data node is unavailable; it gets the chunk again when it is back.")));
	}
	if (missed != NIL)
	{
		/* This session's cache (in its memory), then everyone's. */
		MemoryContext old = MemoryContextSwitchTo(GetMemoryChunkContext(chunk));

		chunk->data_nodes = list_copy(result);
		chunk->stale_nodes = list_concat(list_copy(chunk->stale_nodes), missed);
		MemoryContextSwitchTo(old);
		ts_chunk_fix_primary(ht, chunk->id);
		CacheInvalidateRelcacheByRelid(ht->relid);
	}
	return result;
}

/* A relation argument that names nothing is an error of its own. */
void
ts_check_relation_exists(Oid relid)
{
	if (!OidIsValid(relid) || get_rel_name(relid) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errhint("Pass the name of an existing table.")));
}
