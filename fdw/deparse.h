/*-------------------------------------------------------------------------
 * deparse.h — shippability of expressions and SQL for data nodes
 * (deparse.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_DEPARSE_H
#define TIMESHARD_DEPARSE_H

#include "lib/stringinfo.h"
#include "nodes/execnodes.h"
#include "nodes/params.h"
#include "nodes/parsenodes.h"
#include "nodes/pathnodes.h"

extern bool ts_is_shippable(Node *expr, Index varno);
extern bool ts_is_shippable_agg(Node *expr, Index varno);
extern bool ts_is_shippable_join(Node *expr, Index varno, Relids outer);
extern Node *ts_deparse_eval_stable(Node *expr, ParamListInfo params, EState *estate);
extern Node *ts_deparse_eval_stable_no_exec(Node *expr, ParamListInfo params, EState *estate);
extern char *ts_deparse_expr(Node *expr, Oid relid, Index varno, const char *alias);
extern char *ts_deparse_query(Query *query);
extern void ts_push_catalog_search_path(void);
extern int	ts_transmission_modes_set(void);
extern void ts_transmission_modes_reset(int nest);
extern char *ts_value_for_node(FmgrInfo *output, Datum value);
extern void ts_append_array_element(StringInfo buf, const char *value);

#endif							/* TIMESHARD_DEPARSE_H */
