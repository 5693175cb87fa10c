/*-------------------------------------------------------------------------
 * data_node.h — data nodes as the access node knows them: foreign servers
 * of timeshard_fdw (data_node.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_DATA_NODE_H
#define TIMESHARD_DATA_NODE_H

#include "nodes/pg_list.h"
#include "utils/array.h"

typedef struct TsDataNode
{
	Oid			serverid;
	char	   *name;
	Oid			owner;
	char	   *host;
	int			port;
	char	   *dbname;
	bool		available;
} TsDataNode;

extern Oid	ts_fdw_id(bool missing_ok);
extern TsDataNode *ts_data_node_get(const char *name, bool missing_ok);
extern TsDataNode *ts_data_node_get_by_id(Oid serverid, bool missing_ok);
extern bool ts_is_data_node_server(Oid serverid);
extern List *ts_data_node_list(void);
extern List *ts_data_node_list_from_array(ArrayType *nodes);
extern void ts_data_node_check_name(const char *name);
extern int	ts_data_node_compare_names(const ListCell *a, const ListCell *b);
extern void ts_data_node_note_failure(const char *name);
extern bool ts_data_node_usable(TsDataNode *node);

#endif							/* TIMESHARD_DATA_NODE_H */
