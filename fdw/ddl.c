/*-------------------------------------------------------------------------
 * ddl.c — DDL on distributed hypertables reaches every data node.
 *
 * The ProcessUtility hook hands each utility statement here.  A statement on
 * a distributed hypertable runs on the access node first, then (the text of
 * the statement itself, with the caller's search_path) on every data node of
 * the hypertable, inside the distributed transaction: both succeed or
 * neither does.  Statements that would make the nodes diverge are refused
 * with a clear error.
 *
 * On a data node, the statement goes to member_ddl.c instead.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/multixact.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/tablecmds.h"
#include "commands/vacuum.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_coerce.h"
#include "parser/parse_func.h"
#include "parser/parse_type.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "catalog/catalog_spi.h"
#include "catalog/hypertable.h"
#include "catalog/metadata.h"
#include "chunk.h"
#include "data_node.h"
#include "analyze.h"
#include "ddl.h"
#include "dist_exec.h"
#include "guc.h"
#include "jobs/jobs.h"
#include "hypertable_drop.h"
#include "member_ddl.h"
#include "remote/txn.h"

/* The text of this statement alone (a query string may hold several). */
static char *
statement_text(TsUtilityCall *call)
{
	int			loc = call->pstmt->stmt_location;
	int			len = call->pstmt->stmt_len;
	const char *qs = call->queryString;

	if (loc < 0)
		loc = 0;
	if (len <= 0)
		len = strlen(qs + loc);
	return pnstrdup(qs + loc, len);
}

static Oid
relid_of(RangeVar *rv)
{
	return rv ? RangeVarGetRelid(rv, NoLock, true) : InvalidOid;
}

static TsHypertable *
distributed(Oid relid)
{
	TsHypertable *ht = OidIsValid(relid) ? ts_hypertable_get(relid) : NULL;

	return (ht != NULL && ht->replication_factor > 0) ? ht : NULL;
}

static void
not_supported(const char *what, TsHypertable *ht)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("operation not supported on distributed hypertable"),
			 errdetail("%s cannot be applied to distributed hypertable \"%s\" on every data node.",
					   what, ht->table_name),
			 errhint("Use distributed_exec() for statements timeshard does not propagate.")));
}

/*
 * The hypertable's data nodes that the command runs on now.  An unavailable
 * one fails the command — unless deferred is given and
 * timeshard.defer_ddl_to_unavailable_nodes is on: then it goes to
 * *deferred, for a job (jobs/defer.c).
 */
static List *
ddl_nodes_deferring(TsHypertable *ht, List **deferred)
{
	List	   *nodes = NIL;
	ListCell   *lc;

	foreach(lc, ht->nodes)
	{
		TsDataNode *node = ts_data_node_get(((TsHypertableNode *) lfirst(lc))->name, false);

		if (!node->available && deferred != NULL && ts_guc_defer_ddl_to_unavailable_nodes)
			*deferred = lappend(*deferred, node);
		else if (!node->available)
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_EXCEPTION),
					 errmsg("some data nodes are not available for DDL commands"),
					 errdetail("Data node \"%s\" of hypertable \"%s\" is not available.",
							   node->name, ht->table_name),
					 errhint("Make the data node available again, detach it from the hypertable, "
							 "or set timeshard.defer_ddl_to_unavailable_nodes to queue its part "
							 "as a job.")));
		else
			nodes = lappend(nodes, node);
	}
	return nodes;
}

/* The hypertable's data nodes; all must be available. */
static List *
ddl_nodes(TsHypertable *ht)
{
	return ddl_nodes_deferring(ht, NULL);
}

/*
 * Run sql on the hypertable's data nodes with search_path (NULL: pg_catalog);
 * the unavailable nodes' part may be deferred.
 */
static void
forward_deferrable(TsHypertable *ht, const char *sql, const char *search_path)
{
	List	   *deferred = NIL;
	List	   *nodes = ddl_nodes_deferring(ht, &deferred);

	if (nodes != NIL)
		ts_dist_exec_in_txn(nodes, sql, search_path);
	ts_job_defer(deferred, sql, search_path ? search_path : "pg_catalog", true);
}

/* Run sql on every data node of the hypertable, with the caller's search_path. */
static void
forward(TsHypertable *ht, const char *sql)
{
	forward_deferrable(ht, sql, GetConfigOption("search_path", false, false));
}

/* On the data nodes: give the chunks the member hypertable's owner and privileges. */
static void
sync_chunk_privileges(TsHypertable *ht)
{
	forward_deferrable(ht,
					   psprintf("SELECT timeshard_internal.sync_chunk_privileges(%s)",
								quote_literal_cstr(psprintf("%s.%s",
															quote_identifier(ht->schema_name),
															quote_identifier(ht->table_name)))),
					   NULL);
}

/*
 * The chunks' foreign tables here belong to the table's owner: ALTER TABLE
 * ... OWNER TO does not recurse to inheritance children, so follow it.  The
 * caller changed the table's owner, with PostgreSQL's checks.
 */
static void
chunks_follow_owner(TsHypertable *ht)
{
	Oid			owner;
	ListCell   *lc;

	CommandCounterIncrement();
	owner = ts_rel_owner(ht->relid);
	foreach(lc, find_inheritance_children(ht->relid, AccessExclusiveLock))
	{
		Oid			chunk = lfirst_oid(lc);

		if (ts_rel_owner(chunk) != owner)
			ATExecChangeOwner(chunk, owner, true, AccessExclusiveLock);
	}
}

/* Catalog: a hypertable renamed or moved, a dimension column renamed. */
static void
catalog_update(const char *sql, int nargs, Oid *types, Datum *values)
{
	TsCatalogSpi spi;

	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update the timeshard catalog");
	ts_catalog_spi_finish(&spi);
}

/* The hypertable's catalog row follows its table, renamed or moved (relid). */
void
ts_ddl_catalog_rename(TsHypertable *ht, Oid relid)
{
	Oid			types[3] = {INT4OID, NAMEOID, NAMEOID};
	Datum		values[3];

	values[0] = Int32GetDatum(ht->id);
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(get_namespace_name(get_rel_namespace(relid))));
	values[2] = DirectFunctionCall1(namein, CStringGetDatum(get_rel_name(relid)));
	catalog_update("UPDATE timeshard_catalog.hypertable SET schema_name = $2, table_name = $3 "
				   "WHERE id = $1", 3, types, values);
	ts_hypertable_invalidate(relid);
}

/* A dimension's catalog row follows its renamed column. */
void
ts_ddl_catalog_rename_dimension(TsHypertable *ht, const char *oldname, const char *newname)
{
	Oid			types[3] = {INT4OID, NAMEOID, NAMEOID};
	Datum		values[3];

	values[0] = Int32GetDatum(ht->id);
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(oldname));
	values[2] = DirectFunctionCall1(namein, CStringGetDatum(newname));
	catalog_update("UPDATE timeshard_catalog.dimension SET column_name = $3 "
				   "WHERE hypertable_id = $1 AND column_name = $2", 3, types, values);
	ts_hypertable_invalidate(ht->relid);
}

/* Is the column one of the hypertable's dimensions? */
bool
ts_ddl_is_partitioning_column(TsHypertable *ht, const char *column)
{
	return column != NULL &&
		(strcmp(column, ht->time_column) == 0 ||
		 (ht->space_column != NULL && strcmp(column, ht->space_column) == 0));
}

/* A foreign key cannot be checked on the data nodes, where the rows are. */
static void
refuse_foreign_key(Constraint *con, TsHypertable *ht)
{
	if (con->contype == CONSTR_FOREIGN)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("distributed hypertable \"%s\" cannot have a foreign key",
						ht->table_name),
				 errdetail("A foreign key cannot be checked on the data nodes.")));
}

/* Which ALTER TABLE subcommands can every node apply? */
static void
check_alter_table(AlterTableStmt *stmt, TsHypertable *ht)
{
	ListCell   *lc;

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

		switch (cmd->subtype)
		{
			case AT_AddColumn:
				{
					/* ADD COLUMN ... REFERENCES: a column constraint. */
					ColumnDef  *def = (ColumnDef *) cmd->def;
					ListCell   *con;

					foreach(con, def->constraints)
						refuse_foreign_key((Constraint *) lfirst(con), ht);
				}
				break;
			case AT_ColumnDefault:
			case AT_SetNotNull:
			case AT_DropNotNull:
			case AT_SetStatistics:
			case AT_SetStorage:
			case AT_SetCompression:
			case AT_DropConstraint:
			case AT_ValidateConstraint:
			case AT_ChangeOwner:
			case AT_SetRelOptions:
			case AT_ResetRelOptions:
			case AT_ReplicaIdentity:
			case AT_EnableTrig:
			case AT_EnableAlwaysTrig:
			case AT_EnableReplicaTrig:
			case AT_DisableTrig:
			case AT_EnableTrigAll:
			case AT_DisableTrigAll:
			case AT_EnableTrigUser:
			case AT_DisableTrigUser:
			case AT_ClusterOn:
			case AT_DropCluster:
				break;
			case AT_DropColumn:
			case AT_AlterColumnType:
				if (ts_ddl_is_partitioning_column(ht, cmd->name))
					ereport(ERROR,
							(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
							 errmsg("cannot %s partitioning column \"%s\"",
									cmd->subtype == AT_DropColumn ? "drop" : "change the type of",
									cmd->name),
							 errdetail("Column \"%s\" decides where the rows of \"%s\" are stored.",
									   cmd->name, ht->table_name)));
				break;
			case AT_AddConstraint:
				{
					Constraint *con = (Constraint *) cmd->def;

					if (IsA(con, Constraint))
						refuse_foreign_key(con, ht);
					if (IsA(con, Constraint) && con->contype == CONSTR_EXCLUSION)
						not_supported("An exclusion constraint", ht);
				}
				break;
			default:
				not_supported("This ALTER TABLE subcommand", ht);
		}
	}
}

/*
 * ALTER COLUMN ... TYPE ... USING on the access node.  PostgreSQL applies the
 * USING expression to the inheritance children too, and refuses it for
 * foreign tables ("... is not a table"): the chunks here are foreign tables.
 * Rows live on the data nodes, which get the statement as written; here the
 * table is empty and the chunks hold nothing, so the change runs without
 * USING, as ALTER FOREIGN TABLE ... ALTER COLUMN ... TYPE would.  Without
 * USING, PostgreSQL still wants the table's column to be assignable to the
 * new type: when it is not, refuse before anything changes.  Returns the
 * statement to run here (the caller's, or a copy without USING).
 */
static PlannedStmt *
alter_type_without_using(PlannedStmt *pstmt, TsHypertable *ht)
{
	AlterTableStmt *stmt = (AlterTableStmt *) pstmt->utilityStmt;
	bool		has_using = false;
	PlannedStmt *copy;
	ListCell   *lc;

	if (find_inheritance_children(ht->relid, NoLock) == NIL)
		return pstmt;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);
		ColumnDef  *def = (ColumnDef *) cmd->def;
		AttrNumber	attnum;
		Oid			from;
		Oid			to;
		int32		typmod;

		if (cmd->subtype != AT_AlterColumnType || def->raw_default == NULL)
			continue;
		has_using = true;
		attnum = get_attnum(ht->relid, cmd->name);
		if (attnum == InvalidAttrNumber)
			continue;			/* PostgreSQL reports it */
		from = get_atttype(ht->relid, attnum);
		typenameTypeIdAndMod(NULL, def->typeName, &to, &typmod);
		if (!can_coerce_type(1, &from, &to, COERCION_ASSIGNMENT))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot change the type of column \"%s\" of distributed hypertable \"%s\" from %s to %s",
							cmd->name, ht->table_name, format_type_be(from), format_type_be(to)),
					 errdetail("The chunks of the access node are foreign tables: they take the new type "
							   "without the USING expression, which needs an assignment cast from %s to %s.",
							   format_type_be(from), format_type_be(to)),
					 errhint("Add a column of the new type, fill it with UPDATE, drop the old column "
							 "and rename the new one.")));
	}
	if (!has_using)
		return pstmt;
	copy = copyObject(pstmt);
	foreach(lc, ((AlterTableStmt *) copy->utilityStmt)->cmds)
	{
		AlterTableCmd *cmd = (AlterTableCmd *) lfirst(lc);

		if (cmd->subtype == AT_AlterColumnType)
			((ColumnDef *) cmd->def)->raw_default = NULL;
	}
	return copy;
}

/* GRANT/REVOKE on tables, written again for the distributed hypertables only. */
static char *
grant_for(GrantStmt *stmt, List *tables)
{
	StringInfoData sql;
	ListCell   *lc;

	initStringInfo(&sql);
	appendStringInfoString(&sql, stmt->is_grant ? "GRANT " : "REVOKE ");
	if (!stmt->is_grant && stmt->grant_option)
		appendStringInfoString(&sql, "GRANT OPTION FOR ");
	if (stmt->privileges == NIL)
		appendStringInfoString(&sql, "ALL PRIVILEGES");
	foreach(lc, stmt->privileges)
	{
		AccessPriv *priv = (AccessPriv *) lfirst(lc);
		ListCell   *col;

		appendStringInfo(&sql, "%s%s", foreach_current_index(lc) > 0 ? ", " : "",
						 priv->priv_name ? priv->priv_name : "ALL");
		if (priv->cols != NIL)
		{
			appendStringInfoString(&sql, " (");
			foreach(col, priv->cols)
				appendStringInfo(&sql, "%s%s", foreach_current_index(col) > 0 ? ", " : "",
								 quote_identifier(strVal(lfirst(col))));
			appendStringInfoChar(&sql, ')');
		}
	}
	appendStringInfoString(&sql, " ON TABLE ");
	foreach(lc, tables)
		appendStringInfo(&sql, "%s%s", foreach_current_index(lc) > 0 ? ", " : "",
						 (char *) lfirst(lc));
	appendStringInfoString(&sql, stmt->is_grant ? " TO " : " FROM ");
	foreach(lc, stmt->grantees)
	{
		RoleSpec   *role = (RoleSpec *) lfirst(lc);
		const char *name = role->roletype == ROLESPEC_PUBLIC ? "PUBLIC"
			: role->roletype == ROLESPEC_CSTRING ? quote_identifier(role->rolename)
			: role->roletype == ROLESPEC_CURRENT_USER ? "CURRENT_USER"
			: role->roletype == ROLESPEC_SESSION_USER ? "SESSION_USER" : "CURRENT_ROLE";

		appendStringInfo(&sql, "%s%s", foreach_current_index(lc) > 0 ? ", " : "", name);
	}
	if (stmt->is_grant && stmt->grant_option)
		appendStringInfoString(&sql, " WITH GRANT OPTION");
	if (!stmt->is_grant && stmt->behavior == DROP_CASCADE)
		appendStringInfoString(&sql, " CASCADE");
	return sql.data;
}

/* TRUNCATE of distributed hypertables: every chunk goes, everywhere. */
static bool
handle_truncate(TsUtilityCall *call, TruncateStmt *stmt)
{
	List	   *hts = NIL;
	ListCell   *lc;
	int			others = 0;

	foreach(lc, stmt->relations)
	{
		Oid			relid = relid_of((RangeVar *) lfirst(lc));
		TsHypertable *ht = distributed(relid);

		if (ht != NULL)
			hts = lappend(hts, ht);
		else
			others++;
	}
	if (hts == NIL)
		return false;
	if (others > 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot truncate distributed hypertables together with other tables"),
				 errhint("Truncate the distributed hypertables in a statement of their own.")));
	foreach(lc, hts)
	{
		TsHypertable *ht = (TsHypertable *) lfirst(lc);
		ListCell   *lc2;

		if (pg_class_aclcheck(ht->relid, GetUserId(), ACL_TRUNCATE) != ACLCHECK_OK)
			aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, ht->table_name);
		LockRelationOid(ht->relid, AccessExclusiveLock);
		ts_dist_exec_in_txn(ddl_nodes(ht),
							psprintf("TRUNCATE %s.%s", quote_identifier(ht->schema_name),
									 quote_identifier(ht->table_name)),
							GetConfigOption("search_path", false, false));
		foreach(lc2, ts_hypertable_load_chunks(ht, false))
			ts_chunk_drop(ht, (TsChunk *) lfirst(lc2));
		ts_hypertable_invalidate(ht->relid);
	}
	return true;
}

/*
 * The options of a VACUUM or ANALYZE statement as SQL, "(FULL, VERBOSE
 * 'false') ", or "" without options.  They go to the data nodes as given:
 * the nodes check them.
 */
static char *
vacuum_options_sql(VacuumStmt *stmt)
{
	StringInfoData sql;
	ListCell   *lc;

	if (stmt->options == NIL)
		return "";
	initStringInfo(&sql);
	appendStringInfoChar(&sql, '(');
	foreach(lc, stmt->options)
	{
		DefElem    *opt = (DefElem *) lfirst(lc);

		appendStringInfo(&sql, "%s%s", foreach_current_index(lc) > 0 ? ", " : "",
						 quote_identifier(opt->defname));
		if (opt->arg == NULL)
			continue;
		if (IsA(opt->arg, Integer) || IsA(opt->arg, Float))
			appendStringInfo(&sql, " %s", defGetString(opt));
		else
			appendStringInfo(&sql, " %s", quote_literal_cstr(defGetString(opt)));
	}
	appendStringInfoString(&sql, ") ");
	return sql.data;
}

/* A distributed hypertable named by VACUUM/ANALYZE, with its column list. */
typedef struct VacuumTarget
{
	TsHypertable *ht;
	List	   *columns;		/* String, or NIL */
} VacuumTarget;

/* "VACUUM (options) schema.table (columns)" for a data node. */
static char *
vacuum_sql(VacuumStmt *stmt, VacuumTarget *target)
{
	StringInfoData sql;
	ListCell   *lc;

	initStringInfo(&sql);
	appendStringInfo(&sql, "%s %s%s.%s", stmt->is_vacuumcmd ? "VACUUM" : "ANALYZE",
					 vacuum_options_sql(stmt), quote_identifier(target->ht->schema_name),
					 quote_identifier(target->ht->table_name));
	foreach(lc, target->columns)
		appendStringInfo(&sql, "%s%s", foreach_current_index(lc) > 0 ? ", " : " (",
						 quote_identifier(strVal(lfirst(lc))));
	if (target->columns != NIL)
		appendStringInfoChar(&sql, ')');
	return sql.data;
}

/*
 * Bring each chunk's row count and size back from the data nodes into its
 * foreign table here, so that plans are costed from real sizes.  Every
 * replica reports; they hold the same rows.
 */
static void
fetch_chunk_stats(TsHypertable *ht)
{
	char	   *qualified = psprintf("%s.%s", quote_identifier(ht->schema_name),
									 quote_identifier(ht->table_name));
	ListCell   *lc;

	foreach(lc, ddl_nodes(ht))
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);
		TsConnection *conn = ts_remote_txn_connection(node->serverid, GetUserId(), false);
		TsRemoteError err;
		PGresult   *res = ts_conn_exec(conn,
									   psprintf("SELECT n.nspname, c.relname, c.reltuples, c.relpages "
												"FROM pg_catalog.pg_partition_tree(%s) t "
												"JOIN pg_catalog.pg_class c ON c.oid = t.relid "
												"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
												"WHERE t.isleaf",
												quote_literal_cstr(qualified)),
									   0, NULL, TS_NO_DEADLINE, &err);

		if (res == NULL)
			ts_remote_error_report(&err, ERROR);
		PG_TRY();
		{
			for (int i = 0; i < PQntuples(res); i++)
			{
				Oid			nsp = get_namespace_oid(PQgetvalue(res, i, 0), true);
				Oid			chunk = OidIsValid(nsp) ? get_relname_relid(PQgetvalue(res, i, 1), nsp)
					: InvalidOid;
				Relation	rel;

				if (!OidIsValid(chunk) || get_rel_relkind(chunk) != RELKIND_FOREIGN_TABLE)
					continue;
				rel = table_open(chunk, ShareUpdateExclusiveLock);
				vac_update_relstats(rel, (BlockNumber) strtoul(PQgetvalue(res, i, 3), NULL, 10),
									strtod(PQgetvalue(res, i, 2), NULL), 0, false,
									InvalidTransactionId, InvalidMultiXactId, NULL, NULL, false);
				table_close(rel, NoLock);
			}
		}
		PG_FINALLY();
		{
			PQclear(res);
		}
		PG_END_TRY();
	}
}

/*
 * VACUUM and ANALYZE.  A distributed hypertable's statement goes to its data
 * nodes, with the statement's options and columns: VACUUM (which cannot run
 * in a transaction) on each node in autocommit mode, ANALYZE in the
 * distributed transaction.  When it analyzes, the chunks' statistics then
 * come back here.  Other tables are left to PostgreSQL.
 */
static bool
handle_vacuum(TsUtilityCall *call, VacuumStmt *stmt)
{
	List	   *rest = NIL;
	List	   *targets = NIL;
	ListCell   *lc;
	bool		analyze = !stmt->is_vacuumcmd;

	foreach(lc, stmt->options)
	{
		DefElem    *opt = (DefElem *) lfirst(lc);

		if (strcmp(opt->defname, "analyze") == 0 && defGetBoolean(opt))
			analyze = true;
	}
	foreach(lc, stmt->rels)
	{
		VacuumRelation *vrel = (VacuumRelation *) lfirst(lc);
		TsHypertable *ht = distributed(relid_of(vrel->relation));

		if (ht != NULL)
		{
			VacuumTarget *target = palloc(sizeof(VacuumTarget));

			target->ht = ht;
			target->columns = vrel->va_cols;
			targets = lappend(targets, target);
		}
		else
			rest = lappend(rest, vrel);
	}
	if (targets == NIL)
		return false;
	if (stmt->is_vacuumcmd)
		PreventInTransactionBlock(call->context == PROCESS_UTILITY_TOPLEVEL, "VACUUM");
	foreach(lc, targets)
	{
		TsHypertable *ht = ((VacuumTarget *) lfirst(lc))->ht;

		if (!pg_class_ownercheck(ht->relid, GetUserId()) &&
			!pg_database_ownercheck(MyDatabaseId, GetUserId()))
			aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_TABLE, ht->table_name);
	}
	/*
	 * Every VACUUM first: a node's connection runs it in autocommit mode,
	 * which it cannot once the distributed transaction uses it.
	 */
	foreach(lc, targets)
	{
		VacuumTarget *target = (VacuumTarget *) lfirst(lc);
		char	   *sql = vacuum_sql(stmt, target);
		ListCell   *n;

		if (!stmt->is_vacuumcmd)
		{
			ts_dist_exec_in_txn(ddl_nodes(target->ht), sql, NULL);
			continue;
		}
		foreach(n, ddl_nodes(target->ht))
		{
			TsDataNode *node = (TsDataNode *) lfirst(n);
			TsConnection *conn = ts_remote_txn_connection_autocommit(node->serverid, GetUserId());
			TsRemoteError err;

			if (!ts_conn_exec_ok(conn, sql, TS_NO_DEADLINE, &err))
				ts_remote_error_report(&err, ERROR);
		}
	}
	if (analyze)
	{
		foreach(lc, targets)
		{
			TsHypertable *ht = ((VacuumTarget *) lfirst(lc))->ht;

			fetch_chunk_stats(ht);
			/* Column statistics of the whole hypertable, from samples of the nodes. */
			ts_analyze_hypertable_locally(ht->relid);
		}
	}
	if (rest != NIL)
	{
		PlannedStmt *pstmt = copyObject(call->pstmt);

		((VacuumStmt *) pstmt->utilityStmt)->rels = rest;
		call->pstmt = pstmt;
		call->readOnlyTree = false;
		ts_utility_run(call);
	}
	return true;
}

/*
 * The statement's distributed hypertable when it is one timeshard must
 * propagate (after checking it can), or NULL.
 */
static TsHypertable *
target_hypertable(Node *parsetree)
{
	switch (nodeTag(parsetree))
	{
		case T_AlterTableStmt:
			{
				AlterTableStmt *stmt = (AlterTableStmt *) parsetree;
				TsHypertable *ht;

				if (stmt->objtype != OBJECT_TABLE)
					return NULL;
				ht = distributed(relid_of(stmt->relation));
				if (ht != NULL)
					check_alter_table(stmt, ht);
				return ht;
			}
		case T_IndexStmt:
			{
				IndexStmt  *stmt = (IndexStmt *) parsetree;
				TsHypertable *ht = distributed(relid_of(stmt->relation));

				if (ht != NULL && stmt->concurrent)
					ereport(ERROR,
							(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
							 errmsg("CREATE INDEX CONCURRENTLY is not supported on distributed hypertables"),
							 errhint("Create the index without CONCURRENTLY.")));
				return ht;
			}
		case T_CreateTrigStmt:
			return distributed(relid_of(((CreateTrigStmt *) parsetree)->relation));
		case T_RenameStmt:
			{
				RenameStmt *stmt = (RenameStmt *) parsetree;

				if (stmt->renameType == OBJECT_TABLE || stmt->renameType == OBJECT_COLUMN ||
					stmt->renameType == OBJECT_TABCONSTRAINT || stmt->renameType == OBJECT_TRIGGER)
					return distributed(relid_of(stmt->relation));
				if (stmt->renameType == OBJECT_INDEX)
				{
					Oid			index = relid_of(stmt->relation);

					return OidIsValid(index) ? distributed(IndexGetRelation(index, true)) : NULL;
				}
				return NULL;
			}
		case T_AlterObjectSchemaStmt:
			{
				AlterObjectSchemaStmt *stmt = (AlterObjectSchemaStmt *) parsetree;

				return stmt->objectType == OBJECT_TABLE ? distributed(relid_of(stmt->relation)) : NULL;
			}
		default:
			return NULL;
	}
}

/* DROP INDEX / DROP TRIGGER of a distributed hypertable's object. */
static TsHypertable *
drop_target(DropStmt *stmt)
{
	ListCell   *lc;
	TsHypertable *found = NULL;

	foreach(lc, stmt->objects)
	{
		List	   *names = (List *) lfirst(lc);
		TsHypertable *ht = NULL;

		if (stmt->removeType == OBJECT_INDEX)
		{
			Oid			index = RangeVarGetRelid(makeRangeVarFromNameList(names), NoLock, true);

			if (OidIsValid(index))
				ht = distributed(IndexGetRelation(index, true));
		}
		else if (stmt->removeType == OBJECT_TRIGGER)
			ht = distributed(RangeVarGetRelid(makeRangeVarFromNameList(list_truncate(list_copy(names),
																					  list_length(names) - 1)),
											  NoLock, true));
		if (ht != NULL && found != NULL && found != ht)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("operation not supported on distributed hypertable"),
					 errdetail("The statement names objects of more than one distributed hypertable."),
					 errhint("Use one statement per hypertable.")));
		if (ht == NULL && found != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("operation not supported on distributed hypertable"),
					 errdetail("The statement mixes objects of a distributed hypertable with others."),
					 errhint("Use one statement per hypertable.")));
		found = ht;
	}
	return found;
}

/*
 * Handle the statement when it concerns a distributed hypertable (or a
 * member hypertable on a data node).  Returns true when the statement was
 * run here; false lets the caller run it as usual.
 */
bool
ts_ddl_process(TsUtilityCall *call)
{
	Node	   *parsetree = call->pstmt->utilityStmt;
	TsHypertable *ht;
	char	   *sql;

	/*
	 * Only these statements concern hypertables.  Decide before anything
	 * reads a catalog: that would take a snapshot, which for instance
	 * START TRANSACTION ISOLATION LEVEL must not find.
	 */
	switch (nodeTag(parsetree))
	{
		case T_AlterTableStmt:
		case T_IndexStmt:
		case T_CreateTrigStmt:
		case T_RenameStmt:
		case T_AlterObjectSchemaStmt:
		case T_TruncateStmt:
		case T_VacuumStmt:
		case T_GrantStmt:
		case T_DropStmt:
			break;
		default:
			return false;
	}
	if (!ts_extension_ready())
		return false;
	if (ts_metadata_role() == TS_ROLE_DATA_NODE)
		return ts_member_ddl_process(call);

	switch (nodeTag(parsetree))
	{
		case T_TruncateStmt:
			return handle_truncate(call, (TruncateStmt *) parsetree);
		case T_VacuumStmt:
			return handle_vacuum(call, (VacuumStmt *) parsetree);
		case T_GrantStmt:
			{
				GrantStmt  *stmt = (GrantStmt *) parsetree;
				List	   *tables = NIL;
				List	   *hts = NIL;
				ListCell   *lc;

				if (stmt->objtype != OBJECT_TABLE || stmt->targtype != ACL_TARGET_OBJECT)
					return false;
				foreach(lc, stmt->objects)
				{
					TsHypertable *dht = distributed(relid_of((RangeVar *) lfirst(lc)));

					if (dht == NULL)
						continue;
					hts = lappend(hts, dht);
					tables = lappend(tables, psprintf("%s.%s", quote_identifier(dht->schema_name),
													  quote_identifier(dht->table_name)));
				}
				if (hts == NIL)
					return false;
				ts_utility_run(call);
				sql = grant_for(stmt, tables);
				foreach(lc, hts)
				{
					forward((TsHypertable *) lfirst(lc), sql);
					sync_chunk_privileges((TsHypertable *) lfirst(lc));
				}
				return true;
			}
		case T_DropStmt:
			{
				DropStmt   *stmt = (DropStmt *) parsetree;

				if (stmt->removeType != OBJECT_INDEX && stmt->removeType != OBJECT_TRIGGER)
					return false;
				ht = drop_target(stmt);
				if (ht == NULL)
					return false;
				sql = statement_text(call);
				ts_utility_run(call);
				forward(ht, sql);
				return true;
			}
		default:
			break;
	}

	ht = target_hypertable(parsetree);
	if (ht == NULL)
		return false;

	sql = statement_text(call);
	if (IsA(parsetree, AlterTableStmt))
	{
		PlannedStmt *local = alter_type_without_using(call->pstmt, ht);

		if (local != call->pstmt)
		{
			call->pstmt = local;
			call->readOnlyTree = false;
		}
	}
	if (IsA(parsetree, CreateTrigStmt))
	{
		/* The trigger's function goes first, as the access node has it. */
		CreateTrigStmt *stmt = (CreateTrigStmt *) parsetree;
		Oid			fn = LookupFuncName(stmt->funcname, 0, NULL, true);

		if (OidIsValid(fn))
			forward(ht, TextDatumGetCString(DirectFunctionCall1(pg_get_functiondef,
																ObjectIdGetDatum(fn))));
	}
	ts_utility_run(call);

	switch (nodeTag(parsetree))
	{
		case T_RenameStmt:
			{
				RenameStmt *stmt = (RenameStmt *) parsetree;

				forward(ht, sql);
				if (stmt->renameType == OBJECT_TABLE)
					ts_ddl_catalog_rename(ht, ht->relid);
				else if (stmt->renameType == OBJECT_COLUMN &&
						 ts_ddl_is_partitioning_column(ht, stmt->subname))
					ts_ddl_catalog_rename_dimension(ht, stmt->subname, stmt->newname);
				return true;
			}
		case T_AlterObjectSchemaStmt:
			forward(ht, sql);
			ts_ddl_catalog_rename(ht, ht->relid);
			return true;
		case T_AlterTableStmt:
			{
				ListCell   *lc;
				bool		owner = false;

				forward(ht, sql);
				foreach(lc, ((AlterTableStmt *) parsetree)->cmds)
					owner |= ((AlterTableCmd *) lfirst(lc))->subtype == AT_ChangeOwner;
				if (owner)
				{
					chunks_follow_owner(ht);
					sync_chunk_privileges(ht);
				}
				return true;
			}
		default:
			forward(ht, sql);
			return true;
	}
}
