/*-------------------------------------------------------------------------
 * cache.c — the per-backend cache of connections to data nodes.
 *
 * One connection per (data node, user), kept across transactions.  An entry
 * is invalidated when its server, its user mapping or its role changes
 * (syscache callbacks); the connection is then remade the next time it is
 * needed, but never in the middle of a remote transaction.
 *
 * The connection is made as the user mapping's "user" with its "password",
 * or as the current role when there is no mapping; libpq reads the passfile
 * (timeshard.passfile, default $PGDATA/passfile) for a missing password.
 * Like postgres_fdw, a non-superuser's connection must have used a password:
 * a trust or peer rule on the data node must not let a non-superuser act as
 * anyone without proving it.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/reloptions.h"
#include "access/xact.h"
#include "catalog/pg_user_mapping.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "postmaster/postmaster.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "pgtime.h"

#include "catalog/metadata.h"
#include "guc.h"
#include "data_node.h"
#include "remote/cache.h"
#include "remote/ssl_params.h"

static HTAB *conn_cache = NULL;

/* Settings every data-node session starts with (libpq "options"). */
static const char *const session_settings[][2] = {
	{"search_path", "pg_catalog"},
	{"datestyle", "ISO,MDY"},
	{"intervalstyle", "postgres"},
	{"extra_float_digits", "3"},
	{"synchronous_commit", "on"},
	{"statement_timeout", "0"},
	{"idle_in_transaction_session_timeout", "0"},
};

static void
invalidate_matching(uint32 hashvalue, int which)
{
	HASH_SEQ_STATUS scan;
	TsConnCacheEntry *entry;

	if (conn_cache == NULL)
		return;
	hash_seq_init(&scan, conn_cache);
	while ((entry = (TsConnCacheEntry *) hash_seq_search(&scan)) != NULL)
	{
		uint32		mine = which == FOREIGNSERVEROID ? entry->server_hashvalue
			: which == USERMAPPINGOID ? entry->mapping_hashvalue
			: entry->role_hashvalue;

		/*
		 * A new user mapping has a hash value no entry knows: entries made
		 * without a mapping take every mapping change as theirs.
		 */
		if (hashvalue == 0 || mine == hashvalue ||
			(which == USERMAPPINGOID && entry->mapping_hashvalue == 0))
			entry->invalidated = true;
	}
}

static void
syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	invalidate_matching(hashvalue, cacheid);
}

static void
init_cache(void)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(TsConnCacheKey);
	ctl.entrysize = sizeof(TsConnCacheEntry);
	ctl.hcxt = CacheMemoryContext;
	conn_cache = hash_create("timeshard connections", 8, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	CacheRegisterSyscacheCallback(FOREIGNSERVEROID, syscache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(USERMAPPINGOID, syscache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, syscache_callback, (Datum) 0);
}

/* The user mapping of the user (or PUBLIC) for the server, or NULL. */
static HeapTuple
find_user_mapping(Oid userid, Oid serverid)
{
	HeapTuple	tup;

	tup = SearchSysCache2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(userid),
						  ObjectIdGetDatum(serverid));
	if (!HeapTupleIsValid(tup))
		tup = SearchSysCache2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(InvalidOid),
							  ObjectIdGetDatum(serverid));
	return HeapTupleIsValid(tup) ? tup : NULL;
}

static List *
mapping_options(HeapTuple tup)
{
	bool		isnull;
	Datum		datum = SysCacheGetAttr(USERMAPPINGUSERSERVER, tup,
										Anum_pg_user_mapping_umoptions, &isnull);

	return isnull ? NIL : untransformRelOptions(datum);
}

/* A value for libpq's "options": spaces and backslashes escaped. */
static void
append_setting(StringInfo buf, const char *name, const char *value)
{
	appendStringInfo(buf, "%s-c %s=", buf->len > 0 ? " " : "", name);
	for (const char *p = value; *p; p++)
	{
		if (*p == ' ' || *p == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *p);
	}
}

/*
 * libpq parameters for a connection to host:port/dbname as user, with the
 * settings every timeshard session uses.  password may be NULL (then libpq
 * looks in the passfile).
 */
TsConnParams
ts_conn_params_make(const char *host, const char *port, const char *dbname,
					const char *user, const char *password)
{
	TsConnParams params = {NIL, NIL};
	StringInfoData options;
	char		own_port[16];

	if (host != NULL)
		ts_conn_params_add(&params, "host", host);
	if (port != NULL)
		ts_conn_params_add(&params, "port", port);
	if (dbname != NULL)
		ts_conn_params_add(&params, "dbname", dbname);
	ts_conn_params_add(&params, "user", user);
	if (password != NULL)
		ts_conn_params_add(&params, "password", password);
	ts_conn_params_add(&params, "passfile",
					   (ts_guc_passfile != NULL && ts_guc_passfile[0] != '\0')
					   ? ts_guc_passfile : psprintf("%s/passfile", DataDir));

	snprintf(own_port, sizeof(own_port), "%d", PostPortNumber);
	ts_conn_params_add(&params, "application_name",
					   psprintf("timeshard access node %s:%s",
								get_database_name(MyDatabaseId), own_port));
	ts_conn_params_add(&params, "client_encoding", GetDatabaseEncodingName());
	ts_conn_params_add(&params, "keepalives", "1");
	ts_conn_params_add(&params, "keepalives_idle", "10");
	ts_conn_params_add(&params, "keepalives_interval", "5");
	ts_conn_params_add(&params, "keepalives_count", "3");
	ts_conn_params_add(&params, "tcp_user_timeout", "30000");

	initStringInfo(&options);
	for (int i = 0; i < lengthof(session_settings); i++)
		append_setting(&options, session_settings[i][0], session_settings[i][1]);
	append_setting(&options, "TimeZone", pg_get_timezone_name(session_timezone));
	ts_conn_params_add(&params, "options", options.data);
	return params;
}

/*
 * The libpq parameters to reach the server as the user: the server's host,
 * port and dbname (unless given here: a node that moves, or a bootstrap
 * connection to another database of the node's server), the user mapping's
 * user and password (or the role's name).
 */
TsConnParams
ts_conn_params_for_target(Oid serverid, Oid userid, const char *host, const char *port,
						  const char *dbname)
{
	ForeignServer *server = GetForeignServer(serverid);
	HeapTuple	mapping = find_user_mapping(userid, serverid);
	const char *user = NULL;
	const char *password = NULL;
	TsConnParams params;
	ListCell   *lc;

	foreach(lc, server->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "host") == 0 && host == NULL)
			host = defGetString(def);
		else if (strcmp(def->defname, "port") == 0 && port == NULL)
			port = defGetString(def);
		else if (strcmp(def->defname, "dbname") == 0 && dbname == NULL)
			dbname = defGetString(def);
	}
	if (mapping != NULL)
	{
		foreach(lc, mapping_options(mapping))
		{
			DefElem    *def = (DefElem *) lfirst(lc);

			if (strcmp(def->defname, "user") == 0)
				user = defGetString(def);
			else if (strcmp(def->defname, "password") == 0)
				password = defGetString(def);
		}
		ReleaseSysCache(mapping);
	}
	if (user == NULL)
		user = GetUserNameFromId(userid, false);
	params = ts_conn_params_make(host, port, dbname, user, password);
	/* Certificates: a non-superuser only ever offers its own. */
	ts_ssl_add_params(&params, user,
					  superuser_arg(userid) || strcmp(user, GetUserNameFromId(userid, false)) == 0);
	return params;
}

TsConnParams
ts_conn_params_for(Oid serverid, Oid userid)
{
	return ts_conn_params_for_target(serverid, userid, NULL, NULL, NULL);
}

/* Does the user mapping (if any) require a password?  Default: yes. */
bool
ts_conn_password_required(Oid serverid, Oid userid)
{
	HeapTuple	mapping = find_user_mapping(userid, serverid);
	bool		required = true;
	ListCell   *lc;

	if (mapping == NULL)
		return true;
	foreach(lc, mapping_options(mapping))
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "password_required") == 0)
			required = defGetBoolean(def);
	}
	ReleaseSysCache(mapping);
	return required;
}

/*
 * Open a connection on behalf of userid and apply the rule that a
 * non-superuser must have authenticated with a password.  Returns NULL and
 * fills *err on failure.
 */
TsConnection *
ts_conn_open_checked(const char *node_name, TsConnParams *params, Oid userid,
					 bool require_password, TsRemoteError *err)
{
	/* A node that does not answer within node_timeout is down for us. */
	int			timeout = ts_guc_connect_timeout <= 0 ? ts_guc_node_timeout
		: Min(ts_guc_connect_timeout, ts_guc_node_timeout);
	TsConnection *conn;

	/*
	 * A non-superuser brings its own credentials: connecting as another
	 * remote user needs that user's password in the mapping (never the
	 * passfile's, which belongs to the server, nor a certificate); as itself,
	 * its password may come from the passfile, and the rule below checks
	 * one was used.
	 */
	if (require_password && !superuser_arg(userid) &&
		ts_conn_params_get(params, "password") == NULL &&
		ts_conn_params_get(params, "sslcert") == NULL &&
		strcmp(ts_conn_params_get(params, "user"), GetUserNameFromId(userid, false)) != 0)
	{
		ts_remote_error_set(err, node_name, ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED,
							NULL, "password is required");
		err->detail = pstrdup("Non-superusers must provide a password in the user mapping.");
		err->hint = psprintf("Add one with ALTER USER MAPPING FOR %s SERVER %s OPTIONS (ADD password '...'), "
							 "use a client certificate of the role, or have a superuser set "
							 "password_required=false in the user mapping attributes.",
							 quote_identifier(GetUserNameFromId(userid, false)),
							 quote_identifier(node_name));
		return NULL;
	}
	conn = ts_conn_open(node_name, params, ts_deadline_after_ms(timeout), err);
	if (conn == NULL)
	{
		const char *user = ts_conn_params_get(params, "user");

		/* Say which certificate was looked for, if one would have been used. */
		if (ts_ssl_enabled() && user != NULL && ts_conn_params_get(params, "sslcert") == NULL)
		{
			if (strcmp(user, GetUserNameFromId(userid, false)) != 0 && !superuser_arg(userid))
				err->hint = psprintf("No client certificate is offered for user \"%s\": a role "
									 "uses only its own.", user);
			else
				err->hint = psprintf("No client certificate for user \"%s\" was found: \"%s\" "
									 "is missing.", user, ts_ssl_missing_file(user));
		}
		return NULL;
	}
	/*
	 * A non-superuser authenticates by itself: with a password, or with its
	 * own certificate (ts_ssl_add_params offers no other).
	 */
	if (require_password && !superuser_arg(userid) && !PQconnectionUsedPassword(conn->pg) &&
		!(PQsslInUse(conn->pg) && ts_conn_params_get(params, "sslcert") != NULL))
	{
		ts_conn_close(conn);
		ts_remote_error_set(err, node_name, ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED,
							NULL, "password is required");
		err->detail = pstrdup("Non-superuser cannot connect if the server does not request a password.");
		err->hint = pstrdup("Target server's authentication method must be changed or "
							"password_required=false set in the user mapping attributes.");
		return NULL;
	}
	/*
	 * libpq sends PGTZ and PGDATESTYLE from our environment as startup
	 * parameters, which override "options": set these two again.
	 */
	{
		const char *tz = pg_get_timezone_name(session_timezone);

		if (!ts_conn_exec_ok(conn, psprintf("SET DateStyle = 'ISO, MDY'; SET TimeZone = %s",
											quote_literal_cstr(tz)),
							 ts_deadline_after_ms(ts_guc_connect_timeout), err))
		{
			ts_conn_close(conn);
			return NULL;
		}
		conn->timezone_sent = MemoryContextStrdup(TopMemoryContext, tz);
	}
	return conn;
}

/*
 * Tell the data node that this session comes from its access node: it then
 * accepts DDL on its member hypertables from it.  A node that is not (yet) a
 * member of this distributed database (bootstrap) just says no.
 */
static void
announce_access_node(TsConnCacheEntry *entry)
{
	char	   *dist = ts_metadata_get(TS_METADATA_DIST_UUID);
	TsRemoteError err;
	const char *values[1];
	PGresult   *res;

	if (dist == NULL)
		return;
	values[0] = dist;
	res = ts_conn_exec(entry->conn,
					   "SELECT pg_catalog.to_regproc('timeshard_internal.set_peer_dist_id') IS NOT NULL",
					   0, NULL, ts_deadline_after_ms(ts_guc_connect_timeout), &err);
	if (res != NULL && strcmp(PQgetvalue(res, 0, 0), "t") == 0)
	{
		PQclear(res);
		res = ts_conn_exec(entry->conn, "SELECT timeshard_internal.set_peer_dist_id($1::uuid)",
						   1, values, ts_deadline_after_ms(ts_guc_connect_timeout), &err);
	}
	if (res == NULL)
	{
		ts_conn_cache_disconnect(entry);
		ts_remote_error_report(&err, ERROR);
	}
	PQclear(res);
}

/*
 * The cache entry for (server, user), connected.  Throws when the node cannot
 * be reached.
 */
TsConnCacheEntry *
ts_conn_cache_get(Oid serverid, Oid userid)
{
	return ts_conn_cache_get_ext(serverid, userid, NULL);
}

/*
 * The same, but when the node cannot be reached and err is not NULL, the
 * entry comes back unconnected with *err filled instead of an error.
 */
TsConnCacheEntry *
ts_conn_cache_get_ext(Oid serverid, Oid userid, TsRemoteError *soft_err)
{
	TsConnCacheKey key;
	TsConnCacheEntry *entry;
	bool		found;

	if (conn_cache == NULL)
		init_cache();

	key.serverid = serverid;
	key.userid = userid;
	entry = hash_search(conn_cache, &key, HASH_ENTER, &found);
	if (!found)
	{
		entry->conn = NULL;
		entry->node_name = NULL;
		entry->xact_depth = 0;
		entry->wrote = false;
		entry->changing_xact_state = false;
		entry->prepared_gid = NULL;
		entry->invalidated = false;
	}

	/* Remake a connection that went stale, unless a transaction uses it. */
	if (entry->conn != NULL && entry->xact_depth == 0 &&
		(entry->invalidated || !ts_conn_is_ok(entry->conn)))
		ts_conn_cache_disconnect(entry);

	if (entry->conn == NULL)
	{
		ForeignServer *server = GetForeignServer(serverid);
		TsConnParams params = ts_conn_params_for(serverid, userid);
		TsRemoteError err;
		HeapTuple	mapping;

		if (entry->node_name)
			pfree(entry->node_name);
		entry->node_name = MemoryContextStrdup(CacheMemoryContext, server->servername);
		entry->conn = ts_conn_open_checked(server->servername, &params, userid,
										   ts_conn_password_required(serverid, userid), &err);
		if (entry->conn == NULL)
		{
			if (err.connection_lost)
				ts_data_node_note_failure(server->servername);
			if (soft_err != NULL && err.connection_lost)
			{
				*soft_err = err;
				return entry;
			}
			ts_remote_error_report(&err, ERROR);
		}
		announce_access_node(entry);

		entry->xact_depth = 0;
		entry->wrote = false;
		entry->changing_xact_state = false;
		entry->invalidated = false;
		entry->server_hashvalue = GetSysCacheHashValue1(FOREIGNSERVEROID,
														ObjectIdGetDatum(serverid));
		entry->role_hashvalue = GetSysCacheHashValue1(AUTHOID, ObjectIdGetDatum(userid));
		mapping = find_user_mapping(userid, serverid);
		if (mapping != NULL)
		{
			entry->mapping_hashvalue =
				GetSysCacheHashValue1(USERMAPPINGOID,
									  ObjectIdGetDatum(((Form_pg_user_mapping) GETSTRUCT(mapping))->oid));
			ReleaseSysCache(mapping);
		}
		else
			entry->mapping_hashvalue = 0;
	}
	return entry;
}

void
ts_conn_cache_disconnect(TsConnCacheEntry *entry)
{
	if (entry->conn != NULL)
	{
		ts_conn_close(entry->conn);
		entry->conn = NULL;
	}
	entry->xact_depth = 0;
	entry->wrote = false;
	entry->changing_xact_state = false;
}

/* Close every connection to a server that is going away. */
void
ts_conn_cache_forget_server(Oid serverid)
{
	HASH_SEQ_STATUS scan;
	TsConnCacheEntry *entry;

	if (conn_cache == NULL)
		return;
	hash_seq_init(&scan, conn_cache);
	while ((entry = (TsConnCacheEntry *) hash_seq_search(&scan)) != NULL)
	{
		if (entry->key.serverid == serverid && entry->xact_depth == 0)
			ts_conn_cache_disconnect(entry);
		else if (entry->key.serverid == serverid)
			entry->invalidated = true;
	}
}

/* Every cache entry (for the transaction callbacks and inspection). */
List *
ts_conn_cache_entries(void)
{
	HASH_SEQ_STATUS scan;
	TsConnCacheEntry *entry;
	List	   *result = NIL;

	if (conn_cache == NULL)
		return NIL;
	hash_seq_init(&scan, conn_cache);
	while ((entry = (TsConnCacheEntry *) hash_seq_search(&scan)) != NULL)
		result = lappend(result, entry);
	return result;
}
