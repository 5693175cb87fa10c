/*-------------------------------------------------------------------------
 * copy_from.h — COPY into and out of distributed hypertables (copy_from.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_COPY_FROM_H
#define TIMESHARD_COPY_FROM_H

#include "nodes/parsenodes.h"
#include "parser/parse_node.h"

extern uint64 ts_copy_from(ParseState *pstate, CopyStmt *stmt, Oid relid);
extern CopyStmt *ts_copy_to_as_query(CopyStmt *stmt, Oid relid);

#endif							/* TIMESHARD_COPY_FROM_H */
