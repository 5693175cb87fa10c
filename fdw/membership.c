/*-------------------------------------------------------------------------
 * membership.c — which data nodes a distributed hypertable uses, and how
 * its new chunks are shaped: attach_data_node, detach_data_node,
 * set_number_partitions, set_replication_factor, set_chunk_time_interval.
 *
 * Every change applies to new chunks only: existing chunks stay where they
 * are.  Detaching never loses the last copy of a chunk.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "catalog/catalog_spi.h"
#include "catalog/hypertable.h"
#include "chunk.h"
#include "data_node.h"
#include "dist_exec.h"
#include "hypertable_api.h"
#include "membership.h"
#include "remote/txn.h"
#include "time_utils.h"

#define MAX_PARTITIONS PG_INT16_MAX

PG_FUNCTION_INFO_V1(attach_data_node);
PG_FUNCTION_INFO_V1(detach_data_node);
PG_FUNCTION_INFO_V1(set_number_partitions);
PG_FUNCTION_INFO_V1(set_replication_factor);
PG_FUNCTION_INFO_V1(set_chunk_time_interval);

static void
catalog_exec(const char *sql, int nargs, Oid *types, Datum *values, int expected)
{
	TsCatalogSpi spi;
	int			rc;

	ts_catalog_spi_connect(&spi);
	rc = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0);
	if (rc != expected)
		elog(ERROR, "catalog statement failed (%d): %s", rc, sql);
	ts_catalog_spi_finish(&spi);
}

/* The distributed hypertable of a regclass argument, owned by the caller. */
static TsHypertable *
owned_distributed(FunctionCallInfo fcinfo, int argno, const char *null_message)
{
	Oid			relid;
	TsHypertable *ht;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s", null_message)));
	relid = PG_GETARG_OID(argno);
	ts_check_relation_exists(relid);
	ht = ts_hypertable_get(relid);
	if (ht == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("table \"%s\" is not a hypertable",
						get_rel_name(relid) ? get_rel_name(relid) : "?")));
	if (!pg_class_ownercheck(relid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s", ht->table_name),
				 errhint("Ask its owner (%s), or a member of that role, to run it.",
						 GetUserNameFromId(ts_rel_owner(relid), false))));
	return ht;
}

static void
require_distributed(TsHypertable *ht)
{
	if (ht->replication_factor <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("hypertable \"%s\" is not distributed", ht->table_name)));
}

static void
require_usage(TsDataNode *node)
{
	if (pg_foreign_server_aclcheck(node->serverid, GetUserId(), ACL_USAGE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for foreign server %s", node->name),
				 errhint("GRANT USAGE ON FOREIGN SERVER %s TO %s;", quote_identifier(node->name),
						 quote_identifier(GetUserNameFromId(GetUserId(), false)))));
}

static bool
is_attached(TsHypertable *ht, const char *node_name)
{
	ListCell   *lc;

	foreach(lc, ht->nodes)
	{
		if (strcmp(((TsHypertableNode *) lfirst(lc))->name, node_name) == 0)
			return true;
	}
	return false;
}

/* The hypertable's attached data nodes (TsDataNode), by name. */
static List *
attached_nodes(TsHypertable *ht, const char *without)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, ht->nodes)
	{
		char	   *name = ((TsHypertableNode *) lfirst(lc))->name;
		TsDataNode *node;

		if (without != NULL && strcmp(name, without) == 0)
			continue;
		node = ts_data_node_get(name, true);
		if (node != NULL)
			result = lappend(result, node);
	}
	return result;
}

/* Make the space partitions follow the nodes and the replication factor. */
static void
recompute_partitions(TsHypertable *ht, List *nodes, int num_slices, int rf)
{
	if (ht->space_dim_id != 0 && nodes != NIL)
		ts_dimension_partitions_update(ht->space_dim_id, num_slices, nodes, rf);
}

static void
set_num_slices(TsHypertable *ht, int num_slices)
{
	Oid			types[2] = {INT4OID, INT2OID};
	Datum		values[2] = {Int32GetDatum(ht->space_dim_id), Int16GetDatum((int16) num_slices)};

	catalog_exec("UPDATE timeshard_catalog.dimension SET num_slices = $2 WHERE id = $1",
				 2, types, values, SPI_OK_UPDATE);
}

static void
warn_few_partitions(TsHypertable *ht, int num_slices, int nodes)
{
	if (ht->space_dim_id != 0 && num_slices < nodes)
		ereport(WARNING,
				(errmsg("insufficient number of partitions for dimension \"%s\"", ht->space_column),
				 errdetail("There are not enough partitions to make use of all data nodes."),
				 errhint("Increase the number of partitions in dimension \"%s\" to match or exceed the "
						 "number of attached data nodes.", ht->space_column)));
}

/* What a data node has under a hypertable's name. */
typedef enum NodeTable
{
	NODE_TABLE_NONE,			/* nothing */
	NODE_TABLE_MEMBER,			/* a member hypertable without chunks */
	NODE_TABLE_MEMBER_WITH_CHUNKS,	/* a member hypertable holding chunks */
	NODE_TABLE_OTHER			/* a table that is not a member hypertable */
} NodeTable;

/*
 * Ask the node, in the distributed transaction, what it has under the
 * hypertable's name; *chunks gets the number of chunks of a member.
 */
static NodeTable
node_table(TsHypertable *ht, TsDataNode *node, int *chunks)
{
	TsConnection *conn = ts_remote_txn_connection(node->serverid, GetUserId(), false);
	const char *params[2] = {ht->schema_name, ht->table_name};
	TsRemoteError err;
	PGresult   *res;
	NodeTable	result = NODE_TABLE_NONE;

	res = ts_conn_exec(conn,
					   "SELECT timeshard_internal.member_hypertable_id(n.nspname, c.relname) IS NOT NULL, "
					   "       (SELECT count(*) FROM pg_catalog.pg_partition_tree(c.oid) t "
					   "         WHERE t.isleaf AND t.relid <> c.oid) "
					   "  FROM pg_catalog.pg_class c "
					   "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
					   " WHERE n.nspname = $1 AND c.relname = $2",
					   2, params, TS_NO_DEADLINE, &err);
	if (res == NULL)
		ts_remote_error_report(&err, ERROR);
	*chunks = 0;
	if (PQntuples(res) > 0)
	{
		*chunks = atoi(PQgetvalue(res, 0, 1));
		if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
			result = NODE_TABLE_OTHER;
		else
			result = *chunks > 0 ? NODE_TABLE_MEMBER_WITH_CHUNKS : NODE_TABLE_MEMBER;
	}
	PQclear(res);
	return result;
}

/* The node's catalog id of its member hypertable of ht; false if it has none. */
static bool
node_hypertable_id(TsHypertable *ht, TsDataNode *node, int32 *id)
{
	TsConnection *conn = ts_remote_txn_connection(node->serverid, GetUserId(), false);
	const char *params[2] = {ht->schema_name, ht->table_name};
	TsRemoteError err;
	PGresult   *res;
	bool		found;

	res = ts_conn_exec(conn,
					   "SELECT id FROM timeshard_internal.member_hypertable_id($1, $2) AS id "
					   " WHERE id IS NOT NULL",
					   2, params, TS_NO_DEADLINE, &err);
	if (res == NULL)
		ts_remote_error_report(&err, ERROR);
	found = PQntuples(res) > 0;
	if (found)
		*id = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return found;
}

/*
 * Make sure the node can get the hypertable's member: a table of that name
 * must not be in the way.  A member hypertable left by an earlier detach
 * (without drop_remote_data) that holds no chunk has nothing to keep: it is
 * dropped, and made again from the table as it is now (columns, indexes,
 * constraints, triggers, owner and privileges may have changed meanwhile).
 * One that still holds chunks, which the access node no longer lists, or
 * any other table is refused, with what to do about it.
 */
static void
clear_the_way(TsHypertable *ht, TsDataNode *node)
{
	char	   *qualified = psprintf("%s.%s", quote_identifier(ht->schema_name),
									 quote_identifier(ht->table_name));
	int			chunks;

	switch (node_table(ht, node, &chunks))
	{
		case NODE_TABLE_NONE:
			return;
		case NODE_TABLE_MEMBER:
			ts_dist_exec_in_txn(list_make1(node), psprintf("DROP TABLE %s", qualified), NULL);
			return;
		case NODE_TABLE_MEMBER_WITH_CHUNKS:
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("data node \"%s\" still holds chunks of hypertable \"%s\"",
							node->name, ht->table_name),
					 errdetail("Its member hypertable %s has %d chunks that the hypertable no longer "
							   "uses, left when the data node was detached without drop_remote_data.",
							   qualified, chunks),
					 errhint("Drop the table on the data node, for example with CALL distributed_exec(%s, "
							 "node_list => %s), then attach the data node again.",
							 quote_literal_cstr(psprintf("DROP TABLE %s", qualified)),
							 quote_literal_cstr(psprintf("{%s}", quote_identifier(node->name))))));
			break;
		case NODE_TABLE_OTHER:
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_TABLE),
					 errmsg("table %s already exists on data node \"%s\"", qualified, node->name),
					 errdetail("It is not the member hypertable of a distributed hypertable."),
					 errhint("Drop or rename the table on the data node, then attach the data node again.")));
			break;
	}
}

/*
 * attach_data_node(node_name, hypertable, if_not_attached, repartition)
 * returns (hypertable_id, node_hypertable_id, node_name).
 */
Datum
attach_data_node(PG_FUNCTION_ARGS)
{
	char	   *node_name;
	bool		if_not_attached = PG_ARGISNULL(2) ? false : PG_GETARG_BOOL(2);
	bool		repartition = PG_ARGISNULL(3) ? true : PG_GETARG_BOOL(3);
	TsHypertable *ht;
	TsDataNode *node;
	List	   *nodes;
	int			num_slices;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, true, false};
	NameData	name;
	int32		node_id;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("data node name cannot be NULL")));
	node_name = NameStr(*PG_GETARG_NAME(0));
	ht = owned_distributed(fcinfo, 1, "hypertable cannot be NULL");
	require_distributed(ht);
	node = ts_data_node_get(node_name, false);
	require_usage(node);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = Int32GetDatum(ht->id);
	namestrcpy(&name, node->name);
	values[2] = NameGetDatum(&name);

	LockRelationOid(ht->relid, ShareUpdateExclusiveLock);
	if (is_attached(ht, node->name))
	{
		if (!if_not_attached)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("data node \"%s\" is already attached to hypertable \"%s\"",
							node->name, ht->table_name),
					 errhint("Use if_not_attached => true to skip an attached data node.")));
		ereport(NOTICE,
				(errmsg("data node \"%s\" is already attached to hypertable \"%s\", skipping",
						node->name, ht->table_name)));
		if (node->available && node_hypertable_id(ht, node, &node_id))
		{
			values[1] = Int32GetDatum(node_id);
			nulls[1] = false;
		}
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
	}
	if (!node->available)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_EXCEPTION),
				 errmsg("data node \"%s\" is not available", node->name),
				 errhint("Make it available with alter_data_node() before attaching it.")));
	if (list_length(ht->nodes) >= PG_INT16_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("max number of data nodes already attached")));

	/* The member hypertable on the node, then the catalog here. */
	clear_the_way(ht, node);
	ts_hypertable_create_members(ht->relid, ht->time_column, ht->space_column, ht->num_slices,
								 ht->associated_schema, ht->associated_prefix,
								 list_make1(node));
	if (node_hypertable_id(ht, node, &node_id))
	{
		values[1] = Int32GetDatum(node_id);
		nulls[1] = false;
	}
	{
		Oid			types[2] = {INT4OID, NAMEOID};
		Datum		args[2];

		args[0] = Int32GetDatum(ht->id);
		args[1] = DirectFunctionCall1(namein, CStringGetDatum(node->name));
		catalog_exec("INSERT INTO timeshard_catalog.hypertable_data_node (hypertable_id, node_name) "
					 "VALUES ($1, $2)", 2, types, args, SPI_OK_INSERT);
	}

	nodes = lappend(attached_nodes(ht, NULL), node);
	list_sort(nodes, ts_data_node_compare_names);
	num_slices = ht->num_slices;
	if (ht->space_dim_id != 0 && num_slices < list_length(nodes))
	{
		if (repartition)
		{
			num_slices = list_length(nodes);
			set_num_slices(ht, num_slices);
			ereport(NOTICE,
					(errmsg("the number of partitions in dimension \"%s\" was increased to %d",
							ht->space_column, num_slices),
					 errdetail("To make use of all attached data nodes, a distributed hypertable needs "
							   "at least as many partitions in the first closed (space) dimension as "
							   "there are attached data nodes.")));
		}
		else
			warn_few_partitions(ht, num_slices, list_length(nodes));
	}
	recompute_partitions(ht, nodes, num_slices, ht->replication_factor);
	ts_hypertable_invalidate(ht->relid);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* Counts of the node's chunks of the hypertable: all, and those it holds alone. */
static void
node_chunks(TsHypertable *ht, const char *node_name, int *total, int *sole)
{
	ListCell   *lc;

	*total = 0;
	*sole = 0;
	foreach(lc, ts_hypertable_load_chunks(ht, true))
	{
		TsChunk    *chunk = (TsChunk *) lfirst(lc);
		ListCell   *lc2;
		bool		has = false;

		foreach(lc2, chunk->data_nodes)
			has |= strcmp((char *) lfirst(lc2), node_name) == 0;
		if (!has)
			continue;
		(*total)++;
		if (list_length(chunk->data_nodes) < 2)
			(*sole)++;
	}
}

/*
 * The checks of detaching the node from the hypertable (TimescaleDB's, with
 * its messages): never the last copy of a chunk; data or too few nodes for
 * the replication factor only with force.
 */
void
ts_membership_check_detach(TsHypertable *ht, TsDataNode *node, bool force)
{
	int			total;
	int			sole;
	int			remaining = 0;
	ListCell   *lc;

	node_chunks(ht, node->name, &total, &sole);
	if (sole > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("insufficient number of data nodes"),
				 errdetail("Distributed hypertable \"%s\" would lose data if data node \"%s\" is detached.",
						   ht->table_name, node->name),
				 errhint("Ensure all chunks on the data node are fully replicated before detaching it.")));
	if (total > 0)
	{
		if (!force)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("data node \"%s\" still holds data for distributed hypertable \"%s\"",
							node->name, ht->table_name),
					 errhint("Use force => true to detach it; its chunks keep their other replicas.")));
		ereport(WARNING,
				(errmsg("distributed hypertable \"%s\" is under-replicated", ht->table_name),
				 errdetail("Some chunks no longer have %d replicas.", ht->replication_factor)));
	}
	foreach(lc, attached_nodes(ht, node->name))
		remaining += ((TsDataNode *) lfirst(lc))->available ? 1 : 0;
	if (remaining < ht->replication_factor)
	{
		if (!force)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
					 errmsg("insufficient number of data nodes for distributed hypertable \"%s\"",
							ht->table_name),
					 errdetail("Reducing the number of available data nodes on distributed hypertable "
							   "\"%s\" prevents full replication of new chunks.", ht->table_name),
					 errhint("Use force => true to force this operation.")));
		ereport(WARNING,
				(errmsg("insufficient number of data nodes for distributed hypertable \"%s\"",
						ht->table_name),
				 errdetail("Reducing the number of available data nodes on distributed hypertable "
						   "\"%s\" prevents full replication of new chunks.", ht->table_name)));
	}
}

/*
 * Point a chunk's foreign table at another server (its next replica): the
 * server is in pg_foreign_table and in the dependency on the server.
 */
void
ts_chunk_set_server(TsChunk *chunk, Oid serverid)
{
	Oid			nsp = get_namespace_oid(chunk->schema_name, true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(chunk->table_name, nsp) : InvalidOid;
	Oid			types[2] = {OIDOID, OIDOID};
	Datum		values[2];

	if (!OidIsValid(relid))
		return;
	values[0] = ObjectIdGetDatum(relid);
	values[1] = ObjectIdGetDatum(serverid);
	catalog_exec("UPDATE pg_catalog.pg_foreign_table SET ftserver = $2 WHERE ftrelid = $1",
				 2, types, values, SPI_OK_UPDATE);
	catalog_exec("UPDATE pg_catalog.pg_depend SET refobjid = $2 "
				 "WHERE classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND objid = $1 "
				 "AND refclassid = 'pg_catalog.pg_foreign_server'::pg_catalog.regclass",
				 2, types, values, SPI_OK_UPDATE);
}

/*
 * Detach the node from the hypertable (checks done): its replicas leave the
 * catalog, chunks read from it switch to another replica, the hypertable
 * leaves the node's list; with repartition, the space dimension shrinks to
 * the number of nodes; with drop_remote_data, the member table goes.
 */
void
ts_membership_detach(TsHypertable *ht, TsDataNode *node, bool repartition, bool drop_remote_data)
{
	Oid			types[2] = {INT4OID, NAMEOID};
	Datum		values[2];
	List	   *nodes = attached_nodes(ht, node->name);
	ListCell   *lc;

	foreach(lc, ts_hypertable_load_chunks(ht, true))
	{
		TsChunk    *chunk = (TsChunk *) lfirst(lc);
		Oid			nsp = get_namespace_oid(chunk->schema_name, true);
		Oid			relid = OidIsValid(nsp) ? get_relname_relid(chunk->table_name, nsp) : InvalidOid;
		ListCell   *lc2;

		if (OidIsValid(relid) && GetForeignTable(relid)->serverid == node->serverid)
		{
			foreach(lc2, chunk->data_nodes)
			{
				TsDataNode *other = ts_data_node_get((char *) lfirst(lc2), true);

				if (other != NULL && other->serverid != node->serverid)
				{
					ts_chunk_set_server(chunk, other->serverid);
					break;
				}
			}
		}
	}
	values[0] = Int32GetDatum(ht->id);
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(node->name));
	catalog_exec("DELETE FROM timeshard_catalog.chunk_data_node d USING timeshard_catalog.chunk c "
				 "WHERE d.chunk_id = c.id AND c.hypertable_id = $1 AND d.node_name = $2",
				 2, types, values, SPI_OK_DELETE);
	catalog_exec("DELETE FROM timeshard_catalog.hypertable_data_node "
				 "WHERE hypertable_id = $1 AND node_name = $2", 2, types, values, SPI_OK_DELETE);

	if (ht->space_dim_id != 0 && nodes != NIL)
	{
		int			num_slices = ht->num_slices;

		if (repartition && num_slices > list_length(nodes))
		{
			num_slices = list_length(nodes);
			set_num_slices(ht, num_slices);
			ereport(NOTICE,
					(errmsg("the number of partitions in dimension \"%s\" of hypertable \"%s\" was decreased to %d",
							ht->space_column, ht->table_name, num_slices)));
		}
		recompute_partitions(ht, nodes, num_slices, ht->replication_factor);
	}
	if (drop_remote_data)
		ts_dist_exec_in_txn(list_make1(node),
							psprintf("DROP TABLE IF EXISTS %s.%s",
									 quote_identifier(ht->schema_name),
									 quote_identifier(ht->table_name)),
							NULL);
	ts_hypertable_invalidate(ht->relid);
}

/*
 * detach_data_node(node_name, hypertable, if_attached, force, repartition,
 * drop_remote_data) returns the number of hypertables detached.  Without a
 * hypertable: every hypertable of the node the caller owns.
 */
Datum
detach_data_node(PG_FUNCTION_ARGS)
{
	bool		if_attached = PG_ARGISNULL(2) ? false : PG_GETARG_BOOL(2);
	bool		force = PG_ARGISNULL(3) ? false : PG_GETARG_BOOL(3);
	bool		repartition = PG_ARGISNULL(4) ? true : PG_GETARG_BOOL(4);
	bool		drop_remote_data = PG_ARGISNULL(5) ? false : PG_GETARG_BOOL(5);
	TsDataNode *node;
	List	   *targets = NIL;
	ListCell   *lc;
	int			detached = 0;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("data node name cannot be NULL")));
	node = ts_data_node_get(NameStr(*PG_GETARG_NAME(0)), false);
	require_usage(node);

	if (!PG_ARGISNULL(1))
	{
		TsHypertable *ht = owned_distributed(fcinfo, 1, "hypertable cannot be NULL");

		require_distributed(ht);
		if (!is_attached(ht, node->name))
		{
			if (!if_attached)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("data node \"%s\" is not attached to hypertable \"%s\"",
								node->name, ht->table_name)));
			ereport(NOTICE,
					(errmsg("data node \"%s\" is not attached to hypertable \"%s\", skipping",
							node->name, ht->table_name)));
			PG_RETURN_INT32(0);
		}
		targets = list_make1(ht);
	}
	else
	{
		foreach(lc, ts_hypertable_list())
		{
			TsHypertable *ht = ts_hypertable_get(lfirst_oid(lc));

			if (ht == NULL || ht->replication_factor <= 0 || !is_attached(ht, node->name))
				continue;
			if (!pg_class_ownercheck(ht->relid, GetUserId()))
			{
				ereport(NOTICE,
						(errmsg("skipping hypertable \"%s\" due to missing permissions",
								ht->table_name)));
				continue;
			}
			targets = lappend(targets, ht);
		}
	}

	foreach(lc, targets)
	{
		TsHypertable *ht = (TsHypertable *) lfirst(lc);

		LockRelationOid(ht->relid, ShareUpdateExclusiveLock);
		ts_membership_check_detach(ht, node, force);
	}
	foreach(lc, targets)
	{
		ts_membership_detach((TsHypertable *) lfirst(lc), node, repartition, drop_remote_data);
		detached++;
	}
	PG_RETURN_INT32(detached);
}

/* set_number_partitions(hypertable, number_partitions, dimension_name) */
Datum
set_number_partitions(PG_FUNCTION_ARGS)
{
	TsHypertable *ht = owned_distributed(fcinfo, 0, "invalid hypertable: cannot be NULL");
	int			n;

	if (PG_ARGISNULL(1) || PG_GETARG_INT32(1) < 1 || PG_GETARG_INT32(1) > MAX_PARTITIONS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid number of partitions: must be between 1 and %d", MAX_PARTITIONS)));
	n = PG_GETARG_INT32(1);
	if (ht->space_dim_id == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("hypertable \"%s\" has no space dimension", ht->table_name),
				 errhint("Only a hypertable created with a partitioning column has partitions to set.")));
	if (!PG_ARGISNULL(2) && strcmp(NameStr(*PG_GETARG_NAME(2)), ht->space_column) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("dimension \"%s\" does not exist in hypertable \"%s\"",
						NameStr(*PG_GETARG_NAME(2)), ht->table_name),
				 errhint("The space dimension of \"%s\" is \"%s\".", ht->table_name, ht->space_column)));
	LockRelationOid(ht->relid, ShareUpdateExclusiveLock);
	set_num_slices(ht, n);
	if (ht->replication_factor > 0)
	{
		List	   *nodes = attached_nodes(ht, NULL);

		warn_few_partitions(ht, n, list_length(nodes));
		recompute_partitions(ht, nodes, n, ht->replication_factor);
	}
	ts_hypertable_invalidate(ht->relid);
	PG_RETURN_VOID();
}

/* set_replication_factor(hypertable, replication_factor) */
Datum
set_replication_factor(PG_FUNCTION_ARGS)
{
	TsHypertable *ht = owned_distributed(fcinfo, 0, "invalid hypertable: cannot be NULL");
	int			rf;
	List	   *nodes;
	int			under = 0;
	ListCell   *lc;

	require_distributed(ht);
	if (PG_ARGISNULL(1) || PG_GETARG_INT32(1) < 1 || PG_GETARG_INT32(1) > PG_INT16_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid replication factor"),
				 errhint("A hypertable's replication factor must be between 1 and %d.", PG_INT16_MAX)));
	rf = PG_GETARG_INT32(1);
	nodes = attached_nodes(ht, NULL);
	if (rf > list_length(nodes))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("replication factor too large for hypertable \"%s\"", ht->table_name),
				 errdetail("The hypertable has %d data nodes attached, while the replication factor is %d.",
						   list_length(nodes), rf),
				 errhint("Decrease the replication factor or attach more data nodes to the hypertable.")));
	LockRelationOid(ht->relid, ShareUpdateExclusiveLock);
	{
		Oid			types[2] = {INT4OID, INT2OID};
		Datum		values[2] = {Int32GetDatum(ht->id), Int16GetDatum((int16) rf)};

		catalog_exec("UPDATE timeshard_catalog.hypertable SET replication_factor = $2 WHERE id = $1",
					 2, types, values, SPI_OK_UPDATE);
	}
	foreach(lc, ts_hypertable_load_chunks(ht, true))
		under += list_length(((TsChunk *) lfirst(lc))->data_nodes) < rf ? 1 : 0;
	if (under > 0)
		ereport(WARNING,
				(errmsg("hypertable \"%s\" is under-replicated", ht->table_name),
				 errdetail("Some chunks have less than %d replicas.", rf)));
	recompute_partitions(ht, nodes, ht->num_slices, rf);
	ts_hypertable_invalidate(ht->relid);
	PG_RETURN_VOID();
}

/* set_chunk_time_interval(hypertable, chunk_time_interval, dimension_name) */
Datum
set_chunk_time_interval(PG_FUNCTION_ARGS)
{
	TsHypertable *ht = owned_distributed(fcinfo, 0, "invalid hypertable: cannot be NULL");
	int64		interval;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("invalid interval: an explicit interval must be specified")));
	if (!PG_ARGISNULL(2) && strcmp(NameStr(*PG_GETARG_NAME(2)), ht->time_column) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("dimension \"%s\" does not exist in hypertable \"%s\"",
						NameStr(*PG_GETARG_NAME(2)), ht->table_name),
				 errhint("The time dimension of \"%s\" is \"%s\".", ht->table_name, ht->time_column)));
	interval = ts_interval_to_internal(PG_GETARG_DATUM(1), get_fn_expr_argtype(fcinfo->flinfo, 1),
									   ht->time_type, "chunk_time_interval");
	LockRelationOid(ht->relid, ShareUpdateExclusiveLock);
	{
		Oid			types[2] = {INT4OID, INT8OID};
		Datum		values[2] = {Int32GetDatum(ht->time_dim_id), Int64GetDatum(interval)};

		catalog_exec("UPDATE timeshard_catalog.dimension SET interval_length = $2 WHERE id = $1",
					 2, types, values, SPI_OK_UPDATE);
	}
	ts_hypertable_invalidate(ht->relid);
	PG_RETURN_VOID();
}

/*
 * Detach the node from every hypertable it is attached to, for
 * delete_data_node and DROP SERVER: the caller must own them all.
 */
void
ts_membership_detach_all(TsDataNode *node, bool force, bool repartition)
{
	List	   *targets = NIL;
	ListCell   *lc;

	foreach(lc, ts_hypertable_list())
	{
		TsHypertable *ht = ts_hypertable_get(lfirst_oid(lc));

		if (ht == NULL || ht->replication_factor <= 0 || !is_attached(ht, node->name))
			continue;
		if (!pg_class_ownercheck(ht->relid, GetUserId()))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied for hypertable \"%s\"", ht->table_name),
					 errdetail("The data node is attached to hypertables that the current user lacks "
							   "permissions for."),
					 errhint("Ask the owner of \"%s\" to detach the data node first.", ht->table_name)));
		LockRelationOid(ht->relid, ShareUpdateExclusiveLock);
		ts_membership_check_detach(ht, node, force);
		targets = lappend(targets, ht);
	}
	foreach(lc, targets)
		ts_membership_detach((TsHypertable *) lfirst(lc), node, repartition, false);
}
