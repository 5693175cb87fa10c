/*-------------------------------------------------------------------------
 * upsert.h — INSERT ... ON CONFLICT into a distributed hypertable
 * (upsert.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_UPSERT_H
#define TIMESHARD_UPSERT_H

#include "executor/tuptable.h"
#include "utils/relcache.h"

#include "catalog/hypertable.h"

typedef struct TsUpsert TsUpsert;

extern const char *ts_upsert_target_alias(TsHypertable *ht);

extern TsUpsert *ts_upsert_begin(Relation rel, TsHypertable *ht, const char *conflict,
								 bool returning);
extern char *ts_upsert_explain_sql(Relation rel, TsHypertable *ht, const char *conflict,
								   bool returning);
extern void ts_upsert_row(TsUpsert *u, TsChunk *chunk, TupleTableSlot *slot);
extern void ts_upsert_flush(TsUpsert *u);
extern void ts_upsert_end(TsUpsert *u);
extern uint64 ts_upsert_affected(TsUpsert *u);
extern bool ts_upsert_next_returned(TsUpsert *u, TupleTableSlot *slot);

#endif							/* TIMESHARD_UPSERT_H */
