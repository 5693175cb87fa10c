/*-------------------------------------------------------------------------
 * time_bucket.c — time_bucket(): the start of the fixed-width bucket that
 * holds a time or an integer, in every form TimescaleDB 2.x offers.
 *
 * Buckets are aligned on an origin: a value is a bucket start when it is a
 * whole number of widths away from the origin.
 *
 * - Integers: the origin is the "offset" argument, 0 by default.
 * - Widths without months (microseconds, days): the origin is the origin
 *   argument, by default 2000-01-03 00:00, a Monday, so that weekly buckets
 *   start on Mondays and daily ones at midnight.  A date's width must be a
 *   whole number of days.
 * - Widths of whole months: buckets hold whole calendar months counted from
 *   the origin's month (January 2000 by default, so quarters start in
 *   January, April, July and October); the day and time of the origin do
 *   not matter, and months cannot be mixed with days or time.
 * - "offset" (interval) shifts the buckets: the bucket of ts - offset, plus
 *   offset, with calendar arithmetic.
 *
 * timestamptz without a time zone argument is bucketed on the UTC timeline
 * (its day and month buckets start at UTC midnight), offsets included, so
 * the result never depends on the session's TimeZone: every form is
 * IMMUTABLE and gives the same answer on the access node and on a data node.
 * The form with a timezone argument buckets the local time in that zone.
 *
 * Infinite times are returned unchanged; a bucket start outside the range
 * of the type is an error.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "time_bucket.h"

/* The default origin, 2000-01-03 (a Monday), as a date and as a timestamp. */
#define DEFAULT_ORIGIN_DATE		((DateADT) 2)
#define DEFAULT_ORIGIN_TIMESTAMP	((Timestamp) DEFAULT_ORIGIN_DATE * USECS_PER_DAY)

PG_FUNCTION_INFO_V1(time_bucket_int16);
PG_FUNCTION_INFO_V1(time_bucket_int32);
PG_FUNCTION_INFO_V1(time_bucket_int64);
PG_FUNCTION_INFO_V1(time_bucket_timestamp);
PG_FUNCTION_INFO_V1(time_bucket_timestamp_offset);
PG_FUNCTION_INFO_V1(time_bucket_timestamptz);
PG_FUNCTION_INFO_V1(time_bucket_timestamptz_offset);
PG_FUNCTION_INFO_V1(time_bucket_timestamptz_timezone);
PG_FUNCTION_INFO_V1(time_bucket_date);
PG_FUNCTION_INFO_V1(time_bucket_date_offset);

/* x modulo m in [0, m); m must be positive. */
static int64
positive_mod(int64 x, int64 m)
{
	int64		r = x % m;

	return r < 0 ? r + m : r;
}

/* Floor division by a positive divisor. */
static int64
floor_div(int64 x, int64 m)
{
	return (x - positive_mod(x, m)) / m;
}

/*
 * The start of the bucket holding value: the largest number not above value
 * that is a whole number of widths away from origin.  Works for every value
 * and origin without intermediate overflow (the remainders are taken before
 * they are subtracted).  Returns false when the start is below PG_INT64_MIN.
 * width must be positive.
 */
static bool
bucket_start(int64 value, int64 width, int64 origin, int64 *start)
{
	int64		distance = positive_mod(value, width) - positive_mod(origin, width);

	if (distance < 0)
		distance += width;
	return !pg_sub_s64_overflow(value, distance, start);
}

static void
check_width_positive(int64 width)
{
	if (width <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must be greater than 0")));
}

/*
 * Integer forms: the bucket of value, aligned on offset, that must fit the
 * argument type (min and typname).
 */
static int64
bucket_integer(int64 width, int64 value, int64 offset, int64 min, const char *typname)
{
	int64		start;

	check_width_positive(width);
	if (!bucket_start(value, width, offset, &start) || start < min)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s out of range", typname)));
	return start;
}

/*
 * Whether width counts months.  Such a width may not also hold days or
 * time, since months and days have no fixed ratio.
 */
static bool
width_is_months(const Interval *width)
{
	if (width->month == 0)
		return false;
	if (width->day != 0 || width->time != 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("month intervals cannot have day or time component")));
	check_width_positive(width->month);
	return true;
}

/* A width without months, in microseconds (a day counts 24 hours). */
static int64
width_usecs(const Interval *width)
{
	int64		usecs;

	Assert(width->month == 0);
	if (pg_mul_s64_overflow((int64) width->day, USECS_PER_DAY, &usecs) ||
		pg_add_s64_overflow(usecs, width->time, &usecs))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("interval out of range")));
	check_width_positive(usecs);
	return usecs;
}

/* A width without months in whole days, for dates. */
static int64
width_days(const Interval *width)
{
	int64		usecs = width_usecs(width);

	if (usecs < USECS_PER_DAY)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("interval must not have sub-day precision")));
	if (usecs % USECS_PER_DAY != 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("interval must be a multiple of a day")));
	return usecs / USECS_PER_DAY;
}

/*
 * The first day of the bucket of months months holding date, buckets being
 * aligned on origin's month.  Both dates must be finite.  Returns false when
 * that day comes before the first valid date (4714-11-24 BC).
 */
static bool
bucket_months(int32 months, DateADT date, DateADT origin, DateADT *start_date)
{
	int			year;
	int			month;
	int			day;
	int64		index;
	int64		origin_index;
	int64		start;

	/* Months since January of year 0 (1 BC), for date and for origin. */
	j2date(date + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	index = (int64) year * MONTHS_PER_YEAR + month - 1;
	j2date(origin + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	origin_index = (int64) year * MONTHS_PER_YEAR + month - 1;

	/* Month indexes are small: no overflow is possible. */
	(void) bucket_start(index, months, origin_index, &start);
	year = (int) floor_div(start, MONTHS_PER_YEAR);
	month = (int) positive_mod(start, MONTHS_PER_YEAR) + 1;

	/* The rough check keeps date2j from overflowing, the exact one follows. */
	if (!IS_VALID_JULIAN(year, month, 1))
		return false;
	*start_date = date2j(year, month, 1) - POSTGRES_EPOCH_JDATE;
	return IS_VALID_DATE(*start_date);
}

static void
check_origin_finite(bool infinite)
{
	if (infinite)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("origin must be finite")));
}

/*
 * The bucket holding ts on the timestamp timeline (that of timestamp, or
 * UTC for timestamptz), aligned on origin.  An infinite ts is returned as
 * it is, once the width and the origin have been checked.
 */
static Timestamp
bucket_timestamp(const Interval *width, Timestamp ts, Timestamp origin)
{
	Timestamp	start;

	check_origin_finite(TIMESTAMP_NOT_FINITE(origin));
	if (width_is_months(width))
	{
		DateADT		start_date = 0;

		if (TIMESTAMP_NOT_FINITE(ts))
			return ts;
		/* A valid date before a valid timestamp is a valid timestamp. */
		if (bucket_months(width->month, (DateADT) floor_div(ts, USECS_PER_DAY),
						  (DateADT) floor_div(origin, USECS_PER_DAY), &start_date))
			start = (Timestamp) start_date * USECS_PER_DAY;
		else
			start = DT_NOBEGIN;
	}
	else
	{
		int64		usecs = width_usecs(width);

		if (TIMESTAMP_NOT_FINITE(ts))
			return ts;
		if (!bucket_start(ts, usecs, origin, &start))
			start = DT_NOBEGIN;
	}
	if (!IS_VALID_TIMESTAMP(start))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return start;
}

/*
 * The bucket holding date, aligned on origin (a date as well).  An infinite
 * date is returned as it is, once the width and the origin have been
 * checked.
 */
static DateADT
bucket_date(const Interval *width, DateADT date, DateADT origin)
{
	int64		start;
	bool		valid;

	check_origin_finite(DATE_NOT_FINITE(origin));
	if (width_is_months(width))
	{
		DateADT		start_date = 0;

		if (DATE_NOT_FINITE(date))
			return date;
		valid = bucket_months(width->month, date, origin, &start_date);
		start = start_date;
	}
	else
	{
		int64		days = width_days(width);

		if (DATE_NOT_FINITE(date))
			return date;
		/* Dates are int32: no overflow in int64. */
		(void) bucket_start(date, days, origin, &start);
		valid = IS_VALID_DATE(start);
	}
	if (!valid)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("date out of range")));
	return (DateADT) start;
}

/*
 * The bucket holding ts on the timestamp timeline, shifted by offset:
 * bucket(ts - offset) + offset, with calendar arithmetic on that timeline.
 */
static Timestamp
bucket_timestamp_offset(Interval *width, Timestamp ts, Interval *offset)
{
	Timestamp	shifted;

	if (TIMESTAMP_NOT_FINITE(ts))
		return bucket_timestamp(width, ts, DEFAULT_ORIGIN_TIMESTAMP);
	shifted = DatumGetTimestamp(DirectFunctionCall2(timestamp_mi_interval,
													TimestampGetDatum(ts),
													IntervalPGetDatum(offset)));
	shifted = bucket_timestamp(width, shifted, DEFAULT_ORIGIN_TIMESTAMP);
	return DatumGetTimestamp(DirectFunctionCall2(timestamp_pl_interval,
												 TimestampGetDatum(shifted),
												 IntervalPGetDatum(offset)));
}

/* time_bucket(bucket_width smallint, ts smallint [, "offset" smallint]) */
Datum
time_bucket_int16(PG_FUNCTION_ARGS)
{
	int64		offset = PG_NARGS() > 2 ? PG_GETARG_INT16(2) : 0;

	PG_RETURN_INT16((int16) bucket_integer(PG_GETARG_INT16(0), PG_GETARG_INT16(1), offset,
										   PG_INT16_MIN, "smallint"));
}

/* time_bucket(bucket_width integer, ts integer [, "offset" integer]) */
Datum
time_bucket_int32(PG_FUNCTION_ARGS)
{
	int64		offset = PG_NARGS() > 2 ? PG_GETARG_INT32(2) : 0;

	PG_RETURN_INT32((int32) bucket_integer(PG_GETARG_INT32(0), PG_GETARG_INT32(1), offset,
										   PG_INT32_MIN, "integer"));
}

/* time_bucket(bucket_width bigint, ts bigint [, "offset" bigint]) */
Datum
time_bucket_int64(PG_FUNCTION_ARGS)
{
	int64		offset = PG_NARGS() > 2 ? PG_GETARG_INT64(2) : 0;

	PG_RETURN_INT64(bucket_integer(PG_GETARG_INT64(0), PG_GETARG_INT64(1), offset,
								   PG_INT64_MIN, "bigint"));
}

/* time_bucket(bucket_width interval, ts timestamp [, origin timestamp]) */
Datum
time_bucket_timestamp(PG_FUNCTION_ARGS)
{
	Timestamp	origin = PG_NARGS() > 2 ? PG_GETARG_TIMESTAMP(2) : DEFAULT_ORIGIN_TIMESTAMP;

	PG_RETURN_TIMESTAMP(bucket_timestamp(PG_GETARG_INTERVAL_P(0), PG_GETARG_TIMESTAMP(1),
										 origin));
}

/* time_bucket(bucket_width interval, ts timestamp, "offset" interval) */
Datum
time_bucket_timestamp_offset(PG_FUNCTION_ARGS)
{
	PG_RETURN_TIMESTAMP(bucket_timestamp_offset(PG_GETARG_INTERVAL_P(0),
												PG_GETARG_TIMESTAMP(1),
												PG_GETARG_INTERVAL_P(2)));
}

/*
 * time_bucket(bucket_width interval, ts timestamptz [, origin timestamptz]):
 * on the UTC timeline, whatever the session's TimeZone.
 */
Datum
time_bucket_timestamptz(PG_FUNCTION_ARGS)
{
	TimestampTz origin = PG_NARGS() > 2 ? PG_GETARG_TIMESTAMPTZ(2) : DEFAULT_ORIGIN_TIMESTAMP;

	PG_RETURN_TIMESTAMPTZ(bucket_timestamp(PG_GETARG_INTERVAL_P(0), PG_GETARG_TIMESTAMPTZ(1),
										   origin));
}

/*
 * time_bucket(bucket_width interval, ts timestamptz, "offset" interval): the
 * offset is applied on the UTC timeline too (a day of offset is 24 hours).
 */
Datum
time_bucket_timestamptz_offset(PG_FUNCTION_ARGS)
{
	PG_RETURN_TIMESTAMPTZ(bucket_timestamp_offset(PG_GETARG_INTERVAL_P(0),
												  PG_GETARG_TIMESTAMPTZ(1),
												  PG_GETARG_INTERVAL_P(2)));
}

/*
 * time_bucket(bucket_width interval, ts timestamptz, timezone text,
 *             origin timestamptz DEFAULT NULL, "offset" interval DEFAULT NULL)
 *
 * Buckets the local time of ts in timezone as a timestamp (origin, when
 * given, is converted to that zone's local time too) and returns the
 * bucket's local start as seen in that zone.  Not strict: NULL origin or
 * offset mean the default; NULL width, ts or timezone give NULL.
 */
Datum
time_bucket_timestamptz_timezone(PG_FUNCTION_ARGS)
{
	Interval   *width;
	Datum		zone;
	Interval   *offset = NULL;
	Timestamp	origin = DEFAULT_ORIGIN_TIMESTAMP;
	Timestamp	local;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	width = PG_GETARG_INTERVAL_P(0);
	zone = PG_GETARG_DATUM(2);
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		origin = DatumGetTimestamp(DirectFunctionCall2(timestamptz_zone, zone,
													   PG_GETARG_DATUM(3)));
	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
		offset = PG_GETARG_INTERVAL_P(4);

	/* Infinities pass through every step unchanged. */
	local = DatumGetTimestamp(DirectFunctionCall2(timestamptz_zone, zone, PG_GETARG_DATUM(1)));
	if (offset != NULL)
		local = DatumGetTimestamp(DirectFunctionCall2(timestamp_mi_interval,
													  TimestampGetDatum(local),
													  IntervalPGetDatum(offset)));
	local = bucket_timestamp(width, local, origin);
	if (offset != NULL)
		local = DatumGetTimestamp(DirectFunctionCall2(timestamp_pl_interval,
													  TimestampGetDatum(local),
													  IntervalPGetDatum(offset)));
	PG_RETURN_DATUM(DirectFunctionCall2(timestamp_zone, zone, TimestampGetDatum(local)));
}

/* time_bucket(bucket_width interval, ts date [, origin date]) */
Datum
time_bucket_date(PG_FUNCTION_ARGS)
{
	DateADT		origin = PG_NARGS() > 2 ? PG_GETARG_DATEADT(2) : DEFAULT_ORIGIN_DATE;

	PG_RETURN_DATEADT(bucket_date(PG_GETARG_INTERVAL_P(0), PG_GETARG_DATEADT(1), origin));
}

/*
 * time_bucket(bucket_width interval, ts date, "offset" interval): the date
 * of ts - offset is bucketed, and the result is the date of bucket + offset,
 * as in TimescaleDB; so with an offset of 12 hours, a date's daily bucket
 * is the day before.
 */
Datum
time_bucket_date_offset(PG_FUNCTION_ARGS)
{
	Interval   *width = PG_GETARG_INTERVAL_P(0);
	DateADT		date = PG_GETARG_DATEADT(1);
	Datum		offset = PG_GETARG_DATUM(2);
	Datum		shifted;

	if (DATE_NOT_FINITE(date))
		PG_RETURN_DATEADT(bucket_date(width, date, DEFAULT_ORIGIN_DATE));
	shifted = DirectFunctionCall2(date_mi_interval, DateADTGetDatum(date), offset);
	date = DatumGetDateADT(DirectFunctionCall1(timestamp_date, shifted));
	date = bucket_date(width, date, DEFAULT_ORIGIN_DATE);
	shifted = DirectFunctionCall2(date_pl_interval, DateADTGetDatum(date), offset);
	PG_RETURN_DATUM(DirectFunctionCall1(timestamp_date, shifted));
}
