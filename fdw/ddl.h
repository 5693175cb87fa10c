/*-------------------------------------------------------------------------
 * ddl.h — DDL on distributed hypertables reaches every data node (ddl.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_DDL_H
#define TIMESHARD_DDL_H

#include "utility.h"

extern bool ts_ddl_process(TsUtilityCall *call);

#endif							/* TIMESHARD_DDL_H */
