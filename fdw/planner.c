/*-------------------------------------------------------------------------
 * planner.c — timeshard's planner hook.
 *
 * After PostgreSQL has planned a statement, the plan nodes that write into a
 * hypertable are replaced: INSERT by DistributedInsert (insert_node.c),
 * UPDATE and DELETE that can run on the data nodes by DistributedModify
 * (modify_node.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "optimizer/planner.h"
#include "parser/parsetree.h"

#include "catalog/hypertable.h"
#include "insert_node.h"
#include "modify_node.h"
#include "planner.h"

static planner_hook_type prev_planner = NULL;

static PlannedStmt *
timeshard_planner(Query *parse, const char *query_string, int cursor_options,
				  ParamListInfo bound_params)
{
	Query	   *pushable = NULL;
	PlannedStmt *stmt;
	Plan	   *replaced;
	ListCell   *lc;

	/* The planner changes the query: keep the statement to ship first. */
	if ((parse->commandType == CMD_UPDATE || parse->commandType == CMD_DELETE) &&
		ts_extension_ready() && ts_modify_is_pushable(parse))
		pushable = copyObject(parse);

	stmt = prev_planner
		? prev_planner(parse, query_string, cursor_options, bound_params)
		: standard_planner(parse, query_string, cursor_options, bound_params);

	if (stmt->commandType == CMD_SELECT && !stmt->hasModifyingCTE)
		return stmt;
	if (!ts_extension_ready())
		return stmt;

	if (pushable != NULL &&
		(replaced = ts_modify_node_plan(stmt, pushable, stmt->planTree)) != NULL)
		stmt->planTree = replaced;
	if ((replaced = ts_insert_node_plan(stmt, stmt->planTree)) != NULL)
		stmt->planTree = replaced;
	foreach(lc, stmt->subplans)
	{
		if ((replaced = ts_insert_node_plan(stmt, (Plan *) lfirst(lc))) != NULL)
			lfirst(lc) = replaced;
	}
	return stmt;
}

void
ts_planner_hook_install(void)
{
	prev_planner = planner_hook;
	planner_hook = timeshard_planner;
}
