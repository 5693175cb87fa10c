/*-------------------------------------------------------------------------
 * planner.c — timeshard's planner hook.
 *
 * After PostgreSQL has planned a statement, the plan nodes that write into a
 * hypertable are replaced: INSERT by DistributedInsert (insert_node.c),
 * UPDATE and DELETE that can run on the data nodes by DistributedModify
 * (modify_node.c).  On a data node, a query for partial aggregates gets
 * its partial Agg (partialize.c).  Reads of distributed hypertables are
 * planned by the path hooks of query/dist_scan_path.c.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "optimizer/planner.h"
#include "parser/parsetree.h"
#include "utils/guc.h"

#include "catalog/hypertable.h"
#include "insert_node.h"
#include "modify_node.h"
#include "planner.h"
#include "query/partialize.h"

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

	/*
	 * A data node asked for partial aggregates: one Agg node over the rows,
	 * which partialize.c turns into a partial one.
	 */
	if (parse->commandType == CMD_SELECT && parse->hasAggs && ts_extension_ready() &&
		ts_partialize_in_query(parse))
	{
		int			nest = NewGUCNestLevel();

		(void) set_config_option("max_parallel_workers_per_gather", "0", PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
		(void) set_config_option("enable_partitionwise_aggregate", "off", PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
		stmt = prev_planner
			? prev_planner(parse, query_string, cursor_options, bound_params)
			: standard_planner(parse, query_string, cursor_options, bound_params);
		AtEOXact_GUC(true, nest);
		ts_partialize_plan(stmt);
		return stmt;
	}

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
