/*-------------------------------------------------------------------------
 * dist_exec.h — run statements on data nodes (dist_exec.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_DIST_EXEC_H
#define TIMESHARD_DIST_EXEC_H

#include "nodes/pg_list.h"
#include "utils/array.h"

#include "data_node.h"

extern List *ts_dist_exec_listed_nodes(ArrayType *node_list, const char *what);
extern List *ts_dist_exec_target_nodes(ArrayType *node_list, const char *what);
extern void ts_dist_exec_unavailable_error(TsDataNode *node) pg_attribute_noreturn();
extern void ts_dist_exec_check_command(const char *query, const char *what);
extern void ts_dist_exec_autocommit(List *nodes, const char *query, const char *search_path);
extern void ts_dist_exec_on_all(List *conns, List *sqls);
extern void ts_dist_exec_in_txn(List *nodes, const char *sql, const char *search_path);

#endif							/* TIMESHARD_DIST_EXEC_H */
