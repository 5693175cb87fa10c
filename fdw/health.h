/*-------------------------------------------------------------------------
 * health.h — probing data nodes (health.c) and acting on what the probes
 * say (failover.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_HEALTH_H
#define TIMESHARD_HEALTH_H

#include "datatype/timestamp.h"

#include "data_node.h"

typedef struct TsNodeProbe
{
	TsDataNode *node;
	bool		healthy;		/* answered, and is not in recovery */
	bool		in_recovery;
	double		latency_ms;		/* connection and query, when answered */
	char	   *error;			/* why not healthy, or NULL */
} TsNodeProbe;

extern List *ts_health_probe(List *nodes, int timeout_ms);
extern TsNodeProbe *ts_health_probe_node(const char *node_name, int timeout_ms);
extern void ts_health_init(void);

/* failover.c */
extern void ts_failover_round(List **back);
extern void ts_failover_bring_back(TsDataNode *node, int refreshed);
extern bool ts_data_node_seems_up(const char *node_name);
extern List *ts_data_node_serving_names(void);
extern bool ts_data_node_answered_since(const char *node_name, TimestampTz since);
extern void ts_failover_forget(const char *node_name);
extern void ts_failover_hand_back(const char *node_name);
extern void ts_data_node_event(const char *node_name, const char *event, const char *detail);
extern void ts_data_node_set_available(TsDataNode *node, bool available, const char *reason);

#endif							/* TIMESHARD_HEALTH_H */
