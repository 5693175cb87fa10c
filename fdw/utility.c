/*-------------------------------------------------------------------------
 * utility.c — timeshard's ProcessUtility hook.
 *
 * Keeps the background workers in step with the statements that concern
 * them: CREATE EXTENSION starts a worker (at commit), DROP EXTENSION wakes it
 * so it sees the extension gone, and statements that need a database free of
 * connections (DROP DATABASE, renaming it, moving it to another tablespace,
 * using it as a template) stop its worker first and let it come back after.
 * Statements on servers of timeshard_fdw are data-node commands
 * (server_hook.c).  COPY of a hypertable is routed (copy_from.c), VACUUM and
 * ANALYZE of a local hypertable reach its chunks, and the DDL of distributed
 * hypertables goes to the data nodes (ddl.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_inherits.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "nodes/makefuncs.h"
#include "parser/parse_node.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"

#include "bgworker/registry.h"
#include "catalog/hypertable.h"
#include "copy_from.h"
#include "ddl.h"
#include "hypertable_drop.h"
#include "server_hook.h"
#include "timeshard.h"
#include "utility.h"

static ProcessUtility_hook_type prev_process_utility = NULL;

static void
call_next(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
		  ProcessUtilityContext context, ParamListInfo params,
		  QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	if (prev_process_utility)
		prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
							 queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
}

/* Run the statement as PostgreSQL (or the next hook) would. */
void
ts_utility_run(TsUtilityCall *call)
{
	call_next(call->pstmt, call->queryString, call->readOnlyTree, call->context,
			  call->params, call->queryEnv, call->dest, call->qc);
}

/*
 * COPY into or out of a distributed hypertable; returns true when it ran
 * the statement.
 */
static bool
handle_copy(TsUtilityCall *call)
{
	CopyStmt   *stmt = (CopyStmt *) call->pstmt->utilityStmt;
	Oid			relid;

	if (stmt->relation == NULL || !ts_extension_ready())
		return false;
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid) || !ts_hypertable_routes_inserts(relid))
		return false;
	if (stmt->is_from)
	{
		ParseState *pstate = make_parsestate(NULL);
		uint64		rows;

		pstate->p_sourcetext = call->queryString;
		rows = ts_copy_from(pstate, stmt, relid);
		if (call->qc)
			SetQueryCompletion(call->qc, CMDTAG_COPY, rows);
		free_parsestate(pstate);
	}
	else
	{
		PlannedStmt *pstmt = copyObject(call->pstmt);

		pstmt->utilityStmt = (Node *) ts_copy_to_as_query(stmt, relid);
		call->pstmt = pstmt;
		call->readOnlyTree = false;
		ts_utility_run(call);
	}
	return true;
}

/*
 * VACUUM and ANALYZE of a local hypertable reach its chunks, where its rows
 * are.  PostgreSQL processes only the parent of an inheritance tree: ANALYZE
 * samples the children for the parent's inherited statistics but leaves the
 * children's own statistics and row counts (what the planner and
 * approximate_row_count read) as they were.  Each local hypertable the
 * statement names is followed by its chunks, with the same columns; a
 * statement without a list processes every table anyway.  The chunks are
 * added only for a caller who may process the hypertable (its owner or the
 * database's), so that nobody gets a warning per chunk.
 */
static void
expand_local_hypertables(TsUtilityCall *call)
{
	VacuumStmt *stmt = (VacuumStmt *) call->pstmt->utilityStmt;
	List	   *rels = NIL;
	bool		expanded = false;
	PlannedStmt *pstmt;
	ListCell   *lc;

	if (stmt->rels == NIL || !ts_extension_ready())
		return;
	foreach(lc, stmt->rels)
	{
		VacuumRelation *vrel = (VacuumRelation *) lfirst(lc);
		TsHypertable *ht;
		Oid			relid;
		ListCell   *lc2;

		rels = lappend(rels, vrel);
		if (vrel->relation == NULL)
			continue;
		relid = RangeVarGetRelid(vrel->relation, NoLock, true);
		if (!OidIsValid(relid))
			continue;			/* PostgreSQL reports it */
		ht = ts_hypertable_get(relid);
		if (ht == NULL || ht->replication_factor != 0)
			continue;
		if (!pg_class_ownercheck(relid, GetUserId()) &&
			!pg_database_ownercheck(MyDatabaseId, GetUserId()))
			continue;
		foreach(lc2, find_inheritance_children(relid, NoLock))
		{
			Oid			chunk = lfirst_oid(lc2);
			char	   *name = get_rel_name(chunk);
			char	   *schema = get_namespace_name(get_rel_namespace(chunk));

			if (name == NULL || schema == NULL)
				continue;		/* dropped meanwhile */
			rels = lappend(rels, makeVacuumRelation(makeRangeVar(schema, name, -1), chunk,
													copyObject(vrel->va_cols)));
			expanded = true;
		}
	}
	if (!expanded)
		return;
	pstmt = copyObject(call->pstmt);
	((VacuumStmt *) pstmt->utilityStmt)->rels = rels;
	call->pstmt = pstmt;
	call->readOnlyTree = false;
}

/*
 * Statements about foreign servers of timeshard_fdw are data-node commands;
 * returns true when it ran the statement.
 */
static bool
handle_server_statement(TsUtilityCall *call)
{
	Node	   *parsetree = call->pstmt->utilityStmt;

	switch (nodeTag(parsetree))
	{
		case T_CreateForeignServerStmt:
			if (strcmp(((CreateForeignServerStmt *) parsetree)->fdwname, TS_FDW_NAME) != 0)
				return false;
			ts_server_create(call);
			return true;
		case T_AlterForeignServerStmt:
			return ts_server_alter(call);
		case T_DropStmt:
			if (((DropStmt *) parsetree)->removeType != OBJECT_FOREIGN_SERVER)
				return false;
			ts_server_drop(call);
			return true;
		default:
			return false;
	}
}

static bool
drops_our_extension(DropStmt *stmt)
{
	ListCell   *lc;

	if (stmt->removeType != OBJECT_EXTENSION)
		return false;
	foreach(lc, stmt->objects)
	{
		if (strcmp(strVal(lfirst(lc)), TS_EXTENSION_NAME) == 0)
			return true;
	}
	return false;
}

/*
 * The database whose connections the statement needs gone, or InvalidOid.
 */
static Oid
database_needing_no_connections(Node *parsetree)
{
	const char *dbname = NULL;
	ListCell   *lc;

	switch (nodeTag(parsetree))
	{
		case T_DropdbStmt:
			dbname = ((DropdbStmt *) parsetree)->dbname;
			break;
		case T_RenameStmt:
			if (((RenameStmt *) parsetree)->renameType == OBJECT_DATABASE)
				dbname = ((RenameStmt *) parsetree)->subname;
			break;
		case T_AlterDatabaseStmt:
			foreach(lc, ((AlterDatabaseStmt *) parsetree)->options)
			{
				if (strcmp(((DefElem *) lfirst(lc))->defname, "tablespace") == 0)
					dbname = ((AlterDatabaseStmt *) parsetree)->dbname;
			}
			break;
		case T_CreatedbStmt:
			foreach(lc, ((CreatedbStmt *) parsetree)->options)
			{
				DefElem    *opt = (DefElem *) lfirst(lc);

				if (strcmp(opt->defname, "template") == 0 && opt->arg != NULL)
					dbname = defGetString(opt);
			}
			break;
		default:
			break;
	}
	return dbname != NULL ? get_database_oid(dbname, true) : InvalidOid;
}

static void
timeshard_process_utility(PlannedStmt *pstmt, const char *queryString,
						  bool readOnlyTree, ProcessUtilityContext context,
						  ParamListInfo params, QueryEnvironment *queryEnv,
						  DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;
	Oid			held_db = database_needing_no_connections(parsetree);
	TsUtilityCall call = {pstmt, queryString, readOnlyTree, context, params,
	queryEnv, dest, qc};

	if (handle_server_statement(&call))
		return;
	if (IsA(parsetree, CopyStmt) && handle_copy(&call))
		return;
	if (IsA(parsetree, VacuumStmt))
		expand_local_hypertables(&call);
	if (ts_ddl_process(&call))
		return;
	if (IsA(parsetree, DropStmt) && ts_extension_ready())
		ts_hypertable_drop_prepare((DropStmt *) parsetree);

	/*
	 * DROP EXTENSION timeshard locks every object of the extension, one after
	 * the other, while the worker reads its tables: keep the worker off
	 * while it runs rather than risk a deadlock.
	 */
	if (!OidIsValid(held_db) && IsA(parsetree, DropStmt) &&
		drops_our_extension((DropStmt *) parsetree))
		held_db = MyDatabaseId;

	if (!OidIsValid(held_db))
		ts_utility_run(&call);
	else
	{
		ts_registry_hold(held_db);
		PG_TRY();
		{
			ts_utility_run(&call);
		}
		PG_CATCH();
		{
			ts_registry_release(held_db);
			PG_RE_THROW();
		}
		PG_END_TRY();
		ts_registry_release_at_end_of_xact(held_db);
	}

	/* The statement succeeded; tell the workers when it commits. */
	if (IsA(parsetree, CreateExtensionStmt) &&
		strcmp(((CreateExtensionStmt *) parsetree)->extname, TS_EXTENSION_NAME) == 0)
		ts_registry_request_start_at_commit(MyDatabaseId);
	else if (IsA(parsetree, DropStmt) && drops_our_extension((DropStmt *) parsetree))
		ts_registry_wake_worker_at_commit(MyDatabaseId);
	else if (IsA(parsetree, CreatedbStmt))
	{
		Oid			newdb = get_database_oid(((CreatedbStmt *) parsetree)->dbname, true);

		/* A copy of a database with timeshard has timeshard too. */
		if (OidIsValid(newdb))
			ts_registry_request_start_at_commit(newdb);
	}
}

void
ts_utility_hook_install(void)
{
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = timeshard_process_utility;
}
