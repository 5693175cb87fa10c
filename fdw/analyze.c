/*-------------------------------------------------------------------------
 * analyze.c — statistics of chunks for the access node's planner.
 *
 * ANALYZE of a distributed hypertable samples its chunks through this
 * callback: each chunk's sample is drawn on the data node it is read from
 * (TABLESAMPLE BERNOULLI, sized from the node's own row count), so the
 * access node gets column statistics (distinct values, histograms) of the
 * whole hypertable without moving its rows.  The planner uses them to
 * estimate groups and selectivity, and so to choose pushdown.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "commands/vacuum.h"
#include "storage/bufmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/sampling.h"

#include "analyze.h"
#include "remote/txn.h"
#include "scan.h"

/* Ask for a little more than needed: BERNOULLI's count varies. */
#define OVERSAMPLE 1.2

static char *
qualified_name(Relation rel)
{
	return psprintf("%s.%s", quote_identifier(get_namespace_name(RelationGetNamespace(rel))),
					quote_identifier(RelationGetRelationName(rel)));
}

static PGresult *
remote_query(TsConnection *conn, const char *sql)
{
	TsRemoteError err;
	PGresult   *res = ts_conn_exec(conn, sql, 0, NULL, TS_NO_DEADLINE, &err);

	if (res == NULL)
		ts_remote_error_report(&err, ERROR);
	return res;
}

static int
acquire_sample(Relation rel, int elevel, HeapTuple *rows, int targrows, double *totalrows,
			   double *totaldeadrows)
{
	TsDataNode *node = ts_scan_choose_replica(rel);
	TsConnection *conn = ts_remote_txn_connection(node->serverid, GetUserId(), false);
	TupleDesc	desc = RelationGetDescr(rel);
	AttInMetadata *attinmeta = TupleDescGetAttInMetadata(desc);
	char	   *name = qualified_name(rel);
	StringInfoData sql;
	PGresult   *res;
	double		remote_rows;
	double		percent;
	int			ncols = 0;
	int		   *attnos = palloc(sizeof(int) * Max(desc->natts, 1));
	char	  **values = palloc0(sizeof(char *) * Max(desc->natts, 1));
	int			kept = 0;
	double		seen = 0;
	double		skip = -1;
	ReservoirStateData reservoir;

	res = remote_query(conn, psprintf("SELECT GREATEST(c.reltuples, 0) FROM pg_catalog.pg_class c "
									  "WHERE c.oid = %s::pg_catalog.regclass",
									  quote_literal_cstr(name)));
	remote_rows = PQntuples(res) > 0 ? strtod(PQgetvalue(res, 0, 0), NULL) : 0;
	PQclear(res);

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		appendStringInfo(&sql, "%s%s", ncols > 0 ? ", " : "", quote_identifier(NameStr(att->attname)));
		attnos[ncols++] = i;
	}
	if (ncols == 0)
		appendStringInfoString(&sql, "NULL");
	appendStringInfo(&sql, " FROM %s", name);
	percent = remote_rows > 0 ? 100.0 * targrows * OVERSAMPLE / remote_rows : 100.0;
	if (percent < 100.0)
		appendStringInfo(&sql, " TABLESAMPLE BERNOULLI (%g)", percent);
	res = remote_query(conn, sql.data);

	reservoir_init_selection_state(&reservoir, targrows);
	for (int r = 0; r < PQntuples(res); r++)
	{
		int			slot = -1;

		if (kept < targrows)
			slot = kept++;
		else
		{
			/* A uniform sample of what came: Vitter's reservoir, row skips. */
			if (skip < 0)
				skip = reservoir_get_next_S(&reservoir, seen, targrows);
			if (skip <= 0)
			{
				slot = (int) (targrows * sampler_random_fract(&reservoir.randstate));
				heap_freetuple(rows[slot]);
			}
			skip -= 1;
		}
		seen += 1;
		if (slot < 0)
			continue;
		for (int i = 0; i < desc->natts; i++)
			values[i] = NULL;
		for (int c = 0; c < ncols; c++)
			values[attnos[c]] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
		rows[slot] = BuildTupleFromCStrings(attinmeta, values);
	}
	PQclear(res);

	*totalrows = Max(remote_rows, seen);
	*totaldeadrows = 0;
	ereport(elevel,
			(errmsg("\"%s\": %d rows sampled on data node \"%s\" of about %.0f", RelationGetRelationName(rel),
					kept, node->name, *totalrows)));
	return kept;
}

bool
ts_analyze_foreign_table(Relation rel, AcquireSampleRowsFunc *func, BlockNumber *totalpages)
{
	*func = acquire_sample;
	/* The share of the hypertable's sample each chunk gets follows its size. */
	*totalpages = Max(rel->rd_rel->relpages, 1);
	return true;
}

/*
 * ANALYZE the access node's hypertable itself: its statistics cover the
 * rows of every chunk (sampled by acquire_sample on their nodes).
 */
void
ts_analyze_hypertable_locally(Oid relid)
{
	VacuumParams params;

	memset(&params, 0, sizeof(params));
	params.options = VACOPT_ANALYZE;
	params.freeze_min_age = -1;
	params.freeze_table_age = -1;
	params.multixact_freeze_min_age = -1;
	params.multixact_freeze_table_age = -1;
	params.log_min_duration = -1;
	params.index_cleanup = VACOPTVALUE_UNSPECIFIED;
	params.truncate = VACOPTVALUE_UNSPECIFIED;
	params.nworkers = -1;
	analyze_rel(relid, NULL, &params, NIL, true, GetAccessStrategy(BAS_VACUUM));
}
