/*-------------------------------------------------------------------------
 * hypertable_api.h — creating hypertables (hypertable_api.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_HYPERTABLE_API_H
#define TIMESHARD_HYPERTABLE_API_H

#include "nodes/pg_list.h"

extern void ts_dimension_partitions_update(int32 dimension_id, int num_slices, List *nodes, int rf);
extern void ts_hypertable_create_members(Oid relid, const char *time_column,
										 const char *space_column, int num_slices,
										 const char *assoc_schema, const char *assoc_prefix,
										 List *nodes);

#endif							/* TIMESHARD_HYPERTABLE_API_H */
