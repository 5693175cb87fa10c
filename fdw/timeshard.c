/*-------------------------------------------------------------------------
 * timeshard.c — the module's entry point: _PG_init.
 *
 * The library must be preloaded (shared_preload_libraries = 'timeshard'): only
 * then can it register the launcher, reserve shared memory and install its
 * hooks.  Loaded any other way (by CREATE EXTENSION creating its functions),
 * it defines its parameters and stays inert, and the install script's first
 * statement refuses to go on (see ts_assert_preloaded in extension.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "storage/ipc.h"

#include "bgworker/launcher.h"
#include "bgworker/registry.h"
#include "guc.h"
#include "health.h"
#include "timeshard.h"
#include "insert_node.h"
#include "modify_node.h"
#include "planner.h"
#include "query/dist_scan.h"
#include "utility.h"

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);

bool		ts_loaded_at_preload = false;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void
timeshard_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	ts_registry_shmem_request();
}

static void
timeshard_shmem_startup(void)
{
	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	ts_registry_shmem_startup();
}

void
_PG_init(void)
{
	ts_guc_init();
	ts_health_init();

	if (!process_shared_preload_libraries_in_progress)
		return;
	ts_loaded_at_preload = true;

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = timeshard_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = timeshard_shmem_startup;

	ts_utility_hook_install();
	ts_insert_node_init();
	ts_modify_node_init();
	ts_planner_hook_install();
	ts_dist_scan_hooks_install();
	ts_launcher_register();
}
