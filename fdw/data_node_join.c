/*-------------------------------------------------------------------------
 * data_node_join.c — make a PostgreSQL database a data node of this access
 * node: bootstrap it (database, extension) and record its membership.
 *
 * Used by add_data_node() and by a plain CREATE SERVER ... FOREIGN DATA
 * WRAPPER timeshard_fdw.  Every check happens before anything changes on the
 * node, and what changes there is done in a remote transaction that the
 * caller commits (or rolls back) with its own work.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/makefuncs.h"

#include "foreign/foreign.h"

#include "commands/defrem.h"

#include "catalog/namespace.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "catalog/metadata.h"
#include "data_node.h"
#include "data_node_join.h"
#include "remote/connection.h"
#include "timeshard.h"

/* Run a query on the node and return its first row's columns (or NULL). */
static char **
remote_row(TsConnection *conn, const char *sql, int nparams, const char *const *values)
{
	TsRemoteError err;
	PGresult   *res = ts_conn_exec(conn, sql, nparams, values, TS_NO_DEADLINE, &err);
	char	  **row = NULL;

	if (res == NULL)
		ts_remote_error_report(&err, ERROR);
	if (PQntuples(res) > 0)
	{
		int			ncols = PQnfields(res);

		row = palloc0(sizeof(char *) * ncols);
		for (int i = 0; i < ncols; i++)
			row[i] = PQgetisnull(res, 0, i) ? NULL : pstrdup(PQgetvalue(res, 0, i));
	}
	PQclear(res);
	return row;
}

static void
remote_command(TsConnection *conn, const char *sql)
{
	TsRemoteError err;

	if (!ts_conn_exec_ok(conn, sql, TS_NO_DEADLINE, &err))
		ts_remote_error_report(&err, ERROR);
}

/* The installed version of timeshard in this database, and its schema. */
void
ts_extension_info(char **version, char **schema)
{
	bool		found = false;

	SPI_connect();
	if (SPI_execute("SELECT e.extversion, n.nspname FROM pg_catalog.pg_extension e "
					"JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
					"WHERE e.extname = 'timeshard'", true, 1) == SPI_OK_SELECT &&
		SPI_processed > 0)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		char	   *s = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);

		*version = SPI_palloc(strlen(v) + 1);
		strcpy(*version, v);
		if (schema != NULL)
		{
			*schema = SPI_palloc(strlen(s) + 1);
			strcpy(*schema, s);
		}
		found = true;
	}
	SPI_finish();
	if (!found)
		elog(ERROR, "timeshard extension is not installed");
}

/*
 * Can a data node run `remote` when the access node runs `local`?  Same
 * major and a minor at least as new, or a newer major.
 */
static bool
version_compatible(const char *local, const char *remote)
{
	int			lmaj = 0,
				lmin = 0,
				rmaj = 0,
				rmin = 0;

	if (sscanf(local, "%d.%d", &lmaj, &lmin) < 2 ||
		sscanf(remote, "%d.%d", &rmaj, &rmin) < 2)
		return strcmp(local, remote) == 0;
	return rmaj > lmaj || (rmaj == lmaj && rmin >= lmin);
}

static void
incompatible_version(const char *local, const char *remote)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("remote PostgreSQL instance has an incompatible timeshard extension version"),
			 errdetail("Access node version: %s, available remote versions: %s.", local, remote),
			 errhint("Install timeshard %s or a compatible newer version on the data node.", local)));
}

/*
 * Install the extension on the node unless it is there; check the version
 * either way.  Returns true when this call created it.
 */
static bool
ensure_extension(TsConnection *conn, const char *node_name, bool create)
{
	char	   *local;
	char	   *schema;
	char	  **row = remote_row(conn, "SELECT extversion FROM pg_catalog.pg_extension "
								 "WHERE extname = 'timeshard'", 0, NULL);
	TsRemoteError err;
	PGresult   *res;
	char	   *chosen = NULL;
	StringInfoData available;

	ts_extension_info(&local, &schema);
	if (row != NULL)
	{
		if (create)
			ereport(NOTICE,
					(errmsg("extension \"timeshard\" already exists on data node, skipping")));
		if (!version_compatible(local, row[0]))
			incompatible_version(local, row[0]);
		return false;
	}
	if (!create)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("database does not have timeshard extension loaded"),
				 errdetail("Data node \"%s\" has no timeshard extension in its database.", node_name),
				 errhint("Run CREATE EXTENSION timeshard on the data node, or let add_data_node() bootstrap it.")));

	res = ts_conn_exec(conn, "SELECT version FROM pg_catalog.pg_available_extension_versions "
					   "WHERE name = 'timeshard' ORDER BY version", 0, NULL, TS_NO_DEADLINE, &err);
	if (res == NULL)
		ts_remote_error_report(&err, ERROR);
	initStringInfo(&available);
	for (int i = 0; i < PQntuples(res); i++)
	{
		const char *v = PQgetvalue(res, i, 0);

		appendStringInfo(&available, "%s%s", i > 0 ? ", " : "", v);
		if (strcmp(v, local) == 0)
			chosen = pstrdup(v);
		else if (chosen == NULL && version_compatible(local, v))
			chosen = pstrdup(v);
	}
	PQclear(res);
	if (available.len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("timeshard extension not available on remote PostgreSQL instance"),
				 errdetail("Data node \"%s\" has no timeshard extension files.", node_name),
				 errhint("Install timeshard on the data node's server and add it to shared_preload_libraries.")));
	if (chosen == NULL)
		incompatible_version(local, available.data);

	{
		const char *params[1] = {schema};

		if (remote_row(conn, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
					   1, params) == NULL)
			remote_command(conn, psprintf("CREATE SCHEMA %s", quote_identifier(schema)));
	}
	remote_command(conn, psprintf("CREATE EXTENSION timeshard WITH SCHEMA %s VERSION %s",
								  quote_identifier(schema), quote_literal_cstr(chosen)));
	return true;
}

/*
 * Check what the node says about itself and record its membership.  Raises
 * the errors of TimescaleDB's validate_as_data_node.
 */
static void
check_and_join(TsConnection *conn, const char *node_name)
{
	char	   *own_uuid = ts_metadata_uuid();
	const char *params[1];
	char	  **info = remote_row(conn, "SELECT uuid, dist_uuid, role, max_prepared_transactions, "
								  "max_connections FROM timeshard_internal.node_info()", 0, NULL);
	int			max_prepared;
	int			max_connections;

	if (info == NULL)
		elog(ERROR, "data node \"%s\" returned no node information", node_name);
	max_prepared = atoi(info[3]);
	max_connections = atoi(info[4]);

	if (info[0] != NULL && strcmp(info[0], own_uuid) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add the current database as a data node to itself"),
				 errdetail("Adding the current database as a data node to itself would create a cycle."),
				 errhint("Check that the port and database of data node \"%s\" refer to a different "
						 "PostgreSQL instance or a different database.", node_name)));
	if (info[2] != NULL && strcmp(info[2], "access_node") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot add \"%s\" as a data node", node_name),
				 errdetail("node is already an access node"),
				 errhint("An access node cannot be the data node of another access node.")));
	/* The same database under another name of ours: each chunk would be counted twice. */
	if (info[0] != NULL)
	{
		ListCell   *lc;

		foreach(lc, ts_data_node_list())
		{
			TsDataNode *other = (TsDataNode *) lfirst(lc);
			ForeignServer *server = GetForeignServer(other->serverid);
			ListCell   *lc2;

			if (strcmp(other->name, node_name) == 0)
				continue;
			foreach(lc2, server->options)
			{
				DefElem    *def = (DefElem *) lfirst(lc2);

				if (strcmp(def->defname, "node_uuid") == 0 && strcmp(defGetString(def), info[0]) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_DUPLICATE_OBJECT),
							 errmsg("cannot add \"%s\" as a data node", node_name),
							 errdetail("Its database is already data node \"%s\".", other->name),
							 errhint("Use data node \"%s\", or rename it with ALTER SERVER.",
									 other->name)));
			}
		}
	}
	if (info[1] != NULL && strcmp(info[1], own_uuid) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot add \"%s\" as a data node", node_name),
				 errdetail("node is already a data node of another distributed database"),
				 errhint("Delete it from its access node first, or use another database.")));
	if (max_prepared <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot add \"%s\" as a data node", node_name),
				 errdetail("prepared transactions need to be enabled"),
				 errhint("Configuration parameter max_prepared_transactions must be set >0 "
						 "(changes require restart).")));
	if (max_prepared < max_connections)
		ereport(WARNING,
				(errmsg("max_prepared_transactions is set low on data node \"%s\"", node_name),
				 errdetail("max_prepared_transactions is %d while max_connections is %d.",
						   max_prepared, max_connections),
				 errhint("Set max_prepared_transactions to at least max_connections on the data node.")));

	params[0] = own_uuid;
	(void) remote_row(conn, "SELECT timeshard_internal.set_dist_id($1::uuid)", 1, params);
}

/* This database may have data nodes unless it is one itself. */
void
ts_data_node_check_access_node(void)
{
	if (ts_metadata_role() == TS_ROLE_DATA_NODE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("unable to assign data nodes from an existing distributed database"),
				 errdetail("This database is a data node of another access node."),
				 errhint("Add data nodes from the access node, or use a database that is not a data node.")));
}

/* Record the node's installation uuid on its server (duplicate check). */
void
ts_data_node_remember_uuid(TsConnection *conn, const char *node_name)
{
	char	  **info = remote_row(conn, "SELECT uuid FROM timeshard_internal.node_info()", 0, NULL);
	ForeignServer *server = GetForeignServerByName(node_name, true);
	AlterForeignServerStmt *stmt;
	bool		present = false;
	ListCell   *lc;

	if (info == NULL || info[0] == NULL || server == NULL)
		return;
	foreach(lc, server->options)
		present |= strcmp(((DefElem *) lfirst(lc))->defname, "node_uuid") == 0;
	stmt = makeNode(AlterForeignServerStmt);
	stmt->servername = pstrdup(node_name);
	stmt->options = list_make1(makeDefElemExtended(NULL, pstrdup("node_uuid"),
												   (Node *) makeString(pstrdup(info[0])),
												   present ? DEFELEM_SET : DEFELEM_ADD, -1));
	stmt->has_version = false;
	AlterForeignServer(stmt);
	CommandCounterIncrement();
}

/*
 * Validate the node behind conn (which must be inside a remote transaction
 * on the node's database) and make it a member of this distributed
 * database; with create_extension, install timeshard there first when
 * missing.  Returns whether the extension was created.  Afterwards this
 * database is an access node.
 */
bool
ts_data_node_join(TsConnection *conn, const char *node_name, bool create_extension)
{
	bool		created;

	ts_data_node_check_access_node();
	created = ensure_extension(conn, node_name, create_extension);
	check_and_join(conn, node_name);

	ts_metadata_set(TS_METADATA_ROLE, "access_node");
	ts_metadata_set(TS_METADATA_DIST_UUID, ts_metadata_uuid());
	return created;
}

/* Encoding, collation and ctype of this database, for the node's. */
void
ts_database_locale(char **encoding, char **collate, char **ctype)
{
	SPI_connect();
	if (SPI_execute(psprintf("SELECT pg_catalog.pg_encoding_to_char(encoding), datcollate, datctype "
							 "FROM pg_catalog.pg_database WHERE oid = %u", MyDatabaseId),
					true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read the locale of the current database");
	*encoding = SPI_palloc(NAMEDATALEN);
	*collate = SPI_palloc(NAMEDATALEN * 4);
	*ctype = SPI_palloc(NAMEDATALEN * 4);
	strlcpy(*encoding, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), NAMEDATALEN);
	strlcpy(*collate, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2), NAMEDATALEN * 4);
	strlcpy(*ctype, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3), NAMEDATALEN * 4);
	SPI_finish();
}

/*
 * On a bootstrap connection (to a maintenance database of the node's
 * server): create the node's database like this one, or check that the
 * existing one matches.  Returns true when this call created it.
 */
bool
ts_data_node_ensure_database(TsConnection *conn, const char *node_name, const char *dbname)
{
	char	   *encoding;
	char	   *collate;
	char	   *ctype;
	const char *params[1] = {dbname};
	char	  **row;

	ts_database_locale(&encoding, &collate, &ctype);
	row = remote_row(conn, "SELECT pg_catalog.pg_encoding_to_char(encoding), datcollate, datctype "
					 "FROM pg_catalog.pg_database WHERE datname = $1", 1, params);
	if (row == NULL)
	{
		remote_command(conn, psprintf("CREATE DATABASE %s ENCODING %s LC_COLLATE %s LC_CTYPE %s "
									  "TEMPLATE template0",
									  quote_identifier(dbname), quote_literal_cstr(encoding),
									  quote_literal_cstr(collate), quote_literal_cstr(ctype)));
		return true;
	}
	if (strcmp(row[0], encoding) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("database exists but has wrong encoding"),
				 errdetail("Database \"%s\" on data node \"%s\" has encoding %s; the access node's is %s.",
						   dbname, node_name, row[0], encoding)));
	if (strcmp(row[1], collate) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("database exists but has wrong collation"),
				 errdetail("Database \"%s\" on data node \"%s\" has collation %s; the access node's is %s.",
						   dbname, node_name, row[1], collate)));
	if (strcmp(row[2], ctype) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("database exists but has wrong LC_CTYPE"),
				 errdetail("Database \"%s\" on data node \"%s\" has LC_CTYPE %s; the access node's is %s.",
						   dbname, node_name, row[2], ctype)));
	ereport(NOTICE,
			(errmsg("database \"%s\" already exists on data node, skipping", dbname)));
	return false;
}
