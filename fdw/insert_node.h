/*-------------------------------------------------------------------------
 * insert_node.h — the plan node for INSERT into a distributed hypertable
 * (insert_node.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_INSERT_NODE_H
#define TIMESHARD_INSERT_NODE_H

#include "nodes/plannodes.h"

extern void ts_insert_node_init(void);
extern Plan *ts_insert_node_plan(PlannedStmt *stmt, Plan *plan);

#endif							/* TIMESHARD_INSERT_NODE_H */
