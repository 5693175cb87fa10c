/*-------------------------------------------------------------------------
 * dist_scan_upper.c — aggregation and DISTINCT pushed to the data nodes.
 *
 * The upper-path hook offers, next to PostgreSQL's own paths over the
 * rows of a DataNodeScan, paths that leave the work to the nodes:
 *
 * - full aggregation, when every group lives on one node (grouping by the
 *   space column, or one node involved): the nodes return the final groups,
 *   with HAVING, ORDER BY and LIMIT applied;
 * - partial aggregation otherwise: the nodes return each group's partial
 *   states (see partialize.c) and a Finalize Aggregate here combines them;
 *   ordered by the group keys, a LIMIT goes to the nodes too (a group among
 *   the first n overall is among the first n of every node that has it);
 * - DISTINCT and DISTINCT ON: each node removes its duplicates, sorted, and
 *   a Unique here removes those across nodes; DISTINCT ON (column) is
 *   answered by walking the column's index (dist_scan_sql.c).
 *
 * They are costed as what they save — rows not moved — so the planner
 * prefers them whenever they apply, with no setting to turn on.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planner.h"
#include "optimizer/prep.h"
#include "optimizer/tlist.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"
#include "access/table.h"

#include "deparse.h"
#include "query/dist_scan.h"
#include "query/partialize.h"


/* The query of the rel's DataNodeScan of rows, every condition on the nodes. */
static TsRemoteQuery *
base_scan(RelOptInfo *rel)
{
	ListCell   *lc;

	if (rel->reloptkind != RELOPT_BASEREL)
		return NULL;
	foreach(lc, rel->pathlist)
	{
		Path	   *path = (Path *) lfirst(lc);
		TsRemoteQuery *query;

		if (IsA(path, ProjectionPath))
			path = ((ProjectionPath *) path)->subpath;
		if (!ts_dist_scan_path_is_ours(path))
			continue;
		query = ts_dist_scan_path_query(path);
		if (query->kind == TS_REMOTE_SCAN && query->limit < 0 &&
			list_length(query->remote_quals) == list_length(rel->baserestrictinfo))
		{
			/* Unsorted (a sorted one may have won over it). */
			query->sort_refs = query->sort_ops = query->sort_collations = NIL;
			query->sort_nulls_first = NIL;
			return query;
		}
	}
	return NULL;
}

static bool
aggrefs_walker(Node *node, List **aggrefs)
{
	if (node == NULL)
		return false;
	if (IsA(node, Aggref))
	{
		ListCell   *lc;

		foreach(lc, *aggrefs)
		{
			if (equal(lfirst(lc), node))
				return false;
		}
		*aggrefs = lappend(*aggrefs, node);
		return false;
	}
	return expression_tree_walker(node, aggrefs_walker, (void *) aggrefs);
}

/*
 * Can every value come back from a node?  Anonymous records cannot be read
 * from text or binary.
 */
static bool
all_returnable(List *exprs)
{
	ListCell   *lc;

	foreach(lc, exprs)
	{
		if (exprType((Node *) lfirst(lc)) == RECORDOID)
			return false;
	}
	return true;
}

/* A column outside both aggregates and grouped-by expressions? */
static bool
ungrouped_walker(Node *node, List *groups)
{
	ListCell   *lc;

	if (node == NULL || IsA(node, Aggref))
		return false;
	foreach(lc, groups)
	{
		if (equal(node, lfirst(lc)))
			return false;
	}
	if (IsA(node, Var) || IsA(node, PlaceHolderVar))
		return true;
	return expression_tree_walker(node, ungrouped_walker, (void *) groups);
}

/* Can the nodes compute a partial state the access node combines? */
static bool
agg_is_partial_capable(Aggref *agg)
{
	HeapTuple	tuple;
	Form_pg_aggregate form;
	bool		ok;

	if (agg->aggorder != NIL || agg->aggdistinct != NIL || agg->aggkind != AGGKIND_NORMAL)
		return false;
	tuple = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(agg->aggfnoid));
	if (!HeapTupleIsValid(tuple))
		return false;
	form = (Form_pg_aggregate) GETSTRUCT(tuple);
	ok = OidIsValid(form->aggcombinefn);
	if (agg->aggtranstype == INTERNALOID)
		ok &= OidIsValid(form->aggserialfn) && OidIsValid(form->aggdeserialfn);
	ReleaseSysCache(tuple);
	return ok;
}

static Node *
having_expr(Node *having)
{
	if (having != NULL && IsA(having, List))
		return (Node *) make_ands_explicit((List *) having);
	return having;
}

/* The GROUP BY expressions, in groupClause order. */
static List *
group_exprs(PlannerInfo *root)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, root->parse->groupClause)
		result = lappend(result, get_sortgroupclause_expr((SortGroupClause *) lfirst(lc),
														  root->processed_tlist));
	return result;
}

/*
 * Does every group live on one node: one node read, or grouped by the space
 * column with each of its partitions read from one node?
 */
static bool
groups_on_one_node(TsHypertable *ht, TsRemoteQuery *base, List *groups, int *nnodes)
{
	List	   *shares = ts_dist_scan_assign_nodes(ht, base->chunk_ids);
	int			modulus = -1;
	char	  **owner;
	bool		by_space = false;
	ListCell   *lc;

	*nnodes = Max(list_length(shares), 1);
	if (list_length(shares) <= 1)
		return true;
	if (ht->space_dim_id == 0)
		return false;
	foreach(lc, groups)
	{
		Node	   *expr = strip_implicit_coercions((Node *) lfirst(lc));

		by_space |= IsA(expr, Var) && ((Var *) expr)->varno == base->varno &&
			((Var *) expr)->varattno == ht->space_attno;
	}
	if (!by_space)
		return false;

	/* Every chunk in one partitioning, each partition read from one node. */
	foreach(lc, shares)
	{
		TsNodeShare *share = (TsNodeShare *) lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, share->chunks)
		{
			TsChunk    *chunk = (TsChunk *) lfirst(lc2);

			if (modulus < 0)
				modulus = chunk->space_modulus;
			if (chunk->space_modulus != modulus || modulus <= 0)
				return false;
		}
	}
	owner = palloc0(sizeof(char *) * modulus);
	foreach(lc, shares)
	{
		TsNodeShare *share = (TsNodeShare *) lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, share->chunks)
		{
			TsChunk    *chunk = (TsChunk *) lfirst(lc2);

			if (owner[chunk->space_remainder] == NULL)
				owner[chunk->space_remainder] = share->node_name;
			else if (owner[chunk->space_remainder] != share->node_name)
				return false;
		}
	}
	return true;
}

/*
 * LIMIT + OFFSET of the query when both are constants (root->limit_tuples
 * is not set for grouped queries), or -1.
 */
static double
query_limit(PlannerInfo *root)
{
	Query	   *parse = root->parse;
	Const	   *count = (Const *) parse->limitCount;
	Const	   *offset = (Const *) parse->limitOffset;
	double		limit;

	if (count == NULL || !IsA(count, Const) || count->constisnull ||
		parse->limitOption != LIMIT_OPTION_COUNT)
		return -1;
	limit = (double) DatumGetInt64(count->constvalue);
	if (offset != NULL)
	{
		if (!IsA(offset, Const))
			return -1;
		if (!offset->constisnull)
			limit += (double) DatumGetInt64(offset->constvalue);
	}
	return limit > 0 ? limit : -1;
}

/* Does a LIMIT apply to the rows of this stage, nothing after it but ORDER BY? */
static bool
limit_applies_after_grouping(PlannerInfo *root, bool having_on_nodes)
{
	Query	   *parse = root->parse;

	return query_limit(root) > 0 && !parse->hasWindowFuncs && parse->distinctClause == NIL &&
		!parse->hasTargetSRFs && (parse->havingQual == NULL || having_on_nodes);
}

static PathTarget *
target_of(List *exprs, List *sortgrouprefs)
{
	PathTarget *target = create_empty_pathtarget();
	ListCell   *lc;

	foreach(lc, exprs)
		add_column_to_pathtarget(target, (Expr *) lfirst(lc),
								 sortgrouprefs ? (Index) list_nth_int(sortgrouprefs,
																	 foreach_current_index(lc)) : 0);
	return target;
}

/* Every group on one node: the nodes return the final rows. */
static void
add_full_agg_paths(PlannerInfo *root, RelOptInfo *input_rel, RelOptInfo *output_rel,
				   TsRemoteQuery *base, GroupPathExtraData *extra, double groups, int nnodes)
{
	TsRemoteQuery q = *base;
	ListCell   *lc;
	Cost		startup = REMOTE_STARTUP_COST + input_rel->rows * REMOTE_INPUT_COST / nnodes;
	TsRemoteQuery sorted;

	q.kind = TS_REMOTE_AGG;
	q.exprs = NIL;
	foreach(lc, output_rel->reltarget->exprs)
		(void) ts_dist_scan_expr_position(&q.exprs, (Node *) lfirst(lc));
	foreach(lc, group_exprs(root))
		q.group_refs = lappend_int(q.group_refs,
								   ts_dist_scan_expr_position(&q.exprs, (Node *) lfirst(lc)));
	q.having = having_expr(extra->havingQual);
	if (!ts_is_shippable_agg((Node *) q.exprs, q.varno) || !ts_is_shippable_agg(q.having, q.varno) ||
		!all_returnable(q.exprs))
		return;

	add_path(output_rel, (Path *) ts_dist_scan_path_create(root, output_rel, &q, output_rel->reltarget,
														   groups, startup,
														   startup + groups * REMOTE_ROW_COST, NIL));

	/* Sorted by the nodes (and limited) for ORDER BY ... LIMIT. */
	sorted = q;
	sorted.exprs = list_copy(q.exprs);
	if (root->sort_pathkeys != NIL &&
		ts_dist_scan_pushable_pathkeys(root, input_rel, root->sort_pathkeys, &sorted, false))
	{
		double		rows = groups;

		if (limit_applies_after_grouping(root, true))
		{
			sorted.limit = (int64) query_limit(root);
			rows = Min(groups, query_limit(root) * nnodes);
		}
		add_path(output_rel, (Path *) ts_dist_scan_path_create(root, output_rel, &sorted,
															   output_rel->reltarget, groups, startup,
															   startup + rows * REMOTE_ROW_COST,
															   root->sort_pathkeys));
	}
}

/* Groups across nodes: partial states from the nodes, combined here. */
static void
add_partial_agg_paths(PlannerInfo *root, RelOptInfo *input_rel, RelOptInfo *output_rel,
					  TsRemoteQuery *base, GroupPathExtraData *extra, double groups, int nnodes)
{
	Query	   *parse = root->parse;
	TsRemoteQuery q = *base;
	List	   *aggrefs = NIL;
	List	   *sortgrouprefs = NIL;
	List	   *groups_list = group_exprs(root);
	Oid			partialize = ts_partialize_func_oid();
	AggClauseCosts final_costs;
	PathTarget *target;
	Path	   *scan;
	double		partial_rows = Min(groups * nnodes, Max(input_rel->rows, 1));
	Cost		startup = REMOTE_STARTUP_COST + input_rel->rows * REMOTE_INPUT_COST / nnodes;
	ListCell   *lc;

	if (!OidIsValid(partialize))
		return;
	if (parse->groupClause != NIL && !grouping_is_hashable(parse->groupClause) &&
		!grouping_is_sortable(parse->groupClause))
		return;

	/* Columns outside aggregates must be inside grouped-by expressions. */
	if (ungrouped_walker((Node *) output_rel->reltarget->exprs, groups_list) ||
		ungrouped_walker(extra->havingQual, groups_list))
		return;
	(void) aggrefs_walker((Node *) output_rel->reltarget->exprs, &aggrefs);
	(void) aggrefs_walker(extra->havingQual, &aggrefs);

	q.kind = TS_REMOTE_PARTIAL_AGG;
	q.exprs = NIL;
	q.remote_exprs = NIL;
	q.state_types = NIL;
	foreach(lc, parse->groupClause)
	{
		SortGroupClause *sgc = (SortGroupClause *) lfirst(lc);
		Node	   *expr = list_nth(groups_list, foreach_current_index(lc));

		if (!ts_is_shippable(expr, q.varno))
			return;
		q.exprs = lappend(q.exprs, expr);
		q.remote_exprs = lappend(q.remote_exprs, expr);
		q.state_types = lappend_oid(q.state_types, InvalidOid);
		sortgrouprefs = lappend_int(sortgrouprefs, sgc->tleSortGroupRef);
		q.group_refs = lappend_int(q.group_refs, list_length(q.exprs));
	}
	foreach(lc, aggrefs)
	{
		Aggref	   *agg = (Aggref *) lfirst(lc);
		Aggref	   *partial = copyObject(agg);

		if (!agg_is_partial_capable(agg) || !ts_is_shippable_agg((Node *) agg, q.varno))
			return;
		mark_partial_aggref(partial, AGGSPLIT_INITIAL_SERIAL);
		q.exprs = lappend(q.exprs, partial);
		q.remote_exprs = lappend(q.remote_exprs,
								 makeFuncExpr(partialize, BYTEAOID, list_make1(copyObject(agg)),
											  InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL));
		q.state_types = lappend_oid(q.state_types,
									partial->aggtype == BYTEAOID ? InvalidOid : partial->aggtype);
		sortgrouprefs = lappend_int(sortgrouprefs, 0);
	}
	if (!all_returnable(q.exprs))
		return;
	target = target_of(q.exprs, sortgrouprefs);
	set_pathtarget_cost_width(root, target);

	MemSet(&final_costs, 0, sizeof(AggClauseCosts));
	get_agg_clause_costs(root, AGGSPLIT_FINAL_DESERIAL, &final_costs);

	/* Hashed (or plain) combination of the unsorted states. */
	if (parse->groupClause == NIL || grouping_is_hashable(parse->groupClause))
	{
		scan = (Path *) ts_dist_scan_path_create(root, input_rel, &q, target, partial_rows, startup,
												 startup + partial_rows * REMOTE_ROW_COST, NIL);
		add_path(output_rel, (Path *) create_agg_path(root, output_rel, scan, output_rel->reltarget,
													  parse->groupClause ? AGG_HASHED : AGG_PLAIN,
													  AGGSPLIT_FINAL_DESERIAL, parse->groupClause,
													  (List *) extra->havingQual, &final_costs,
													  groups));
	}

	/*
	 * Sorted by the group keys: merged here and combined group by group;
	 * then a LIMIT goes to the nodes too.
	 */
	if (parse->groupClause != NIL && grouping_is_sortable(parse->groupClause) &&
		root->group_pathkeys != NIL)
	{
		TsRemoteQuery sorted = q;
		List	   *pathkeys = root->group_pathkeys;
		double		rows = partial_rows;

		if (root->sort_pathkeys != NIL &&
			compare_pathkeys(root->group_pathkeys, root->sort_pathkeys) == PATHKEYS_EQUAL)
			pathkeys = root->sort_pathkeys;
		sorted.exprs = list_copy(q.exprs);
		if (!ts_dist_scan_pushable_pathkeys(root, input_rel, pathkeys, &sorted, false) ||
			list_length(sorted.exprs) != list_length(q.exprs))
			return;
		if (pathkeys == root->sort_pathkeys && limit_applies_after_grouping(root, false))
		{
			sorted.limit = (int64) query_limit(root);
			rows = Min(rows, query_limit(root) * nnodes);
		}
		scan = (Path *) ts_dist_scan_path_create(root, input_rel, &sorted, target, partial_rows,
												 startup, startup + rows * REMOTE_ROW_COST, pathkeys);
		add_path(output_rel, (Path *) create_agg_path(root, output_rel, scan, output_rel->reltarget,
													  AGG_SORTED, AGGSPLIT_FINAL_DESERIAL,
													  parse->groupClause, (List *) extra->havingQual,
													  &final_costs,
													  sorted.limit >= 0 ? Min(groups, rows) : groups));
	}
}

static void
add_agg_paths(PlannerInfo *root, RelOptInfo *input_rel, RelOptInfo *output_rel,
			  GroupPathExtraData *extra)
{
	Query	   *parse = root->parse;
	TsRemoteQuery *base = base_scan(input_rel);
	TsHypertable *ht;
	List	   *groups;
	double		ngroups;
	int			nnodes;

	if (base == NULL || parse->groupingSets != NIL || parse->hasTargetSRFs)
		return;
	ht = ts_hypertable_get(base->relid);
	if (ht == NULL)
		return;
	groups = group_exprs(root);
	ngroups = groups == NIL ? 1.0 : estimate_num_groups(root, groups, input_rel->rows, NULL, NULL);

	/*
	 * Without GROUP BY there is one row even when no node has any: only a
	 * Finalize Aggregate here gives it.
	 */
	if (groups_on_one_node(ht, base, groups, &nnodes) && groups != NIL)
		add_full_agg_paths(root, input_rel, output_rel, base, extra, ngroups, nnodes);
	add_partial_agg_paths(root, input_rel, output_rel, base, extra, ngroups, nnodes);
}

/* Is there an index of the hypertable whose first column is attno? */
static bool
has_leading_index(Oid relid, AttrNumber attno)
{
	Relation	rel = table_open(relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	bool		found = false;
	ListCell   *lc;

	foreach(lc, indexes)
	{
		HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));

		if (!HeapTupleIsValid(tuple))
			continue;
		found |= ((Form_pg_index) GETSTRUCT(tuple))->indkey.values[0] == attno &&
			heap_attisnull(tuple, Anum_pg_index_indpred, NULL);
		ReleaseSysCache(tuple);
	}
	table_close(rel, AccessShareLock);
	return found;
}

/* DISTINCT / DISTINCT ON: duplicates removed by each node, then across. */
static void
add_distinct_paths(PlannerInfo *root, RelOptInfo *input_rel, RelOptInfo *output_rel)
{
	Query	   *parse = root->parse;
	TsRemoteQuery *base = base_scan(input_rel);
	TsRemoteQuery q;
	List	   *needed;
	PathTarget *target = input_rel->reltarget;
	double		rows;
	double		out_rows;
	Path	   *scan;
	ListCell   *lc;
	int			nkeys = list_length(root->distinct_pathkeys);

	if (base == NULL || parse->distinctClause == NIL || parse->hasTargetSRFs ||
		root->distinct_pathkeys == NIL || parse->hasAggs || parse->groupClause != NIL ||
		parse->hasWindowFuncs)
		return;
	q = *base;
	q.exprs = NIL;
	foreach(lc, target->exprs)
	{
		if (!ts_is_shippable((Node *) lfirst(lc), q.varno))
			return;
		(void) ts_dist_scan_expr_position(&q.exprs, (Node *) lfirst(lc));
	}
	if (!all_returnable(q.exprs))
		return;
	/* As PostgreSQL does: the input sorted by the longer of the two. */
	needed = root->distinct_pathkeys;
	if (parse->hasDistinctOn && list_length(root->distinct_pathkeys) < list_length(root->sort_pathkeys))
		needed = root->sort_pathkeys;
	if (!ts_dist_scan_pushable_pathkeys(root, input_rel, needed, &q, false))
		return;
	if (parse->hasDistinctOn)
	{
		for (int i = 0; i < nkeys; i++)
			q.distinct_on = lappend_int(q.distinct_on, list_nth_int(q.sort_refs, i));
		if (nkeys == 1)
		{
			Node	   *col = list_nth(q.exprs, linitial_int(q.distinct_on) - 1);

			q.index_walk = IsA(col, Var) && has_leading_index(q.relid, ((Var *) col)->varattno);
		}
	}
	else
	{
		/* Every column is a DISTINCT key. */
		if (list_length(parse->distinctClause) != list_length(q.exprs))
			return;
		q.distinct = true;
	}
	{
		List	   *keys = NIL;

		foreach(lc, parse->distinctClause)
			keys = lappend(keys, get_sortgroupclause_expr((SortGroupClause *) lfirst(lc),
														  root->processed_tlist));
		rows = estimate_num_groups(root, keys, input_rel->rows, NULL, NULL);
	}
	out_rows = rows;
	/* The first rows in the order of needed keys satisfy the ORDER BY too. */
	if (query_limit(root) > 0 &&
		(root->sort_pathkeys == NIL || pathkeys_contained_in(root->sort_pathkeys, needed)))
	{
		q.limit = (int64) query_limit(root);
		out_rows = Min(rows, query_limit(root));
	}
	{
		int			nnodes;
		TsHypertable *ht = ts_hypertable_get(q.relid);
		Cost		startup;

		if (ht == NULL)
			return;
		nnodes = Max(list_length(ts_dist_scan_assign_nodes(ht, q.chunk_ids)), 1);
		/* A walk costs two index probes per distinct value on each node. */
		startup = REMOTE_STARTUP_COST + (q.index_walk ? rows * REMOTE_PROBE_COST
										 : input_rel->rows * REMOTE_INPUT_COST / nnodes);
		scan = (Path *) ts_dist_scan_path_create(root, input_rel, &q, target, rows * nnodes, startup,
												 startup + out_rows * nnodes * REMOTE_ROW_COST, needed);
	}
	add_path(output_rel, (Path *) create_upper_unique_path(root, output_rel, scan, nkeys, out_rows));
}

void
ts_dist_scan_upper_paths(PlannerInfo *root, UpperRelationKind stage, RelOptInfo *input_rel,
						 RelOptInfo *output_rel, void *extra)
{
	switch (stage)
	{
		case UPPERREL_GROUP_AGG:
			add_agg_paths(root, input_rel, output_rel, (GroupPathExtraData *) extra);
			break;
		case UPPERREL_DISTINCT:
			add_distinct_paths(root, input_rel, output_rel);
			break;
		default:
			break;
	}
}
