/*-------------------------------------------------------------------------
 * data_node_api.h — checks shared by the data-node functions and by the
 * ProcessUtility hook for CREATE/ALTER/DROP SERVER (data_node_api.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_DATA_NODE_API_H
#define TIMESHARD_DATA_NODE_API_H

#include "data_node.h"

extern void ts_data_node_check_host(const char *host);
extern void ts_data_node_check_port(int port);
extern void ts_data_node_check_superuser(const char *action);
extern void ts_data_node_check_alter(TsDataNode *before, TsDataNode *after);
extern void ts_data_node_leave(TsDataNode *node);
extern void ts_data_node_removed(TsDataNode *node);

#endif							/* TIMESHARD_DATA_NODE_API_H */
