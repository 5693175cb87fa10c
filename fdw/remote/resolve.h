/*-------------------------------------------------------------------------
 * resolve.h — finishing prepared transactions left on data nodes
 * (resolve.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_REMOTE_RESOLVE_H
#define TIMESHARD_REMOTE_RESOLVE_H

#include "data_node.h"

extern int	ts_resolve_data_node(TsDataNode *node, bool *reached);
extern void ts_resolve_all_data_nodes(void);

#endif							/* TIMESHARD_REMOTE_RESOLVE_H */
