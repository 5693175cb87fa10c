/*-------------------------------------------------------------------------
 * dist_scan_path.c — plan reads of a distributed hypertable as one remote
 * query per data node.
 *
 * PostgreSQL expands the hypertable into its chunks (foreign tables that
 * inherit from it) and excludes chunks by their CHECK constraints.  The
 * set_rel_pathlist hook then replaces the per-chunk Append with a single
 * DataNodeScan path over the surviving chunks (further excluded by the space
 * partition of "column = value" conditions): the executor groups them by
 * data node and sends each node one query.  Conditions that can run on the
 * nodes go with it; ORDER BY (merged on the access node) and LIMIT too when
 * the query allows.  Aggregates are pushed down by the upper-path hook
 * (dist_scan_upper.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/paramassign.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planner.h"
#include "optimizer/restrictinfo.h"
#include "optimizer/tlist.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "deparse.h"
#include "guc.h"
#include "query/dist_scan.h"
#include "time_utils.h"

#define DIST_SCAN_NAME "DataNodeScan"


static set_rel_pathlist_hook_type prev_set_rel_pathlist = NULL;
static create_upper_paths_hook_type prev_create_upper_paths = NULL;
static CustomPathMethods path_methods;
static CustomScanMethods scan_methods;

/* custom_private: the fields of TsRemoteQuery, in order. */
List *
ts_remote_query_pack(TsRemoteQuery *q)
{
	List	   *l = NIL;

	l = lappend(l, makeInteger(q->kind));
	l = lappend(l, makeInteger((int) q->relid));
	l = lappend(l, makeInteger((int) q->check_as_user));
	l = lappend(l, makeInteger((int) q->varno));
	l = lappend(l, q->chunk_ids);
	l = lappend(l, q->exprs);
	l = lappend(l, q->remote_exprs);
	l = lappend(l, q->state_types);
	l = lappend(l, q->remote_quals);
	l = lappend(l, q->group_refs);
	l = lappend(l, q->having);
	l = lappend(l, q->sort_refs);
	l = lappend(l, q->sort_ops);
	l = lappend(l, q->sort_collations);
	l = lappend(l, q->sort_nulls_first);
	l = lappend(l, makeString(psprintf(INT64_FORMAT, q->limit)));
	l = lappend(l, makeBoolean(q->distinct));
	l = lappend(l, q->distinct_on);
	l = lappend(l, makeBoolean(q->index_walk));
	return l;
}

TsRemoteQuery *
ts_remote_query_unpack(List *l)
{
	TsRemoteQuery *q = palloc0(sizeof(TsRemoteQuery));
	int			i = 0;

	q->kind = (TsRemoteKind) intVal(list_nth(l, i++));
	q->relid = (Oid) intVal(list_nth(l, i++));
	q->check_as_user = (Oid) intVal(list_nth(l, i++));
	q->varno = (Index) intVal(list_nth(l, i++));
	q->chunk_ids = (List *) list_nth(l, i++);
	q->exprs = (List *) list_nth(l, i++);
	q->remote_exprs = (List *) list_nth(l, i++);
	q->state_types = (List *) list_nth(l, i++);
	q->remote_quals = (List *) list_nth(l, i++);
	q->group_refs = (List *) list_nth(l, i++);
	q->having = (Node *) list_nth(l, i++);
	q->sort_refs = (List *) list_nth(l, i++);
	q->sort_ops = (List *) list_nth(l, i++);
	q->sort_collations = (List *) list_nth(l, i++);
	q->sort_nulls_first = (List *) list_nth(l, i++);
	q->limit = strtoll(strVal(list_nth(l, i++)), NULL, 10);
	q->distinct = boolVal(list_nth(l, i++));
	q->distinct_on = (List *) list_nth(l, i++);
	q->index_walk = boolVal(list_nth(l, i++));
	return q;
}

bool
ts_dist_scan_path_is_ours(Path *path)
{
	return IsA(path, CustomPath) && ((CustomPath *) path)->methods == &path_methods;
}

TsRemoteQuery *
ts_dist_scan_path_query(Path *path)
{
	return ts_remote_query_unpack(((CustomPath *) path)->custom_private);
}

CustomPath *
ts_dist_scan_path_create(PlannerInfo *root, RelOptInfo *rel, TsRemoteQuery *query,
						 PathTarget *target, double rows, Cost startup, Cost total,
						 List *pathkeys)
{
	CustomPath *path = makeNode(CustomPath);

	path->path.pathtype = T_CustomScan;
	path->path.parent = rel;
	path->path.pathtarget = target;
	path->path.param_info = NULL;
	path->path.parallel_aware = false;
	path->path.parallel_safe = false;
	path->path.parallel_workers = 0;
	path->path.rows = rows;
	path->path.startup_cost = startup;
	path->path.total_cost = total;
	path->path.pathkeys = pathkeys;
	path->flags = CUSTOMPATH_SUPPORT_PROJECTION;
	path->custom_paths = NIL;
	path->custom_private = ts_remote_query_pack(query);
	path->methods = &path_methods;
	return path;
}

/* Chunk ids of the appendrel's children that survived exclusion. */
static List *
surviving_chunks(PlannerInfo *root, Index rti, TsHypertable *ht)
{
	HTAB	   *by_name;
	HASHCTL		ctl;
	List	   *result = NIL;
	ListCell   *lc;
	bool		reloaded = false;

	typedef struct NameEntry
	{
		char		name[2 * NAMEDATALEN + 2];
		int32		id;
	} NameEntry;

	ctl.keysize = 2 * NAMEDATALEN + 2;
	ctl.entrysize = sizeof(NameEntry);
	ctl.hcxt = CurrentMemoryContext;
	by_name = hash_create("timeshard chunk names", 64, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);

	for (;;)
	{
		bool		missing = false;

		foreach(lc, ts_hypertable_all_chunks(ht))
		{
			TsChunk    *chunk = (TsChunk *) lfirst(lc);
			char		key[2 * NAMEDATALEN + 2];
			NameEntry  *entry;

			snprintf(key, sizeof(key), "%s.%s", chunk->schema_name, chunk->table_name);
			entry = hash_search(by_name, key, HASH_ENTER, NULL);
			entry->id = chunk->id;
		}
		result = NIL;
		foreach(lc, root->append_rel_list)
		{
			AppendRelInfo *appinfo = (AppendRelInfo *) lfirst(lc);
			RelOptInfo *child;
			RangeTblEntry *crte;
			char		key[2 * NAMEDATALEN + 2];
			NameEntry  *entry;

			if (appinfo->parent_relid != rti)
				continue;
			child = root->simple_rel_array[appinfo->child_relid];
			if (child == NULL || IS_DUMMY_REL(child))
				continue;
			crte = planner_rt_fetch(appinfo->child_relid, root);
			if (crte->relid == ht->relid)
				continue;		/* the root itself: always empty */
			snprintf(key, sizeof(key), "%s.%s", get_namespace_name(get_rel_namespace(crte->relid)),
					 get_rel_name(crte->relid));
			entry = hash_search(by_name, key, HASH_FIND, NULL);
			if (entry == NULL)
			{
				missing = true;
				break;
			}
			result = lappend_int(result, entry->id);
		}
		if (!missing || reloaded)
			break;
		/* A chunk made by another session since the cache was filled. */
		foreach(lc, ts_hypertable_load_chunks(ht, false))
			ts_hypertable_add_chunk(ht, (TsChunk *) lfirst(lc));
		reloaded = true;
	}
	hash_destroy(by_name);
	return result;
}

/* Position (1-based) of expr in list, appending it when absent. */
int
ts_dist_scan_expr_position(List **exprs, Node *expr)
{
	ListCell   *lc;

	foreach(lc, *exprs)
	{
		if (equal(lfirst(lc), expr))
			return foreach_current_index(lc) + 1;
	}
	*exprs = lappend(*exprs, expr);
	return list_length(*exprs);
}

/*
 * The remote ORDER BY for the pathkeys, when every key is a shippable
 * expression of the rel sorted by its type's default btree order in its
 * own collation.  Fills the sort fields of query; a key expression not in
 * its select list is added when add_missing, otherwise refused.
 */
bool
ts_dist_scan_pushable_pathkeys(PlannerInfo *root, RelOptInfo *rel, List *pathkeys,
							   TsRemoteQuery *query, bool add_missing)
{
	ListCell   *lc;

	if (pathkeys == NIL)
		return false;
	foreach(lc, pathkeys)
	{
		PathKey    *pk = (PathKey *) lfirst(lc);
		EquivalenceClass *ec = pk->pk_eclass;
		Expr	   *expr = NULL;
		ListCell   *lc2;
		Oid			type;
		TypeCacheEntry *tce;
		Oid			sortop;
		int			pos = 0;

		if (ec->ec_has_volatile)
			return false;
		foreach(lc2, ec->ec_members)
		{
			EquivalenceMember *em = (EquivalenceMember *) lfirst(lc2);
			ListCell   *lc3;

			if (em->em_is_const || !ts_is_shippable_agg((Node *) em->em_expr, query->varno))
				continue;
			/* One of the columns already asked for (aggregates: the only way). */
			foreach(lc3, query->exprs)
			{
				if (equal(lfirst(lc3), em->em_expr))
				{
					expr = em->em_expr;
					pos = foreach_current_index(lc3) + 1;
					break;
				}
			}
			if (expr != NULL)
				break;
			if (add_missing && bms_is_subset(em->em_relids, rel->relids) &&
				!bms_is_empty(em->em_relids) && ts_is_shippable((Node *) em->em_expr, query->varno))
			{
				expr = em->em_expr;
				break;
			}
		}
		if (expr == NULL)
			return false;
		type = exprType((Node *) expr);
		if (exprCollation((Node *) expr) != ec->ec_collation || type == RECORDOID)
			return false;
		tce = lookup_type_cache(type, TYPECACHE_LT_OPR | TYPECACHE_GT_OPR | TYPECACHE_BTREE_OPFAMILY);
		if (pk->pk_opfamily != tce->btree_opf)
			return false;
		sortop = pk->pk_strategy == BTGreaterStrategyNumber ? tce->gt_opr : tce->lt_opr;
		if (!OidIsValid(sortop))
			return false;
		if (pos == 0)
			pos = ts_dist_scan_expr_position(&query->exprs, (Node *) expr);
		query->sort_refs = lappend_int(query->sort_refs, pos);
		query->sort_ops = lappend_oid(query->sort_ops, sortop);
		query->sort_collations = lappend_oid(query->sort_collations, ec->ec_collation);
		query->sort_nulls_first = lappend(query->sort_nulls_first, makeBoolean(pk->pk_nulls_first));
	}
	return true;
}

/*
 * Does a LIMIT of the query apply to this rel's rows: the only table, with
 * nothing between the rows and the LIMIT that changes their number?
 */
static bool
limit_applies_to_rows(PlannerInfo *root, RelOptInfo *rel)
{
	Query	   *parse = root->parse;

	return root->limit_tuples > 0 &&
		bms_membership(root->all_baserels) == BMS_SINGLETON &&
		bms_equal(root->all_baserels, rel->relids) &&
		!parse->hasAggs && parse->groupClause == NIL && parse->groupingSets == NIL &&
		parse->havingQual == NULL && !parse->hasWindowFuncs && parse->distinctClause == NIL &&
		!parse->hasTargetSRFs && parse->setOperations == NULL;
}

/* Equivalence-class members of the rel that a node can compare. */
static bool
member_is_shippable(PlannerInfo *root, RelOptInfo *rel, EquivalenceClass *ec,
					EquivalenceMember *em, void *arg)
{
	return !em->em_is_const && bms_equal(em->em_relids, rel->relids) &&
		ts_is_shippable((Node *) em->em_expr, rel->relid);
}

/*
 * For joins: scans that take the join columns of an outer row as
 * parameters (a nested loop sends each node the outer values), cheaper
 * than reading the whole hypertable when the outer side is small.
 */
static void
add_parameterized_paths(PlannerInfo *root, RelOptInfo *rel, TsRemoteQuery *base)
{
	List	   *candidates = NIL;
	List	   *done = NIL;
	ListCell   *lc;

	foreach(lc, rel->joininfo)
	{
		RestrictInfo *ri = (RestrictInfo *) lfirst(lc);

		if (join_clause_is_movable_to(ri, rel))
			candidates = lappend(candidates, ri);
	}
	if (rel->has_eclass_joins)
		candidates = list_concat(candidates,
								 generate_implied_equalities_for_column(root, rel, member_is_shippable,
																		NULL, rel->lateral_referencers));
	foreach(lc, candidates)
	{
		RestrictInfo *ri = (RestrictInfo *) lfirst(lc);
		Relids		outer = bms_difference(ri->clause_relids, rel->relids);
		ParamPathInfo *ppi;
		TsRemoteQuery q = *base;
		CustomPath *path;
		ListCell   *lc2;
		bool		seen = false;

		if (bms_is_empty(outer) || bms_overlap(outer, rel->lateral_referencers) ||
			!ts_is_shippable_join((Node *) ri->clause, rel->relid, outer))
			continue;
		foreach(lc2, done)
			seen |= bms_equal((Relids) lfirst(lc2), outer);
		if (seen)
			continue;
		done = lappend(done, outer);

		ppi = get_baserel_parampathinfo(root, rel, outer);
		q.remote_quals = list_copy(base->remote_quals);
		q.exprs = list_copy(base->exprs);
		foreach(lc2, ppi->ppi_clauses)
		{
			RestrictInfo *jri = (RestrictInfo *) lfirst(lc2);

			if (ts_is_shippable_join((Node *) jri->clause, rel->relid, outer))
				q.remote_quals = lappend(q.remote_quals, jri->clause);
			else
			{
				/* Checked here: the columns it reads come along. */
				ListCell   *lc3;

				foreach(lc3, pull_var_clause((Node *) jri->clause, PVC_RECURSE_PLACEHOLDERS))
				{
					Var		   *var = (Var *) lfirst(lc3);

					if (IsA(var, Var) && var->varno == rel->relid && var->varattno > 0)
						(void) ts_dist_scan_expr_position(&q.exprs, (Node *) var);
				}
			}
		}
		path = ts_dist_scan_path_create(root, rel, &q, rel->reltarget, ppi->ppi_rows,
										REMOTE_STARTUP_COST,
										REMOTE_STARTUP_COST + ppi->ppi_rows * REMOTE_ROW_COST, NIL);
		path->path.param_info = ppi;
		add_path(rel, (Path *) path);
	}
}

/* A column of an outer relation: the parameter of the nested loop. */
static Node *
outer_vars_to_params(Node *node, PlannerInfo *root)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var) && ((Var *) node)->varlevelsup == 0 &&
		bms_is_member(((Var *) node)->varno, root->curOuterRels))
		return (Node *) replace_nestloop_param_var(root, (Var *) node);
	return expression_tree_mutator(node, outer_vars_to_params, (void *) root);
}

static void
set_rel_pathlist(PlannerInfo *root, RelOptInfo *rel, Index rti, RangeTblEntry *rte)
{
	TsHypertable *ht;
	TsRemoteQuery base;
	List	   *local = NIL;
	List	   *vars;
	ListCell   *lc;
	Cost		total;
	int			nnodes;

	if (prev_set_rel_pathlist)
		prev_set_rel_pathlist(root, rel, rti, rte);
	if (!ts_guc_enable_per_data_node_queries || rte->rtekind != RTE_RELATION || !rte->inh ||
		rel->reloptkind != RELOPT_BASEREL || IS_DUMMY_REL(rel))
		return;
	/*
	 * Reads of SELECT, and of INSERT ... SELECT (not the table written);
	 * UPDATE/DELETE ... FROM need row marks of what they read.
	 */
	if ((root->parse->commandType != CMD_SELECT && root->parse->commandType != CMD_INSERT) ||
		root->parse->rowMarks != NIL || rti == (Index) root->parse->resultRelation ||
		!ts_extension_ready())
		return;
	ht = ts_hypertable_get(rte->relid);
	if (ht == NULL || ht->replication_factor <= 0)
		return;

	memset(&base, 0, sizeof(base));
	base.kind = TS_REMOTE_SCAN;
	base.relid = ht->relid;
	base.check_as_user = rte->checkAsUser;
	base.varno = rti;
	base.limit = -1;
	foreach(lc, rel->baserestrictinfo)
	{
		RestrictInfo *ri = (RestrictInfo *) lfirst(lc);

		if (ts_is_shippable((Node *) ri->clause, rti))
			base.remote_quals = lappend(base.remote_quals, ri->clause);
		else
			local = lappend(local, ri->clause);
	}
	base.chunk_ids = ts_dist_scan_exclude_at_runtime(ht, rti, base.remote_quals,
													 surviving_chunks(root, rti, ht));

	/* The columns the query needs from the rows (whole rows stay local). */
	vars = pull_var_clause((Node *) rel->reltarget->exprs, PVC_INCLUDE_PLACEHOLDERS);
	vars = list_concat(vars, pull_var_clause((Node *) local, PVC_INCLUDE_PLACEHOLDERS));
	foreach(lc, vars)
	{
		Var		   *var = (Var *) lfirst(lc);

		if (!IsA(var, Var) || var->varno != rti || var->varattno <= 0)
			return;
		(void) ts_dist_scan_expr_position(&base.exprs, (Node *) var);
	}

	if (local == NIL && root->query_pathkeys == NIL && limit_applies_to_rows(root, rel))
		base.limit = (int64) root->limit_tuples;

	nnodes = Max(list_length(ht->nodes), 1);
	total = REMOTE_STARTUP_COST + rel->rows * (REMOTE_INPUT_COST / nnodes + REMOTE_ROW_COST);
	rel->pathlist = NIL;
	rel->partial_pathlist = NIL;
	add_path(rel, (Path *) ts_dist_scan_path_create(root, rel, &base, rel->reltarget, rel->rows,
													 REMOTE_STARTUP_COST, total, NIL));

	/* Sorted by the nodes and merged here, for ORDER BY (and LIMIT). */
	if (root->query_pathkeys != NIL)
	{
		TsRemoteQuery sorted = base;

		sorted.exprs = list_copy(base.exprs);
		sorted.limit = -1;
		if (ts_dist_scan_pushable_pathkeys(root, rel, root->query_pathkeys, &sorted, true))
		{
			double		rows = rel->rows;

			/*
			 * The nodes sort before their first row (or read an index):
			 * counted as reading everything first.
			 */
			Cost		startup = REMOTE_STARTUP_COST +
				rel->rows * (REMOTE_INPUT_COST + REMOTE_SORT_COST) / nnodes;

			if (local == NIL && limit_applies_to_rows(root, rel))
			{
				sorted.limit = (int64) root->limit_tuples;
				rows = Min(rows, root->limit_tuples * nnodes);
			}

			add_path(rel, (Path *) ts_dist_scan_path_create(root, rel, &sorted, rel->reltarget,
															 rel->rows, startup,
															 startup + rows * REMOTE_ROW_COST,
															 root->query_pathkeys));
		}
	}
	if (local == NIL)
		add_parameterized_paths(root, rel, &base);
}

static bool
params_walker(Node *node, List **params)
{
	if (node == NULL)
		return false;
	if (IsA(node, Param))
	{
		*params = lappend(*params, copyObject(node));
		return false;
	}
	return expression_tree_walker(node, params_walker, (void *) params);
}

static List *
params_of(Node *node)
{
	List	   *params = NIL;

	(void) params_walker(node, &params);
	return params;
}

/* The plan of a DataNodeScan path. */
static Plan *
plan_dist_scan(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path, List *tlist,
			   List *clauses, List *custom_plans)
{
	TsRemoteQuery *query = ts_remote_query_unpack(best_path->custom_private);
	CustomScan *cscan = makeNode(CustomScan);
	List	   *local = NIL;
	ListCell   *lc;
	AttrNumber	resno = 1;

	/* Conditions that did not go to the nodes are checked here. */
	foreach(lc, clauses)
	{
		RestrictInfo *ri = (RestrictInfo *) lfirst(lc);

		if (!list_member_ptr(query->remote_quals, ri->clause))
			local = lappend(local, ri->clause);
	}
	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.qual = local;
	cscan->scan.scanrelid = 0;
	cscan->flags = best_path->flags;
	cscan->methods = &scan_methods;
	if (best_path->path.param_info != NULL)
	{
		query->remote_quals = (List *) outer_vars_to_params((Node *) query->remote_quals, root);
		best_path->custom_private = ts_remote_query_pack(query);
	}
	cscan->custom_private = best_path->custom_private;
	/* The parameters the nodes' queries depend on: a change means a rescan. */
	cscan->custom_exprs = params_of((Node *) list_make3(query->remote_exprs != NIL
														? query->remote_exprs : query->exprs,
														query->remote_quals, query->having));
	cscan->custom_scan_tlist = NIL;
	foreach(lc, query->exprs)
		cscan->custom_scan_tlist = lappend(cscan->custom_scan_tlist,
										   makeTargetEntry((Expr *) lfirst(lc), resno++, NULL, false));
	return (Plan *) cscan;
}

void
ts_dist_scan_hooks_install(void)
{
	path_methods.CustomName = DIST_SCAN_NAME;
	path_methods.PlanCustomPath = plan_dist_scan;

	scan_methods.CustomName = DIST_SCAN_NAME;
	scan_methods.CreateCustomScanState = ts_dist_scan_create_state;
	RegisterCustomScanMethods(&scan_methods);
	ts_dist_scan_exec_init();

	prev_set_rel_pathlist = set_rel_pathlist_hook;
	set_rel_pathlist_hook = set_rel_pathlist;
	prev_create_upper_paths = create_upper_paths_hook;
	create_upper_paths_hook = ts_dist_scan_upper_paths_hook;
}

/* The upper-path hook: ours, then whoever came before. */
void
ts_dist_scan_upper_paths_hook(PlannerInfo *root, UpperRelationKind stage,
							  RelOptInfo *input_rel, RelOptInfo *output_rel, void *extra)
{
	if (prev_create_upper_paths)
		prev_create_upper_paths(root, stage, input_rel, output_rel, extra);
	ts_dist_scan_upper_paths(root, stage, input_rel, output_rel, extra);
}
