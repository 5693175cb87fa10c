/*-------------------------------------------------------------------------
 * hypertable_api.h — creating hypertables (hypertable_api.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_HYPERTABLE_API_H
#define TIMESHARD_HYPERTABLE_API_H

#include "nodes/pg_list.h"

extern void ts_dimension_partitions_update(int32 dimension_id, int num_slices, List *nodes, int rf);

#endif							/* TIMESHARD_HYPERTABLE_API_H */
