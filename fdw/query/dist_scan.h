/*-------------------------------------------------------------------------
 * dist_scan.h — DataNodeScan: reading a distributed hypertable with one
 * remote query per data node (dist_scan_*.c).
 *
 * The same plan node serves a plain scan (rows), a fully pushed-down
 * aggregation (groups that live on one node each) and a partial aggregation
 * (partial states that a Finalize Aggregate above combines); what it asks
 * the nodes is described by TsRemoteQuery, decided at planning and kept in
 * the CustomScan's custom_private.
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_DIST_SCAN_H
#define TIMESHARD_DIST_SCAN_H

#include "nodes/extensible.h"
#include "nodes/pathnodes.h"
#include "nodes/plannodes.h"

#include "catalog/hypertable.h"

/*
 * Costs: asking the nodes (a round trip), a row read by a node (they work
 * in parallel: divided by their number), a row sorted by a node, a row
 * moved to the access node — the dominant cost, which pushdown saves —
 * and an index probe of a node.
 */
#define REMOTE_STARTUP_COST 100.0
#define REMOTE_INPUT_COST 0.005
#define REMOTE_SORT_COST 0.002
#define REMOTE_ROW_COST 0.05
#define REMOTE_PROBE_COST 0.1

typedef enum TsRemoteKind
{
	TS_REMOTE_SCAN,				/* rows of the hypertable */
	TS_REMOTE_AGG,				/* final groups, each on one node */
	TS_REMOTE_PARTIAL_AGG		/* partial states, combined above */
} TsRemoteKind;

/* What every data node is asked. */
typedef struct TsRemoteQuery
{
	TsRemoteKind kind;
	Oid			relid;			/* the hypertable */
	Oid			check_as_user;	/* whose rights read it (0: current user) */
	Index		varno;			/* its range table index at planning */
	List	   *chunk_ids;		/* chunks that may hold matching rows */
	List	   *exprs;			/* the scan's columns: custom_scan_tlist */
	List	   *remote_exprs;	/* the select list sent, when not exprs */
	List	   *state_types;	/* per column: type of a partial state that
								 * travels as bytea in its send form, or
								 * InvalidOid */
	List	   *remote_quals;	/* WHERE, as expressions */
	List	   *group_refs;		/* GROUP BY: 1-based positions in exprs */
	Node	   *having;			/* HAVING (full aggregation) */
	List	   *sort_refs;		/* ORDER BY positions; the node merges them */
	List	   *sort_ops;		/* their ordering operators */
	List	   *sort_collations;
	List	   *sort_nulls_first;	/* of Boolean */
	int64		limit;			/* LIMIT per node, -1 for none */
	bool		distinct;		/* SELECT DISTINCT */
	List	   *distinct_on;	/* DISTINCT ON: positions in exprs */
	bool		index_walk;		/* DISTINCT ON (column) by walking its index */
} TsRemoteQuery;

/* One data node's share of a query: which chunks it reads. */
typedef struct TsNodeShare
{
	char	   *node_name;
	Oid			serverid;
	List	   *chunks;			/* TsChunk */
} TsNodeShare;

extern List *ts_remote_query_pack(TsRemoteQuery *query);
extern TsRemoteQuery *ts_remote_query_unpack(List *private);

/* dist_scan_path.c */
extern void ts_dist_scan_hooks_install(void);
extern CustomPath *ts_dist_scan_path_create(PlannerInfo *root, RelOptInfo *rel, TsRemoteQuery *query,
											PathTarget *target, double rows, Cost startup,
											Cost total, List *pathkeys);
extern bool ts_dist_scan_path_is_ours(Path *path);
extern TsRemoteQuery *ts_dist_scan_path_query(Path *path);
extern int	ts_dist_scan_expr_position(List **exprs, Node *expr);
extern bool ts_dist_scan_pushable_pathkeys(PlannerInfo *root, RelOptInfo *rel, List *pathkeys,
										   TsRemoteQuery *query, bool add_missing);
extern void ts_dist_scan_upper_paths_hook(PlannerInfo *root, UpperRelationKind stage,
										  RelOptInfo *input_rel, RelOptInfo *output_rel,
										  void *extra);

/* dist_scan_upper.c */
extern void ts_dist_scan_upper_paths(PlannerInfo *root, UpperRelationKind stage,
									 RelOptInfo *input_rel, RelOptInfo *output_rel, void *extra);

/* dist_scan_exec.c */
extern Node *ts_dist_scan_create_state(CustomScan *cscan);
extern void ts_dist_scan_exec_init(void);

/* dist_scan_sql.c */
extern char *ts_remote_query_sql(TsRemoteQuery *query, TsHypertable *ht, TsNodeShare *share);

/* dist_scan_chunks.c */
extern List *ts_dist_scan_exclude_at_runtime(TsHypertable *ht, Index varno, List *quals,
											 List *chunk_ids);
extern List *ts_dist_scan_assign_nodes(TsHypertable *ht, List *chunk_ids);

#endif							/* TIMESHARD_DIST_SCAN_H */
