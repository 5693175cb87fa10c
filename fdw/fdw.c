/*-------------------------------------------------------------------------
 * fdw.c — the handler of timeshard_fdw: the FDW callbacks PostgreSQL calls
 * for the foreign tables that are chunks of distributed hypertables.
 *
 * Scans are in scan.c; UPDATE and DELETE row by row in foreign_modify.c
 * (when the statement cannot run on the data nodes as a whole); ANALYZE
 * samples in analyze.c.  Rows are
 * never inserted through the FDW: INSERT and COPY into a distributed
 * hypertable are routed by timeshard itself (insert_node.c, copy_from.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "foreign/fdwapi.h"

#include "analyze.h"
#include "foreign_modify.h"
#include "scan.h"

PG_FUNCTION_INFO_V1(timeshard_fdw_handler);

Datum
timeshard_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	routine->GetForeignRelSize = ts_scan_get_rel_size;
	routine->GetForeignPaths = ts_scan_get_paths;
	routine->GetForeignPlan = ts_scan_get_plan;
	routine->BeginForeignScan = ts_scan_begin;
	routine->IterateForeignScan = ts_scan_iterate;
	routine->ReScanForeignScan = ts_scan_rescan;
	routine->EndForeignScan = ts_scan_end;
	routine->ExplainForeignScan = ts_scan_explain;
	routine->AddForeignUpdateTargets = ts_modify_add_targets;
	routine->PlanForeignModify = ts_modify_plan;
	routine->BeginForeignModify = ts_modify_begin;
	routine->ExecForeignUpdate = ts_modify_update;
	routine->ExecForeignDelete = ts_modify_delete;
	routine->EndForeignModify = ts_modify_end;
	routine->IsForeignRelUpdatable = ts_modify_updatable;
	routine->AnalyzeForeignTable = ts_analyze_foreign_table;
	PG_RETURN_POINTER(routine);
}
