/*-------------------------------------------------------------------------
 * dist_scan_sql.c — the SQL a data node is sent for its share of a query.
 *
 *	SELECT [DISTINCT [ON (...)]] <exprs>
 *	  FROM <source> AS <table>
 *	 WHERE <quals> GROUP BY <positions> HAVING <having>
 *	 ORDER BY <positions> LIMIT <n>
 *
 * The source is the UNION ALL of the chunks the node reads, which the
 * node's planner flattens into one append of the chunks, as for its
 * hypertable (never the member hypertable itself: a replica the node holds
 * may be stale, or given up and not yet dropped).
 *
 * DISTINCT ON (column) ORDER BY column, ... — "the latest row of every
 * device" — is answered by walking the column's index: a recursive query
 * finds each next distinct value with one index probe and reads the first
 * row of each value with another, instead of reading every row (PostgreSQL
 * has no skip scan).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "lib/stringinfo.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "deparse.h"
#include "query/dist_scan.h"

typedef struct SqlContext
{
	TsRemoteQuery *query;
	TsHypertable *ht;
	const char *alias;			/* the quoted name rows are read as */
} SqlContext;

static char *
deparse(SqlContext *cxt, Node *expr)
{
	return ts_deparse_expr(expr, cxt->ht->relid, cxt->query->varno, cxt->ht->table_name);
}

static List *
select_list(TsRemoteQuery *query)
{
	return query->remote_exprs != NIL ? query->remote_exprs : query->exprs;
}

/* The columns of the hypertable the query refers to. */
static void
append_columns(StringInfo buf, TsRemoteQuery *query, TsHypertable *ht)
{
	Bitmapset  *attnos = NULL;
	int			attno = -1;
	bool		first = true;

	pull_varattnos((Node *) select_list(query), query->varno, &attnos);
	pull_varattnos((Node *) query->remote_quals, query->varno, &attnos);
	pull_varattnos(query->having, query->varno, &attnos);
	while ((attno = bms_next_member(attnos, attno)) >= 0)
	{
		AttrNumber	col = attno + FirstLowInvalidHeapAttributeNumber;

		if (col <= 0)
			continue;
		appendStringInfo(buf, "%s%s", first ? "" : ", ",
						 quote_identifier(get_attname(ht->relid, col, false)));
		first = false;
	}
}

/* FROM <source> AS <alias> */
static void
append_from(StringInfo buf, SqlContext *cxt, TsNodeShare *share)
{
	ListCell   *lc;

	appendStringInfoString(buf, " FROM (");
	foreach(lc, share->chunks)
	{
		TsChunk    *chunk = (TsChunk *) lfirst(lc);

		appendStringInfo(buf, "%sSELECT ", foreach_current_index(lc) > 0 ? " UNION ALL " : "");
		append_columns(buf, cxt->query, cxt->ht);
		appendStringInfo(buf, " FROM %s.%s", quote_identifier(chunk->schema_name),
						 quote_identifier(chunk->table_name));
	}
	appendStringInfoChar(buf, ')');
	appendStringInfo(buf, " AS %s", cxt->alias);
}

static void
append_select_list(StringInfo buf, SqlContext *cxt)
{
	ListCell   *lc;

	foreach(lc, select_list(cxt->query))
		appendStringInfo(buf, "%s%s", foreach_current_index(lc) > 0 ? ", " : "",
						 deparse(cxt, (Node *) lfirst(lc)));
}

/* WHERE q1 AND q2 ... (extra: one more condition, or NULL) */
static void
append_where(StringInfo buf, SqlContext *cxt, const char *extra)
{
	ListCell   *lc;
	bool		first = true;

	if (extra != NULL)
	{
		appendStringInfo(buf, " WHERE %s", extra);
		first = false;
	}
	foreach(lc, cxt->query->remote_quals)
	{
		/* The deparser parenthesizes every operator and boolean expression. */
		appendStringInfo(buf, "%s%s", first ? " WHERE " : " AND ", deparse(cxt, (Node *) lfirst(lc)));
		first = false;
	}
}

/* ORDER BY the sort keys from the first-th on (0-based). */
static void
append_order_by(StringInfo buf, TsRemoteQuery *query, int first)
{
	bool		any = false;

	for (int i = first; i < list_length(query->sort_refs); i++)
	{
		Oid			op = list_nth_oid(query->sort_ops, i);
		bool		nulls_first = boolVal(list_nth(query->sort_nulls_first, i));
		bool		desc = false;
		Oid			opfamily;
		Oid			opcintype;
		int16		strategy;

		if (get_ordering_op_properties(op, &opfamily, &opcintype, &strategy))
			desc = strategy == BTGreaterStrategyNumber;
		appendStringInfo(buf, "%s%d%s%s", any ? ", " : " ORDER BY ", list_nth_int(query->sort_refs, i),
						 desc ? " DESC" : "",
						 nulls_first == desc ? "" : (nulls_first ? " NULLS FIRST" : " NULLS LAST"));
		any = true;
	}
}

static void
append_limit(StringInfo buf, TsRemoteQuery *query)
{
	if (query->limit >= 0)
		appendStringInfo(buf, " LIMIT " INT64_FORMAT, query->limit);
}

/* The plain form: one SELECT over the source. */
static void
append_plain(StringInfo buf, SqlContext *cxt, TsNodeShare *share)
{
	TsRemoteQuery *query = cxt->query;
	ListCell   *lc;

	appendStringInfoString(buf, "SELECT ");
	if (query->distinct)
		appendStringInfoString(buf, "DISTINCT ");
	else if (query->distinct_on != NIL)
	{
		appendStringInfoString(buf, "DISTINCT ON (");
		foreach(lc, query->distinct_on)
			appendStringInfo(buf, "%s%d", foreach_current_index(lc) > 0 ? ", " : "", lfirst_int(lc));
		appendStringInfoString(buf, ") ");
	}
	append_select_list(buf, cxt);
	append_from(buf, cxt, share);
	append_where(buf, cxt, NULL);
	if (query->group_refs != NIL)
	{
		appendStringInfoString(buf, " GROUP BY ");
		foreach(lc, query->group_refs)
			appendStringInfo(buf, "%s%d", foreach_current_index(lc) > 0 ? ", " : "", lfirst_int(lc));
	}
	if (query->having != NULL)
		appendStringInfo(buf, " HAVING %s", deparse(cxt, query->having));
	append_order_by(buf, query, 0);
	append_limit(buf, query);
}

/*
 * DISTINCT ON (c) ORDER BY c, ...: walk the distinct values of c through its
 * index, then take the first row of each value (and of NULL).
 */
static void
append_index_walk(StringInfo buf, SqlContext *cxt, TsNodeShare *share)
{
	TsRemoteQuery *query = cxt->query;
	Node	   *column = list_nth(select_list(query), linitial_int(query->distinct_on) - 1);
	char	   *col = deparse(cxt, column);
	Oid			op = linitial_oid(query->sort_ops);
	Oid			opfamily;
	Oid			opcintype;
	int16		strategy;
	bool		desc;
	StringInfoData cond;

	if (!get_ordering_op_properties(op, &opfamily, &opcintype, &strategy))
		elog(ERROR, "operator %u is not a valid ordering operator", op);
	desc = strategy == BTGreaterStrategyNumber;

	appendStringInfoString(buf, "WITH RECURSIVE ts_walk(v) AS ((SELECT ");
	appendStringInfoString(buf, col);
	append_from(buf, cxt, share);
	appendStringInfo(buf, " WHERE %s IS NOT NULL ORDER BY 1%s LIMIT 1) UNION ALL SELECT (SELECT %s",
					 col, desc ? " DESC" : "", col);
	append_from(buf, cxt, share);
	appendStringInfo(buf, " WHERE %s %s ts_walk.v ORDER BY 1%s LIMIT 1) FROM ts_walk WHERE ts_walk.v IS NOT NULL) ",
					 col, desc ? "<" : ">", desc ? " DESC" : "");

	/* The first row of every value ... */
	appendStringInfoString(buf, "SELECT ts_first.* FROM ts_walk CROSS JOIN LATERAL (SELECT ");
	append_select_list(buf, cxt);
	append_from(buf, cxt, share);
	initStringInfo(&cond);
	appendStringInfo(&cond, "%s = ts_walk.v", col);
	append_where(buf, cxt, cond.data);
	append_order_by(buf, query, 1);
	appendStringInfoString(buf, " LIMIT 1) AS ts_first");

	/* ... and of NULL. */
	appendStringInfoString(buf, " UNION ALL (SELECT ");
	append_select_list(buf, cxt);
	append_from(buf, cxt, share);
	resetStringInfo(&cond);
	appendStringInfo(&cond, "%s IS NULL", col);
	append_where(buf, cxt, cond.data);
	append_order_by(buf, query, 1);
	appendStringInfoString(buf, " LIMIT 1)");
	append_order_by(buf, query, 0);
	append_limit(buf, query);
}

/*
 * The SQL for one data node.  query's expressions must already be the ones
 * to send (parameters and stable functions replaced by constants).
 */
char *
ts_remote_query_sql(TsRemoteQuery *query, TsHypertable *ht, TsNodeShare *share)
{
	StringInfoData buf;
	SqlContext	cxt;

	cxt.query = query;
	cxt.ht = ht;
	cxt.alias = quote_identifier(ht->table_name);
	initStringInfo(&buf);
	if (query->index_walk)
		append_index_walk(&buf, &cxt, share);
	else
		append_plain(&buf, &cxt, share);
	return buf.data;
}
