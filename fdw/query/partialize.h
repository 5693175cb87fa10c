/*-------------------------------------------------------------------------
 * partialize.h — partial aggregation on a data node (partialize.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_PARTIALIZE_H
#define TIMESHARD_PARTIALIZE_H

#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"

extern bool ts_partialize_in_query(Query *query);
extern void ts_partialize_plan(PlannedStmt *stmt);
extern Oid	ts_partialize_func_oid(void);

#endif							/* TIMESHARD_PARTIALIZE_H */
