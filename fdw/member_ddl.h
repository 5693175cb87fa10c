/*-------------------------------------------------------------------------
 * member_ddl.h — DDL on a data node's member hypertables (member_ddl.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_MEMBER_DDL_H
#define TIMESHARD_MEMBER_DDL_H

#include "utility.h"

extern bool ts_member_ddl_process(TsUtilityCall *call);

#endif							/* TIMESHARD_MEMBER_DDL_H */
