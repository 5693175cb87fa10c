/*-------------------------------------------------------------------------
 * analyze.h — ANALYZE of chunks sampled on their data nodes (analyze.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_ANALYZE_H
#define TIMESHARD_ANALYZE_H

#include "foreign/fdwapi.h"

extern bool ts_analyze_foreign_table(Relation rel, AcquireSampleRowsFunc *func,
									 BlockNumber *totalpages);
extern void ts_analyze_hypertable_locally(Oid relid);

#endif							/* TIMESHARD_ANALYZE_H */
