/*-------------------------------------------------------------------------
 * time_utils.c — conversions between time values and internal time, chunk
 * time slices, and the space partition of a value.
 *
 * Time slices are aligned on multiples of the interval counted from the Unix
 * epoch (1970-01-01 00:00 UTC, as TimescaleDB; 0 for integers), and clamped
 * to the range of the column type.
 *
 * A value's space partition is its PostgreSQL hash partition (the same hash
 * the data nodes' native hash partitions use): hash of the value with the
 * type's extended hash function and HASH_PARTITION_SEED, modulo the number
 * of partitions.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/partition.h"
#include "common/int.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "partitioning/partbounds.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "time_utils.h"

bool
ts_time_type_is_integer(Oid type)
{
	return type == INT2OID || type == INT4OID || type == INT8OID;
}

bool
ts_time_type_is_valid(Oid type)
{
	return ts_time_type_is_integer(type) || type == TIMESTAMPTZOID ||
		type == TIMESTAMPOID || type == DATEOID;
}

int64
ts_time_to_internal(Datum value, Oid type)
{
	switch (type)
	{
		case INT2OID:
			return DatumGetInt16(value);
		case INT4OID:
			return DatumGetInt32(value);
		case INT8OID:
			return DatumGetInt64(value);
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			{
				int64		ts = DatumGetInt64(value);

				if (ts == DT_NOBEGIN)
					return PG_INT64_MIN;
				if (ts == DT_NOEND)
					return PG_INT64_MAX;
				return ts;
			}
		case DATEOID:
			{
				DateADT		d = DatumGetDateADT(value);

				if (DATE_IS_NOBEGIN(d))
					return PG_INT64_MIN;
				if (DATE_IS_NOEND(d))
					return PG_INT64_MAX;
				return (int64) d * USECS_PER_DAY;
			}
		default:
			elog(ERROR, "unsupported time type %u", type);
			return 0;
	}
}

Datum
ts_internal_to_time(int64 value, Oid type)
{
	switch (type)
	{
		case INT2OID:
			return Int16GetDatum((int16) value);
		case INT4OID:
			return Int32GetDatum((int32) value);
		case INT8OID:
			return Int64GetDatum(value);
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			if (value == PG_INT64_MIN)
				return Int64GetDatum(DT_NOBEGIN);
			if (value == PG_INT64_MAX)
				return Int64GetDatum(DT_NOEND);
			return Int64GetDatum(value);
		case DATEOID:
			if (value == PG_INT64_MIN)
				return DateADTGetDatum(DATEVAL_NOBEGIN);
			if (value == PG_INT64_MAX)
				return DateADTGetDatum(DATEVAL_NOEND);
			return DateADTGetDatum((DateADT) (value / USECS_PER_DAY));
		default:
			elog(ERROR, "unsupported time type %u", type);
			return (Datum) 0;
	}
}

/* Smallest and largest internal time of a type (min/max mean unbounded). */
int64
ts_time_type_min(Oid type)
{
	switch (type)
	{
		case INT2OID:
			return PG_INT16_MIN;
		case INT4OID:
			return PG_INT32_MIN;
		default:
			return PG_INT64_MIN;
	}
}

int64
ts_time_type_max(Oid type)
{
	switch (type)
	{
		case INT2OID:
			return PG_INT16_MAX;
		case INT4OID:
			return PG_INT32_MAX;
		default:
			return PG_INT64_MAX;
	}
}

/*
 * The value as an SQL literal that reads back the same whatever the
 * session's DateStyle (ISO, UTC offset for timestamptz), or NULL for the
 * type's min/max (unbounded).
 */
char *
ts_internal_to_literal(int64 value, Oid type)
{
	char		buf[MAXDATELEN + 1];
	struct pg_tm tm;
	fsec_t		fsec;

	if (value <= ts_time_type_min(type) || value >= ts_time_type_max(type))
		return NULL;
	switch (type)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			return psprintf(INT64_FORMAT, value);
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			if (timestamp2tm((Timestamp) value, NULL, &tm, &fsec, NULL, NULL) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
						 errmsg("timestamp out of range")));
			/* UTC fields: "+00" is printed only for a known zone. */
			tm.tm_isdst = 0;
			EncodeDateTime(&tm, fsec, type == TIMESTAMPTZOID, 0, NULL, USE_ISO_DATES, buf);
			return pstrdup(buf);
		case DATEOID:
			j2date((int) (value / USECS_PER_DAY) + POSTGRES_EPOCH_JDATE,
				   &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
			EncodeDateOnly(&tm, USE_ISO_DATES, buf);
			return pstrdup(buf);
		default:
			elog(ERROR, "unsupported time type %u", type);
			return NULL;
	}
}

/*
 * A chunk interval given as an interval (timestamp and date columns) or an
 * integer (microseconds for timestamp types, units for integer columns), in
 * internal time units.  Errors name "what" (e.g. "chunk_time_interval").
 */
int64
ts_interval_to_internal(Datum interval, Oid interval_type, Oid time_type, const char *what)
{
	int64		result;

	if (interval_type == INTERVALOID)
	{
		Interval   *iv = DatumGetIntervalP(interval);

		if (ts_time_type_is_integer(time_type))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid interval type for %s dimension", format_type_be(time_type)),
					 errhint("Use an interval of type integer.")));
		if (iv->month != 0)
			result = (int64) iv->month * DAYS_PER_MONTH * USECS_PER_DAY;
		else
			result = 0;
		result += (int64) iv->day * USECS_PER_DAY + iv->time;
	}
	else if (interval_type == INT2OID || interval_type == INT4OID || interval_type == INT8OID)
	{
		result = interval_type == INT2OID ? DatumGetInt16(interval)
			: interval_type == INT4OID ? DatumGetInt32(interval)
			: DatumGetInt64(interval);
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid type for %s: %s", what, format_type_be(interval_type)),
				 errhint("Use an interval for timestamp and date columns, an integer for integer columns.")));

	if (result <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: must be positive", what)));
	if (time_type == DATEOID && result % USECS_PER_DAY != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s for a date column: must be a whole number of days", what)));
	if (ts_time_type_is_integer(time_type) && result > ts_time_type_max(time_type))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: %lld is too large for a %s column", what,
						(long long) result, format_type_be(time_type))));
	return result;
}


/*
 * Where slices are counted from, in internal time: the Unix epoch for time
 * types (as TimescaleDB: weekly chunks start on Thursdays), 0 for integers.
 */
static int64
slice_origin(Oid type)
{
	if (ts_time_type_is_integer(type))
		return 0;
	return -((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
}

/*
 * Start of the aligned slice holding value, clamped to the type's range.
 * Computed in 128 bits: values near either end of the range, with any
 * interval, do not overflow.  A slice cannot start at the largest value
 * (it would be empty): that value belongs to the slice before, which has
 * no end.
 */
int64
ts_time_slice_start(int64 value, int64 interval, Oid type)
{
	int64		min = ts_time_type_min(type);
	__int128	origin = slice_origin(type);
	__int128	shifted = (__int128) value - origin;
	__int128	q = shifted / interval;
	__int128	start;

	if (shifted % interval != 0 && shifted < 0)
		q--;
	start = q * interval + origin;
	if (start >= PG_INT64_MAX)
		start -= interval;
	if (value == PG_INT64_MIN || start < min)
		return min;
	return (int64) start;
}

/*
 * End (exclusive) of the slice that starts at start.  The last slice of a
 * type has no end: PG_INT64_MAX, so that it holds the type's largest value.
 */
int64
ts_time_slice_end(int64 start, int64 interval, Oid type)
{
	int64		max = ts_time_type_max(type);
	__int128	origin = slice_origin(type);
	__int128	end;

	if (start == ts_time_type_min(type))
	{
		/* The first slice runs up to the aligned boundary after min. */
		__int128	shifted = (__int128) start - origin;
		__int128	q = shifted / interval;

		if (shifted % interval != 0 && shifted < 0)
			q--;
		end = (q + 1) * interval + origin;
	}
	else
		end = (__int128) start + interval;
	if (end >= max)
		return PG_INT64_MAX;
	return (int64) end;
}

/* Refuse time values no chunk can hold: infinities. */
void
ts_time_check_finite(int64 value, Oid type, const char *column)
{
	if (!ts_time_type_is_integer(type) && (value == PG_INT64_MIN || value == PG_INT64_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("infinite time values cannot be stored in a hypertable"),
				 errdetail("Column \"%s\" decides the chunk of each row; an infinite value has none.",
						   column),
				 errhint("Store a finite time.")));
}

/* The value's hash partition among modulus partitions. */
/* The hash of a space value, as PostgreSQL's hash partitioning computes it. */
uint64
ts_space_hash(Datum value, bool isnull, Oid type, Oid collation)
{
	TypeCacheEntry *tce = lookup_type_cache(type, TYPECACHE_HASH_EXTENDED_PROC_FINFO);

	if (!OidIsValid(tce->hash_extended_proc))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("could not identify an extended hash function for type %s",
						format_type_be(type))));
	return compute_partition_hash_value(1, &tce->hash_extended_proc_finfo, &collation,
										&value, &isnull);
}

int
ts_space_remainder(Datum value, bool isnull, Oid type, Oid collation, int modulus)
{
	return (int) (ts_space_hash(value, isnull, type, collation) % (uint64) modulus);
}

PG_FUNCTION_INFO_V1(internal_to_timestamptz);
PG_FUNCTION_INFO_V1(get_partition_hash);

Datum
internal_to_timestamptz(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(ts_internal_to_time(PG_GETARG_INT64(0), TIMESTAMPTZOID));
}

/* get_partition_hash(value anyelement, modulus integer): the hash partition. */
Datum
get_partition_hash(PG_FUNCTION_ARGS)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 0);
	int			modulus;

	if (PG_ARGISNULL(1) || PG_GETARG_INT32(1) <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("modulus must be a positive integer")));
	modulus = PG_GETARG_INT32(1);
	PG_RETURN_INT32(ts_space_remainder(PG_ARGISNULL(0) ? (Datum) 0 : PG_GETARG_DATUM(0),
									   PG_ARGISNULL(0), type, PG_GET_COLLATION(), modulus));
}
