/*-------------------------------------------------------------------------
 * fdw.c — the handler of timeshard_fdw: the FDW callbacks PostgreSQL calls
 * for the foreign tables that are chunks of distributed hypertables.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "foreign/fdwapi.h"

PG_FUNCTION_INFO_V1(timeshard_fdw_handler);

Datum
timeshard_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	PG_RETURN_POINTER(routine);
}
