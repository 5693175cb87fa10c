/*-------------------------------------------------------------------------
 * time_utils.h — time values of hypertable dimensions as "internal time"
 * (time_utils.c).
 *
 * Internal time is a bigint: microseconds since 2000-01-01 for timestamp
 * and timestamptz (their Datum), days * USECS_PER_DAY for date, the value
 * itself for smallint, integer and bigint.
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_TIME_UTILS_H
#define TIMESHARD_TIME_UTILS_H

#include "fmgr.h"

extern bool ts_time_type_is_valid(Oid type);
extern bool ts_time_type_is_integer(Oid type);
extern int64 ts_time_to_internal(Datum value, Oid type);
extern Datum ts_internal_to_time(int64 value, Oid type);
extern int64 ts_time_type_min(Oid type);
extern int64 ts_time_type_max(Oid type);
extern char *ts_internal_to_literal(int64 value, Oid type);
extern int64 ts_interval_to_internal(Datum interval, Oid interval_type, Oid time_type,
									 const char *what);
extern int64 ts_time_slice_start(int64 value, int64 interval, Oid type);
extern int64 ts_time_slice_end(int64 start, int64 interval, Oid type);
extern void ts_time_check_finite(int64 value, Oid type, const char *column);
extern uint64 ts_space_hash(Datum value, bool isnull, Oid type, Oid collation);
extern int	ts_space_remainder(Datum value, bool isnull, Oid type, Oid collation, int modulus);

#endif							/* TIMESHARD_TIME_UTILS_H */
