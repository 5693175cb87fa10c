/*-------------------------------------------------------------------------
 * data_node_api.c — the SQL API of data nodes: add_data_node,
 * delete_data_node, alter_data_node, and the checks that make a plain
 * CREATE/ALTER/DROP SERVER of timeshard_fdw behave the same way.
 *
 * Every function validates its arguments before it changes anything, and a
 * failure leaves nothing behind: no foreign server, no membership record on
 * the node, no database created by the call.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_foreign_server.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "postmaster/postmaster.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"

#include "catalog/metadata.h"
#include "data_node.h"
#include "health.h"
#include "replicate.h"
#include "remote/ssl_params.h"
#include "data_node_api.h"
#include "jobs/jobs.h"
#include "data_node_join.h"
#include "guc.h"
#include "membership.h"
#include "remote/cache.h"
#include "remote/txn.h"
#include "timeshard.h"

/* Databases tried, in order, for the bootstrap connection. */
static const char *const maintenance_databases[] = {"postgres", "template1", "defaultdb"};

PG_FUNCTION_INFO_V1(add_data_node);
PG_FUNCTION_INFO_V1(delete_data_node);
PG_FUNCTION_INFO_V1(alter_data_node);

static char *
arg_name(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : pstrdup(NameStr(*PG_GETARG_NAME(n)));
}

static char *
arg_text(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

static void
check_node_name_arg(const char *name)
{
	if (name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("data node name cannot be NULL")));
	ts_data_node_check_name(name);
}

void
ts_data_node_check_host(const char *host)
{
	if (host == NULL || host[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a host needs to be specified"),
				 errhint("Provide a host name or IP address of a data node to add.")));
}

void
ts_data_node_check_port(int port)
{
	if (port < 1 || port > PG_UINT16_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid port number %d", port),
				 errhint("The port number must be between 1 and 65535.")));
}

static void
check_database_name(const char *dbname)
{
	if (dbname != NULL && dbname[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("database name cannot be empty"),
				 errhint("Leave the database out to use the name of the current database.")));
}

void
ts_data_node_check_superuser(const char *action)
{
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s", action),
				 errdetail("Only superusers can add data nodes."),
				 errhint("Ask a superuser to add the data node, then to grant you USAGE on it.")));
}

/* Superuser or owner of the node's server. */
static void
check_owner(TsDataNode *node)
{
	if (!superuser() && !pg_foreign_server_ownercheck(node->serverid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_FOREIGN_SERVER, node->name);
}

/*
 * Open a connection to one of the maintenance databases of the node's
 * server, as the current user.  A database that does not exist is skipped;
 * any other failure is raised at once (a wrong password must not be hidden
 * behind "database does not exist").
 */
static TsConnection *
connect_maintenance(const char *node_name, const char *host, const char *port,
					const char *password)
{
	const char *user = GetUserNameFromId(GetUserId(), false);
	TsRemoteError first;
	bool		have_first = false;

	for (int i = 0; i < lengthof(maintenance_databases); i++)
	{
		TsConnParams params = ts_conn_params_make(host, port, maintenance_databases[i],
												  user, password);
		TsRemoteError err;
		TsConnection *conn;

		ts_ssl_add_params(&params, user, true);
		conn = ts_conn_open(node_name, &params, ts_deadline_after_ms(ts_guc_connect_timeout), &err);

		if (conn != NULL)
			return conn;
		if (!have_first)
		{
			first = err;
			have_first = true;
		}
		if (err.detail == NULL || strstr(err.detail, "does not exist") == NULL)
			ts_remote_error_report(&err, ERROR);
	}
	ts_remote_error_report(&first, ERROR);
	return NULL;				/* not reached */
}

static TsConnection *
connect_database(const char *node_name, const char *host, const char *port,
				 const char *dbname, const char *password)
{
	TsConnParams params = ts_conn_params_make(host, port, dbname,
											  GetUserNameFromId(GetUserId(), false),
											  password);
	TsRemoteError err;
	TsConnection *conn;

	ts_ssl_add_params(&params, GetUserNameFromId(GetUserId(), false), true);
	conn = ts_conn_open(node_name, &params, ts_deadline_after_ms(ts_guc_connect_timeout), &err);

	if (conn == NULL)
		ts_remote_error_report(&err, ERROR);
	return conn;
}

/*
 * Connect to an existing data node as the current user, with its user
 * mapping and the non-superuser password rule; host, port and dbname come
 * from node (which may differ from the server's options while they change).
 */
static TsConnection *
connect_node(TsDataNode *node, const char *dbname)
{
	char		portstr[16];
	TsConnParams params;
	TsRemoteError err;
	TsConnection *conn;

	snprintf(portstr, sizeof(portstr), "%d", node->port);
	params = ts_conn_params_for_target(node->serverid, GetUserId(), node->host, portstr,
									   dbname ? dbname : node->dbname);
	conn = ts_conn_open_checked(node->name, &params, GetUserId(),
								ts_conn_password_required(node->serverid, GetUserId()), &err);
	if (conn == NULL)
		ts_remote_error_report(&err, ERROR);
	return conn;
}

static void
exec_or_error(TsConnection *conn, const char *sql)
{
	TsRemoteError err;

	if (!ts_conn_exec_ok(conn, sql, TS_NO_DEADLINE, &err))
		ts_remote_error_report(&err, ERROR);
}

/* Drop a database this call created on the node; a failure is a WARNING. */
static void
drop_created_database(const char *node_name, const char *host, const char *port,
					  const char *dbname, const char *password)
{
	TsConnection *conn = NULL;
	TsRemoteError err;

	PG_TRY();
	{
		conn = connect_maintenance(node_name, host, port, password);
	}
	PG_CATCH();
	{
		FlushErrorState();
		conn = NULL;
	}
	PG_END_TRY();
	if (conn == NULL ||
		!ts_conn_exec_ok(conn, psprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)",
										quote_identifier(dbname)),
						 ts_deadline_after_ms(ts_guc_connect_timeout), &err))
		ereport(WARNING,
				(errmsg("could not drop database \"%s\" created on data node \"%s\"",
						dbname, node_name),
				 errhint("Drop it by hand on the data node.")));
	ts_conn_close(conn);
}

static void
create_foreign_server(const char *node_name, const char *host, const char *port,
					  const char *dbname)
{
	CreateForeignServerStmt *stmt = makeNode(CreateForeignServerStmt);

	stmt->servername = pstrdup(node_name);
	stmt->fdwname = TS_FDW_NAME;
	stmt->if_not_exists = false;
	stmt->options = list_make3(makeDefElem("host", (Node *) makeString(pstrdup(host)), -1),
							   makeDefElem("port", (Node *) makeString(pstrdup(port)), -1),
							   makeDefElem("dbname", (Node *) makeString(pstrdup(dbname)), -1));
	CreateForeignServer(stmt);
	CommandCounterIncrement();
}

static Datum
node_row(FunctionCallInfo fcinfo, TsDataNode *node, int nextra, const bool *extra)
{
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {false};
	NameData	name;
	NameData	db;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	namestrcpy(&name, node->name);
	namestrcpy(&db, node->dbname ? node->dbname : "");
	values[0] = NameGetDatum(&name);
	values[1] = CStringGetTextDatum(node->host ? node->host : "");
	values[2] = Int32GetDatum(node->port);
	values[3] = NameGetDatum(&db);
	for (int i = 0; i < nextra; i++)
		values[4 + i] = BoolGetDatum(extra[i]);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/*
 * add_data_node(node_name, host, database, port, if_not_exists, bootstrap,
 * password) returns (node_name, host, port, database, node_created,
 * database_created, extension_created).
 */
Datum
add_data_node(PG_FUNCTION_ARGS)
{
	char	   *node_name = arg_name(fcinfo, 0);
	char	   *host = arg_text(fcinfo, 1);
	char	   *dbname = arg_name(fcinfo, 2);
	int			port = PG_ARGISNULL(3) ? PostPortNumber : PG_GETARG_INT32(3);
	bool		if_not_exists = PG_ARGISNULL(4) ? false : PG_GETARG_BOOL(4);
	bool		bootstrap = PG_ARGISNULL(5) ? true : PG_GETARG_BOOL(5);
	char	   *password = arg_text(fcinfo, 6);
	char		portstr[16];
	bool		created[3] = {false, false, false};
	TsDataNode *existing;
	TsConnection *volatile conn = NULL;

	/* Validate everything before touching anything. */
	check_node_name_arg(node_name);
	ts_data_node_check_host(host);
	ts_data_node_check_port(port);
	check_database_name(dbname);
	if (dbname == NULL)
		dbname = get_database_name(MyDatabaseId);
	PreventInTransactionBlock(true, "add_data_node()");
	ts_data_node_check_superuser("add data nodes");
	ts_data_node_check_access_node();

	existing = ts_data_node_get(node_name, true);
	if (existing != NULL && if_not_exists)
	{
		ereport(NOTICE,
				(errmsg("data node \"%s\" already exists, skipping", node_name)));
		PG_RETURN_DATUM(node_row(fcinfo, existing, 3, created));
	}
	if (GetForeignServerByName(node_name, true) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("server \"%s\" already exists", node_name),
				 existing ? errhint("Use if_not_exists => true to skip an existing data node.") : 0));

	snprintf(portstr, sizeof(portstr), "%d", port);
	if (bootstrap)
	{
		TsConnection *boot = connect_maintenance(node_name, host, portstr, password);

		PG_TRY();
		{
			created[1] = ts_data_node_ensure_database(boot, node_name, dbname);
		}
		PG_FINALLY();
		{
			ts_conn_close(boot);
		}
		PG_END_TRY();
	}

	PG_TRY();
	{
		conn = connect_database(node_name, host, portstr, dbname, password);
		exec_or_error(conn, "START TRANSACTION");
		created[2] = ts_data_node_join(conn, node_name, bootstrap);
		create_foreign_server(node_name, host, portstr, dbname);
		ts_data_node_remember_uuid(conn, node_name);
		exec_or_error(conn, "COMMIT TRANSACTION");
		ts_conn_close(conn);
		conn = NULL;
	}
	PG_CATCH();
	{
		/* Closing the connection rolls the node's transaction back. */
		ts_conn_close(conn);
		if (created[1])
			drop_created_database(node_name, host, portstr, dbname, password);
		PG_RE_THROW();
	}
	PG_END_TRY();

	created[0] = true;
	PG_RETURN_DATUM(node_row(fcinfo, ts_data_node_get(node_name, false), 3, created));
}

/*
 * Before a data node's server is dropped: remove the node's membership
 * record inside the distributed transaction, so it goes (or stays) with the
 * server.  A node that cannot be reached keeps its record, with a WARNING:
 * deleting a dead node must work.
 */
void
ts_data_node_leave(TsDataNode *node)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		TsConnection *conn = ts_remote_txn_connection(node->serverid, GetUserId(), true);
		const char *values[1] = {ts_metadata_uuid()};
		TsRemoteError err;
		PGresult   *res = ts_conn_exec(conn, "SELECT timeshard_internal.unset_dist_id($1::uuid)",
									   1, values, TS_NO_DEADLINE, &err);

		if (res == NULL)
			ts_remote_error_report(&err, ERROR);
		PQclear(res);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		ereport(WARNING,
				(errmsg("could not remove the membership record on data node \"%s\"", node->name),
				 errdetail("%s", edata->message),
				 errhint("Before adding that database to another access node, run "
						 "SELECT timeshard_internal.unset_dist_id(NULL) in it.")));
	}
	PG_END_TRY();
}

/*
 * After a data node's server was dropped: forget its connections, end its
 * open jobs; when it was the last node, this database is no longer an access
 * node.
 */
void
ts_data_node_removed(TsDataNode *node)
{
	ts_conn_cache_forget_server(node->serverid);
	ts_job_node_removed(node->name);
	if (ts_data_node_list() == NIL)
	{
		ts_metadata_delete(TS_METADATA_ROLE);
		ts_metadata_delete(TS_METADATA_DIST_UUID);
	}
}

/*
 * delete_data_node(node_name, if_exists, force, repartition, drop_database)
 * returns whether a node was deleted.
 */
Datum
delete_data_node(PG_FUNCTION_ARGS)
{
	char	   *node_name = arg_name(fcinfo, 0);
	bool		if_exists = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	bool		force = PG_ARGISNULL(2) ? false : PG_GETARG_BOOL(2);
	bool		repartition = PG_ARGISNULL(3) ? true : PG_GETARG_BOOL(3);
	bool		drop_database = PG_ARGISNULL(4) ? false : PG_GETARG_BOOL(4);
	TsDataNode *node;
	ObjectAddress address;

	check_node_name_arg(node_name);
	node = ts_data_node_get(node_name, true);
	if (node == NULL)
	{
		if (if_exists)
		{
			ereport(NOTICE,
					(errmsg("data node \"%s\" does not exist, skipping", node_name)));
			PG_RETURN_BOOL(false);
		}
		(void) ts_data_node_get(node_name, false);
	}
	check_owner(node);
	if (drop_database)
		PreventInTransactionBlock(true, "delete_data_node() with drop_database");
	if (drop_database && node->dbname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("could not drop the database on data node \"%s\"", node_name),
				 errdetail("The data node configuration lacks the \"dbname\" option.")));

	/* Off every hypertable first: never the last copy of a chunk. */
	ts_membership_detach_all(node, force, repartition);

	if (drop_database)
	{
		/* Connect before the server goes; drop the database after it. */
		TsConnection *conn = NULL;

		for (int i = 0; conn == NULL && i < lengthof(maintenance_databases); i++)
		{
			PG_TRY();
			{
				conn = connect_node(node, maintenance_databases[i]);
			}
			PG_CATCH();
			{
				if (i == lengthof(maintenance_databases) - 1)
					PG_RE_THROW();
				FlushErrorState();
			}
			PG_END_TRY();
		}
		ObjectAddressSet(address, ForeignServerRelationId, node->serverid);
		performDeletion(&address, DROP_CASCADE, 0);
		CommandCounterIncrement();
		ts_conn_cache_forget_server(node->serverid);
		PG_TRY();
		{
			exec_or_error(conn, psprintf("DROP DATABASE %s WITH (FORCE)",
										 quote_identifier(node->dbname)));
		}
		PG_FINALLY();
		{
			ts_conn_close(conn);
		}
		PG_END_TRY();
	}
	else
	{
		ts_data_node_leave(node);
		ObjectAddressSet(address, ForeignServerRelationId, node->serverid);
		performDeletion(&address, DROP_CASCADE, 0);
		CommandCounterIncrement();
	}
	ts_data_node_removed(node);
	PG_RETURN_BOOL(true);
}

/*
 * Connect to host:port/dbname and check that it is a data node of this
 * distributed database (for a data node that moves).
 */
static void
check_same_member(TsDataNode *node)
{
	TsConnection *conn;
	TsRemoteError err;
	PGresult   *res;
	char	   *own = ts_metadata_uuid();
	bool		member;

	conn = connect_node(node, NULL);
	res = ts_conn_exec(conn, "SELECT pg_catalog.to_regproc('timeshard_internal.node_info') IS NOT NULL",
					   0, NULL, TS_NO_DEADLINE, &err);
	if (res != NULL && strcmp(PQgetvalue(res, 0, 0), "t") == 0)
	{
		PQclear(res);
		res = ts_conn_exec(conn, "SELECT dist_uuid FROM timeshard_internal.node_info()",
						   0, NULL, TS_NO_DEADLINE, &err);
	}
	else if (res != NULL)
	{
		PQclear(res);
		res = ts_conn_exec(conn, "SELECT NULL", 0, NULL, TS_NO_DEADLINE, &err);
	}
	if (res == NULL)
	{
		ts_conn_close(conn);
		ts_remote_error_report(&err, ERROR);
	}
	member = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) &&
		strcmp(PQgetvalue(res, 0, 0), own) == 0;
	PQclear(res);
	ts_conn_close(conn);
	if (!member)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot move data node \"%s\"", node->name),
				 errdetail("Database \"%s\" on host \"%s\" is not a data node of this distributed database.",
						   node->dbname, node->host),
				 errhint("Point the data node at the database that holds its data, or add a new data node.")));
}

/* Check a data node's new options as ALTER SERVER or alter_data_node sets them. */
void
ts_data_node_check_alter(TsDataNode *before, TsDataNode *after)
{
	ts_data_node_check_host(after->host);
	ts_data_node_check_port(after->port);
	if (after->dbname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a database needs to be specified"),
				 errhint("A data node's server must keep its \"dbname\" option.")));
	check_database_name(after->dbname);
	if (strcmp(before->host, after->host) != 0 || before->port != after->port ||
		strcmp(before->dbname, after->dbname) != 0)
		check_same_member(after);
}

static DefElem *
server_option(TsDataNode *node, const char *name, const char *value, bool present)
{
	return makeDefElemExtended(NULL, pstrdup(name), (Node *) makeString(pstrdup(value)),
							   present ? DEFELEM_SET : DEFELEM_ADD, -1);
}

/*
 * alter_data_node(node_name, host, database, port, available) returns the
 * node's (new) configuration.  NULL arguments keep their value.
 */
Datum
alter_data_node(PG_FUNCTION_ARGS)
{
	char	   *node_name = arg_name(fcinfo, 0);
	char	   *host = arg_text(fcinfo, 1);
	char	   *dbname = arg_name(fcinfo, 2);
	bool		available;
	TsDataNode *node;
	TsDataNode	after;
	List	   *options = NIL;

	check_node_name_arg(node_name);
	node = ts_data_node_get(node_name, false);
	if (!PG_ARGISNULL(1))
		ts_data_node_check_host(host);
	if (!PG_ARGISNULL(3))
		ts_data_node_check_port(PG_GETARG_INT32(3));
	check_database_name(dbname);
	check_owner(node);

	after = *node;
	if (host != NULL)
		after.host = host;
	if (dbname != NULL)
		after.dbname = dbname;
	if (!PG_ARGISNULL(3))
		after.port = PG_GETARG_INT32(3);
	available = PG_ARGISNULL(4) ? node->available : PG_GETARG_BOOL(4);
	after.available = available;

	if (PG_ARGISNULL(1) && PG_ARGISNULL(2) && PG_ARGISNULL(3) && PG_ARGISNULL(4))
		PG_RETURN_DATUM(node_row(fcinfo, node, 1, &node->available));

	ts_data_node_check_alter(node, &after);

	if (host != NULL)
		options = lappend(options, server_option(node, "host", host, true));
	if (!PG_ARGISNULL(3))
		options = lappend(options, server_option(node, "port", psprintf("%d", after.port), true));
	if (dbname != NULL)
		options = lappend(options, server_option(node, "dbname", dbname, true));
	if (options != NIL)
	{
		AlterForeignServerStmt *stmt = makeNode(AlterForeignServerStmt);

		stmt->servername = node->name;
		stmt->options = options;
		stmt->has_version = false;
		AlterForeignServer(stmt);
		CommandCounterIncrement();
	}
	/* Jobs still open for the node: the worker may deliver them first. */
	if (!PG_ARGISNULL(4) && available != node->available &&
		!(available && ts_job_hand_to_worker(node)))
	{
		/* Back in service: what it holds beyond its replicas goes first. */
		if (available)
			(void) ts_replicate_drop_orphans(node);
		ts_data_node_set_available(node, available, "alter_data_node()");
		ts_failover_forget(node->name);
	}
	node = ts_data_node_get(node_name, false);
	PG_RETURN_DATUM(node_row(fcinfo, node, 1, &node->available));
}
