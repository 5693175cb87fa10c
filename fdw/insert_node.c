/*-------------------------------------------------------------------------
 * insert_node.c — INSERT into a distributed hypertable: the plan node that
 * takes the place of ModifyTable.
 *
 * The planner hook (planner.c) looks for ModifyTable nodes that insert into
 * the root of a hypertable (at the top of the plan, or of a writable CTE's
 * subplan) and replaces each with a CustomScan, "DistributedInsert", whose
 * child is ModifyTable's own subplan.  The node checks each row's constraints
 * as ModifyTable would, hands it to dist_insert.c, counts it for the command
 * tag, and returns the RETURNING projection when there is one.  No row is
 * ever stored in the access node's table.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/planner.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteManip.h"
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_index.h"
#include "utils/syscache.h"
#include "utils/lsyscache.h"
#include "utils/ruleutils.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "catalog/hypertable.h"
#include "dist_insert.h"
#include "deparse.h"
#include "insert_node.h"

#define DIST_INSERT_NAME "DistributedInsert"

typedef struct DistInsertState
{
	CustomScanState css;
	Index		rti;
	bool		can_set_tag;
	List	   *returning;		/* RETURNING expressions, or NIL */
	Relation	rel;
	ResultRelInfo *rri;
	TupleTableSlot *row;		/* the row in the root table's row type */
	ProjectionInfo *project;
	TsDistInsert *dist;
	bool		distributed;	/* false: a local hypertable */
	bool		done;

	/* ON CONFLICT, when there is one */
	OnConflictAction on_conflict;
	char	   *conflict_target;	/* "(col, ...)" or "" */
	List	   *conflict_cols;	/* attnos set by DO UPDATE */
	List	   *conflict_set;	/* their expressions */
	Node	   *conflict_where;
	Index		excluded_rti;	/* varno of EXCLUDED's columns in them */
	char	   *conflict_sql;	/* the clause for the data nodes */
	TsUpsert   *upsert;
	TupleTableSlot *returned;	/* a row returned by a data node */
	uint64		counted;		/* affected rows already in es_processed */
} DistInsertState;

static CustomScanMethods plan_methods;
static CustomExecMethods exec_methods;

static Node *
create_state(CustomScan *cscan)
{
	DistInsertState *state = (DistInsertState *) newNode(sizeof(DistInsertState),
														 T_CustomScanState);

	state->css.methods = &exec_methods;
	state->rti = intVal(linitial(cscan->custom_private));
	state->can_set_tag = boolVal(lsecond(cscan->custom_private));
	state->returning = (List *) lthird(cscan->custom_private);
	state->on_conflict = (OnConflictAction) intVal(lfourth(cscan->custom_private));
	if (state->on_conflict != ONCONFLICT_NONE)
	{
		state->conflict_target = strVal(list_nth(cscan->custom_private, 4));
		state->conflict_cols = (List *) list_nth(cscan->custom_private, 5);
		state->conflict_set = (List *) list_nth(cscan->custom_private, 6);
		state->conflict_where = (Node *) list_nth(cscan->custom_private, 7);
		state->excluded_rti = intVal(list_nth(cscan->custom_private, 8));
	}
	return (Node *) state;
}

/*
 * Deparsing of the DO UPDATE expressions.  They read two relations: the row
 * in the table (Vars of the insert's target, varno rti) and the proposed row
 * (Vars of EXCLUDED, varno excluded_rti).  They are renumbered 1 and 2 and
 * written by ruleutils with a namespace of two range table entries named as
 * the statement on the data nodes names them, so that every column comes out
 * as "<alias>.column" or "excluded.column" and nothing in the text has to be
 * patched afterwards.
 */
#define CONFLICT_TARGET_VARNO 1
#define CONFLICT_EXCLUDED_VARNO 2

typedef struct RenumberContext
{
	Index		target_rti;
	Index		excluded_rti;
} RenumberContext;

static Node *
renumber_mutator(Node *node, RenumberContext *context)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var) && ((Var *) node)->varlevelsup == 0)
	{
		Var		   *var = (Var *) copyObject(node);

		if (var->varno == context->target_rti)
			var->varno = var->varnosyn = CONFLICT_TARGET_VARNO;
		else if (var->varno == context->excluded_rti)
			var->varno = var->varnosyn = CONFLICT_EXCLUDED_VARNO;
		else
			elog(ERROR, "unexpected relation %d in ON CONFLICT expression", var->varno);
		return (Node *) var;
	}
	return expression_tree_mutator(node, renumber_mutator, (void *) context);
}

/* A range table entry for the table, known by the name alias. */
static RangeTblEntry *
conflict_rte(Relation rel, const char *alias)
{
	RangeTblEntry *rte = makeNode(RangeTblEntry);

	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(rel);
	rte->relkind = rel->rd_rel->relkind;
	rte->rellockmode = AccessShareLock;
	rte->alias = makeAlias(alias, NIL);
	rte->eref = makeAlias(alias, NIL);
	rte->inFromCl = true;
	return rte;
}

/*
 * The expression (already evaluated as far as it can be here) as SQL for the
 * data nodes.  The caller has narrowed the search path to pg_catalog.
 */
static char *
conflict_expr_sql(DistInsertState *state, List *dpcontext, Node *expr)
{
	RenumberContext context = {state->rti, state->excluded_rti};

	return deparse_expression(renumber_mutator(expr, &context), dpcontext, true, false);
}

/* The expression with parameters and stable functions computed here. */
static Node *
conflict_expr_evaluated(Node *expr, EState *estate, bool exec_params)
{
	if (exec_params)
		return ts_deparse_eval_stable(expr, estate->es_param_list_info, estate);
	return ts_deparse_eval_stable_no_exec(expr, estate->es_param_list_info, estate);
}

/*
 * ON CONFLICT ... as the data nodes get it.  Parameters and stable functions
 * are computed first, with the session's search path (all nodes apply the
 * same values); with exec_params false (EXPLAIN without ANALYZE) the
 * executor's own parameters stay as they are.
 */
static char *
conflict_clause(DistInsertState *state, TsHypertable *ht, EState *estate, bool exec_params)
{
	StringInfoData sql;
	ListCell   *lc;
	ListCell   *lc2;
	TupleDesc	desc = RelationGetDescr(state->rel);
	const char *alias = ts_upsert_target_alias(ht);
	List	   *set = NIL;
	Node	   *where = NULL;
	PlannedStmt *names;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "ON CONFLICT");
	if (state->conflict_target[0] != '\0')
		appendStringInfo(&sql, " %s", state->conflict_target);
	if (state->on_conflict == ONCONFLICT_NOTHING)
	{
		appendStringInfoString(&sql, " DO NOTHING");
		return sql.data;
	}

	foreach(lc, state->conflict_set)
		set = lappend(set, conflict_expr_evaluated((Node *) ((TargetEntry *) lfirst(lc))->expr,
												   estate, exec_params));
	if (state->conflict_where != NULL)
		where = conflict_expr_evaluated(state->conflict_where, estate, exec_params);

	names = makeNode(PlannedStmt);
	names->rtable = list_make2(conflict_rte(state->rel, alias),
							   conflict_rte(state->rel, "excluded"));
	ts_push_catalog_search_path();
	PG_TRY();
	{
		List	   *dpcontext;

		dpcontext = deparse_context_for_plan_tree(names,
												  list_make2(pstrdup(alias), pstrdup("excluded")));
		dpcontext = set_deparse_context_plan(dpcontext, (Plan *) makeNode(Result), NIL);

		appendStringInfoString(&sql, " DO UPDATE SET ");
		forboth(lc, state->conflict_cols, lc2, set)
		{
			AttrNumber	attno = lfirst_int(lc);

			appendStringInfo(&sql, "%s%s = %s", foreach_current_index(lc) > 0 ? ", " : "",
							 quote_identifier(NameStr(TupleDescAttr(desc, attno - 1)->attname)),
							 conflict_expr_sql(state, dpcontext, (Node *) lfirst(lc2)));
		}
		if (where != NULL)
			appendStringInfo(&sql, " WHERE %s", conflict_expr_sql(state, dpcontext, where));
	}
	PG_FINALLY();
	{
		PopOverrideSearchPath();
	}
	PG_END_TRY();
	return sql.data;
}

static void
begin_dist_insert(CustomScanState *node, EState *estate, int eflags)
{
	DistInsertState *state = (DistInsertState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	Plan	   *subplan = linitial(cscan->custom_plans);
	TsHypertable *ht;

	state->rel = ExecGetRangeTableRelation(estate, state->rti);
	node->custom_ps = list_make1(ExecInitNode(subplan, estate, eflags));

	state->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(state->rri, state->rel, state->rti, NULL, estate->es_instrument);
	state->row = table_slot_create(state->rel, &estate->es_tupleTable);
	if (state->returning != NIL)
		state->project = ExecBuildProjectionInfo(state->returning, node->ss.ps.ps_ExprContext,
												 node->ss.ss_ScanTupleSlot, &node->ss.ps,
												 RelationGetDescr(state->rel));

	/* A writable CTE runs to completion even if nobody reads all its rows. */
	if (!state->can_set_tag)
		estate->es_auxmodifytables = lcons(node, estate->es_auxmodifytables);

	ht = ts_hypertable_get(RelationGetRelid(state->rel));
	if (ht == NULL)
		elog(ERROR, "relation \"%s\" is no longer a hypertable", RelationGetRelationName(state->rel));
	state->distributed = ht->replication_factor > 0;

	/* A plain EXPLAIN sends nothing and creates nothing. */
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
	{
		if (state->on_conflict != ONCONFLICT_NONE && state->distributed)
			state->conflict_sql = conflict_clause(state, ht, estate, false);
		return;
	}
	state->dist = ts_dist_insert_begin(state->rel, ht, estate);
	if (state->on_conflict != ONCONFLICT_NONE)
	{
		if (state->distributed)
			state->conflict_sql = conflict_clause(state, ht, estate, true);
		state->upsert = ts_dist_insert_on_conflict(state->dist, state->conflict_sql,
												   state->returning != NIL);
		state->returned = ExecInitExtraTupleSlot(estate, RelationGetDescr(state->rel),
												 &TTSOpsHeapTuple);
	}
}

static TupleTableSlot *
exec_dist_insert(CustomScanState *node)
{
	DistInsertState *state = (DistInsertState *) node;
	PlanState  *child = linitial(node->custom_ps);
	EState	   *estate = node->ss.ps.state;
	TupleDesc	desc = RelationGetDescr(state->rel);

	for (;;)
	{
		TupleTableSlot *in;

		/* Upserts: what the data nodes returned comes out first. */
		if (state->upsert != NULL)
		{
			uint64		affected = ts_upsert_affected(state->upsert);

			if (state->can_set_tag && affected > state->counted)
			{
				estate->es_processed += affected - state->counted;
				state->counted = affected;
			}
			if (state->project != NULL &&
				ts_upsert_next_returned(state->upsert, state->returned))
			{
				ExprContext *econtext = node->ss.ps.ps_ExprContext;

				/* The projection expects its values deformed, as in a virtual slot. */
				slot_getallattrs(state->returned);
				ResetExprContext(econtext);
				econtext->ecxt_scantuple = state->returned;
				return ExecProject(state->project);
			}
		}
		if (state->done)
			return NULL;
		ResetPerTupleExprContext(estate);
		in = ExecProcNode(child);
		if (TupIsNull(in))
		{
			state->done = true;
			ts_dist_insert_end(state->dist);
			if (state->upsert != NULL)
				continue;		/* the last answers may have rows and counts */
			return NULL;
		}

		/* The subplan yields one value per column of the table, in order. */
		ExecClearTuple(state->row);
		slot_getallattrs(in);
		memcpy(state->row->tts_values, in->tts_values, sizeof(Datum) * desc->natts);
		memcpy(state->row->tts_isnull, in->tts_isnull, sizeof(bool) * desc->natts);
		ExecStoreVirtualTuple(state->row);

		if (desc->constr != NULL && desc->constr->has_generated_stored)
			ExecComputeStoredGenerated(state->rri, estate, state->row, CMD_INSERT);
		if (desc->constr != NULL)
			ExecConstraints(state->rri, state->row, estate);

		{
			MemoryContext old = MemoryContextSwitchTo(GetPerTupleMemoryContext(estate));

			ts_dist_insert_row(state->dist, state->row);
			MemoryContextSwitchTo(old);
		}
		if (state->upsert != NULL)
			continue;
		if (state->can_set_tag)
			estate->es_processed++;

		if (state->project != NULL)
		{
			ExprContext *econtext = node->ss.ps.ps_ExprContext;

			ResetExprContext(econtext);
			econtext->ecxt_scantuple = state->row;
			econtext->ecxt_outertuple = in;
			return ExecProject(state->project);
		}
	}
}

static void
end_dist_insert(CustomScanState *node)
{
	DistInsertState *state = (DistInsertState *) node;

	/* Whatever the consumer left unread still goes to the data nodes. */
	if (state->dist != NULL)
		while (exec_dist_insert(node) != NULL)
			;
	ExecEndNode(linitial(node->custom_ps));
}

static void
rescan_dist_insert(CustomScanState *node)
{
	elog(ERROR, "DistributedInsert cannot be rescanned");
}

static void
explain_dist_insert(CustomScanState *node, List *ancestors, ExplainState *es)
{
	DistInsertState *state = (DistInsertState *) node;
	TsHypertable *ht;

	if (!state->distributed)
	{
		ExplainPropertyText("Insert on hypertable", RelationGetRelationName(state->rel), es);
		ExplainPropertyText("Chunks", "tables on the access node", es);
		return;
	}
	ExplainPropertyText("Insert on distributed hypertable",
						RelationGetRelationName(state->rel), es);
	if (state->on_conflict == ONCONFLICT_NONE)
	{
		ExplainPropertyText("Transfer", "COPY to the data nodes' hypertables", es);
		return;
	}
	ExplainPropertyText("Transfer",
						"batches of INSERT ... ON CONFLICT per data node",
						es);
	ht = ts_hypertable_get(RelationGetRelid(state->rel));
	if (es->verbose && ht != NULL && state->conflict_sql != NULL)
		ExplainPropertyText("Remote SQL",
							ts_upsert_explain_sql(state->rel, ht, state->conflict_sql,
												  state->returning != NIL), es);
}

typedef struct ExcludedContext
{
	List	   *excl_tlist;
} ExcludedContext;

/*
 * After set_plan_refs, EXCLUDED's columns are INNER_VAR references into the
 * ModifyTable's exclRelTlist; put back the Vars of the EXCLUDED range table
 * entry that the list holds.
 */
static Node *
excluded_mutator(Node *node, ExcludedContext *context)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var) && ((Var *) node)->varno == INNER_VAR)
	{
		Var		   *var = (Var *) node;
		ListCell   *lc;

		/* By resno: the whole-row entry (EXCLUDED.*) is last, with resno 0. */
		foreach(lc, context->excl_tlist)
		{
			TargetEntry *tle = (TargetEntry *) lfirst(lc);

			if (tle->resno == var->varattno)
				return (Node *) copyObject(tle->expr);
		}
		elog(ERROR, "no column %d in the EXCLUDED row", var->varattno);
	}
	return expression_tree_mutator(node, excluded_mutator, (void *) context);
}

/* Does the expression use a parameter of the executor (a subquery's)? */
static bool
uses_exec_param_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Param) && ((Param *) node)->paramkind != PARAM_EXTERN)
		return true;
	return expression_tree_walker(node, uses_exec_param_walker, context);
}

/*
 * Can a DO UPDATE expression (SET list or WHERE) run on the data nodes?  The
 * columns of EXCLUDED are columns of the same table, so they are checked as
 * the target's.  The executor's parameters (initplans of subqueries) have
 * values only on the access node and no text a data node would understand.
 */
static bool
conflict_expr_is_shippable(Node *expr, Index rti, Index excluded_rti)
{
	Node	   *copy = copyObject(expr);

	if (uses_exec_param_walker(copy, NULL))
		return false;
	ChangeVarNodes(copy, excluded_rti, rti, 0);
	return ts_is_shippable(copy, rti);
}

/*
 * What the plan node needs to write ON CONFLICT for the data nodes: the
 * conflict target (the columns of the arbiter index), and for DO UPDATE the
 * columns set, their expressions and the condition, and the varno of
 * EXCLUDED in them.
 */
static List *
conflict_private(ModifyTable *mt, Index rti, Oid relid)
{
	ExcludedContext context = {mt->exclRelTlist};
	char	   *target = "";
	List	   *set = NIL;
	Node	   *where = NULL;

	if (mt->arbiterIndexes != NIL)
	{
		Oid			index = linitial_oid(mt->arbiterIndexes);

		HeapTuple	itup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
		bool		partial = HeapTupleIsValid(itup) &&
			!heap_attisnull(itup, Anum_pg_index_indpred, NULL);

		if (HeapTupleIsValid(itup))
			ReleaseSysCache(itup);
		if (partial)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("ON CONFLICT with a partial unique index is not supported on distributed hypertables"),
					 errhint("Use a unique index without a WHERE clause.")));
		target = psprintf("(%s)", pg_get_indexdef_columns(index, false));
	}
	if (mt->onConflictAction == ONCONFLICT_UPDATE)
	{
		set = (List *) excluded_mutator((Node *) mt->onConflictSet, &context);
		/* The planner made the condition an implicit-AND list. */
		where = excluded_mutator(mt->onConflictWhere, &context);
		if (where != NULL && IsA(where, List))
			where = (Node *) make_ands_explicit((List *) where);
		if (!conflict_expr_is_shippable((Node *) set, rti, mt->exclRelRTI) ||
			!conflict_expr_is_shippable(where, rti, mt->exclRelRTI))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("ON CONFLICT DO UPDATE expressions must be able to run on the data nodes"),
					 errdetail("The SET list or the WHERE condition uses something only the access node has."),
					 errhint("Use built-in functions and operators in DO UPDATE.")));
	}
	return list_make5(makeString(target), list_copy(mt->onConflictCols), set, where,
					  makeInteger(mt->exclRelRTI));
}

/*
 * The CustomScan that takes the place of the ModifyTable, or NULL when the
 * ModifyTable does not insert into a hypertable.
 */
Plan *
ts_insert_node_plan(PlannedStmt *stmt, Plan *plan)
{
	ModifyTable *mt;
	Index		rti;
	RangeTblEntry *rte;
	CustomScan *cscan;
	List	   *returning = NIL;
	List	   *tlist = NIL;
	ListCell   *lc;
	AttrNumber	resno = 1;
	List	   *on_conflict = NIL;

	if (plan == NULL || !IsA(plan, ModifyTable))
		return NULL;
	mt = (ModifyTable *) plan;
	if (mt->operation != CMD_INSERT || list_length(mt->resultRelations) != 1)
		return NULL;
	rti = linitial_int(mt->resultRelations);
	rte = rt_fetch(rti, stmt->rtable);
	if (!ts_hypertable_routes_inserts(rte->relid))
		return NULL;

	if (mt->onConflictAction != ONCONFLICT_NONE)
		on_conflict = conflict_private(mt, rti, rte->relid);
	if (mt->returningLists != NIL)
		returning = (List *) linitial(mt->returningLists);

	cscan = makeNode(CustomScan);
	cscan->methods = &plan_methods;
	cscan->scan.scanrelid = 0;
	cscan->custom_plans = list_make1(outerPlan(mt));
	cscan->custom_private = list_concat(list_make4(makeInteger(rti), makeBoolean(mt->canSetTag),
												   returning, makeInteger(mt->onConflictAction)),
										on_conflict);
	cscan->custom_scan_tlist = returning;
	foreach(lc, returning)
	{
		TargetEntry *tle = (TargetEntry *) lfirst(lc);
		Var		   *var = makeVarFromTargetEntry(INDEX_VAR, tle);

		var->varattno = resno;
		tlist = lappend(tlist, makeTargetEntry((Expr *) var, resno, tle->resname, tle->resjunk));
		resno++;
	}
	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.startup_cost = plan->startup_cost;
	cscan->scan.plan.total_cost = plan->total_cost;
	cscan->scan.plan.plan_rows = plan->plan_rows;
	cscan->scan.plan.plan_width = plan->plan_width;
	cscan->scan.plan.parallel_safe = false;
	return (Plan *) cscan;
}

void
ts_insert_node_init(void)
{
	plan_methods.CustomName = DIST_INSERT_NAME;
	plan_methods.CreateCustomScanState = create_state;
	RegisterCustomScanMethods(&plan_methods);

	exec_methods.CustomName = DIST_INSERT_NAME;
	exec_methods.BeginCustomScan = begin_dist_insert;
	exec_methods.ExecCustomScan = exec_dist_insert;
	exec_methods.EndCustomScan = end_dist_insert;
	exec_methods.ReScanCustomScan = rescan_dist_insert;
	exec_methods.ExplainCustomScan = explain_dist_insert;
}
