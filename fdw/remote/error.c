/*-------------------------------------------------------------------------
 * error.c — turn a data node's error into a PostgreSQL error report.
 *
 * A remote error keeps its SQLSTATE, detail and hint; its message gains the
 * node's name ("[dn1]: ..."), and the remote SQL goes into the context, so
 * the user sees which node failed and on what.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/elog.h"

#include "remote/error.h"

static char *
copy_or_null(const char *s)
{
	return (s != NULL && s[0] != '\0') ? pstrdup(s) : NULL;
}

/* libpq messages end with a newline; ours must not. */
static char *
chomp(const char *s)
{
	char	   *copy;
	int			len;

	if (s == NULL)
		return NULL;
	copy = pstrdup(s);
	len = strlen(copy);
	while (len > 0 && (copy[len - 1] == '\n' || copy[len - 1] == ' '))
		copy[--len] = '\0';
	return len > 0 ? copy : NULL;
}

static int
parse_sqlstate(const char *code, int fallback)
{
	if (code == NULL || strlen(code) != 5)
		return fallback;
	return MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]);
}

/*
 * Fill *err from a failed result.  A NULL result, or one without a SQLSTATE,
 * means the connection failed; the message then comes from the connection.
 */
void
ts_remote_error_from_result(TsRemoteError *err, const char *node_name,
							PGconn *conn, const PGresult *res, const char *sql)
{
	const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	memset(err, 0, sizeof(*err));
	err->node_name = node_name;
	err->sqlstate = parse_sqlstate(code, ERRCODE_CONNECTION_FAILURE);
	err->sql = sql ? pstrdup(sql) : NULL;
	if (primary != NULL)
	{
		err->message = chomp(primary);
		err->detail = copy_or_null(PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
		err->hint = copy_or_null(PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
		err->remote_context = copy_or_null(PQresultErrorField(res, PG_DIAG_CONTEXT));
	}
	else
	{
		err->message = chomp(conn ? PQerrorMessage(conn) : NULL);
		if (err->message == NULL)
			err->message = pstrdup("could not obtain message string for remote error");
	}
	err->connection_lost = (conn == NULL || PQstatus(conn) == CONNECTION_BAD);
}

/* Fill *err from the connection's last error (a failed send or connect). */
void
ts_remote_error_from_conn(TsRemoteError *err, const char *node_name,
						  PGconn *conn, const char *sql)
{
	ts_remote_error_from_result(err, node_name, conn, NULL, sql);
	err->connection_lost = true;
}

void
ts_remote_error_set(TsRemoteError *err, const char *node_name, int sqlstate,
					const char *sql, const char *fmt,...)
{
	StringInfoData buf;

	memset(err, 0, sizeof(*err));
	err->node_name = node_name;
	err->sqlstate = sqlstate;
	err->sql = sql ? pstrdup(sql) : NULL;
	initStringInfo(&buf);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&buf, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	err->message = buf.data;
}

/*
 * Report the error at the given level ("[node]: message").  With ERROR this
 * does not return.
 */
void
ts_remote_error_report(const TsRemoteError *err, int elevel)
{
	ereport(elevel,
			(errcode(err->sqlstate),
			 err->names_node ? errmsg_internal("%s", err->message)
			 : errmsg_internal("[%s]: %s", err->node_name ? err->node_name : "?", err->message),
			 err->detail ? errdetail_internal("%s", err->detail) : 0,
			 err->hint ? errhint("%s", err->hint) : 0,
			 err->remote_context ? errcontext("remote context: %s", err->remote_context) : 0,
			 err->sql ? errcontext("remote SQL command: %s", err->sql) : 0));
}
