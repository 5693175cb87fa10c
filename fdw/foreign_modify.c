/*-------------------------------------------------------------------------
 * foreign_modify.c — UPDATE and DELETE row by row, for the statements that
 * cannot run on the data nodes as a whole (a join, a subquery, a function
 * only the access node has).
 *
 * PostgreSQL plans such a statement over the chunks' foreign tables and
 * hands each changed row to these FDW callbacks.  The row travels with its
 * old values (a whole-row junk column), and every replica of the chunk finds
 * its own copy of the row by those values:
 *
 *	UPDATE chunk SET c = $1, ... WHERE ctid = (SELECT ctid FROM chunk
 *		WHERE (a, b, ...) IS NOT DISTINCT FROM ($n, $n+1, ...) LIMIT 1)
 *
 * (ctid differs between replicas, so it cannot be the key.)  The first
 * replica's answer counts the row.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/appendinfo.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/typcache.h"

#include "chunk.h"
#include "deparse.h"
#include "data_node.h"
#include "foreign_modify.h"
#include "remote/txn.h"

/* Each chunk has its own row type: its old-row column has its own name. */
static char *
wholerow_name(Oid relid)
{
	return psprintf("ts_oldrow_%u", relid);
}

typedef struct ModifyState
{
	CmdType		operation;
	char	   *sql;
	List	   *targets;		/* attnos set by UPDATE */
	List	   *match;			/* attnos that find the row */
	List	   *conns;			/* one per replica, the first counts */
	AttrNumber	wholerow;		/* junk column of the old row */
	FmgrInfo   *out_funcs;		/* by attno - 1 */
} ModifyState;

void
ts_modify_add_targets(PlannerInfo *root, Index rtindex, RangeTblEntry *target_rte,
					  Relation target_relation)
{
	Var		   *var = makeWholeRowVar(target_rte, rtindex, 0, false);

	add_row_identity_var(root, var, rtindex, wholerow_name(RelationGetRelid(target_relation)));
}

List *
ts_modify_plan(PlannerInfo *root, ModifyTable *plan, Index rtindex, int subplan_index)
{
	RangeTblEntry *rte = planner_rt_fetch(rtindex, root);
	List	   *targets = NIL;

	if (plan->operation == CMD_UPDATE)
	{
		Bitmapset  *cols = bms_union(rte->updatedCols, rte->extraUpdatedCols);
		int			col = -1;

		while ((col = bms_next_member(cols, col)) >= 0)
		{
			AttrNumber	attno = col + FirstLowInvalidHeapAttributeNumber;

			if (attno > 0)
				targets = lappend_int(targets, attno);
		}
	}
	return list_make1(targets);
}

/* The replicas of the chunk behind the foreign table, primary first. */
static List *
replica_nodes(Relation rel)
{
	ForeignTable *ft = GetForeignTable(RelationGetRelid(rel));
	List	   *names = ts_chunk_replica_names(rel);
	List	   *nodes;
	ListCell   *lc;

	/* The foreign table's server first: it counts. */
	nodes = list_make1(ts_data_node_get_by_id(ft->serverid, false));
	foreach(lc, names)
	{
		TsDataNode *node = ts_data_node_get((char *) lfirst(lc), false);

		if (node->serverid == ft->serverid)
			continue;
		nodes = lappend(nodes, node);
	}
	foreach(lc, nodes)
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);

		if (!node->available)
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_EXCEPTION),
					 errmsg("data node \"%s\" is not available", node->name),
					 errhint("Make it available with alter_data_node() before changing its data.")));
	}
	return nodes;
}

void
ts_modify_begin(ModifyTableState *mtstate, ResultRelInfo *rri, List *fdw_private,
				int subplan_index, int eflags)
{
	Relation	rel = rri->ri_RelationDesc;
	TupleDesc	desc = RelationGetDescr(rel);
	ModifyState *state = palloc0(sizeof(ModifyState));
	char	   *name = psprintf("%s.%s", quote_identifier(get_namespace_name(RelationGetNamespace(rel))),
								quote_identifier(RelationGetRelationName(rel)));
	StringInfoData sql;
	StringInfoData where;
	RangeTblEntry *rte = exec_rt_fetch(rri->ri_RangeTableIndex, mtstate->ps.state);
	Oid			userid = rte->checkAsUser ? rte->checkAsUser : GetUserId();
	int			param = 1;
	ListCell   *lc;

	rri->ri_FdwState = state;
	state->operation = mtstate->operation;
	state->targets = (List *) linitial(fdw_private);
	state->out_funcs = palloc0(sizeof(FmgrInfo) * desc->natts);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Oid			func;
		bool		isvarlena;

		if (att->attisdropped)
			continue;
		getTypeOutputInfo(att->atttypid, &func, &isvarlena);
		fmgr_info(func, &state->out_funcs[i]);
		state->match = lappend_int(state->match, att->attnum);
	}

	initStringInfo(&sql);
	if (state->operation == CMD_UPDATE)
	{
		appendStringInfo(&sql, "UPDATE %s SET ", name);
		foreach(lc, state->targets)
		{
			Form_pg_attribute att = TupleDescAttr(desc, lfirst_int(lc) - 1);

			appendStringInfo(&sql, "%s%s = $%d::%s", foreach_current_index(lc) > 0 ? ", " : "",
							 quote_identifier(NameStr(att->attname)), param++,
							 format_type_with_typemod(att->atttypid, att->atttypmod));
		}
	}
	else
		appendStringInfo(&sql, "DELETE FROM %s", name);

	initStringInfo(&where);
	foreach(lc, state->match)
	{
		Form_pg_attribute att = TupleDescAttr(desc, lfirst_int(lc) - 1);

		appendStringInfo(&where, "%s%s IS NOT DISTINCT FROM $%d::%s",
						 foreach_current_index(lc) > 0 ? " AND " : "",
						 quote_identifier(NameStr(att->attname)), param++,
						 format_type_with_typemod(att->atttypid, att->atttypmod));
	}
	appendStringInfo(&sql, " WHERE ctid = (SELECT ctid FROM %s WHERE %s LIMIT 1)", name,
					 where.len > 0 ? where.data : "true");
	state->sql = sql.data;

	state->wholerow = ExecFindJunkAttributeInTlist(outerPlanState(mtstate)->plan->targetlist,
												   wholerow_name(RelationGetRelid(rel)));
	if (!AttributeNumberIsValid(state->wholerow))
		elog(ERROR, "could not find the whole-row junk column");

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;
	foreach(lc, replica_nodes(rel))
		state->conns = lappend(state->conns,
							   ts_remote_txn_connection(((TsDataNode *) lfirst(lc))->serverid,
														userid, true));
}

static char *
value_text(ModifyState *state, AttrNumber attno, Datum value, bool isnull)
{
	return isnull ? NULL : ts_value_for_node(&state->out_funcs[attno - 1], value);
}

/* Send the change to every replica at once; the first one's answer counts. */
static bool
apply_change(ModifyState *state, Relation rel, TupleTableSlot *slot, TupleTableSlot *plan_slot)
{
	TupleDesc	desc = RelationGetDescr(rel);
	bool		isnull;
	Datum		old_datum = ExecGetJunkAttribute(plan_slot, state->wholerow, &isnull);
	HeapTupleHeader old_header;
	HeapTupleData old_tuple;
	Datum	   *old_values = palloc(sizeof(Datum) * desc->natts);
	bool	   *old_nulls = palloc(sizeof(bool) * desc->natts);
	int			nparams = list_length(state->targets) + list_length(state->match);
	const char **params = palloc(sizeof(char *) * Max(nparams, 1));
	int			p = 0;
	bool		counted = false;
	TsRemoteError first_err;
	bool		failed = false;
	ListCell   *lc;

	if (isnull)
		elog(ERROR, "whole-row junk column is NULL");
	old_header = DatumGetHeapTupleHeader(old_datum);
	old_tuple.t_len = HeapTupleHeaderGetDatumLength(old_header);
	ItemPointerSetInvalid(&old_tuple.t_self);
	old_tuple.t_tableOid = InvalidOid;
	old_tuple.t_data = old_header;
	heap_deform_tuple(&old_tuple, desc, old_values, old_nulls);

	if (state->operation == CMD_UPDATE)
	{
		slot_getallattrs(slot);
		foreach(lc, state->targets)
		{
			AttrNumber	attno = lfirst_int(lc);

			params[p++] = value_text(state, attno, slot->tts_values[attno - 1],
									 slot->tts_isnull[attno - 1]);
		}
	}
	foreach(lc, state->match)
	{
		AttrNumber	attno = lfirst_int(lc);

		params[p++] = value_text(state, attno, old_values[attno - 1], old_nulls[attno - 1]);
	}

	foreach(lc, state->conns)
	{
		TsRemoteError err;

		if (!failed && !ts_conn_send((TsConnection *) lfirst(lc), state->sql, nparams, params, &err))
		{
			first_err = err;
			failed = true;
		}
	}
	foreach(lc, state->conns)
	{
		TsConnection *conn = (TsConnection *) lfirst(lc);
		TsRemoteError err;
		PGresult   *res;

		if (!conn->busy)
			continue;
		res = ts_conn_get_result(conn, TS_NO_DEADLINE, state->sql, &err);
		if (res == NULL)
		{
			if (!failed)
			{
				first_err = err;
				failed = true;
			}
			continue;
		}
			if (foreach_current_index(lc) == 0)
			counted = strtol(PQcmdTuples(res), NULL, 10) > 0;
		PQclear(res);
	}
	if (failed)
		ts_remote_error_report(&first_err, ERROR);

	/* DELETE ... RETURNING returns the old row. */
	if (state->operation == CMD_DELETE && counted)
	{
		ExecClearTuple(slot);
		memcpy(slot->tts_values, old_values, sizeof(Datum) * desc->natts);
		memcpy(slot->tts_isnull, old_nulls, sizeof(bool) * desc->natts);
		ExecStoreVirtualTuple(slot);
	}
	return counted;
}

TupleTableSlot *
ts_modify_update(EState *estate, ResultRelInfo *rri, TupleTableSlot *slot,
				 TupleTableSlot *plan_slot)
{
	ModifyState *state = (ModifyState *) rri->ri_FdwState;

	return apply_change(state, rri->ri_RelationDesc, slot, plan_slot) ? slot : NULL;
}

TupleTableSlot *
ts_modify_delete(EState *estate, ResultRelInfo *rri, TupleTableSlot *slot,
				 TupleTableSlot *plan_slot)
{
	ModifyState *state = (ModifyState *) rri->ri_FdwState;

	return apply_change(state, rri->ri_RelationDesc, slot, plan_slot) ? slot : NULL;
}

void
ts_modify_end(EState *estate, ResultRelInfo *rri)
{
}

int
ts_modify_updatable(Relation rel)
{
	return (1 << CMD_UPDATE) | (1 << CMD_DELETE);
}
