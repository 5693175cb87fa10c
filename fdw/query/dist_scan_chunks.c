/*-------------------------------------------------------------------------
 * dist_scan_chunks.c — which chunks a distributed query reads, and from
 * which data node.
 *
 * PostgreSQL excludes chunks at planning by their CHECK constraints, but
 * only for constants: a generic plan's parameters and stable functions such
 * as now() are known only when the query runs.  By then they have been
 * replaced by constants (ts_deparse_eval_stable), and the conditions on the
 * time and space columns exclude the chunks that cannot match, from the
 * catalog's time ranges and hash partitions.
 *
 * Every remaining chunk is read from exactly one replica: the foreign
 * table's server (its primary), or the first available replica when that
 * node is unavailable.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "nodes/nodeFuncs.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "data_node.h"
#include "query/dist_scan.h"
#include "string_list.h"
#include "time_utils.h"

/* The column (attno of varno) compared, or 0; *value the constant. */
static AttrNumber
column_vs_const(Expr *clause, Index varno, Const **value, Oid *opno, bool *commuted)
{
	OpExpr	   *op;
	Node	   *left;
	Node	   *right;

	if (!IsA(clause, OpExpr) || list_length(((OpExpr *) clause)->args) != 2)
		return 0;
	op = (OpExpr *) clause;
	left = strip_implicit_coercions(linitial(op->args));
	right = strip_implicit_coercions(lsecond(op->args));
	*commuted = false;
	if (IsA(left, Const) && IsA(right, Var))
	{
		Node	   *tmp = left;

		left = right;
		right = tmp;
		*commuted = true;
	}
	if (!IsA(left, Var) || !IsA(right, Const) || ((Var *) left)->varno != varno ||
		((Var *) left)->varlevelsup != 0 || ((Const *) right)->constisnull)
		return 0;
	*value = (Const *) right;
	*opno = op->opno;
	return ((Var *) left)->varattno;
}

static int
commute_strategy(int strategy)
{
	switch (strategy)
	{
		case BTLessStrategyNumber:
			return BTGreaterStrategyNumber;
		case BTLessEqualStrategyNumber:
			return BTGreaterEqualStrategyNumber;
		case BTGreaterStrategyNumber:
			return BTLessStrategyNumber;
		case BTGreaterEqualStrategyNumber:
			return BTLessEqualStrategyNumber;
		default:
			return strategy;
	}
}

/* Narrow [*lo, *hi) of internal time by "time <op> value". */
static void
narrow_time_range(TsHypertable *ht, int strategy, Const *value, int64 *lo, int64 *hi)
{
	int64		t = ts_time_to_internal(value->constvalue, ht->time_type);

	switch (strategy)
	{
		case BTLessStrategyNumber:
			*hi = Min(*hi, t);
			break;
		case BTLessEqualStrategyNumber:
			if (t < PG_INT64_MAX)
				*hi = Min(*hi, t + 1);
			break;
		case BTEqualStrategyNumber:
			*lo = Max(*lo, t);
			if (t < PG_INT64_MAX)
				*hi = Min(*hi, t + 1);
			break;
		case BTGreaterEqualStrategyNumber:
			*lo = Max(*lo, t);
			break;
		case BTGreaterStrategyNumber:
			if (t < PG_INT64_MAX)
				*lo = Max(*lo, t + 1);
			else
				*hi = *lo;		/* nothing is later than infinity */
			break;
	}
}

/*
 * The chunks of chunk_ids that may hold rows matching every qual (whose
 * Vars of the hypertable have varno, parameters already replaced by
 * constants).
 */
List *
ts_dist_scan_exclude_at_runtime(TsHypertable *ht, Index varno, List *quals, List *chunk_ids)
{
	int64		lo = PG_INT64_MIN;
	int64		hi = PG_INT64_MAX;
	Const	   *space_value = NULL;
	TypeCacheEntry *time_tce = lookup_type_cache(ht->time_type, TYPECACHE_BTREE_OPFAMILY);
	TypeCacheEntry *space_tce = ht->space_dim_id != 0
		? lookup_type_cache(ht->space_type, TYPECACHE_EQ_OPR) : NULL;
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, quals)
	{
		Const	   *value;
		Oid			opno;
		bool		commuted;
		AttrNumber	attno = column_vs_const((Expr *) lfirst(lc), varno, &value, &opno, &commuted);

		if (attno == 0)
			continue;
		if (attno == ht->time_attno && value->consttype == ht->time_type)
		{
			int			strategy = get_op_opfamily_strategy(opno, time_tce->btree_opf);

			if (strategy == 0)
				continue;
			narrow_time_range(ht, commuted ? commute_strategy(strategy) : strategy, value, &lo, &hi);
		}
		else if (space_tce != NULL && attno == ht->space_attno && opno == space_tce->eq_opr &&
				 value->consttype == ht->space_type)
			space_value = value;
	}
	if (lo == PG_INT64_MIN && hi == PG_INT64_MAX && space_value == NULL)
		return chunk_ids;

	foreach(lc, ts_hypertable_all_chunks(ht))
	{
		TsChunk    *chunk = (TsChunk *) lfirst(lc);

		if (!list_member_int(chunk_ids, chunk->id))
			continue;
		if (chunk->time_end <= lo || chunk->time_start >= hi)
			continue;
		if (space_value != NULL && chunk->space_modulus > 0 &&
			ts_space_remainder(space_value->constvalue, false, ht->space_type,
							   ht->space_collation, chunk->space_modulus) != chunk->space_remainder)
			continue;
		result = lappend_int(result, chunk->id);
	}
	return result;
}

/* The server of the chunk's foreign table: its primary replica. */
static Oid
chunk_primary_server(TsChunk *chunk)
{
	Oid			nsp = get_namespace_oid(chunk->schema_name, true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(chunk->table_name, nsp) : InvalidOid;

	if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_FOREIGN_TABLE)
		return InvalidOid;
	return GetForeignTable(relid)->serverid;
}

static char *
names_joined(List *names)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, names)
		appendStringInfo(&buf, "%s\"%s\"", buf.len > 0 ? ", " : "", (char *) lfirst(lc));
	return buf.data;
}

static TsNodeShare *
share_for(List **shares, TsDataNode *node)
{
	ListCell   *lc;
	TsNodeShare *share;

	foreach(lc, *shares)
	{
		share = (TsNodeShare *) lfirst(lc);
		if (share->serverid == node->serverid)
			return share;
	}
	share = palloc0(sizeof(TsNodeShare));
	share->node_name = node->name;
	share->serverid = node->serverid;
	*shares = lappend(*shares, share);
	return share;
}

static int
compare_shares(const ListCell *a, const ListCell *b)
{
	return strcmp(((TsNodeShare *) lfirst(a))->node_name, ((TsNodeShare *) lfirst(b))->node_name);
}

/*
 * Group the chunks by the data node each is read from (a list of
 * TsNodeShare, sorted by node name).  A chunk with no available replica is
 * an error: its rows would be missing from the answer.
 */
List *
ts_dist_scan_assign_nodes(TsHypertable *ht, List *chunk_ids)
{
	List	   *shares = NIL;
	ListCell   *lc;

	foreach(lc, ts_hypertable_all_chunks(ht))
	{
		TsChunk    *chunk = (TsChunk *) lfirst(lc);
		Oid			primary;
		TsDataNode *node = NULL;
		ListCell   *lc2;

		if (!list_member_int(chunk_ids, chunk->id))
			continue;
		primary = chunk_primary_server(chunk);
		if (OidIsValid(primary))
		{
			node = ts_data_node_get_by_id(primary, true);
			if (node != NULL && (!ts_data_node_usable(node) ||
								 !ts_string_list_member(chunk->data_nodes, node->name)))
				node = NULL;
		}
		foreach(lc2, chunk->data_nodes)
		{
			if (node != NULL)
				break;
			node = ts_data_node_get((char *) lfirst(lc2), true);
			if (node != NULL && !ts_data_node_usable(node))
				node = NULL;
		}
		if (node == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_EXCEPTION),
					 errmsg("chunk \"%s.%s\" has no available data node", chunk->schema_name,
							chunk->table_name),
					 errdetail("Its replicas are on %s, all unavailable.",
							   names_joined(chunk->data_nodes)),
					 errhint("Bring a data node back, or mark it available with alter_data_node().")));
		share_for(&shares, node)->chunks = lappend(share_for(&shares, node)->chunks, chunk);
	}

	/*
	 * Each node reads exactly the chunks listed (never its whole member
	 * hypertable: a replica it holds may be stale, or given up and not yet
	 * dropped).
	 */
	list_sort(shares, compare_shares);
	return shares;
}
