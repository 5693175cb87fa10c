/*-------------------------------------------------------------------------
 * chunk.h — the chunk of a row, found or created (chunk.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_CHUNK_H
#define TIMESHARD_CHUNK_H

#include "catalog/hypertable.h"
#include "utils/relcache.h"

extern Oid	ts_rel_owner(Oid relid);
extern void ts_check_relation_exists(Oid relid);
extern bool ts_chunk_is_chunk(Oid relid);
extern List *ts_chunk_replica_names(Relation rel);
extern char *ts_chunk_remote_create_sql(TsHypertable *ht, TsChunk *chunk);
extern void ts_chunk_fix_primary(TsHypertable *ht, int32 chunk_id);
extern List *ts_chunk_writable_replicas(TsHypertable *ht, TsChunk *chunk);
extern TsChunk *ts_chunk_find(TsHypertable *ht, int64 time, Datum space, bool space_isnull);
extern TsChunk *ts_chunk_find_or_create(TsHypertable *ht, int64 time, Datum space,
										bool space_isnull);

#endif							/* TIMESHARD_CHUNK_H */
