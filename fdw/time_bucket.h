/*-------------------------------------------------------------------------
 * time_bucket.h — the C functions behind SQL's time_bucket() (time_bucket.c).
 *
 * All are SQL-callable (fmgr convention), so that other modules can call
 * them with DirectFunctionCall; each serves the overloads named beside it.
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_TIME_BUCKET_H
#define TIMESHARD_TIME_BUCKET_H

#include "fmgr.h"

/* (width, ts [, "offset"]) for smallint, integer and bigint */
extern Datum time_bucket_int16(PG_FUNCTION_ARGS);
extern Datum time_bucket_int32(PG_FUNCTION_ARGS);
extern Datum time_bucket_int64(PG_FUNCTION_ARGS);

/* (interval, timestamp [, origin timestamp]) and (interval, timestamp, "offset" interval) */
extern Datum time_bucket_timestamp(PG_FUNCTION_ARGS);
extern Datum time_bucket_timestamp_offset(PG_FUNCTION_ARGS);

/* (interval, timestamptz [, origin timestamptz]) and (interval, timestamptz, "offset" interval) */
extern Datum time_bucket_timestamptz(PG_FUNCTION_ARGS);
extern Datum time_bucket_timestamptz_offset(PG_FUNCTION_ARGS);

/* (interval, timestamptz, timezone text, origin timestamptz, "offset" interval) */
extern Datum time_bucket_timestamptz_timezone(PG_FUNCTION_ARGS);

/* (interval, date [, origin date]) and (interval, date, "offset" interval) */
extern Datum time_bucket_date(PG_FUNCTION_ARGS);
extern Datum time_bucket_date_offset(PG_FUNCTION_ARGS);

#endif							/* TIMESHARD_TIME_BUCKET_H */
