/*-------------------------------------------------------------------------
 * fault.h — fault injection in the commit protocol, for tests (fault.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_FAULT_H
#define TIMESHARD_FAULT_H

#include "remote/connection.h"
#include "utils/guc.h"

typedef enum TsFaultAction
{
	TS_FAULT_NONE,
	TS_FAULT_ERROR,				/* the step fails */
	TS_FAULT_KILL_REMOTE,		/* the data node's backend is terminated */
	TS_FAULT_EXIT,				/* the access node's backend dies */
	TS_FAULT_SLEEP				/* pause (a test stops a node meanwhile) */
} TsFaultAction;

extern char *ts_guc_debug_fault;

extern bool ts_fault_check_hook(char **newval, void **extra, GucSource source);
extern void ts_fault_assign_hook(const char *newval, void *extra);
extern TsFaultAction ts_fault_at(const char *point, TsConnection *conn);

#endif							/* TIMESHARD_FAULT_H */
