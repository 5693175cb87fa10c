/*-------------------------------------------------------------------------
 * utility.h — timeshard's ProcessUtility hook (utility.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_UTILITY_H
#define TIMESHARD_UTILITY_H

#include "tcop/utility.h"

/* The arguments of one ProcessUtility call, to run it later. */
typedef struct TsUtilityCall
{
	PlannedStmt *pstmt;
	const char *queryString;
	bool		readOnlyTree;
	ProcessUtilityContext context;
	ParamListInfo params;
	QueryEnvironment *queryEnv;
	DestReceiver *dest;
	QueryCompletion *qc;
} TsUtilityCall;

extern void ts_utility_hook_install(void);
extern void ts_utility_run(TsUtilityCall *call);

#endif							/* TIMESHARD_UTILITY_H */
