/*-------------------------------------------------------------------------
 * retention.c — show_chunks and drop_chunks.
 *
 * older_than selects chunks whose every row is older than the value (the
 * chunk ends at or before it), newer_than chunks whose every row is at least
 * that new (the chunk starts at or after it); both together select chunks
 * that satisfy both.  created_before / created_after select by the time the
 * chunk was created instead, and do not combine with the other two.  An
 * interval means "now() minus the interval".
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "chunk.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/timestamp.h"

#include "catalog/catalog_spi.h"
#include "catalog/hypertable.h"
#include "hypertable_drop.h"
#include "time_utils.h"

PG_FUNCTION_INFO_V1(show_chunks);
PG_FUNCTION_INFO_V1(drop_chunks);

typedef struct ChunkFilter
{
	bool		has_older;
	int64		older_than;
	bool		has_newer;
	int64		newer_than;
	bool		has_created_before;
	TimestampTz created_before;
	bool		has_created_after;
	TimestampTz created_after;
} ChunkFilter;

/* A time argument of type "any", as internal time of the dimension's type. */
static int64
time_arg(FunctionCallInfo fcinfo, int n, Oid time_type, const char *name)
{
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, n);
	Datum		value = PG_GETARG_DATUM(n);

	if (argtype == UNKNOWNOID || argtype == TEXTOID)
	{
		Oid			input;
		Oid			ioparam;
		char	   *str = argtype == UNKNOWNOID ? DatumGetCString(value)
			: TextDatumGetCString(value);

		getTypeInputInfo(time_type, &input, &ioparam);
		value = OidInputFunctionCall(input, str, ioparam, -1);
		argtype = time_type;
	}
	if (argtype == INTERVALOID)
	{
		Datum		cutoff;

		if (ts_time_type_is_integer(time_type))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid time argument type \"%s\"", format_type_be(argtype)),
					 errhint("Use an integer for %s on a hypertable with an integer time column.", name)));
		cutoff = DirectFunctionCall2(timestamptz_mi_interval,
									 TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
									 value);
		if (time_type == TIMESTAMPOID)
			cutoff = DirectFunctionCall1(timestamptz_timestamp, cutoff);
		else if (time_type == DATEOID)
			cutoff = DirectFunctionCall1(timestamptz_date, cutoff);
		return ts_time_to_internal(cutoff, time_type);
	}
	if (ts_time_type_is_integer(time_type) && ts_time_type_is_integer(argtype))
		return ts_time_to_internal(value, argtype);
	if (!ts_time_type_is_integer(time_type) && !ts_time_type_is_integer(argtype) &&
		ts_time_type_is_valid(argtype))
	{
		/* Bring timestamptz, timestamp and date to the column's type. */
		if (argtype == DATEOID && time_type != DATEOID)
		{
			value = DirectFunctionCall1(time_type == TIMESTAMPOID ? date_timestamp : date_timestamptz, value);
			argtype = time_type;
		}
		else if (argtype == TIMESTAMPOID && time_type == TIMESTAMPTZOID)
			value = DirectFunctionCall1(timestamp_timestamptz, value);
		else if (argtype == TIMESTAMPTZOID && time_type == TIMESTAMPOID)
			value = DirectFunctionCall1(timestamptz_timestamp, value);
		else if (argtype != DATEOID && time_type == DATEOID)
			value = DirectFunctionCall1(argtype == TIMESTAMPOID ? timestamp_date : timestamptz_date, value);
		return ts_time_to_internal(value, time_type);
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid time argument type \"%s\"", format_type_be(argtype)),
			 errhint("Use a value of type %s or an interval for %s.", format_type_be(time_type), name)));
	return 0;
}

static TimestampTz
created_arg(FunctionCallInfo fcinfo, int n)
{
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, n);
	Datum		value = PG_GETARG_DATUM(n);

	if (argtype == TEXTOID)
	{
		value = CStringGetDatum(TextDatumGetCString(value));
		argtype = UNKNOWNOID;
	}
	if (argtype == UNKNOWNOID)
		return DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, value,
													   ObjectIdGetDatum(InvalidOid),
													   Int32GetDatum(-1)));
	if (argtype == INTERVALOID)
		return DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
													   TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
													   value));
	if (argtype == TIMESTAMPTZOID)
		return DatumGetTimestampTz(value);
	if (argtype == TIMESTAMPOID)
		return DatumGetTimestampTz(DirectFunctionCall1(timestamp_timestamptz, value));
	if (argtype == DATEOID)
		return DatumGetTimestampTz(DirectFunctionCall1(date_timestamptz, value));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value type \"%s\" for created_before/created_after", format_type_be(argtype)),
			 errhint("Use a timestamptz or an interval.")));
	return 0;
}

static TsHypertable *
hypertable_arg(FunctionCallInfo fcinfo, const char *caller)
{
	TsHypertable *ht;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("invalid hypertable or continuous aggregate"),
				 errhint("Specify a hypertable for %s.", caller)));
	ts_check_relation_exists(PG_GETARG_OID(0));
	ht = ts_hypertable_get(PG_GETARG_OID(0));
	if (ht == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("\"%s\" is not a hypertable", get_rel_name(PG_GETARG_OID(0))
											   ? get_rel_name(PG_GETARG_OID(0)) : "?"),
				 errhint("Specify a hypertable for %s.", caller)));
	return ht;
}

static void
read_filter(FunctionCallInfo fcinfo, TsHypertable *ht, int older, int newer, int before,
			int after, ChunkFilter *filter)
{
	memset(filter, 0, sizeof(*filter));
	if (!PG_ARGISNULL(older))
	{
		filter->has_older = true;
		filter->older_than = time_arg(fcinfo, older, ht->time_type, "older_than");
	}
	if (!PG_ARGISNULL(newer))
	{
		filter->has_newer = true;
		filter->newer_than = time_arg(fcinfo, newer, ht->time_type, "newer_than");
	}
	if (!PG_ARGISNULL(before))
	{
		filter->has_created_before = true;
		filter->created_before = created_arg(fcinfo, before);
	}
	if (!PG_ARGISNULL(after))
	{
		filter->has_created_after = true;
		filter->created_after = created_arg(fcinfo, after);
	}
	if ((filter->has_older || filter->has_newer) &&
		(filter->has_created_before || filter->has_created_after))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot specify \"older_than\" or \"newer_than\" together with "
						"\"created_before\" or \"created_after\""),
				 errhint("Select chunks either by their time range or by their creation time.")));
}

/* The chunks that pass the filter, with their creation times checked in the catalog. */
static List *
filtered_chunks(TsHypertable *ht, ChunkFilter *filter)
{
	List	   *chunks = ts_hypertable_load_chunks(ht, false);
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, chunks)
	{
		TsChunk    *chunk = (TsChunk *) lfirst(lc);

		if (filter->has_older && chunk->time_end > filter->older_than)
			continue;
		if (filter->has_newer && chunk->time_start < filter->newer_than)
			continue;
		if (filter->has_created_before || filter->has_created_after)
		{
			TsCatalogSpi spi;
			Oid			types[1] = {INT4OID};
			Datum		values[1] = {Int32GetDatum(chunk->id)};
			bool		isnull;
			TimestampTz created;

			ts_catalog_spi_connect(&spi);
			if (SPI_execute_with_args("SELECT creation_time FROM timeshard_catalog.chunk WHERE id = $1",
									  1, types, values, NULL, true, 1) != SPI_OK_SELECT ||
				SPI_processed != 1)
				elog(ERROR, "chunk %d vanished from the catalog", chunk->id);
			created = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0],
														SPI_tuptable->tupdesc, 1, &isnull));
			ts_catalog_spi_finish(&spi);
			if (filter->has_created_before && created >= filter->created_before)
				continue;
			if (filter->has_created_after && created <= filter->created_after)
				continue;
		}
		result = lappend(result, chunk);
	}
	return result;
}

static char *
chunk_name(TsChunk *chunk)
{
	return psprintf("%s.%s", quote_identifier(chunk->schema_name),
					quote_identifier(chunk->table_name));
}

/*
 * show_chunks(relation, older_than, newer_than, created_before,
 * created_after) returns SETOF regclass.
 */
Datum
show_chunks(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	List	   *chunks;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TsHypertable *ht;
		ChunkFilter filter;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		ht = hypertable_arg(fcinfo, "show_chunks()");
		read_filter(fcinfo, ht, 1, 2, 3, 4, &filter);
		funcctx->user_fctx = filtered_chunks(ht, &filter);
		MemoryContextSwitchTo(old);
	}
	funcctx = SRF_PERCALL_SETUP();
	chunks = (List *) funcctx->user_fctx;
	if (funcctx->call_cntr < list_length(chunks))
	{
		TsChunk    *chunk = list_nth(chunks, funcctx->call_cntr);
		Oid			relid = DatumGetObjectId(DirectFunctionCall1(to_regclass,
																 CStringGetTextDatum(chunk_name(chunk))));

		if (OidIsValid(relid))
			SRF_RETURN_NEXT(funcctx, ObjectIdGetDatum(relid));
		SRF_RETURN_NEXT_NULL(funcctx);
	}
	SRF_RETURN_DONE(funcctx);
}

/*
 * drop_chunks(relation, older_than, newer_than, verbose, created_before,
 * created_after) returns the names of the dropped chunks.  Each is removed
 * on every replica, here, and from the catalog, in the distributed
 * transaction.
 */
Datum
drop_chunks(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	List	   *names;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TsHypertable *ht;
		ChunkFilter filter;
		bool		verbose = PG_ARGISNULL(3) ? false : PG_GETARG_BOOL(3);
		List	   *chunks;
		ListCell   *lc;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		ht = hypertable_arg(fcinfo, "drop_chunks()");
		if (!pg_class_ownercheck(ht->relid, GetUserId()))
			aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_TABLE, ht->table_name);
		read_filter(fcinfo, ht, 1, 2, 4, 5, &filter);
		if (!filter.has_older && !filter.has_newer && !filter.has_created_before &&
			!filter.has_created_after)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid time range for dropping chunks"),
					 errhint("At least one of older_than, newer_than, created_before and "
							 "created_after must be provided.")));

		/* New chunks wait while we drop. */
		LockRelationOid(ht->relid, ShareUpdateExclusiveLock);
		chunks = filtered_chunks(ht, &filter);
		names = NIL;
		foreach(lc, chunks)
		{
			TsChunk    *chunk = (TsChunk *) lfirst(lc);

			if (verbose)
				ereport(INFO, (errmsg("dropping chunk %s", chunk_name(chunk))));
			ts_chunk_drop(ht, chunk);
			names = lappend(names, chunk_name(chunk));
		}
		if (chunks != NIL)
			ts_hypertable_invalidate(ht->relid);
		funcctx->user_fctx = names;
		MemoryContextSwitchTo(old);
	}
	funcctx = SRF_PERCALL_SETUP();
	names = (List *) funcctx->user_fctx;
	if (funcctx->call_cntr < list_length(names))
	{
		/* SRF_RETURN_NEXT counts before it evaluates its argument. */
		Datum		name = CStringGetTextDatum(list_nth(names, funcctx->call_cntr));

		SRF_RETURN_NEXT(funcctx, name);
	}
	SRF_RETURN_DONE(funcctx);
}
