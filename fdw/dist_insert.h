/*-------------------------------------------------------------------------
 * dist_insert.h — route rows of a distributed hypertable to data nodes
 * (dist_insert.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_DIST_INSERT_H
#define TIMESHARD_DIST_INSERT_H

#include "nodes/execnodes.h"
#include "utils/relcache.h"

#include "catalog/hypertable.h"
#include "upsert.h"

typedef struct TsDistInsert TsDistInsert;

extern TsDistInsert *ts_dist_insert_begin(Relation rel, TsHypertable *ht, EState *estate);
extern void ts_dist_insert_row(TsDistInsert *state, TupleTableSlot *slot);
extern void ts_dist_insert_end(TsDistInsert *state);
extern uint64 ts_dist_insert_rows(TsDistInsert *state);
extern TsUpsert *ts_dist_insert_on_conflict(TsDistInsert *state, const char *conflict,
											  bool returning);

#endif							/* TIMESHARD_DIST_INSERT_H */
