/*-------------------------------------------------------------------------
 * hypertable_drop.c — DROP TABLE of a distributed hypertable, and dropping
 * one chunk everywhere.
 *
 * DROP TABLE of a distributed hypertable first drops the member hypertable
 * on every data node and the chunks' foreign tables here (of a local
 * hypertable: its chunk tables), inside the
 * distributed transaction; PostgreSQL then drops the table itself, and the
 * catalog rows go with it (sql_drop event trigger, foreign keys).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "chunk.h"
#include "storage/lmgr.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "catalog/catalog_spi.h"
#include "data_node.h"
#include "dist_exec.h"
#include "hypertable_drop.h"
#include "remote/txn.h"

/* Run one statement on the listed data nodes, in the distributed transaction. */
static void
exec_on_nodes(List *node_names, const char *sql)
{
	List	   *conns = NIL;
	List	   *sqls = NIL;
	ListCell   *lc;

	foreach(lc, node_names)
	{
		TsDataNode *node = ts_data_node_get((char *) lfirst(lc), true);

		if (node == NULL)
			continue;
		if (!node->available)
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_EXCEPTION),
					 errmsg("data node \"%s\" is not available", node->name),
					 errhint("Make it available with alter_data_node() before dropping its data.")));
		conns = lappend(conns, ts_remote_txn_connection(node->serverid, GetUserId(), true));
		sqls = lappend(sqls, (char *) sql);
	}
	if (conns != NIL)
		ts_dist_exec_on_all(conns, sqls);
}

static List *
node_names(TsHypertable *ht)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, ht->nodes)
		result = lappend(result, ((TsHypertableNode *) lfirst(lc))->name);
	return result;
}

/*
 * Drop one chunk: its replicas on the data nodes, its foreign table here and
 * its catalog rows.  The caller checked the privileges.
 */
void
ts_chunk_drop(TsHypertable *ht, TsChunk *chunk)
{
	Oid			nsp = get_namespace_oid(chunk->schema_name, true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(chunk->table_name, nsp) : InvalidOid;
	TsCatalogSpi spi;
	Oid			types[1] = {INT4OID};
	Datum		values[1] = {Int32GetDatum(chunk->id)};

	exec_on_nodes(chunk->data_nodes,
				  psprintf("SELECT timeshard_internal.drop_chunk(%s, %s)",
						   quote_literal_cstr(chunk->schema_name),
						   quote_literal_cstr(chunk->table_name)));
	if (OidIsValid(relid))
	{
		ObjectAddress address;

		ObjectAddressSet(address, RelationRelationId, relid);
		performDeletion(&address, DROP_RESTRICT, PERFORM_DELETION_INTERNAL);
	}
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("DELETE FROM timeshard_catalog.chunk WHERE id = $1",
							  1, types, values, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not remove chunk %d from the catalog", chunk->id);
	ts_catalog_spi_finish(&spi);
}

/*
 * Before DROP TABLE runs: for every distributed hypertable it names, drop
 * the member hypertables on the data nodes and the chunks here.
 */
static void drop_hypertable(TsHypertable *ht, DropBehavior behavior);

/*
 * Before DROP TABLE or DROP SCHEMA ... CASCADE runs: drop the hypertables it
 * removes on the data nodes and their chunks here.  Chunks themselves are
 * dropped with drop_chunks(), not DROP FOREIGN TABLE.
 */
void
ts_hypertable_drop_prepare(DropStmt *stmt)
{
	ListCell   *lc;

	if (stmt->removeType == OBJECT_SCHEMA && stmt->behavior == DROP_CASCADE)
	{
		foreach(lc, ts_hypertable_list())
		{
			Oid			relid = lfirst_oid(lc);
			ListCell   *lc2;

			foreach(lc2, stmt->objects)
			{
				TsHypertable *ht = ts_hypertable_get(relid);

				if (ht != NULL && ht->replication_factor >= 0 &&
					strcmp(strVal(lfirst(lc2)), ht->schema_name) == 0)
				{
					LockRelationOid(relid, AccessExclusiveLock);
					drop_hypertable(ht, DROP_CASCADE);
				}
			}
		}
		return;
	}
	if (stmt->removeType == OBJECT_FOREIGN_TABLE || stmt->removeType == OBJECT_TABLE)
	{
		foreach(lc, stmt->objects)
		{
			RangeVar   *rv = makeRangeVarFromNameList((List *) lfirst(lc));
			Oid			relid = RangeVarGetRelid(rv, NoLock, true);

			if (OidIsValid(relid) && ts_chunk_is_chunk(relid))
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("\"%s\" is a chunk of a hypertable", get_rel_name(relid)),
						 errdetail("Dropping it alone would leave its replicas on the data nodes."),
						 errhint("Use drop_chunks() to drop chunks.")));
		}
	}
	if (stmt->removeType != OBJECT_TABLE)
		return;
	foreach(lc, stmt->objects)
	{
		RangeVar   *rv = makeRangeVarFromNameList((List *) lfirst(lc));
		Oid			relid = RangeVarGetRelid(rv, AccessExclusiveLock, true);
		TsHypertable *ht = OidIsValid(relid) ? ts_hypertable_get(relid) : NULL;

		if (ht == NULL || ht->replication_factor < 0)
			continue;
		drop_hypertable(ht, stmt->behavior);
	}
}

/* Drop a hypertable's member hypertables and chunks (not its root). */
static void
drop_hypertable(TsHypertable *ht, DropBehavior behavior)
{
	ListCell   *lc;

	if (!pg_class_ownercheck(ht->relid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_TABLE, get_rel_name(ht->relid));

	if (ht->replication_factor > 0)
		exec_on_nodes(node_names(ht),
					  psprintf("DROP TABLE IF EXISTS %s.%s%s",
							   quote_identifier(ht->schema_name),
							   quote_identifier(ht->table_name),
							   behavior == DROP_CASCADE ? " CASCADE" : ""));
	foreach(lc, ts_hypertable_all_chunks(ht))
	{
		TsChunk    *chunk = (TsChunk *) lfirst(lc);
		Oid			nsp = get_namespace_oid(chunk->schema_name, true);
		Oid			chunk_relid = OidIsValid(nsp) ? get_relname_relid(chunk->table_name, nsp)
			: InvalidOid;

		if (OidIsValid(chunk_relid))
		{
			ObjectAddress address;

			ObjectAddressSet(address, RelationRelationId, chunk_relid);
			performDeletion(&address, DROP_RESTRICT, PERFORM_DELETION_INTERNAL);
		}
	}
	CommandCounterIncrement();
}
