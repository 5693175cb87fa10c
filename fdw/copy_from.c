/*-------------------------------------------------------------------------
 * copy_from.c — COPY into and out of a distributed hypertable on the access
 * node.
 *
 * COPY ... FROM is read with PostgreSQL's own COPY reader (any format,
 * STDIN, file or program, with the same permission rules as COPY) and each
 * row is routed by dist_insert.c; the command tag counts the rows.
 * COPY table TO would read only the (always empty) root table: it becomes
 * COPY (SELECT ... FROM table) TO, which reads every chunk.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_authid.h"
#include "commands/copy.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parser.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "catalog/hypertable.h"
#include "copy_from.h"
#include "dist_insert.h"

/* The checks DoCopy makes before reading a file or running a program. */
static void
check_copy_permissions(CopyStmt *stmt, Relation rel, List *attnums)
{
	Oid			relid = RelationGetRelid(rel);
	ListCell   *lc;

	if (stmt->filename != NULL)
	{
		if (stmt->is_program && !has_privs_of_role(GetUserId(), ROLE_PG_EXECUTE_SERVER_PROGRAM))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program"),
					 errhint("Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.")));
		if (!stmt->is_program && !has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("must be superuser or have privileges of the pg_read_server_files role to COPY from a file"),
					 errhint("Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.")));
	}
	if (pg_class_aclcheck(relid, GetUserId(), ACL_INSERT) == ACLCHECK_OK)
		return;
	foreach(lc, attnums)
	{
		AttrNumber	attno = lfirst_int(lc);

		if (pg_attribute_aclcheck(relid, attno, GetUserId(), ACL_INSERT) != ACLCHECK_OK)
			aclcheck_error(ACLCHECK_NO_PRIV, get_relkind_objtype(rel->rd_rel->relkind),
						   RelationGetRelationName(rel));
	}
}

uint64
ts_copy_from(ParseState *pstate, CopyStmt *stmt, Oid relid)
{
	Relation	rel = table_open(relid, RowExclusiveLock);
	TupleDesc	desc = RelationGetDescr(rel);
	TsHypertable *ht = ts_hypertable_get(relid);
	EState	   *estate = CreateExecutorState();
	ExprContext *econtext = GetPerTupleExprContext(estate);
	ResultRelInfo *rri = makeNode(ResultRelInfo);
	TupleTableSlot *slot;
	CopyFromState cstate;
	TsDistInsert *dist;
	uint64		processed = 0;
	MemoryContext old;
	ErrorContextCallback errcallback;

	if (rel->rd_rel->relrowsecurity)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("COPY FROM not supported with row-level security"),
				 errhint("Use INSERT statements instead.")));
	if (stmt->whereClause != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("COPY FROM with WHERE is not supported on distributed hypertables"),
				 errhint("Load into a staging table, then INSERT ... SELECT ... WHERE.")));
	check_copy_permissions(stmt, rel, CopyGetAttnums(desc, rel, stmt->attlist));

	/* No range table here: index 0 keeps error details from looking for one. */
	InitResultRelInfo(rri, rel, 0, NULL, 0);
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);
	cstate = BeginCopyFrom(pstate, rel, NULL, stmt->filename, stmt->is_program, NULL,
						   stmt->attlist, stmt->options);
	dist = ts_dist_insert_begin(rel, ht, estate);

	/* Errors say which line and column of the input they come from. */
	errcallback.callback = CopyFromErrorCallback;
	errcallback.arg = (void *) cstate;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	for (;;)
	{
		bool		got;

		CHECK_FOR_INTERRUPTS();
		ResetPerTupleExprContext(estate);
		ExecClearTuple(slot);
		/* The row's values, and whatever routing it allocates, go with the row. */
		old = MemoryContextSwitchTo(GetPerTupleMemoryContext(estate));
		got = NextCopyFrom(cstate, econtext, slot->tts_values, slot->tts_isnull);
		if (got)
		{
			ExecStoreVirtualTuple(slot);
			if (desc->constr != NULL && desc->constr->has_generated_stored)
				ExecComputeStoredGenerated(rri, estate, slot, CMD_INSERT);
			if (desc->constr != NULL)
				ExecConstraints(rri, slot, estate);
			ts_dist_insert_row(dist, slot);
			processed++;
		}
		MemoryContextSwitchTo(old);
		if (!got)
			break;
	}

	error_context_stack = errcallback.previous;
	EndCopyFrom(cstate);
	ts_dist_insert_end(dist);
	ExecDropSingleTupleTableSlot(slot);
	FreeExecutorState(estate);
	table_close(rel, NoLock);
	return processed;
}

/*
 * Make COPY table TO into COPY (SELECT columns FROM table) TO, so that it
 * reads the chunks.  Returns a new statement; the original is not changed.
 */
CopyStmt *
ts_copy_to_as_query(CopyStmt *stmt, Oid relid)
{
	CopyStmt   *copy = copyObject(stmt);
	StringInfoData sql;
	List	   *parsed;
	ListCell   *lc;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	if (stmt->attlist == NIL)
		appendStringInfoChar(&sql, '*');
	foreach(lc, stmt->attlist)
		appendStringInfo(&sql, "%s%s", foreach_current_index(lc) > 0 ? ", " : "",
						 quote_identifier(strVal(lfirst(lc))));
	appendStringInfo(&sql, " FROM %s.%s",
					 quote_identifier(get_namespace_name(get_rel_namespace(relid))),
					 quote_identifier(get_rel_name(relid)));
	parsed = raw_parser(sql.data, RAW_PARSE_DEFAULT);
	copy->query = ((RawStmt *) linitial(parsed))->stmt;
	copy->relation = NULL;
	copy->attlist = NIL;
	return copy;
}
