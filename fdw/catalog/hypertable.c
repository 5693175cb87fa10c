/*-------------------------------------------------------------------------
 * hypertable.c — read hypertables, their dimensions, data nodes and chunks
 * from the catalog, and cache them per backend.
 *
 * The cache maps a table's OID to its TsHypertable (or to "not a
 * hypertable").  Whoever changes a hypertable's definition calls
 * ts_hypertable_invalidate(), a relcache invalidation of the table, which
 * every backend receives; the entry is then dropped and read again when
 * next needed.  Dropped entries stay allocated until the end of the
 * transaction, because a running statement may still hold them.
 *
 * New chunks do not invalidate anything: a backend that misses a chunk in
 * its cache looks again in the catalog, under the chunk-creation lock and
 * with the latest snapshot, before it creates one (see chunk.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "catalog/catalog_spi.h"
#include "catalog/hypertable.h"
#include "timeshard.h"

typedef struct CacheEntry
{
	Oid			relid;			/* hash key */
	TsHypertable *ht;			/* NULL: not a hypertable */
} CacheEntry;

static HTAB *ht_cache = NULL;
static List *dead_contexts = NIL;
static bool callbacks_registered = false;

/*
 * Is the extension installed and usable in this database?  Cheap (syscache
 * lookups only): the hooks call it for every statement.
 */
bool
ts_extension_ready(void)
{
	Oid			nsp;

	if (creating_extension || !IsTransactionState())
		return false;
	nsp = get_namespace_oid(TS_CATALOG_SCHEMA, true);
	return OidIsValid(nsp) && OidIsValid(get_relname_relid("hypertable", nsp));
}

static void
drop_entry(CacheEntry *entry)
{
	if (entry->ht != NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		dead_contexts = lappend(dead_contexts, entry->ht->mcxt);
		MemoryContextSwitchTo(old);
	}
	hash_search(ht_cache, &entry->relid, HASH_REMOVE, NULL);
}

static void
relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS scan;
	CacheEntry *entry;

	if (ht_cache == NULL)
		return;
	if (OidIsValid(relid))
	{
		entry = hash_search(ht_cache, &relid, HASH_FIND, NULL);
		if (entry != NULL)
			drop_entry(entry);
		return;
	}
	hash_seq_init(&scan, ht_cache);
	while ((entry = hash_seq_search(&scan)) != NULL)
		drop_entry(entry);
}

static void
free_dead_entries(XactEvent event, void *arg)
{
	ListCell   *lc;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT && event != XACT_EVENT_PARALLEL_ABORT &&
		event != XACT_EVENT_PREPARE)
		return;
	foreach(lc, dead_contexts)
		MemoryContextDelete((MemoryContext) lfirst(lc));
	list_free(dead_contexts);
	dead_contexts = NIL;
}

static void
init_cache(void)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(CacheEntry);
	ctl.hcxt = CacheMemoryContext;
	ht_cache = hash_create("timeshard hypertables", 32, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	if (!callbacks_registered)
	{
		CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
		RegisterXactCallback(free_dead_entries, NULL);
		callbacks_registered = true;
	}
}

/* Tell every backend that the hypertable's definition changed. */
void
ts_hypertable_invalidate(Oid relid)
{
	CacheInvalidateRelcacheByRelid(relid);
}

/*
 * Run a catalog query.  With "latest", it sees what other transactions
 * committed after ours began (for chunk creation under its lock).
 */
static void
catalog_query(const char *sql, int nargs, Oid *types, Datum *values, bool latest)
{
	int			rc;

	if (latest)
	{
		SPIPlanPtr	plan = SPI_prepare(sql, nargs, types);

		if (plan == NULL)
			elog(ERROR, "could not prepare catalog query: %s", sql);
		rc = SPI_execute_snapshot(plan, values, NULL, GetLatestSnapshot(),
								  InvalidSnapshot, true, false, 0);
	}
	else
		rc = SPI_execute_with_args(sql, nargs, types, values, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "catalog query failed: %s", sql);
}

static char *
get_text(HeapTuple tup, TupleDesc desc, int col)
{
	char	   *v = SPI_getvalue(tup, desc, col);

	return v;
}

static Datum
get_datum(HeapTuple tup, TupleDesc desc, int col, bool *isnull)
{
	return SPI_getbinval(tup, desc, col, isnull);
}

static List *
name_array_to_list(Datum arr)
{
	ArrayType  *a = DatumGetArrayTypeP(arr);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *result = NIL;

	deconstruct_array(a, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		if (!nulls[i])
			result = lappend(result, pstrdup(NameStr(*DatumGetName(elems[i]))));
	}
	return result;
}

static int
compare_slices(const void *a, const void *b)
{
	const TsTimeSlice *sa = *(TsTimeSlice *const *) a;
	const TsTimeSlice *sb = *(TsTimeSlice *const *) b;

	return sa->start < sb->start ? -1 : sa->start > sb->start ? 1 : 0;
}

static void
insert_slice(TsHypertable *ht, TsTimeSlice *slice)
{
	if (ht->nslices == ht->slices_size)
	{
		ht->slices_size = Max(16, ht->slices_size * 2);
		if (ht->slices == NULL)
			ht->slices = MemoryContextAlloc(ht->mcxt, sizeof(TsTimeSlice *) * ht->slices_size);
		else
			ht->slices = repalloc(ht->slices, sizeof(TsTimeSlice *) * ht->slices_size);
	}
	ht->slices[ht->nslices++] = slice;
	qsort(ht->slices, ht->nslices, sizeof(TsTimeSlice *), compare_slices);
}

/* The time slice that holds time, or NULL. */
TsTimeSlice *
ts_hypertable_find_slice(TsHypertable *ht, int64 time)
{
	int			lo = 0;
	int			hi = ht->nslices - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		TsTimeSlice *s = ht->slices[mid];

		if (time < s->start)
			hi = mid - 1;
		else if (time >= s->end && s->end != PG_INT64_MAX)	/* the last slice has no end */
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

/*
 * The cached chunk holding the point (remainder < 0: no space dimension),
 * or NULL; *slice_out gets the time slice when there is one.
 */
TsChunk *
ts_hypertable_find_chunk(TsHypertable *ht, int64 time, int remainder, TsTimeSlice **slice_out)
{
	TsTimeSlice *slice = ts_hypertable_find_slice(ht, time);
	ListCell   *lc;

	if (slice_out)
		*slice_out = slice;
	if (slice == NULL)
		return NULL;
	foreach(lc, slice->chunks)
	{
		TsChunk    *chunk = (TsChunk *) lfirst(lc);

		if (remainder < 0 || chunk->space_remainder == remainder)
			return chunk;
	}
	return NULL;
}

/* Add a chunk (allocated anywhere) to the cached hypertable. */
void
ts_hypertable_add_chunk(TsHypertable *ht, TsChunk *src)
{
	MemoryContext old = MemoryContextSwitchTo(ht->mcxt);
	TsChunk    *chunk = palloc(sizeof(TsChunk));
	TsTimeSlice *slice = ts_hypertable_find_slice(ht, src->time_start);
	ListCell   *lc;

	*chunk = *src;
	chunk->schema_name = pstrdup(src->schema_name);
	chunk->table_name = pstrdup(src->table_name);
	chunk->data_nodes = NIL;
	foreach(lc, src->data_nodes)
		chunk->data_nodes = lappend(chunk->data_nodes, pstrdup((char *) lfirst(lc)));

	if (slice == NULL)
	{
		slice = palloc0(sizeof(TsTimeSlice));
		slice->start = chunk->time_start;
		slice->end = chunk->time_end;
		slice->space_modulus = chunk->space_modulus;
		insert_slice(ht, slice);
	}
	foreach(lc, slice->chunks)
	{
		if (((TsChunk *) lfirst(lc))->id == chunk->id)
		{
			MemoryContextSwitchTo(old);
			return;
		}
	}
	slice->chunks = lappend(slice->chunks, chunk);
	MemoryContextSwitchTo(old);
}

/*
 * Read the hypertable's chunks from the catalog (latest: with the latest
 * snapshot).  Returns a list of TsChunk in the current memory context.
 */
List *
ts_hypertable_load_chunks(TsHypertable *ht, bool latest)
{
	Oid			types[1] = {INT4OID};
	Datum		values[1] = {Int32GetDatum(ht->id)};
	TsCatalogSpi spi;
	MemoryContext caller = CurrentMemoryContext;
	List	   *result = NIL;

	ts_catalog_spi_connect(&spi);
	catalog_query("SELECT c.id, c.schema_name, c.table_name, c.time_start, c.time_end, "
				  "COALESCE(c.space_modulus, 0), COALESCE(c.space_remainder, 0), "
				  "COALESCE(array_agg(d.node_name ORDER BY d.node_name) "
				  "FILTER (WHERE d.node_name IS NOT NULL AND NOT d.stale), '{}')::name[], "
				  "COALESCE(array_agg(d.node_name ORDER BY d.node_name) "
				  "FILTER (WHERE d.stale), '{}')::name[] "
				  "FROM timeshard_catalog.chunk c "
				  "LEFT JOIN timeshard_catalog.chunk_data_node d ON d.chunk_id = c.id "
				  "WHERE c.hypertable_id = $1 GROUP BY c.id ORDER BY c.time_start, c.space_remainder",
				  1, types, values, latest);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		MemoryContext spi = MemoryContextSwitchTo(caller);
		TsChunk    *chunk = palloc0(sizeof(TsChunk));
		bool		isnull;

		chunk->id = DatumGetInt32(get_datum(tup, desc, 1, &isnull));
		chunk->schema_name = pstrdup(get_text(tup, desc, 2));
		chunk->table_name = pstrdup(get_text(tup, desc, 3));
		chunk->time_start = DatumGetInt64(get_datum(tup, desc, 4, &isnull));
		chunk->time_end = DatumGetInt64(get_datum(tup, desc, 5, &isnull));
		chunk->space_modulus = DatumGetInt32(get_datum(tup, desc, 6, &isnull));
		chunk->space_remainder = DatumGetInt32(get_datum(tup, desc, 7, &isnull));
		chunk->data_nodes = name_array_to_list(get_datum(tup, desc, 8, &isnull));
		chunk->stale_nodes = name_array_to_list(get_datum(tup, desc, 9, &isnull));
		result = lappend(result, chunk);
		MemoryContextSwitchTo(spi);
	}
	ts_catalog_spi_finish(&spi);
	return result;
}

/* Every cached chunk of the hypertable, by time. */
List *
ts_hypertable_all_chunks(TsHypertable *ht)
{
	List	   *result = NIL;

	for (int i = 0; i < ht->nslices; i++)
		result = list_concat(result, ht->slices[i]->chunks);
	return result;
}

/* Load a hypertable from the catalog; NULL when the table is not one. */
static TsHypertable *
load_hypertable(Oid relid, const char *schema, const char *table)
{
	Oid			types[2] = {NAMEOID, NAMEOID};
	Datum		values[2];
	TsCatalogSpi spi;
	TsHypertable *ht;
	MemoryContext mcxt;
	MemoryContext old;
	Datum		idarg[1];
	Oid			idtype[1] = {INT4OID};
	bool		isnull;
	List	   *chunks;
	ListCell   *lc;

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(schema));
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(table));

	ts_catalog_spi_connect(&spi);
	catalog_query("SELECT id, associated_schema_name, associated_table_prefix, "
				  "COALESCE(replication_factor, 0) FROM timeshard_catalog.hypertable "
				  "WHERE schema_name = $1 AND table_name = $2", 2, types, values, false);
	if (SPI_processed == 0)
	{
		ts_catalog_spi_finish(&spi);
		return NULL;
	}

	mcxt = AllocSetContextCreate(CacheMemoryContext, "timeshard hypertable",
								 ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(mcxt);
	ht = palloc0(sizeof(TsHypertable));
	ht->mcxt = mcxt;
	ht->relid = relid;
	ht->schema_name = pstrdup(schema);
	ht->table_name = pstrdup(table);
	ht->id = DatumGetInt32(get_datum(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	ht->associated_schema = pstrdup(get_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2));
	ht->associated_prefix = pstrdup(get_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3));
	ht->replication_factor = DatumGetInt16(get_datum(SPI_tuptable->vals[0],
													 SPI_tuptable->tupdesc, 4, &isnull));
	MemoryContextSwitchTo(old);

	idarg[0] = Int32GetDatum(ht->id);
	catalog_query("SELECT id, column_name, column_type, num_slices, interval_length "
				  "FROM timeshard_catalog.dimension WHERE hypertable_id = $1 ORDER BY id",
				  1, idtype, idarg, false);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		int32		dim_id = DatumGetInt32(get_datum(tup, desc, 1, &isnull));
		char	   *column = get_text(tup, desc, 2);
		Oid			type = DatumGetObjectId(get_datum(tup, desc, 3, &isnull));
		Datum		slices = get_datum(tup, desc, 4, &isnull);
		bool		is_space = !isnull;
		Datum		interval = get_datum(tup, desc, 5, &isnull);

		old = MemoryContextSwitchTo(mcxt);
		if (is_space)
		{
			ht->space_dim_id = dim_id;
			ht->space_column = pstrdup(column);
			ht->space_type = type;
			ht->space_attno = get_attnum(relid, column);
			{
				Oid			typid;
				int32		typmod;

				get_atttypetypmodcoll(relid, ht->space_attno, &typid, &typmod,
									  &ht->space_collation);
			}
			ht->num_slices = DatumGetInt16(slices);
		}
		else
		{
			ht->time_dim_id = dim_id;
			ht->time_column = pstrdup(column);
			ht->time_type = type;
			ht->time_attno = get_attnum(relid, column);
			ht->interval = DatumGetInt64(interval);
		}
		MemoryContextSwitchTo(old);
	}

	catalog_query("SELECT node_name, block_chunks FROM timeshard_catalog.hypertable_data_node "
				  "WHERE hypertable_id = $1 ORDER BY node_name", 1, idtype, idarg, false);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		TsHypertableNode *node;

		old = MemoryContextSwitchTo(mcxt);
		node = palloc0(sizeof(TsHypertableNode));
		node->name = pstrdup(get_text(tup, desc, 1));
		node->block_chunks = DatumGetBool(get_datum(tup, desc, 2, &isnull));
		ht->nodes = lappend(ht->nodes, node);
		MemoryContextSwitchTo(old);
	}

	if (ht->space_dim_id != 0)
	{
		idarg[0] = Int32GetDatum(ht->space_dim_id);
		catalog_query("SELECT remainder, data_nodes FROM timeshard_catalog.dimension_partition "
					  "WHERE dimension_id = $1 ORDER BY remainder", 1, idtype, idarg, false);
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			Datum		nodes = get_datum(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);

			old = MemoryContextSwitchTo(mcxt);
			ht->partitions = lappend(ht->partitions, name_array_to_list(nodes));
			MemoryContextSwitchTo(old);
		}
	}
	ts_catalog_spi_finish(&spi);

	chunks = ts_hypertable_load_chunks(ht, false);
	foreach(lc, chunks)
		ts_hypertable_add_chunk(ht, (TsChunk *) lfirst(lc));
	return ht;
}

/*
 * The hypertable whose root table is relid, or NULL when it is not one (or
 * the extension is not installed here).
 */
TsHypertable *
ts_hypertable_get(Oid relid)
{
	CacheEntry *entry;
	bool		found;
	char	   *schema;
	char	   *table;
	TsHypertable *ht;

	if (!OidIsValid(relid) || !ts_extension_ready())
		return NULL;
	if (ht_cache == NULL)
		init_cache();
	entry = hash_search(ht_cache, &relid, HASH_FIND, &found);
	if (found)
		return entry->ht;

	table = get_rel_name(relid);
	if (table == NULL)
		return NULL;
	schema = get_namespace_name(get_rel_namespace(relid));
	ht = load_hypertable(relid, schema, table);

	/* Loading may have processed invalidations: enter the result only now. */
	entry = hash_search(ht_cache, &relid, HASH_ENTER, &found);
	if (found && entry->ht != NULL && entry->ht != ht)
	{
		if (ht != NULL)
			MemoryContextDelete(ht->mcxt);
		return entry->ht;
	}
	entry->ht = ht;
	return ht;
}

TsHypertable *
ts_hypertable_get_by_name(const char *schema, const char *table)
{
	Oid			nsp = get_namespace_oid(schema, true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(table, nsp) : InvalidOid;

	return ts_hypertable_get(relid);
}

/*
 * Does timeshard route the rows inserted into this table?  True for
 * distributed and local hypertables (not for a data node's member
 * hypertables, which PostgreSQL's partitioning routes).
 */
bool
ts_hypertable_routes_inserts(Oid relid)
{
	TsHypertable *ht = ts_hypertable_get(relid);

	return ht != NULL && ht->replication_factor >= 0;
}

bool
ts_hypertable_is_distributed(Oid relid)
{
	TsHypertable *ht = ts_hypertable_get(relid);

	return ht != NULL && ht->replication_factor > 0;
}

/* OIDs of every hypertable of this database (root tables that exist). */
List *
ts_hypertable_list(void)
{
	TsCatalogSpi spi;
	List	   *names = NIL;
	List	   *result = NIL;
	ListCell   *lc;
	MemoryContext caller = CurrentMemoryContext;

	ts_catalog_spi_connect(&spi);
	catalog_query("SELECT schema_name, table_name FROM timeshard_catalog.hypertable ORDER BY id",
				  0, NULL, NULL, false);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		MemoryContext spi_cxt = MemoryContextSwitchTo(caller);

		names = lappend(names, list_make2(pstrdup(get_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1)),
										  pstrdup(get_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2))));
		MemoryContextSwitchTo(spi_cxt);
	}
	ts_catalog_spi_finish(&spi);
	foreach(lc, names)
	{
		List	   *pair = (List *) lfirst(lc);
		Oid			nsp = get_namespace_oid(linitial(pair), true);
		Oid			relid = OidIsValid(nsp) ? get_relname_relid(lsecond(pair), nsp) : InvalidOid;

		if (OidIsValid(relid))
			result = lappend_oid(result, relid);
	}
	return result;
}
