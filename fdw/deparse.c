/*-------------------------------------------------------------------------
 * deparse.c — what may be sent to a data node, and how to write it as SQL.
 *
 * Shippable: expressions made of built-in objects (OIDs below
 * FirstNormalObjectId) and of timeshard's own functions, that are not
 * volatile; what reads no column (now(), parameters) is evaluated once on
 * the access node at execution (see ts_deparse_eval_stable) and travels as
 * a constant.  Not shipped: subqueries, aggregates in the wrong place,
 * system columns, anything user-defined, explicit COLLATE, and text made
 * from dates, times, intervals or floats (or the reverse) from columns,
 * which depends on output settings the nodes' sessions do not share.
 *
 * SQL is written by PostgreSQL's own deparser (ruleutils) with the search
 * path narrowed to pg_catalog, so that every object that is not in
 * pg_catalog comes out schema-qualified, as the data node's sessions
 * (search_path = pg_catalog) need.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/sysattr.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/executor.h"
#include "nodes/nodeFuncs.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "utils/datum.h"
#include "utils/float.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "miscadmin.h"
#include "rewrite/rewriteManip.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "deparse.h"
#include "timeshard.h"

/* Is the function one of PostgreSQL's or one of timeshard's? */
static bool
function_is_known(Oid funcid)
{
	Oid			ext;

	if (funcid < FirstNormalObjectId)
		return true;
	ext = get_extension_oid(TS_EXTENSION_NAME, true);
	return OidIsValid(ext) &&
		getExtensionOfObject(ProcedureRelationId, funcid) == ext;
}

static bool
check_function(Oid funcid, void *context)
{
	return !function_is_known(funcid) || func_volatile(funcid) == PROVOLATILE_VOLATILE;
}

static bool
is_datetime_type(Oid type)
{
	if (OidIsValid(get_element_type(type)))
		type = get_element_type(type);
	return type == DATEOID || type == TIMEOID || type == TIMETZOID || type == TIMESTAMPOID ||
		type == TIMESTAMPTZOID || type == INTERVALOID;
}

/*
 * Does the node turn values into text (or text into values) in a way that
 * depends on the session's output settings?  A data node's session has its
 * own (ISO dates, PostgreSQL intervals, every float digit), so such text is
 * made on the access node.  (TimeZone is the same everywhere: it is sent
 * to the nodes, and so are timestamptz arithmetic and the like.)
 */
static bool
depends_on_output_style(Node *node)
{
	if (IsA(node, CoerceViaIO))
	{
		Oid			from = exprType((Node *) ((CoerceViaIO *) node)->arg);
		Oid			to = ((CoerceViaIO *) node)->resulttype;
		Oid			elem = OidIsValid(get_element_type(from)) ? get_element_type(from) : from;

		return is_datetime_type(from) || is_datetime_type(to) || elem == FLOAT4OID ||
			elem == FLOAT8OID;
	}
	if (IsA(node, FuncExpr))
	{
		switch (((FuncExpr *) node)->funcid)
		{
			case F_CONCAT:
			case F_CONCAT_WS:
			case F_FORMAT_TEXT:
			case F_ANYTEXTCAT:
			case F_TEXTANYCAT:
				return true;
			default:
				return false;
		}
	}
	return false;
}

typedef struct ShippableContext
{
	Index		varno;			/* the relation whose columns may appear */
	bool		allow_aggregates;
	Relids		outer;			/* other relations whose columns become
								 * parameters */
} ShippableContext;

/* The collation of a column the expression is, or InvalidOid. */
static Oid
column_collation(Node *node)
{
	while (node != NULL && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	return node != NULL && IsA(node, Var) ? ((Var *) node)->varcollid : InvalidOid;
}

/*
 * The deparsed SQL carries no COLLATE clauses: a data node applies the
 * default collation, or that of the columns compared.  Anything else (an
 * explicit COLLATE) must stay on the access node.
 */
static bool
collation_is_implicit(Node *node)
{
	Oid			collid;
	List	   *args = NIL;
	ListCell   *lc;

	if (IsA(node, RelabelType))
	{
		RelabelType *r = (RelabelType *) node;

		return !OidIsValid(r->resultcollid) || r->resultcollid == exprCollation((Node *) r->arg);
	}
	if (IsA(node, CollateExpr))
		return false;
	collid = exprInputCollation(node);
	if (!OidIsValid(collid) || collid == DEFAULT_COLLATION_OID)
		return true;
	switch (nodeTag(node))
	{
		case T_OpExpr:
		case T_DistinctExpr:
		case T_NullIfExpr:
			args = ((OpExpr *) node)->args;
			break;
		case T_FuncExpr:
			args = ((FuncExpr *) node)->args;
			break;
		case T_ScalarArrayOpExpr:
			args = ((ScalarArrayOpExpr *) node)->args;
			break;
		case T_MinMaxExpr:
			args = ((MinMaxExpr *) node)->args;
			break;
		case T_Aggref:
			foreach(lc, ((Aggref *) node)->args)
				args = lappend(args, ((TargetEntry *) lfirst(lc))->expr);
			break;
		default:
			break;
	}
	foreach(lc, args)
	{
		if (column_collation((Node *) lfirst(lc)) == collid)
			return true;
	}
	return false;
}

static bool
not_shippable_walker(Node *node, ShippableContext *context)
{
	if (node == NULL)
		return false;
	if (check_functions_in_node(node, check_function, NULL))
		return true;
	if (!collation_is_implicit(node))
		return true;
	/* (what reads no column is computed here before sending) */
	if (depends_on_output_style(node) && contain_var_clause(node))
		return true;
	switch (nodeTag(node))
	{
		case T_Var:
			{
				Var		   *var = (Var *) node;

				/* A column of an outer relation is sent as a parameter value. */
				if (var->varlevelsup == 0 && var->varno != context->varno &&
					bms_is_member(var->varno, context->outer))
					return var->varattno <= 0;
				if (var->varno != context->varno || var->varlevelsup != 0)
					return true;
				/*
				 * Only user columns mean the same on a data node (tableoid
				 * is the node's own table there).
				 */
				if (var->varattno < 0)
					return true;
				if (var->varattno == 0)
					return true;	/* whole-row reference */
				return false;
			}
		case T_Const:
		case T_Param:
		case T_RelabelType:
		case T_CoerceViaIO:
		case T_ArrayCoerceExpr:
		case T_BoolExpr:
		case T_NullTest:
		case T_BooleanTest:
		case T_CaseExpr:
		case T_CaseWhen:
		case T_CaseTestExpr:
		case T_CoalesceExpr:
		case T_MinMaxExpr:
		case T_ArrayExpr:
		case T_RowExpr:
		case T_FuncExpr:
		case T_OpExpr:
		case T_DistinctExpr:
		case T_NullIfExpr:
		case T_ScalarArrayOpExpr:
		case T_List:
		case T_TargetEntry:
		case T_SQLValueFunction:
			break;
		case T_Aggref:
			if (!context->allow_aggregates)
				return true;
			break;
		case T_SortGroupClause:
			/* ORDER BY or DISTINCT inside an aggregate */
			if (!context->allow_aggregates)
				return true;
			return false;
		default:
			/* Sublinks, window functions, ... stay on the access node. */
			return true;
	}
	return expression_tree_walker(node, not_shippable_walker, (void *) context);
}

/*
 * May the expression (whose Vars of the hypertable have varno) be sent to a
 * data node?
 */
bool
ts_is_shippable(Node *expr, Index varno)
{
	ShippableContext context = {varno, false, NULL};

	return !not_shippable_walker(expr, &context);
}

bool
ts_is_shippable_agg(Node *expr, Index varno)
{
	ShippableContext context = {varno, true, NULL};

	return !not_shippable_walker(expr, &context);
}

/*
 * The same for a join condition of a parameterized scan: columns of the
 * outer relations are allowed (their values are sent for each outer row).
 */
bool
ts_is_shippable_join(Node *expr, Index varno, Relids outer)
{
	ShippableContext context = {varno, false, outer};

	return !not_shippable_walker(expr, &context);
}

static bool
contains_var_or_param_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	/* (a CaseTestExpr stands for a value known only inside its CASE) */
	if (IsA(node, Var) || IsA(node, Param) || IsA(node, Aggref) || IsA(node, CaseTestExpr))
		return true;
	return expression_tree_walker(node, contains_var_or_param_walker, context);
}

typedef struct EvalContext
{
	ParamListInfo params;
	EState	   *estate;
	bool		exec_params;	/* evaluate the executor's parameters too */
} EvalContext;

static Node *
eval_mutator(Node *node, EvalContext *context)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Param))
	{
		Param	   *param = (Param *) node;

		/* External parameters: their values are known now. */
		if (param->paramkind == PARAM_EXTERN && context->params != NULL &&
			param->paramid > 0 && param->paramid <= context->params->numParams)
		{
			ParamExternData workspace;
			ParamExternData *prm;
			int16		typlen;
			bool		typbyval;

			if (context->params->paramFetch != NULL)
				prm = context->params->paramFetch(context->params, param->paramid, false,
												  &workspace);
			else
				prm = &context->params->params[param->paramid - 1];
			if (prm != NULL && OidIsValid(prm->ptype) && prm->ptype == param->paramtype)
			{
				get_typlenbyval(param->paramtype, &typlen, &typbyval);
				return (Node *) makeConst(param->paramtype, param->paramtypmod,
										  param->paramcollid, typlen,
										  prm->isnull ? (Datum) 0
										  : datumCopy(prm->value, typbyval, typlen),
										  prm->isnull, typbyval);
			}
		}
		/* Parameters of the executor (subqueries, correlated values). */
		if (param->paramkind == PARAM_EXEC && context->exec_params)
		{
			ExprState  *state = ExecInitExpr((Expr *) node, NULL);
			ExprContext *econtext = GetPerTupleExprContext(context->estate);
			bool		isnull;
			Datum		value = ExecEvalExprSwitchContext(state, econtext, &isnull);
			int16		typlen;
			bool		typbyval;

			get_typlenbyval(param->paramtype, &typlen, &typbyval);
			return (Node *) makeConst(param->paramtype, param->paramtypmod, param->paramcollid,
									  typlen, isnull ? (Datum) 0 : datumCopy(value, typbyval, typlen),
									  isnull, typbyval);
		}
		return node;
	}
	if (!IsA(node, Const) && !IsA(node, Var) && !IsA(node, List) &&
		!IsA(node, TargetEntry) && !IsA(node, CaseWhen) && !IsA(node, CaseTestExpr) &&
		!IsA(node, SortGroupClause) && !contains_var_or_param_walker(node, NULL) &&
		exprType(node) != InvalidOid)
	{
		/* Neither columns nor parameters: compute it here, once. */
		ExprState  *state = ExecInitExpr((Expr *) node, NULL);
		ExprContext *econtext = GetPerTupleExprContext(context->estate);
		bool		isnull;
		Datum		value = ExecEvalExprSwitchContext(state, econtext, &isnull);
		int16		typlen;
		bool		typbyval;

		get_typlenbyval(exprType(node), &typlen, &typbyval);
		return (Node *) makeConst(exprType(node), exprTypmod(node), exprCollation(node), typlen,
								  isnull ? (Datum) 0 : datumCopy(value, typbyval, typlen),
								  isnull, typbyval);
	}
	return expression_tree_mutator(node, eval_mutator, (void *) context);
}

/*
 * The expression with parameters replaced by their values and every part
 * that reads no column computed here (now(), current_setting(), casts of
 * literals ...): the data nodes then see constants, the same for all.
 */
Node *
ts_deparse_eval_stable(Node *expr, ParamListInfo params, EState *estate)
{
	EvalContext context = {params, estate, true};

	return eval_mutator(copyObject(expr), &context);
}

/*
 * The same before the executor's parameters are set (EXPLAIN without
 * ANALYZE): those stay parameters.
 */
Node *
ts_deparse_eval_stable_no_exec(Node *expr, ParamListInfo params, EState *estate)
{
	EvalContext context = {params, estate, false};

	return eval_mutator(copyObject(expr), &context);
}

/*
 * Output settings under which values written as text mean the same to every
 * node whatever this session's settings: ISO dates, PostgreSQL intervals,
 * floats with every digit.  Returns the GUC nest level to pass to
 * ts_transmission_modes_reset.
 */
int
ts_transmission_modes_set(void)
{
	int			nest;

	/* The usual settings already are (floats: > 0 is the exact format). */
	if (DateStyle == USE_ISO_DATES && IntervalStyle == INTSTYLE_POSTGRES && extra_float_digits > 0)
		return -1;
	nest = NewGUCNestLevel();
	if (DateStyle != USE_ISO_DATES)
		(void) set_config_option("datestyle", "ISO", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	if (IntervalStyle != INTSTYLE_POSTGRES)
		(void) set_config_option("intervalstyle", "postgres", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	if (extra_float_digits <= 0)
		(void) set_config_option("extra_float_digits", "3", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	return nest;
}

void
ts_transmission_modes_reset(int nest)
{
	if (nest >= 0)
		AtEOXact_GUC(true, nest);
}

/* A value as text for a data node (see ts_transmission_modes_set). */
char *
ts_value_for_node(FmgrInfo *output, Datum value)
{
	int			nest = ts_transmission_modes_set();
	char	   *text = OutputFunctionCall(output, value);

	ts_transmission_modes_reset(nest);
	return text;
}

/*
 * Make pg_catalog the whole search path (until PopOverrideSearchPath), so
 * that the deparsers qualify every name outside pg_catalog.
 */
void
ts_push_catalog_search_path(void)
{
	OverrideSearchPath *path = GetOverrideSearchPath(CurrentMemoryContext);

	path->schemas = NIL;
	path->addCatalog = true;
	path->addTemp = false;
	PushOverrideSearchPath(path);
}

/*
 * The expression as SQL for a data node, columns written as
 * "<alias>.<column>" (alias NULL: the relation's name) of relid, whose Vars
 * have varno.
 */
char *
ts_deparse_expr(Node *expr, Oid relid, Index varno, const char *alias)
{
	Node	   *copy = copyObject(expr);
	List	   *context;
	char	   *sql;

	int			nest;

	if (varno != 1)
		ChangeVarNodes(copy, varno, 1, 0);
	nest = ts_transmission_modes_set();
	ts_push_catalog_search_path();
	PG_TRY();
	{
		context = deparse_context_for(alias ? alias : get_rel_name(relid), relid);
		sql = deparse_expression(copy, context, true, false);
	}
	PG_FINALLY();
	{
		PopOverrideSearchPath();
	}
	PG_END_TRY();
	ts_transmission_modes_reset(nest);
	return sql;
}

/* A whole query as SQL for a data node. */
char *
ts_deparse_query(Query *query)
{
	char	   *sql;
	int			nest = ts_transmission_modes_set();

	ts_push_catalog_search_path();
	PG_TRY();
	{
		sql = pg_get_querydef(query, false);
	}
	PG_FINALLY();
	{
		PopOverrideSearchPath();
	}
	PG_END_TRY();
	ts_transmission_modes_reset(nest);
	return sql;
}

/* Append value as an element of an array literal ("..." with escapes). */
void
ts_append_array_element(StringInfo buf, const char *value)
{
	appendStringInfoChar(buf, '"');
	for (const char *p = value; *p; p++)
	{
		if (*p == '"' || *p == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '"');
}
