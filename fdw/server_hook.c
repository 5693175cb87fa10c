/*-------------------------------------------------------------------------
 * server_hook.c — the FDW used the PostgreSQL way: CREATE SERVER ...
 * FOREIGN DATA WRAPPER timeshard_fdw registers a data node exactly as
 * add_data_node(..., bootstrap => false) would, ALTER SERVER is checked as
 * alter_data_node, and DROP SERVER cleans up as delete_data_node.
 *
 * CREATE SERVER connects to the node inside the distributed transaction, so
 * the node's membership commits (or not) together with the server.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "postmaster/postmaster.h"

#include "data_node.h"
#include "data_node_api.h"
#include "data_node_join.h"
#include "membership.h"
#include "remote/txn.h"
#include "server_hook.h"

static DefElem *
find_option(List *options, const char *name)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, name) == 0)
			return def;
	}
	return NULL;
}

void
ts_server_create(TsUtilityCall *call)
{
	CreateForeignServerStmt *stmt;
	DefElem    *host;
	ForeignServer *server;
	TsConnection *conn;
	bool		existed;

	ts_data_node_check_superuser("create data nodes");
	ts_data_node_check_access_node();

	/* Fill in the defaults of add_data_node, so the server says it all. */
	if (call->readOnlyTree)
	{
		call->pstmt = copyObject(call->pstmt);
		call->readOnlyTree = false;
	}
	stmt = (CreateForeignServerStmt *) call->pstmt->utilityStmt;
	host = find_option(stmt->options, "host");
	ts_data_node_check_host(host ? defGetString(host) : NULL);
	if (find_option(stmt->options, "port") == NULL)
		stmt->options = lappend(stmt->options,
								makeDefElem("port", (Node *) makeString(psprintf("%d", PostPortNumber)), -1));
	if (find_option(stmt->options, "dbname") == NULL)
		stmt->options = lappend(stmt->options,
								makeDefElem("dbname", (Node *) makeString(get_database_name(MyDatabaseId)), -1));

	existed = GetForeignServerByName(stmt->servername, true) != NULL;
	ts_utility_run(call);
	if (existed)
		return;					/* IF NOT EXISTS skipped it */
	CommandCounterIncrement();

	server = GetForeignServerByName(stmt->servername, false);
	conn = ts_remote_txn_connection(server->serverid, GetUserId(), true);
	(void) ts_data_node_join(conn, server->servername, false);
}

bool
ts_server_alter(TsUtilityCall *call)
{
	AlterForeignServerStmt *stmt = (AlterForeignServerStmt *) call->pstmt->utilityStmt;
	TsDataNode *before = ts_data_node_get(stmt->servername, true);

	if (before == NULL)
		return false;
	ts_utility_run(call);
	CommandCounterIncrement();
	ts_data_node_check_alter(before, ts_data_node_get(stmt->servername, false));
	return true;
}

void
ts_server_drop(TsUtilityCall *call)
{
	DropStmt   *stmt = (DropStmt *) call->pstmt->utilityStmt;
	List	   *nodes = NIL;
	ListCell   *lc;

	foreach(lc, stmt->objects)
	{
		TsDataNode *node = ts_data_node_get(strVal(lfirst(lc)), true);

		if (node != NULL)
			nodes = lappend(nodes, node);
	}
	/* Like delete_data_node(force => false): data keeps the node. */
	foreach(lc, nodes)
	{
		ts_membership_detach_all((TsDataNode *) lfirst(lc), false, true);
		ts_data_node_leave((TsDataNode *) lfirst(lc));
	}
	ts_utility_run(call);
	CommandCounterIncrement();
	foreach(lc, nodes)
		ts_data_node_removed((TsDataNode *) lfirst(lc));
}
