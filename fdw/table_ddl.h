/*-------------------------------------------------------------------------
 * table_ddl.h — statements that recreate a table on a data node
 * (table_ddl.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_TABLE_DDL_H
#define TIMESHARD_TABLE_DDL_H

#include "nodes/pg_list.h"

extern List *ts_table_ddl_for_member(Oid relid, const char *time_column);
extern char *ts_create_schema_if_missing_sql(const char *schema);

#endif							/* TIMESHARD_TABLE_DDL_H */
