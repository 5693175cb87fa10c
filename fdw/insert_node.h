/*-------------------------------------------------------------------------
 * insert_node.h — the plan node for INSERT into a distributed hypertable
 * (insert_node.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_INSERT_NODE_H
#define TIMESHARD_INSERT_NODE_H

extern void ts_insert_node_init(void);

#endif							/* TIMESHARD_INSERT_NODE_H */
