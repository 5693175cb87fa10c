/*-------------------------------------------------------------------------
 * extension.c — checks about the extension itself.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "timeshard.h"

PG_FUNCTION_INFO_V1(assert_preloaded);

/*
 * First statement of the install script: refuse to install where the library
 * was not preloaded, because then there is no launcher, no worker and none of
 * the hooks that route data to the data nodes.
 */
Datum
assert_preloaded(PG_FUNCTION_ARGS)
{
	if (!ts_loaded_at_preload)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("timeshard must be loaded via shared_preload_libraries"),
				 errdetail("The timeshard library was loaded on demand, so its background worker and hooks are not running."),
				 errhint("Add timeshard to shared_preload_libraries in postgresql.conf "
						 "(shared_preload_libraries = 'timeshard') and restart the server.")));
	PG_RETURN_VOID();
}
