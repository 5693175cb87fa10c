/*-------------------------------------------------------------------------
 * scan.h — FDW callbacks that scan one chunk (scan.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_SCAN_H
#define TIMESHARD_SCAN_H

#include "commands/explain.h"
#include "foreign/fdwapi.h"

#include "data_node.h"

extern void ts_scan_get_rel_size(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
extern void ts_scan_get_paths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
extern ForeignScan *ts_scan_get_plan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
									 ForeignPath *best_path, List *tlist, List *scan_clauses,
									 Plan *outer_plan);
extern void ts_scan_begin(ForeignScanState *node, int eflags);
extern TupleTableSlot *ts_scan_iterate(ForeignScanState *node);
extern void ts_scan_rescan(ForeignScanState *node);
extern void ts_scan_end(ForeignScanState *node);
extern void ts_scan_explain(ForeignScanState *node, ExplainState *es);
extern TsDataNode *ts_scan_choose_replica(Relation rel);

#endif							/* TIMESHARD_SCAN_H */
