/*-------------------------------------------------------------------------
 * dist_exec.c — the procedure distributed_exec: run a statement on data
 * nodes.
 *
 * The statement runs as the calling role, with the caller's search_path, on
 * every listed node at the same time (all are sent before any answer is
 * read).  Transactional: inside the distributed transaction, so it commits or
 * rolls back on every node with the local transaction.  Non-transactional:
 * outside any transaction on the nodes (CREATE DATABASE, VACUUM), which is
 * why the call itself must not be inside a transaction block.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "parser/parser.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "fmgr.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "catalog/metadata.h"
#include "data_node.h"
#include "dist_exec.h"
#include "guc.h"
#include "jobs/jobs.h"
#include "remote/txn.h"

PG_FUNCTION_INFO_V1(distributed_exec);

/*
 * The nodes a command is for: listed (or all), each usable by the caller
 * (USAGE on its foreign server).  Available or not.
 */
List *
ts_dist_exec_listed_nodes(ArrayType *node_list, const char *what)
{
	List	   *nodes;
	ListCell   *lc;

	if (ts_metadata_role() == TS_ROLE_DATA_NODE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function must be run on the access node only"),
				 errhint("Call %s on the access node of this data node.", what)));
	nodes = node_list ? ts_data_node_list_from_array(node_list) : ts_data_node_list();
	if (nodes == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("no data nodes to run the command on"),
				 errhint("Add data nodes with add_data_node().")));
	foreach(lc, nodes)
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);
		AclResult	acl = pg_foreign_server_aclcheck(node->serverid, GetUserId(), ACL_USAGE);

		if (acl != ACLCHECK_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied for data node \"%s\"", node->name),
					 errdetail("Running commands on a data node needs USAGE on its foreign server."),
					 errhint("GRANT USAGE ON FOREIGN SERVER %s TO %s;",
							 quote_identifier(node->name),
							 quote_identifier(GetUserNameFromId(GetUserId(), false)))));
	}
	return nodes;
}

/* The error for a command that needs an unavailable node. */
void
ts_dist_exec_unavailable_error(TsDataNode *node)
{
	ereport(ERROR,
			(errcode(ERRCODE_CONNECTION_EXCEPTION),
			 errmsg("data node \"%s\" is not available", node->name),
			 errhint("Leave it out of the node list, make it available again with "
					 "alter_data_node(), or set timeshard.defer_ddl_to_unavailable_nodes "
					 "to queue its part as a job.")));
}

/* The listed nodes, which must all be available. */
List *
ts_dist_exec_target_nodes(ArrayType *node_list, const char *what)
{
	List	   *nodes = ts_dist_exec_listed_nodes(node_list, what);
	ListCell   *lc;

	foreach(lc, nodes)
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);

		if (!node->available)
			ts_dist_exec_unavailable_error(node);
	}
	return nodes;
}

/*
 * Send the command to every connection, then read every answer; the first
 * failure is raised once all answers are in (so no connection is left busy
 * when we can help it).
 */
void
ts_dist_exec_on_all(List *conns, List *sqls)
{
	TsRemoteError first_err;
	bool		failed = false;
	List	   *sent = NIL;
	ListCell   *lc;
	ListCell   *lc2;

	forboth(lc, conns, lc2, sqls)
	{
		TsConnection *conn = (TsConnection *) lfirst(lc);
		TsRemoteError err;

		if (!failed && ts_conn_send(conn, (char *) lfirst(lc2), 0, NULL, &err))
			sent = lappend(sent, conn);
		else if (!failed)
		{
			first_err = err;
			failed = true;
		}
	}
	forboth(lc, sent, lc2, sqls)
	{
		TsConnection *conn = (TsConnection *) lfirst(lc);
		TsRemoteError err;
		PGresult   *res = ts_conn_get_result(conn, TS_NO_DEADLINE, (char *) lfirst(lc2), &err);

		if (res != NULL)
			PQclear(res);
		else if (!failed)
		{
			first_err = err;
			failed = true;
		}
	}
	if (failed)
		ts_remote_error_report(&first_err, ERROR);
}

static void
exec_one(TsConnection *conn, const char *sql)
{
	TsRemoteError err;

	if (!ts_conn_exec_ok(conn, sql, TS_NO_DEADLINE, &err))
		ts_remote_error_report(&err, ERROR);
}

/*
 * Run a statement on the nodes (TsDataNode) inside the distributed
 * transaction, as the current user, with search_path (NULL: pg_catalog) set
 * for the statement only.
 */
void
ts_dist_exec_in_txn(List *nodes, const char *sql, const char *search_path)
{
	char	   *set_path = search_path
		? psprintf("SELECT pg_catalog.set_config('search_path', %s, true)",
				   quote_literal_cstr(search_path))
		: NULL;
	List	   *conns = NIL;
	List	   *sqls = NIL;
	ListCell   *lc;

	foreach(lc, nodes)
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);
		TsConnection *conn = ts_remote_txn_connection(node->serverid, GetUserId(), true);

		if (set_path)
			exec_one(conn, set_path);
		conns = lappend(conns, conn);
		sqls = lappend(sqls, (char *) sql);
	}
	ts_dist_exec_on_all(conns, sqls);
	/* Later commands of the transaction run with the pinned path again. */
	if (set_path)
		foreach(lc, conns)
			exec_one((TsConnection *) lfirst(lc), "SET LOCAL search_path = pg_catalog");
}

/*
 * Refuse an empty command, and what would take the nodes' sessions away from
 * the distributed transaction (BEGIN, COMMIT, ROLLBACK, PREPARE TRANSACTION,
 * ...) or from the protocol (COPY to or from the client).  The statements
 * are parsed here (not analyzed: their objects live on the nodes).  "what"
 * names the function in messages.
 */
void
ts_dist_exec_check_command(const char *query, const char *what)
{
	List	   *stmts;
	ListCell   *lc;

	if (query == NULL || query[strspn(query, " \t\r\n;")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("empty command string"),
				 errhint("Pass the SQL statement to run on the data nodes.")));
	stmts = raw_parser(query, RAW_PARSE_DEFAULT);
	foreach(lc, stmts)
	{
		Node	   *stmt = ((RawStmt *) lfirst(lc))->stmt;

		if (IsA(stmt, TransactionStmt))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("%s is not allowed in %s",
							CreateCommandName(stmt), what),
					 errdetail("The statement runs inside the distributed transaction, which "
							   "timeshard commits or rolls back with the local one."),
					 errhint("Commit or roll back the local transaction instead.")));
		if (IsA(stmt, CopyStmt) && ((CopyStmt *) stmt)->filename == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot COPY to/from client in %s", what),
					 errhint("Copy to or from a file on the data node, or use INSERT.")));
	}
}

/*
 * Run a statement on the nodes outside any transaction there (autocommit),
 * as the current user with search_path set for the session, one node after
 * the other having been sent; the connections get the pinned path back.
 */
void
ts_dist_exec_autocommit(List *nodes, const char *query, const char *search_path)
{
	char	   *set_path = psprintf("SELECT pg_catalog.set_config('search_path', %s, false)",
									quote_literal_cstr(search_path));
	List	   *conns = NIL;
	List	   *sqls = NIL;
	ListCell   *lc;

	foreach(lc, nodes)
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);
		TsConnection *conn = ts_remote_txn_connection_autocommit(node->serverid, GetUserId());

		exec_one(conn, set_path);
		conns = lappend(conns, conn);
		sqls = lappend(sqls, (char *) query);
	}
	PG_TRY();
	{
		ts_dist_exec_on_all(conns, sqls);
	}
	PG_FINALLY();
	{
		foreach(lc, conns)
		{
			TsConnection *conn = (TsConnection *) lfirst(lc);
			TsRemoteError err;

			if (!conn->busy && ts_conn_is_ok(conn))
				(void) ts_conn_exec_ok(conn, "SET search_path = pg_catalog",
									   TS_NO_DEADLINE, &err);
		}
	}
	PG_END_TRY();
}

/*
 * CALL distributed_exec(query text, node_list name[] = NULL,
 *						 transactional boolean = true)
 */
Datum
distributed_exec(PG_FUNCTION_ARGS)
{
	char	   *query = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	ArrayType  *node_list = PG_ARGISNULL(1) ? NULL : PG_GETARG_ARRAYTYPE_P(1);
	bool		transactional = PG_ARGISNULL(2) ? true : PG_GETARG_BOOL(2);
	const char *search_path = GetConfigOption("search_path", false, false);
	List	   *nodes = NIL;
	List	   *unavailable = NIL;
	ListCell   *lc;

	ts_dist_exec_check_command(query, "distributed_exec()");
	if (!transactional &&
		(IsTransactionBlock() ||
		 (fcinfo->context && IsA(fcinfo->context, CallContext) &&
		  ((CallContext *) fcinfo->context)->atomic)))
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("distributed_exec() cannot run inside a transaction block"),
				 errdetail("With transactional => false the command runs outside any transaction on the data nodes."),
				 errhint("Call it on its own, outside BEGIN ... COMMIT.")));

	/* Unavailable nodes fail the call, or get their part as a job. */
	foreach(lc, ts_dist_exec_listed_nodes(node_list, "distributed_exec()"))
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);

		if (node->available)
			nodes = lappend(nodes, node);
		else if (ts_guc_defer_ddl_to_unavailable_nodes)
			unavailable = lappend(unavailable, node);
		else
			ts_dist_exec_unavailable_error(node);
	}

	if (transactional)
	{
		if (nodes != NIL)
			ts_dist_exec_in_txn(nodes, query, search_path);
		ts_job_defer(unavailable, query, search_path, true);
		PG_RETURN_VOID();
	}
	/* Outside a transaction there; the job commits with the call. */
	if (nodes != NIL)
		ts_dist_exec_autocommit(nodes, query, search_path);
	ts_job_defer(unavailable, query, search_path, false);
	PG_RETURN_VOID();
}
