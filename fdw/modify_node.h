/*-------------------------------------------------------------------------
 * modify_node.h — UPDATE/DELETE as one statement per data node
 * (modify_node.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_MODIFY_NODE_H
#define TIMESHARD_MODIFY_NODE_H

#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"

extern void ts_modify_node_init(void);
extern bool ts_modify_is_pushable(Query *query);
extern Plan *ts_modify_node_plan(PlannedStmt *stmt, Query *query, Plan *plan);

#endif							/* TIMESHARD_MODIFY_NODE_H */
