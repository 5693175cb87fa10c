/*-------------------------------------------------------------------------
 * data_node_join.h — bootstrap a database as a data node and record its
 * membership (data_node_join.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_DATA_NODE_JOIN_H
#define TIMESHARD_DATA_NODE_JOIN_H

#include "remote/connection.h"

extern bool ts_data_node_join(TsConnection *conn, const char *node_name, bool create_extension);
extern bool ts_data_node_ensure_database(TsConnection *conn, const char *node_name,
										 const char *dbname);
extern void ts_data_node_check_access_node(void);
extern void ts_extension_info(char **version, char **schema);
extern void ts_database_locale(char **encoding, char **collate, char **ctype);

extern void ts_data_node_remember_uuid(TsConnection *conn, const char *node_name);

#endif							/* TIMESHARD_DATA_NODE_JOIN_H */
