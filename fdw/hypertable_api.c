/*-------------------------------------------------------------------------
 * hypertable_api.c — create_distributed_hypertable and create_hypertable.
 *
 * The user's table stays as it is on the access node (it never holds rows;
 * chunks are foreign tables that inherit from it).  On every data node of
 * the hypertable, in the distributed transaction, a twin is created: the same
 * table, natively partitioned by time, registered as a member hypertable.
 * Every argument is checked before anything changes anywhere.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "parser/parse_oper.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "catalog/catalog_spi.h"
#include "catalog/hypertable.h"
#include "catalog/metadata.h"
#include "chunk.h"
#include "data_node.h"
#include "deparse.h"
#include "dist_exec.h"
#include "guc.h"
#include "hypertable_api.h"
#include "remote/txn.h"
#include "table_ddl.h"
#include "time_utils.h"
#include "timeshard.h"

/* What chunk names add to the prefix: "_<int32>_chunk". */
#define MAX_CHUNK_NAME_SUFFIX 17

#define DEFAULT_CHUNK_INTERVAL (7 * USECS_PER_DAY)
#define MAX_PARTITIONS PG_INT16_MAX
#define MAX_REPLICATION_FACTOR PG_INT16_MAX

PG_FUNCTION_INFO_V1(create_distributed_hypertable);
PG_FUNCTION_INFO_V1(create_hypertable);

/* The arguments common to both functions, as given. */
typedef struct CreateArgs
{
	Oid			relid;
	char	   *time_column;
	char	   *space_column;
	bool		number_partitions_given;
	int			number_partitions;
	char	   *associated_schema;
	char	   *associated_prefix;
	bool		interval_given;
	Datum		interval;
	Oid			interval_type;
	bool		create_default_indexes;
	bool		if_not_exists;
	bool		replication_factor_given;
	int			replication_factor;
	ArrayType  *data_nodes;
} CreateArgs;

static void
parse_args(FunctionCallInfo fcinfo, CreateArgs *args)
{
	memset(args, 0, sizeof(*args));
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("relation cannot be NULL")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("time column cannot be NULL"),
				 errhint("Name the column that holds the rows' time.")));
	args->relid = PG_GETARG_OID(0);
	args->time_column = pstrdup(NameStr(*PG_GETARG_NAME(1)));
	args->space_column = PG_ARGISNULL(2) ? NULL : pstrdup(NameStr(*PG_GETARG_NAME(2)));
	args->number_partitions_given = !PG_ARGISNULL(3);
	args->number_partitions = PG_ARGISNULL(3) ? 0 : PG_GETARG_INT32(3);
	args->associated_schema = PG_ARGISNULL(4) ? NULL : pstrdup(NameStr(*PG_GETARG_NAME(4)));
	args->associated_prefix = PG_ARGISNULL(5) ? NULL : pstrdup(NameStr(*PG_GETARG_NAME(5)));
	args->interval_given = !PG_ARGISNULL(6);
	if (args->interval_given)
	{
		args->interval = PG_GETARG_DATUM(6);
		args->interval_type = get_fn_expr_argtype(fcinfo->flinfo, 6);
	}
	args->create_default_indexes = PG_ARGISNULL(7) ? true : PG_GETARG_BOOL(7);
	args->if_not_exists = PG_ARGISNULL(8) ? false : PG_GETARG_BOOL(8);

	if (!PG_ARGISNULL(9))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("custom partitioning functions are not supported"),
				 errdetail("Space partitions use PostgreSQL's hash partitioning of the column."),
				 errhint("Leave partitioning_func out.")));
	if (!PG_ARGISNULL(10) && PG_GETARG_BOOL(10))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot migrate data for distributed hypertable"),
				 errhint("Create the hypertable on an empty table, then insert the rows.")));
	if (!PG_ARGISNULL(11) || !PG_ARGISNULL(12))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("adaptive chunking is not supported"),
				 errhint("Leave chunk_target_size and chunk_sizing_func out, and give chunk_time_interval.")));
	if (!PG_ARGISNULL(13))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("custom time partitioning functions are not supported"),
				 errhint("Use a column of type timestamptz, timestamp, date or an integer type.")));
	args->replication_factor_given = !PG_ARGISNULL(14);
	args->replication_factor = PG_ARGISNULL(14) ? 1 : PG_GETARG_INT32(14);
	args->data_nodes = PG_ARGISNULL(15) ? NULL : PG_GETARG_ARRAYTYPE_P(15);
}

static AttrNumber
column_attno(Oid relid, const char *column)
{
	AttrNumber	attno = get_attnum(relid, column);

	if (attno == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" does not exist", column),
				 errhint("The column must be a column of table \"%s\".", get_rel_name(relid))));
	return attno;
}

/* Is the table empty (as far as this table goes, not its children)? */
static bool
table_is_empty(Oid relid)
{
	bool		empty;
	char	   *sql = psprintf("SELECT NOT EXISTS (SELECT 1 FROM ONLY %s.%s)",
							   quote_identifier(get_namespace_name(get_rel_namespace(relid))),
							   quote_identifier(get_rel_name(relid)));

	SPI_connect();
	if (SPI_execute(sql, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not check whether \"%s\" is empty", get_rel_name(relid));
	empty = strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "t") == 0;
	SPI_finish();
	return empty;
}

/* Foreign keys and unique indexes that a distributed table cannot keep. */
static void
check_constraints_and_indexes(Relation rel, AttrNumber time_attno, AttrNumber space_attno)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	Relation	conrel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(RelationGetRelid(rel)));
	scan = systable_beginscan(conrel, ConstraintRelidTypidNameIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

		if (con->contype == CONSTRAINT_FOREIGN)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("distributed hypertable \"%s\" has a foreign key to a non-distributed table",
							RelationGetRelationName(rel)),
					 errdetail("Constraint \"%s\" cannot be checked on the data nodes.",
							   NameStr(con->conname)),
					 errhint("Drop the foreign key before distributing the table.")));
		if (con->contype == CONSTRAINT_EXCLUSION)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("exclusion constraints are not supported on distributed hypertables"),
					 errdetail("Constraint \"%s\" cannot be checked across chunks.",
							   NameStr(con->conname))));
	}
	systable_endscan(scan);
	table_close(conrel, AccessShareLock);

	foreach(lc, indexes)
	{
		HeapTuple	itup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;
		bool		has_time = false;
		bool		has_space = (space_attno == InvalidAttrNumber);

		if (!HeapTupleIsValid(itup))
			continue;
		index = (Form_pg_index) GETSTRUCT(itup);
		if (index->indisunique)
		{
			for (int i = 0; i < index->indnkeyatts; i++)
			{
				has_time |= index->indkey.values[i] == time_attno;
				has_space |= index->indkey.values[i] == space_attno;
			}
			if (!has_time || !has_space)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
						 errmsg("cannot create a unique index without the column \"%s\" (used in partitioning)",
								get_attname(RelationGetRelid(rel),
											has_time ? space_attno : time_attno, false)),
						 errdetail("Index \"%s\" is unique; a unique index can only be checked within a chunk.",
								   get_rel_name(index->indexrelid)),
						 errhint("Add the partitioning columns to the index, or drop it.")));
		}
		ReleaseSysCache(itup);
	}
}

/* The data nodes of the new hypertable: the ones listed, or all usable. */
static List *
choose_data_nodes(CreateArgs *args)
{
	List	   *nodes;
	List	   *usable = NIL;
	ListCell   *lc;
	int			total;

	if (args->data_nodes != NULL)
	{
		nodes = ts_data_node_list_from_array(args->data_nodes);
		foreach(lc, nodes)
		{
			TsDataNode *node = (TsDataNode *) lfirst(lc);

			if (pg_foreign_server_aclcheck(node->serverid, GetUserId(), ACL_USAGE) != ACLCHECK_OK)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("permission denied for foreign server %s", node->name),
						 errhint("GRANT USAGE ON FOREIGN SERVER %s TO %s;", quote_identifier(node->name),
								 quote_identifier(GetUserNameFromId(GetUserId(), false)))));
		}
		usable = list_copy(nodes);
		list_sort(usable, ts_data_node_compare_names);
	}
	else
	{
		nodes = ts_data_node_list();
		foreach(lc, nodes)
		{
			TsDataNode *node = (TsDataNode *) lfirst(lc);

			if (pg_foreign_server_aclcheck(node->serverid, GetUserId(), ACL_USAGE) == ACLCHECK_OK)
				usable = lappend(usable, node);
		}
		if (list_length(usable) < list_length(nodes) && usable != NIL)
			ereport(NOTICE,
					(errmsg("%d of %d data nodes not used by this hypertable due to lack of permissions",
							list_length(nodes) - list_length(usable), list_length(nodes)),
					 errhint("Grant USAGE on data nodes to attach them to the hypertable.")));
	}
	total = list_length(nodes);
	if (usable == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("no data nodes can be assigned to the hypertable"),
				 total == 0 ? errdetail("No data nodes where available to assign to the hypertable.")
				 : errdetail("Data nodes exist, but none have USAGE privilege."),
				 total == 0 ? errhint("Add data nodes to the database.")
				 : errhint("Grant USAGE on data nodes to attach them to the hypertable.")));
	foreach(lc, usable)
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);

		if (!node->available)
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_EXCEPTION),
					 errmsg("data node \"%s\" is not available", node->name),
					 errhint("Leave it out of data_nodes, or make it available with alter_data_node().")));
	}
	if (list_length(usable) == 1)
		ereport(WARNING,
				(errmsg("only one data node was assigned to the hypertable"),
				 errdetail("A distributed hypertable should have at least two data nodes for best performance.")));
	return usable;
}

static void
exec_local(const char *sql)
{
	SPI_connect();
	if (SPI_execute(sql, false, 0) < 0)
		elog(ERROR, "could not run: %s", sql);
	SPI_finish();
}

/* Does an index of the table start with these columns (NULL: one only)? */
static bool
has_index_on(Relation rel, AttrNumber first, AttrNumber second)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, indexes)
	{
		HeapTuple	itup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;

		if (!HeapTupleIsValid(itup))
			continue;
		index = (Form_pg_index) GETSTRUCT(itup);
		if (index->indnkeyatts >= 1 && index->indkey.values[0] == first &&
			(second == InvalidAttrNumber ||
			 (index->indnkeyatts >= 2 && index->indkey.values[1] == second)))
			found = true;
		ReleaseSysCache(itup);
	}
	return found;
}

/*
 * The default indexes, (time DESC) and (space, time DESC), that the table
 * does not have yet: statements to run once the table is closed.
 */
static List *
default_indexes(Relation rel, const char *qualified, AttrNumber time_attno,
				const char *time_column, AttrNumber space_attno, const char *space_column)
{
	const char *table = RelationGetRelationName(rel);
	List	   *result = NIL;

	if (!has_index_on(rel, time_attno, InvalidAttrNumber))
		result = lappend(result,
						 psprintf("CREATE INDEX %s ON %s (%s DESC)",
								  quote_identifier(psprintf("%s_%s_idx", table, time_column)),
								  qualified, quote_identifier(time_column)));
	if (space_column != NULL && !has_index_on(rel, space_attno, time_attno))
		result = lappend(result,
						 psprintf("CREATE INDEX %s ON %s (%s, %s DESC)",
								  quote_identifier(psprintf("%s_%s_%s_idx", table, space_column,
															time_column)),
								  qualified, quote_identifier(space_column),
								  quote_identifier(time_column)));
	return result;
}

/* Catalog rows; returns the new hypertable's id. */
static int32
insert_catalog(CreateArgs *args, const char *schema, const char *table, Oid time_type,
			   int64 interval, Oid space_type, int num_slices, List *nodes)
{
	TsCatalogSpi spi;
	int32		ht_id;
	int32		space_dim = 0;
	bool		isnull;
	ListCell   *lc;
	Oid			t6[6] = {NAMEOID, NAMEOID, NAMEOID, NAMEOID, INT2OID, INT4OID};
	Datum		v6[6];
	char	   *prefix;

	ts_catalog_spi_connect(&spi);
	if (SPI_execute("SELECT pg_catalog.nextval('timeshard_catalog.hypertable_id_seq')::integer",
					false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not allocate a hypertable id");
	ht_id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	prefix = args->associated_prefix ? args->associated_prefix
		: psprintf(args->replication_factor > 0 ? "_dist_hyper_%d" : "_hyper_%d", ht_id);

	v6[0] = DirectFunctionCall1(namein, CStringGetDatum(schema));
	v6[1] = DirectFunctionCall1(namein, CStringGetDatum(table));
	v6[2] = DirectFunctionCall1(namein, CStringGetDatum(args->associated_schema
														? args->associated_schema
														: TS_INTERNAL_SCHEMA));
	v6[3] = DirectFunctionCall1(namein, CStringGetDatum(prefix));
	v6[4] = Int16GetDatum((int16) args->replication_factor);
	v6[5] = Int32GetDatum(ht_id);
	if (SPI_execute_with_args("INSERT INTO timeshard_catalog.hypertable (id, schema_name, table_name, "
							  "associated_schema_name, associated_table_prefix, replication_factor) "
							  "VALUES ($6, $1, $2, $3, $4, $5)", 6, t6, v6,
							  args->replication_factor > 0 ? NULL : "    n ",
							  false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not record the hypertable");

	{
		Oid			t4[4] = {INT4OID, NAMEOID, OIDOID, INT8OID};
		Datum		v4[4];

		v4[0] = Int32GetDatum(ht_id);
		v4[1] = DirectFunctionCall1(namein, CStringGetDatum(args->time_column));
		v4[2] = ObjectIdGetDatum(time_type);
		v4[3] = Int64GetDatum(interval);
		if (SPI_execute_with_args("INSERT INTO timeshard_catalog.dimension (hypertable_id, column_name, "
								  "column_type, interval_length) VALUES ($1, $2, $3::regtype, $4)",
								  4, t4, v4, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not record the time dimension");
		if (args->space_column != NULL)
		{
			v4[1] = DirectFunctionCall1(namein, CStringGetDatum(args->space_column));
			v4[2] = ObjectIdGetDatum(space_type);
			v4[3] = Int64GetDatum(num_slices);
			if (SPI_execute_with_args("INSERT INTO timeshard_catalog.dimension (hypertable_id, column_name, "
									  "column_type, num_slices) VALUES ($1, $2, $3::regtype, $4::smallint) "
									  "RETURNING id", 4, t4, v4, NULL, false, 0) != SPI_OK_INSERT_RETURNING)
				elog(ERROR, "could not record the space dimension");
			space_dim = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		}
	}

	foreach(lc, nodes)
	{
		Oid			t2[2] = {INT4OID, NAMEOID};
		Datum		v2[2];

		v2[0] = Int32GetDatum(ht_id);
		v2[1] = DirectFunctionCall1(namein, CStringGetDatum(((TsDataNode *) lfirst(lc))->name));
		if (SPI_execute_with_args("INSERT INTO timeshard_catalog.hypertable_data_node (hypertable_id, node_name) "
								  "VALUES ($1, $2)", 2, t2, v2, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not record a data node of the hypertable");
	}
	ts_catalog_spi_finish(&spi);

	if (space_dim != 0 && nodes != NIL)
		ts_dimension_partitions_update(space_dim, num_slices, nodes, args->replication_factor);
	return ht_id;
}

/*
 * Space partition i goes to nodes [i, i+1, ..., i+rf-1] (mod #nodes):
 * partitions map round-robin to nodes, replicas on the next nodes in the
 * ring.  nodes are TsDataNode, in name order.
 */
void
ts_dimension_partitions_update(int32 dimension_id, int num_slices, List *nodes, int rf)
{
	TsCatalogSpi spi;
	Oid			t1[1] = {INT4OID};
	Datum		v1[1] = {Int32GetDatum(dimension_id)};
	int			n = list_length(nodes);

	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("DELETE FROM timeshard_catalog.dimension_partition WHERE dimension_id = $1",
							  1, t1, v1, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not update the space partitions");
	for (int i = 0; i < num_slices; i++)
	{
		StringInfoData arr;
		Oid			t3[3] = {INT4OID, INT4OID, TEXTOID};
		Datum		v3[3];

		initStringInfo(&arr);
		appendStringInfoChar(&arr, '{');
		for (int r = 0; r < Min(rf, n); r++)
		{
			if (r > 0)
				appendStringInfoChar(&arr, ',');
			ts_append_array_element(&arr, ((TsDataNode *) list_nth(nodes, (i + r) % n))->name);
		}
		appendStringInfoChar(&arr, '}');
		v3[0] = Int32GetDatum(dimension_id);
		v3[1] = Int32GetDatum(i);
		v3[2] = CStringGetTextDatum(arr.data);
		if (SPI_execute_with_args("INSERT INTO timeshard_catalog.dimension_partition "
								  "(dimension_id, remainder, data_nodes) VALUES ($1, $2, $3::name[])",
								  3, t3, v3, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not record a space partition");
	}
	ts_catalog_spi_finish(&spi);
}

/*
 * Create the member hypertable on every one of nodes (TsDataNode), all at
 * once, in the distributed transaction.
 */
void
ts_hypertable_create_members(Oid relid, const char *time_column, const char *space_column,
							 int num_slices, const char *assoc_schema, const char *assoc_prefix,
							 List *nodes)
{
	List	   *ddl = ts_table_ddl_for_member(relid, time_column);
	List	   *conns = NIL;
	char	   *qualified = psprintf("%s.%s",
									 quote_identifier(get_namespace_name(get_rel_namespace(relid))),
									 quote_identifier(get_rel_name(relid)));
	ListCell   *lc;

	foreach(lc, nodes)
		conns = lappend(conns, ts_remote_txn_connection(((TsDataNode *) lfirst(lc))->serverid,
														GetUserId(), true));
	ddl = lappend(ddl, psprintf("SELECT timeshard_internal.register_member_hypertable(%s, %s, %s, %s, %s, %s)",
								quote_literal_cstr(qualified),
								quote_literal_cstr(time_column),
								space_column ? quote_literal_cstr(space_column) : "NULL",
								space_column ? psprintf("%d", num_slices) : "NULL",
								quote_literal_cstr(assoc_schema),
								quote_literal_cstr(assoc_prefix)));
	if (strcmp(assoc_schema, TS_INTERNAL_SCHEMA) != 0)
		ddl = lcons(ts_create_schema_if_missing_sql(assoc_schema), ddl);
	foreach(lc, ddl)
	{
		List	   *sqls = NIL;

		for (int i = 0; i < list_length(conns); i++)
			sqls = lappend(sqls, lfirst(lc));
		ts_dist_exec_on_all(conns, sqls);
	}
}

static Datum
result_row(FunctionCallInfo fcinfo, int32 id, Oid relid, bool created)
{
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false};
	NameData	schema;
	NameData	table;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	namestrcpy(&schema, get_namespace_name(get_rel_namespace(relid)));
	namestrcpy(&table, get_rel_name(relid));
	values[0] = Int32GetDatum(id);
	values[1] = NameGetDatum(&schema);
	values[2] = NameGetDatum(&table);
	values[3] = BoolGetDatum(created);
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls));
}

/*
 * Create a hypertable: distributed over data nodes, or local (its chunks are
 * tables of this database).
 */
static Datum
create_hypertable_common(FunctionCallInfo fcinfo, CreateArgs *args, bool distributed)
{
	Relation	rel;
	TsHypertable *existing;
	AttrNumber	time_attno;
	AttrNumber	space_attno = InvalidAttrNumber;
	Oid			time_type;
	Oid			space_type = InvalidOid;
	int64		interval;
	List	   *nodes;
	int			num_slices = 0;
	int32		ht_id;
	char	   *schema;
	char	   *table;
	char	   *qualified;

	if (distributed && ts_metadata_role() == TS_ROLE_DATA_NODE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("distributed hypertables are created on the access node"),
				 errdetail("This database is a data node of another access node."),
				 errhint("Call create_distributed_hypertable() on the access node.")));

	ts_check_relation_exists(args->relid);
	rel = table_open(args->relid, ShareRowExclusiveLock);
	schema = get_namespace_name(RelationGetNamespace(rel));
	table = RelationGetRelationName(rel);
	qualified = psprintf("%s.%s", quote_identifier(schema), quote_identifier(table));

	if (!pg_class_ownercheck(args->relid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s", table),
				 errhint("Ask its owner (%s), or a member of that role, to run it.",
						 GetUserNameFromId(rel->rd_rel->relowner, false))));

	existing = ts_hypertable_get(args->relid);
	if (existing != NULL)
	{
		if (!args->if_not_exists)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("table \"%s\" is already a hypertable", table),
					 errhint("Use if_not_exists => true to skip an existing hypertable.")));
		ereport(NOTICE, (errmsg("table \"%s\" is already a hypertable, skipping", table)));
		table_close(rel, NoLock);
		PG_RETURN_DATUM(result_row(fcinfo, existing->id, args->relid, false));
	}
	if (rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("table \"%s\" is already partitioned", table),
				 errdetail("It is not possible to turn partitioned tables into hypertables.")));
	if (rel->rd_rel->relkind != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", table),
				 errhint("Only plain tables can become hypertables.")));
	if (rel->rd_rel->relrowsecurity)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("hypertables do not support row-level security"),
				 errdetail("Table \"%s\" has row-level security enabled.", table),
				 errhint("Disable it with ALTER TABLE ... DISABLE ROW LEVEL SECURITY, or keep the table as it is.")));
	if (has_superclass(args->relid) || has_subclass(args->relid))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("table \"%s\" takes part in inheritance", table),
				 errhint("A hypertable's chunks inherit from it; the table must have no parent and no child.")));

	time_attno = column_attno(args->relid, args->time_column);
	time_type = get_atttype(args->relid, time_attno);
	if (!ts_time_type_is_valid(time_type))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid type for dimension \"%s\"", args->time_column),
				 errhint("Use an integer, timestamp, or date type.")));
	if (args->interval_given)
		interval = ts_interval_to_internal(args->interval, args->interval_type, time_type,
										   "chunk_time_interval");
	else if (ts_time_type_is_integer(time_type))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("integer dimensions require an explicit interval"),
				 errhint("Give chunk_time_interval as an integer, e.g. chunk_time_interval => 100000.")));
	else
		interval = DEFAULT_CHUNK_INTERVAL;

	if (args->space_column != NULL)
	{
		TypeCacheEntry *tce;

		space_attno = column_attno(args->relid, args->space_column);
		if (space_attno == time_attno)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the time column cannot also be the partitioning column"),
					 errhint("Choose another column for space partitioning.")));
		space_type = get_atttype(args->relid, space_attno);
		tce = lookup_type_cache(space_type, TYPECACHE_HASH_EXTENDED_PROC);
		if (!OidIsValid(tce->hash_extended_proc))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid type for dimension \"%s\"", args->space_column),
					 errdetail("Type %s has no hash function.", format_type_be(space_type)),
					 errhint("Partition by a column whose type can be hashed.")));
	}
	else if (args->number_partitions_given)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number_partitions needs a partitioning column"),
				 errhint("Give partitioning_column too, or leave number_partitions out.")));
	if (args->number_partitions_given &&
		(args->number_partitions < 1 || args->number_partitions > MAX_PARTITIONS))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid number of partitions: must be between 1 and %d", MAX_PARTITIONS)));
	if (args->replication_factor < 1 || args->replication_factor > MAX_REPLICATION_FACTOR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid replication factor"),
				 errhint("A hypertable's replication factor must be between 1 and %d.",
						 MAX_REPLICATION_FACTOR)));
	if (args->associated_schema != NULL && args->associated_schema[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("associated_schema_name cannot be empty")));
	if (args->associated_prefix != NULL && args->associated_prefix[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("associated_table_prefix cannot be empty")));
	/* Chunk names are "<prefix>_<chunk id>_chunk", within NAMEDATALEN. */
	if (args->associated_prefix != NULL &&
		strlen(args->associated_prefix) > NAMEDATALEN - 1 - MAX_CHUNK_NAME_SUFFIX)
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("associated_table_prefix is too long"),
				 errdetail("Chunk names add up to %d characters to it, within the %d of a name.",
						   MAX_CHUNK_NAME_SUFFIX, NAMEDATALEN - 1),
				 errhint("Use at most %d characters.", NAMEDATALEN - 1 - MAX_CHUNK_NAME_SUFFIX)));
	/* Chunks go in the schema: creating objects there must be the caller's right. */
	if (args->associated_schema != NULL && strcmp(args->associated_schema, TS_INTERNAL_SCHEMA) != 0 &&
		OidIsValid(get_namespace_oid(args->associated_schema, true)) &&
		pg_namespace_aclcheck(get_namespace_oid(args->associated_schema, true), GetUserId(),
							  ACL_CREATE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for schema %s", args->associated_schema),
				 errhint("Choose a schema where you may create tables, or ask for CREATE on it.")));

	nodes = distributed ? choose_data_nodes(args) : NIL;
	if (distributed && args->replication_factor > list_length(nodes))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("replication factor too large for hypertable \"%s\"", table),
				 errdetail("The hypertable has %d data nodes attached, while the replication factor is %d.",
						   list_length(nodes), args->replication_factor),
				 errhint("Decrease the replication factor or attach more data nodes to the hypertable.")));
	if (args->space_column != NULL)
		num_slices = args->number_partitions_given ? args->number_partitions
			: Max(list_length(nodes), 1);

	check_constraints_and_indexes(rel, time_attno, space_attno);
	if (!table_is_empty(args->relid))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table \"%s\" is not empty", table),
				 distributed ? errdetail("A distributed hypertable keeps no rows on the access node.")
				 : errdetail("A hypertable keeps its rows in its chunks."),
				 errhint("Move the rows elsewhere, create the hypertable, then insert them again.")));

	/* Everything checked: now change things, here and on the nodes. */
	{
		List	   *local_ddl = NIL;
		ListCell   *lc;

		if (args->associated_schema != NULL &&
			!OidIsValid(get_namespace_oid(args->associated_schema, true)))
			local_ddl = lappend(local_ddl, psprintf("CREATE SCHEMA %s",
													quote_identifier(args->associated_schema)));
		if (!TupleDescAttr(RelationGetDescr(rel), time_attno - 1)->attnotnull)
			local_ddl = lappend(local_ddl, psprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL",
													qualified, quote_identifier(args->time_column)));
		if (args->create_default_indexes)
			local_ddl = list_concat(local_ddl,
									default_indexes(rel, qualified, time_attno, args->time_column,
													space_attno, args->space_column));
		/* DDL on the table refuses to run while we hold it open. */
		table_close(rel, NoLock);
		foreach(lc, local_ddl)
			exec_local((char *) lfirst(lc));
	}
	if (!distributed)
		args->replication_factor = 0;
	ht_id = insert_catalog(args, schema, table, time_type, interval, space_type, num_slices, nodes);
	if (distributed)
		ts_hypertable_create_members(args->relid, args->time_column, args->space_column, num_slices,
									 args->associated_schema ? args->associated_schema
									 : TS_INTERNAL_SCHEMA,
									 args->associated_prefix ? args->associated_prefix
									 : psprintf("_dist_hyper_%d", ht_id),
									 nodes);
	ts_hypertable_invalidate(args->relid);
	PG_RETURN_DATUM(result_row(fcinfo, ht_id, args->relid, true));
}

Datum
create_distributed_hypertable(PG_FUNCTION_ARGS)
{
	CreateArgs	args;

	parse_args(fcinfo, &args);
	return create_hypertable_common(fcinfo, &args, true);
}

/*
 * create_hypertable(..., replication_factor, data_nodes, distributed): the
 * same, deciding between a distributed and a local hypertable as TimescaleDB
 * 2.13 did, with timeshard.hypertable_distributed_default (auto, local,
 * distributed):
 *	distributed and replication_factor given: distributed => true only;
 *	only distributed given: as it says;
 *	only replication_factor given: distributed, unless the default is local;
 *	neither: distributed only when the default is distributed.
 */
Datum
create_hypertable(PG_FUNCTION_ARGS)
{
	CreateArgs	args;
	bool		distributed_given = !PG_ARGISNULL(16);
	bool		distributed = distributed_given && PG_GETARG_BOOL(16);
	bool		make_distributed;

	parse_args(fcinfo, &args);
	if (distributed_given)
		make_distributed = distributed;
	else if (args.replication_factor_given)
		make_distributed = ts_guc_hypertable_distributed_default != TS_DISTRIBUTED_DEFAULT_LOCAL;
	else
		make_distributed = ts_guc_hypertable_distributed_default == TS_DISTRIBUTED_DEFAULT_DISTRIBUTED;

	if (!make_distributed && args.data_nodes != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("local hypertables cannot set data_nodes"),
				 errhint("Set distributed=>true or use create_distributed_hypertable() to create a "
						 "distributed hypertable.")));
	if (!make_distributed && args.replication_factor_given)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("local hypertables cannot set replication_factor"),
				 errhint("Set distributed=>true or use create_distributed_hypertable() to create a "
						 "distributed hypertable.")));
	return create_hypertable_common(fcinfo, &args, make_distributed);
}
