/*-------------------------------------------------------------------------
 * foreign_modify.h — UPDATE/DELETE of chunks row by row (foreign_modify.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_FOREIGN_MODIFY_H
#define TIMESHARD_FOREIGN_MODIFY_H

#include "foreign/fdwapi.h"

extern void ts_modify_add_targets(PlannerInfo *root, Index rtindex, RangeTblEntry *target_rte,
								  Relation target_relation);
extern List *ts_modify_plan(PlannerInfo *root, ModifyTable *plan, Index rtindex,
							int subplan_index);
extern void ts_modify_begin(ModifyTableState *mtstate, ResultRelInfo *rri, List *fdw_private,
							int subplan_index, int eflags);
extern TupleTableSlot *ts_modify_update(EState *estate, ResultRelInfo *rri, TupleTableSlot *slot,
										TupleTableSlot *plan_slot);
extern TupleTableSlot *ts_modify_delete(EState *estate, ResultRelInfo *rri, TupleTableSlot *slot,
										TupleTableSlot *plan_slot);
extern void ts_modify_end(EState *estate, ResultRelInfo *rri);
extern int	ts_modify_updatable(Relation rel);

#endif							/* TIMESHARD_FOREIGN_MODIFY_H */
