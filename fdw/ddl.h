/*-------------------------------------------------------------------------
 * ddl.h — DDL on distributed hypertables reaches every data node (ddl.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_DDL_H
#define TIMESHARD_DDL_H

#include "catalog/hypertable.h"
#include "utility.h"

extern bool ts_ddl_process(TsUtilityCall *call);

/* The catalog follows a renamed hypertable (also on data nodes: member_ddl.c). */
extern void ts_ddl_catalog_rename(TsHypertable *ht, Oid relid);
extern void ts_ddl_catalog_rename_dimension(TsHypertable *ht, const char *oldname,
											const char *newname);
extern bool ts_ddl_is_partitioning_column(TsHypertable *ht, const char *column);

#endif							/* TIMESHARD_DDL_H */
