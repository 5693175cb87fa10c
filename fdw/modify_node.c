/*-------------------------------------------------------------------------
 * modify_node.c — UPDATE and DELETE on a distributed hypertable as one
 * statement per data node.
 *
 * When everything in the statement can run on the data nodes (one table,
 * shippable conditions and SET expressions, no subqueries, no change of the
 * time or space column), the planner hook replaces ModifyTable with a
 * CustomScan, "DistributedModify", that sends the statement itself to every
 * data node of the hypertable, all at once.  Each node changes every replica
 * it holds, so every replica is updated; the rows are counted (and RETURNING
 * rows returned) only from each chunk's primary replica, so that nothing is
 * counted twice:
 *
 *	WITH m AS (UPDATE ... RETURNING tableoid::regclass::text AS ts_chunk, ...)
 *	SELECT ... FROM m WHERE ts_chunk = ANY('{chunks this node counts}')
 *
 * Stable functions and parameters are evaluated on the access node at
 * execution and sent as constants, so every node applies the same values.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/sysattr.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

#include "catalog/hypertable.h"
#include "data_node.h"
#include "deparse.h"
#include "modify_node.h"
#include "remote/txn.h"

#define DIST_MODIFY_NAME "DistributedModify"

typedef struct DistModifyState
{
	CustomScanState css;
	Query	   *query;			/* the statement, as planned */
	bool		can_set_tag;
	Tuplestorestate *returned;	/* RETURNING rows, when asked */
	TupleTableSlot *returned_slot;
	bool		executed;
	bool		explain_only;	/* plain EXPLAIN: never send anything */
} DistModifyState;

static CustomScanMethods plan_methods;
static CustomExecMethods exec_methods;

/* Does the expression (target list, quals) assign or read only what it may? */
static bool
assigns_partitioning_column(Query *query, TsHypertable *ht)
{
	ListCell   *lc;

	if (query->commandType != CMD_UPDATE)
		return false;
	foreach(lc, query->targetList)
	{
		TargetEntry *tle = (TargetEntry *) lfirst(lc);

		if (tle->resjunk)
			continue;
		if (tle->resno == ht->time_attno ||
			(ht->space_dim_id != 0 && tle->resno == ht->space_attno))
			return true;
	}
	return false;
}

/*
 * Can the UPDATE or DELETE run as one statement per data node?  Raises the
 * error for changes of the partitioning columns, which no plan can do.
 */
bool
ts_modify_is_pushable(Query *query)
{
	RangeTblEntry *rte;
	TsHypertable *ht;
	RangeTblRef *rtr;

	if (query->commandType != CMD_UPDATE && query->commandType != CMD_DELETE)
		return false;
	rte = rt_fetch(query->resultRelation, query->rtable);
	ht = ts_hypertable_get(rte->relid);
	if (ht == NULL || ht->replication_factor <= 0)
		return false;
	if (assigns_partitioning_column(query, ht))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot update the partitioning columns of distributed hypertable \"%s\"",
						ht->table_name),
				 errdetail("Rows would move to other chunks, possibly on other data nodes."),
				 errhint("Delete the rows and insert them again with the new values.")));
	if (list_length(query->rtable) != 1 || query->hasSubLinks || query->hasAggs ||
		query->hasWindowFuncs || query->hasTargetSRFs || query->cteList != NIL ||
		query->hasModifyingCTE || query->hasForUpdate || query->hasRowSecurity ||
		rte->securityQuals != NIL || !rte->inh)
		return false;
	if (list_length(query->jointree->fromlist) != 1)
		return false;
	rtr = (RangeTblRef *) linitial(query->jointree->fromlist);
	if (!IsA(rtr, RangeTblRef) || rtr->rtindex != query->resultRelation)
		return false;
	return ts_is_shippable(query->jointree->quals, query->resultRelation) &&
		ts_is_shippable((Node *) query->targetList, query->resultRelation) &&
		ts_is_shippable((Node *) query->returningList, query->resultRelation);
}

static Node *
create_state(CustomScan *cscan)
{
	DistModifyState *state = (DistModifyState *) newNode(sizeof(DistModifyState),
														 T_CustomScanState);

	state->css.methods = &exec_methods;
	state->query = (Query *) linitial(cscan->custom_private);
	state->can_set_tag = boolVal(lsecond(cscan->custom_private));
	return (Node *) state;
}

static void
begin_dist_modify(CustomScanState *node, EState *estate, int eflags)
{
	DistModifyState *state = (DistModifyState *) node;

	state->explain_only = (eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0;
	state->returned_slot = ExecInitExtraTupleSlot(estate, node->ss.ps.ps_ResultTupleDesc,
												  &TTSOpsMinimalTuple);
}

/* The data node that counts a chunk's rows: its first available replica. */
static char *
counting_node(TsChunk *chunk)
{
	ListCell   *lc;

	foreach(lc, chunk->data_nodes)
	{
		TsDataNode *node = ts_data_node_get((char *) lfirst(lc), true);

		if (node != NULL && node->available)
			return node->name;
	}
	return NULL;
}

/*
 * The statement for one data node: the DML with RETURNING of the chunk (and
 * the user's RETURNING), wrapped to keep the rows of the chunks it counts.
 */
static char *
node_sql(Query *dml, List *counted, bool returning, int nreturning)
{
	StringInfoData sql;
	StringInfoData chunks;
	ListCell   *lc;

	initStringInfo(&chunks);
	appendStringInfoChar(&chunks, '{');
	foreach(lc, counted)
	{
		if (chunks.len > 1)
			appendStringInfoChar(&chunks, ',');
		ts_append_array_element(&chunks, (char *) lfirst(lc));
	}
	appendStringInfoChar(&chunks, '}');

	initStringInfo(&sql);
	appendStringInfo(&sql, "WITH m AS (%s) SELECT ", ts_deparse_query(dml));
	if (!returning)
		appendStringInfoString(&sql, "count(*)");
	for (int i = 0; i < nreturning; i++)
		appendStringInfo(&sql, "%sts_r%d", i > 0 ? ", " : "", i + 1);
	appendStringInfo(&sql, " FROM m WHERE ts_chunk = ANY (%s::text[])",
					 quote_literal_cstr(chunks.data));
	return sql.data;
}

/* The DML to send: values computed, RETURNING of the chunk first. */
static Query *
remote_dml(DistModifyState *state, EState *estate)
{
	Query	   *dml = copyObject(state->query);
	Var		   *tableoid = makeVar(dml->resultRelation, TableOidAttributeNumber, OIDOID, -1,
								   InvalidOid, 0);
	CoerceViaIO *chunk = makeNode(CoerceViaIO);
	List	   *returning = NIL;
	ListCell   *lc;
	AttrNumber	resno = 1;

	chunk->arg = (Expr *) makeRelabelType((Expr *) tableoid, REGCLASSOID, -1, InvalidOid,
										  COERCE_EXPLICIT_CAST);
	chunk->resulttype = TEXTOID;
	chunk->resultcollid = DEFAULT_COLLATION_OID;
	chunk->coerceformat = COERCE_EXPLICIT_CAST;
	chunk->location = -1;
	returning = lappend(returning, makeTargetEntry((Expr *) chunk, resno++, "ts_chunk", false));
	foreach(lc, state->query->returningList)
	{
		TargetEntry *tle = copyObject((TargetEntry *) lfirst(lc));

		tle->expr = (Expr *) ts_deparse_eval_stable((Node *) tle->expr, estate->es_param_list_info,
													estate);
		tle->resno = resno;
		tle->resname = psprintf("ts_r%d", resno - 1);
		returning = lappend(returning, tle);
		resno++;
	}
	dml->returningList = returning;
	dml->jointree->quals = ts_deparse_eval_stable(dml->jointree->quals,
												  estate->es_param_list_info, estate);
	dml->targetList = (List *) ts_deparse_eval_stable((Node *) dml->targetList,
													  estate->es_param_list_info, estate);
	return dml;
}

static void
execute(DistModifyState *state)
{
	EState	   *estate = state->css.ss.ps.state;
	RangeTblEntry *rte = rt_fetch(state->query->resultRelation, state->query->rtable);
	TsHypertable *ht = ts_hypertable_get(rte->relid);
	Oid			userid = rte->checkAsUser ? rte->checkAsUser : GetUserId();
	bool		returning = state->query->returningList != NIL;
	int			nreturning = list_length(state->query->returningList);
	Query	   *dml;
	List	   *chunks;
	List	   *conns = NIL;
	List	   *sqls = NIL;
	List	   *nodes = NIL;
	ListCell   *lc;
	TupleDesc	desc = state->css.ss.ps.ps_ResultTupleDesc;
	AttInMetadata *attinmeta = returning ? TupleDescGetAttInMetadata(desc) : NULL;
	TsRemoteError first_err;
	bool		failed = false;

	if (ht == NULL)
		elog(ERROR, "relation %u is no longer a distributed hypertable", rte->relid);
	dml = remote_dml(state, estate);
	chunks = ts_hypertable_load_chunks(ht, false);

	foreach(lc, ht->nodes)
	{
		TsDataNode *node = ts_data_node_get(((TsHypertableNode *) lfirst(lc))->name, false);
		List	   *counted = NIL;
		ListCell   *lc2;

		if (!node->available)
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_EXCEPTION),
					 errmsg("data node \"%s\" is not available", node->name),
					 errhint("Make it available with alter_data_node() before changing its data.")));
		foreach(lc2, chunks)
		{
			TsChunk    *chunk = (TsChunk *) lfirst(lc2);
			char	   *counter = counting_node(chunk);

			if (counter != NULL && strcmp(counter, node->name) == 0)
				counted = lappend(counted, psprintf("%s.%s", quote_identifier(chunk->schema_name),
													quote_identifier(chunk->table_name)));
		}
		nodes = lappend(nodes, node);
		conns = lappend(conns, ts_remote_txn_connection(node->serverid, userid, true));
		sqls = lappend(sqls, node_sql(dml, counted, returning, nreturning));
	}

	if (returning)
	{
		MemoryContext old = MemoryContextSwitchTo(estate->es_query_cxt);

		state->returned = tuplestore_begin_heap(false, false, work_mem);
		MemoryContextSwitchTo(old);
	}

	/* Every node at once: send all, then read all. */
	{
		List	   *sent = NIL;
		ListCell   *lc2;

		forboth(lc, conns, lc2, sqls)
		{
			TsRemoteError err;

			if (!failed && ts_conn_send((TsConnection *) lfirst(lc), (char *) lfirst(lc2), 0, NULL, &err))
				sent = lappend(sent, lfirst(lc));
			else if (!failed)
			{
				first_err = err;
				failed = true;
			}
		}
		forboth(lc, sent, lc2, sqls)
		{
			TsRemoteError err;
			PGresult   *res = ts_conn_get_result((TsConnection *) lfirst(lc), TS_NO_DEADLINE,
												 (char *) lfirst(lc2), &err);

			if (res == NULL)
			{
				if (!failed)
				{
					first_err = err;
					failed = true;
				}
				continue;
			}
			if (!failed && !returning && PQntuples(res) == 1 && state->can_set_tag)
				estate->es_processed += strtoull(PQgetvalue(res, 0, 0), NULL, 10);
			if (!failed && returning)
			{
				for (int r = 0; r < PQntuples(res); r++)
				{
					char	  **values = palloc(sizeof(char *) * nreturning);
					HeapTuple	tup;

					for (int c = 0; c < nreturning; c++)
						values[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
					tup = BuildTupleFromCStrings(attinmeta, values);
					tuplestore_puttuple(state->returned, tup);
					if (state->can_set_tag)
						estate->es_processed++;
				}
			}
			PQclear(res);
		}
	}
	if (failed)
		ts_remote_error_report(&first_err, ERROR);
}

static TupleTableSlot *
exec_dist_modify(CustomScanState *node)
{
	DistModifyState *state = (DistModifyState *) node;
	TupleTableSlot *slot = state->returned_slot;

	if (!state->executed)
	{
		state->executed = true;
		execute(state);
	}
	if (state->returned == NULL)
		return NULL;
	if (!tuplestore_gettupleslot(state->returned, true, false, slot))
		return NULL;
	return slot;
}

static void
end_dist_modify(CustomScanState *node)
{
	DistModifyState *state = (DistModifyState *) node;

	/*
	 * Like ModifyTable, the statement runs to completion even when nobody
	 * read its RETURNING rows (a CTE that was not read); but a plain EXPLAIN
	 * only initialized the plan and must not change anything.
	 */
	if (!state->executed && !state->explain_only)
		exec_dist_modify(node);
	if (state->returned)
		tuplestore_end(state->returned);
}

static void
rescan_dist_modify(CustomScanState *node)
{
	elog(ERROR, "DistributedModify cannot be rescanned");
}

static void
explain_dist_modify(CustomScanState *node, List *ancestors, ExplainState *es)
{
	DistModifyState *state = (DistModifyState *) node;
	RangeTblEntry *rte = rt_fetch(state->query->resultRelation, state->query->rtable);

	ExplainPropertyText(state->query->commandType == CMD_UPDATE
						? "Update on distributed hypertable" : "Delete on distributed hypertable",
						get_rel_name(rte->relid), es);
	ExplainPropertyText("Data nodes", "one statement per data node, all at once", es);
	if (es->verbose)
		ExplainPropertyText("Remote SQL", ts_deparse_query(state->query), es);
}

/*
 * The CustomScan for a pushable UPDATE/DELETE, in place of the planned
 * ModifyTable (plan), or NULL.
 */
Plan *
ts_modify_node_plan(PlannedStmt *stmt, Query *query, Plan *plan)
{
	ModifyTable *mt;
	CustomScan *cscan;
	List	   *tlist = NIL;
	ListCell   *lc;
	AttrNumber	resno = 1;

	if (plan == NULL || !IsA(plan, ModifyTable))
		return NULL;
	mt = (ModifyTable *) plan;
	cscan = makeNode(CustomScan);
	cscan->methods = &plan_methods;
	cscan->scan.scanrelid = 0;
	cscan->custom_private = list_make2(copyObject(query), makeBoolean(mt->canSetTag));
	/* RETURNING rows come back in the order of the returning list. */
	foreach(lc, query->returningList)
	{
		TargetEntry *tle = (TargetEntry *) lfirst(lc);
		Var		   *var = makeVar(INDEX_VAR, resno, exprType((Node *) tle->expr),
								  exprTypmod((Node *) tle->expr), exprCollation((Node *) tle->expr), 0);

		tlist = lappend(tlist, makeTargetEntry((Expr *) var, resno, tle->resname, false));
		resno++;
	}
	cscan->custom_scan_tlist = NIL;
	foreach(lc, query->returningList)
	{
		TargetEntry *tle = copyObject((TargetEntry *) lfirst(lc));

		cscan->custom_scan_tlist = lappend(cscan->custom_scan_tlist, tle);
	}
	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.startup_cost = plan->startup_cost;
	cscan->scan.plan.total_cost = plan->total_cost;
	cscan->scan.plan.plan_rows = plan->plan_rows;
	cscan->scan.plan.plan_width = plan->plan_width;
	return (Plan *) cscan;
}

void
ts_modify_node_init(void)
{
	plan_methods.CustomName = DIST_MODIFY_NAME;
	plan_methods.CreateCustomScanState = create_state;
	RegisterCustomScanMethods(&plan_methods);

	exec_methods.CustomName = DIST_MODIFY_NAME;
	exec_methods.BeginCustomScan = begin_dist_modify;
	exec_methods.ExecCustomScan = exec_dist_modify;
	exec_methods.EndCustomScan = end_dist_modify;
	exec_methods.ReScanCustomScan = rescan_dist_modify;
	exec_methods.ExplainCustomScan = explain_dist_modify;
}
