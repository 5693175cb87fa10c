/*-------------------------------------------------------------------------
 * hypertable.h — hypertables and their chunks as read from the catalog,
 * cached per backend (hypertable.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_HYPERTABLE_H
#define TIMESHARD_HYPERTABLE_H

#include "access/attnum.h"
#include "nodes/pg_list.h"
#include "utils/hsearch.h"

/* A data node attached to a hypertable. */
typedef struct TsHypertableNode
{
	char	   *name;
	bool		block_chunks;
} TsHypertableNode;

typedef struct TsChunk
{
	int32		id;
	char	   *schema_name;
	char	   *table_name;
	int64		time_start;		/* internal time, inclusive */
	int64		time_end;		/* exclusive */
	int32		space_modulus;	/* 0: no space dimension */
	int32		space_remainder;
	List	   *data_nodes;		/* node names of the up-to-date replicas */
	List	   *stale_nodes;	/* node names of the stale replicas */
} TsChunk;

/* The chunks of one time slice (all share its bounds and space modulus). */
typedef struct TsTimeSlice
{
	int64		start;
	int64		end;
	int32		space_modulus;
	List	   *chunks;			/* TsChunk */
} TsTimeSlice;

typedef struct TsHypertable
{
	Oid			relid;
	int32		id;
	char	   *schema_name;
	char	   *table_name;
	char	   *associated_schema;
	char	   *associated_prefix;
	int16		replication_factor;	/* > 0 distributed, -1 member, 0 local */

	/* the time dimension */
	int32		time_dim_id;
	char	   *time_column;
	AttrNumber	time_attno;
	Oid			time_type;
	int64		interval;

	/* the space dimension, if space_dim_id != 0 */
	int32		space_dim_id;
	char	   *space_column;
	AttrNumber	space_attno;
	Oid			space_type;
	Oid			space_collation;
	int16		num_slices;

	List	   *nodes;			/* TsHypertableNode, sorted by name */
	List	   *partitions;		/* per remainder: List of node names */

	/* chunks, sorted by time; loaded with the hypertable */
	int			nslices;
	int			slices_size;
	TsTimeSlice **slices;

	MemoryContext mcxt;
} TsHypertable;

extern bool ts_extension_ready(void);
extern TsHypertable *ts_hypertable_get(Oid relid);
extern TsHypertable *ts_hypertable_get_by_name(const char *schema, const char *table);
extern void ts_hypertable_invalidate(Oid relid);
extern bool ts_hypertable_is_distributed(Oid relid);
extern bool ts_hypertable_routes_inserts(Oid relid);

extern TsChunk *ts_hypertable_find_chunk(TsHypertable *ht, int64 time, int remainder_or_neg,
										 TsTimeSlice **slice_out);
extern TsTimeSlice *ts_hypertable_find_slice(TsHypertable *ht, int64 time);
extern void ts_hypertable_add_chunk(TsHypertable *ht, TsChunk *chunk);
extern List *ts_hypertable_load_chunks(TsHypertable *ht, bool latest);
extern List *ts_hypertable_all_chunks(TsHypertable *ht);
extern List *ts_hypertable_list(void);

#endif							/* TIMESHARD_HYPERTABLE_H */
