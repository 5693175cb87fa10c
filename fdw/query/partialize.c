/*-------------------------------------------------------------------------
 * partialize.c — a data node computes partial aggregates for its access
 * node.
 *
 * When an aggregate's groups span data nodes, the access node asks each
 * node for the aggregate's partial state instead of its result:
 *
 *	SELECT g, timeshard_internal.partialize_agg(avg(x)) FROM ... GROUP BY g
 *
 * and combines the states of every node itself (a Finalize Aggregate).
 * SQL has no way to ask for a partial state, so the data node's planner
 * hook changes the plan: the Agg node runs in AGGSPLIT_INITIAL_SERIAL mode
 * (PostgreSQL's own partial aggregation, as under a Gather), and each
 * partialize_agg(agg) becomes the partial Aggref itself, its state sent as
 * bytea: serialized for states of type internal, in the binary (send) form
 * of the transition type otherwise.  Parallel plans are not used for these
 * queries, so the plan has one Agg node.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/planner.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "query/partialize.h"
#include "timeshard.h"

PG_FUNCTION_INFO_V1(partialize_agg);
PG_FUNCTION_INFO_V1(state_to_bytea);

static Oid
internal_func_oid(const char *name, Oid argtype)
{
	List	   *names = list_make2(makeString(TS_INTERNAL_SCHEMA), makeString((char *) name));

	return LookupFuncName(names, 1, &argtype, true);
}

Oid
ts_partialize_func_oid(void)
{
	return internal_func_oid("partialize_agg", ANYELEMENTOID);
}

static bool
is_partialize(Node *node, Oid fn)
{
	return node != NULL && IsA(node, FuncExpr) && ((FuncExpr *) node)->funcid == fn &&
		list_length(((FuncExpr *) node)->args) == 1 &&
		IsA(linitial(((FuncExpr *) node)->args), Aggref);
}

static bool
finds_partialize(Node *node, Oid *fn)
{
	if (node == NULL)
		return false;
	if (is_partialize(node, *fn))
		return true;
	return expression_tree_walker(node, finds_partialize, (void *) fn);
}

/* Does the query ask for partial aggregates? */
bool
ts_partialize_in_query(Query *query)
{
	Oid			fn;

	if (!query->hasAggs)
		return false;
	fn = ts_partialize_func_oid();
	return OidIsValid(fn) && finds_partialize((Node *) query->targetList, &fn);
}

typedef struct PartializeContext
{
	Oid			partialize;
	Oid			to_bytea;
	int			found;
} PartializeContext;

/* partialize_agg(agg) -> the partial Aggref, as bytea. */
static Node *
partialize_mutator(Node *node, PartializeContext *context)
{
	if (node == NULL)
		return NULL;
	if (is_partialize(node, context->partialize))
	{
		Aggref	   *agg = copyObject((Aggref *) linitial(((FuncExpr *) node)->args));

		mark_partial_aggref(agg, AGGSPLIT_INITIAL_SERIAL);
		context->found++;
		if (agg->aggtype == BYTEAOID)
			return (Node *) agg;
		return (Node *) makeFuncExpr(context->to_bytea, BYTEAOID, list_make1(agg), InvalidOid,
									 InvalidOid, COERCE_EXPLICIT_CALL);
	}
	/*
	 * min()/max() answered from an index by the planner (an InitPlan): the
	 * partial state of those is the value itself.
	 */
	if (IsA(node, FuncExpr) && ((FuncExpr *) node)->funcid == context->partialize &&
		list_length(((FuncExpr *) node)->args) == 1 &&
		IsA(linitial(((FuncExpr *) node)->args), Param))
	{
		Node	   *value = linitial(((FuncExpr *) node)->args);

		context->found++;
		if (exprType(value) == BYTEAOID)
			return value;
		return (Node *) makeFuncExpr(context->to_bytea, BYTEAOID, list_make1(value), InvalidOid,
									 InvalidOid, COERCE_EXPLICIT_CALL);
	}
	if (IsA(node, Aggref))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("every aggregate of a partial aggregation must be inside partialize_agg()")));
	return expression_tree_mutator(node, partialize_mutator, (void *) context);
}

static void
partialize_plan_walker(Plan *plan, PartializeContext *context)
{
	ListCell   *lc;

	if (plan == NULL)
		return;
	if (IsA(plan, Result) && plan->lefttree == NULL)
		plan->targetlist = (List *) partialize_mutator((Node *) plan->targetlist, context);
	if (IsA(plan, Agg))
	{
		Agg		   *agg = (Agg *) plan;
		int			before = context->found;

		agg->plan.targetlist = (List *) partialize_mutator((Node *) agg->plan.targetlist, context);
		if (context->found > before)
		{
			if (agg->plan.qual != NIL)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("partial aggregation cannot have a HAVING clause")));
			agg->aggsplit = AGGSPLIT_INITIAL_SERIAL;
		}
	}
	partialize_plan_walker(plan->lefttree, context);
	partialize_plan_walker(plan->righttree, context);
	if (IsA(plan, Append))
		foreach(lc, ((Append *) plan)->appendplans)
			partialize_plan_walker((Plan *) lfirst(lc), context);
	if (IsA(plan, SubqueryScan))
		partialize_plan_walker(((SubqueryScan *) plan)->subplan, context);
}

/* Turn the planned query's partialize_agg() calls into partial aggregation. */
void
ts_partialize_plan(PlannedStmt *stmt)
{
	PartializeContext context;

	context.partialize = ts_partialize_func_oid();
	context.to_bytea = internal_func_oid("state_to_bytea", ANYELEMENTOID);
	context.found = 0;
	partialize_plan_walker(stmt->planTree, &context);
	if (context.found == 0)
		elog(ERROR, "partialize_agg() was not applied to the plan");
}

/* Only ever called when the plan was not changed: a misuse. */
Datum
partialize_agg(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("partialize_agg() can only wrap an aggregate in a query of timeshard's"),
			 errhint("It is used by the access node to ask data nodes for partial aggregates.")));
	PG_RETURN_NULL();
}

/* A value in its binary (send) form: partial states of non-internal types. */
Datum
state_to_bytea(PG_FUNCTION_ARGS)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 0);
	Oid			send;
	bool		isvarlena;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	getTypeBinaryOutputInfo(type, &send, &isvarlena);
	PG_RETURN_BYTEA_P(OidSendFunctionCall(send, PG_GETARG_DATUM(0)));
}
