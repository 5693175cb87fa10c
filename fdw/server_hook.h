/*-------------------------------------------------------------------------
 * server_hook.h — CREATE/ALTER/DROP SERVER of timeshard_fdw as data-node
 * commands (server_hook.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_SERVER_HOOK_H
#define TIMESHARD_SERVER_HOOK_H

#include "utility.h"

extern void ts_server_create(TsUtilityCall *call);
extern bool ts_server_alter(TsUtilityCall *call);
extern void ts_server_drop(TsUtilityCall *call);

#endif							/* TIMESHARD_SERVER_HOOK_H */
