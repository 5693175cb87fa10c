/*-------------------------------------------------------------------------
 * membership.h — attaching and detaching data nodes (membership.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_MEMBERSHIP_H
#define TIMESHARD_MEMBERSHIP_H

#include "catalog/hypertable.h"
#include "data_node.h"

extern void ts_membership_check_detach(TsHypertable *ht, TsDataNode *node, bool force);
extern void ts_membership_detach(TsHypertable *ht, TsDataNode *node, bool repartition,
								 bool drop_remote_data);
extern void ts_membership_detach_all(TsDataNode *node, bool force, bool repartition);
extern void ts_chunk_set_server(TsChunk *chunk, Oid serverid);

#endif							/* TIMESHARD_MEMBERSHIP_H */
