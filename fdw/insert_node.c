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
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "catalog/hypertable.h"
#include "dist_insert.h"
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
	bool		done;
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
	return (Node *) state;
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

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;
	ht = ts_hypertable_get(RelationGetRelid(state->rel));
	if (ht == NULL)
		elog(ERROR, "relation \"%s\" is no longer a hypertable", RelationGetRelationName(state->rel));
	state->dist = ts_dist_insert_begin(state->rel, ht, estate);
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

		if (state->done)
			return NULL;
		ResetPerTupleExprContext(estate);
		in = ExecProcNode(child);
		if (TupIsNull(in))
		{
			state->done = true;
			ts_dist_insert_end(state->dist);
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

	ExplainPropertyText("Insert on distributed hypertable",
						RelationGetRelationName(state->rel), es);
	ExplainPropertyText("Transfer", "COPY to the data nodes' hypertables", es);
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
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ON CONFLICT is not supported on distributed hypertables yet")));

	if (mt->returningLists != NIL)
		returning = (List *) linitial(mt->returningLists);

	cscan = makeNode(CustomScan);
	cscan->methods = &plan_methods;
	cscan->scan.scanrelid = 0;
	cscan->custom_plans = list_make1(outerPlan(mt));
	cscan->custom_private = list_make3(makeInteger(rti), makeBoolean(mt->canSetTag), returning);
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
