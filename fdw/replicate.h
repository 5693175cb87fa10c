/*-------------------------------------------------------------------------
 * replicate.h — copying chunks between data nodes (replicate.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_REPLICATE_H
#define TIMESHARD_REPLICATE_H

#include "data_node.h"

extern bool ts_replicate_refresh_one(TsDataNode *node);
extern bool ts_replicate_one_lacking(void);
extern int	ts_replicate_drop_orphans(TsDataNode *node);

#endif							/* TIMESHARD_REPLICATE_H */
