/*-------------------------------------------------------------------------
 * hypertable_drop.h — dropping distributed hypertables and their chunks
 * (hypertable_drop.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_HYPERTABLE_DROP_H
#define TIMESHARD_HYPERTABLE_DROP_H

#include "nodes/parsenodes.h"

#include "catalog/hypertable.h"

extern void ts_hypertable_drop_prepare(DropStmt *stmt);
extern void ts_chunk_drop(TsHypertable *ht, TsChunk *chunk);

#endif							/* TIMESHARD_HYPERTABLE_DROP_H */
