/*-------------------------------------------------------------------------
 * connection.c — one libpq connection to a data node: connect, send, wait
 * for results, close.
 *
 * Connections are non-blocking.  Every wait is WaitLatchOrSocket on the
 * process latch, so interrupts are served while we wait, and every wait has an
 * optional deadline.  A remote failure never throws here: it fills the
 * caller's TsRemoteError.  An interrupt (cancel, statement_timeout,
 * termination) does throw; the connection is then left "busy" and the owner
 * (the connection cache) closes it when the transaction aborts.
 *
 * Cancelling a running remote command with PQcancel is deliberately not done:
 * in PostgreSQL 15 PQcancel waits without a time limit for the node's
 * postmaster, so a frozen node would hang the backend.  A busy connection is
 * closed instead; the node aborts the transaction when it notices.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "pgstat.h"
#include "storage/fd.h"
#include "storage/latch.h"
#include "utils/elog.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "data_node.h"
#include "guc.h"
#include "remote/connection.h"

TimestampTz
ts_deadline_after_ms(int ms)
{
	if (ms <= 0)
		return TS_NO_DEADLINE;
	return TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);
}

void
ts_conn_params_add(TsConnParams *params, const char *keyword, const char *value)
{
	params->keywords = lappend(params->keywords, pstrdup(keyword));
	params->values = lappend(params->values, pstrdup(value));
}

const char *
ts_conn_params_get(const TsConnParams *params, const char *keyword)
{
	ListCell   *k;
	ListCell   *v;
	const char *found = NULL;

	forboth(k, params->keywords, v, params->values)
	{
		if (strcmp((char *) lfirst(k), keyword) == 0)
			found = (char *) lfirst(v);
	}
	return found;
}

/*
 * Wait until the socket is ready for the given events, serving interrupts.
 * Returns false when the deadline passed first.
 */
static bool
wait_for_socket(PGconn *pg, int events, TimestampTz deadline)
{
	for (;;)
	{
		int			flags = WL_LATCH_SET | WL_EXIT_ON_PM_DEATH | events;
		long		timeout = -1;
		int			rc;

		if (deadline != TS_NO_DEADLINE)
		{
			TimestampTz now = GetCurrentTimestamp();

			if (now >= deadline)
				return false;
			timeout = (long) ((deadline - now + 999) / 1000);
			flags |= WL_TIMEOUT;
		}
		rc = WaitLatchOrSocket(MyLatch, flags, PQsocket(pg), timeout, PG_WAIT_EXTENSION);
		if (rc & WL_LATCH_SET)
		{
			ResetLatch(MyLatch);
			CHECK_FOR_INTERRUPTS();
		}
		if (rc & (WL_SOCKET_READABLE | WL_SOCKET_WRITEABLE))
			return true;
		if ((rc & WL_TIMEOUT) && deadline != TS_NO_DEADLINE &&
			GetCurrentTimestamp() >= deadline)
			return false;
	}
}

static bool ts_conn_wait_failed(TsConnection *conn, TsRemoteError *err);

/* Set by health.c: does the node still answer (a probe of its own)? */
TsLivenessCheck ts_conn_liveness_check = NULL;

/*
 * Wait for the socket like wait_for_socket without a deadline, but after
 * half of timeshard.node_timeout without news, check that the node is alive
 * (a new connection answers within the other half): a node that stopped
 * (frozen process, lost network) is given up within node_timeout instead
 * of being waited for forever, while a slow query goes on.  Returns false
 * when the node is dead.
 */
static bool
wait_alive(TsConnection *conn, int events)
{
	for (;;)
	{
		if (wait_for_socket(conn->pg, events, ts_deadline_after_ms(Max(ts_guc_node_timeout / 2, 1))))
			return true;
		if (ts_conn_liveness_check != NULL && !ts_conn_liveness_check(conn->node_name))
			return false;
	}
}

/*
 * Wait until the connection can be read or written (events), giving up a
 * node that does not answer (see wait_alive): then *err says so.
 */
bool
ts_conn_wait(TsConnection *conn, int events, TsRemoteError *err)
{
	if (wait_alive(conn, events))
		return true;
	conn->broken = true;
	return ts_conn_wait_failed(conn, err);
}

/* The error of a node that does not answer; false. */
static bool
ts_conn_wait_failed(TsConnection *conn, TsRemoteError *err)
{
	/* Others in this backend need not wait for this node again. */
	ts_data_node_note_failure(conn->node_name);
	ts_remote_error_set(err, conn->node_name, ERRCODE_CONNECTION_FAILURE, NULL,
						"data node \"%s\" does not answer", conn->node_name);
	err->detail = psprintf("No answer within timeshard.node_timeout (%d ms), and a new "
						   "connection to it failed too.", ts_guc_node_timeout);
	err->hint = pstrdup("Check the data node; reads use other replicas once it is marked "
						"unavailable.");
	err->connection_lost = true;
	err->names_node = true;
	return false;
}

/* Remote NOTICE and WARNING messages reach the client, named after the node. */
static void
forward_notice(void *arg, const PGresult *res)
{
	TsConnection *conn = (TsConnection *) arg;
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	int			elevel = DEBUG1;

	if (severity == NULL || message == NULL)
		return;
	if (strcmp(severity, "WARNING") == 0)
		elevel = WARNING;
	else if (strcmp(severity, "NOTICE") == 0)
		elevel = NOTICE;
	else if (strcmp(severity, "INFO") == 0)
		elevel = INFO;

	ereport(elevel,
			(errmsg("[%s]: %s", conn->node_name, message),
			 detail ? errdetail_internal("%s", detail) : 0,
			 hint ? errhint("%s", hint) : 0));
}

/*
 * Open a connection with the given libpq parameters, within the deadline.
 * Returns NULL and fills *err on failure.  The connection lives in
 * TopMemoryContext (the cache outlives transactions).
 */
TsConnection *
ts_conn_open(const char *node_name, const TsConnParams *params, TimestampTz deadline,
			 TsRemoteError *err)
{
	int			n = list_length(params->keywords);
	const char **keywords = palloc0(sizeof(char *) * (n + 1));
	const char **values = palloc0(sizeof(char *) * (n + 1));
	PGconn	   *volatile pg = NULL;
	bool		have_fd;
	bool		ok = false;
	int			i = 0;
	ListCell   *k;
	ListCell   *v;

	forboth(k, params->keywords, v, params->values)
	{
		keywords[i] = lfirst(k);
		values[i] = lfirst(v);
		i++;
	}

	/* Each connection uses a file descriptor PostgreSQL must know about. */
	have_fd = AcquireExternalFD();
	if (!have_fd)
	{
		ts_remote_error_set(err, node_name, ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
							NULL, "could not connect to \"%s\"", node_name);
		err->detail = pstrdup("There are too many open files on the local server.");
		err->hint = pstrdup("Raise the server's max_files_per_process and/or \"ulimit -n\" limits.");
		err->names_node = true;
		return NULL;
	}

	PG_TRY();
	{
		pg = PQconnectStartParams(keywords, values, false);
		if (pg != NULL && PQstatus(pg) != CONNECTION_BAD)
		{
			for (;;)
			{
				PostgresPollingStatusType st = PQconnectPoll(pg);

				if (st == PGRES_POLLING_OK)
				{
					ok = true;
					break;
				}
				if (st == PGRES_POLLING_FAILED)
					break;
				if (!wait_for_socket(pg, st == PGRES_POLLING_READING
									 ? WL_SOCKET_READABLE : WL_SOCKET_WRITEABLE,
									 deadline))
				{
					ts_remote_error_set(err, node_name,
										ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
										NULL, "could not connect to \"%s\"", node_name);
					err->detail = pstrdup("The connection attempt timed out.");
					err->hint = pstrdup("Check that the data node is running and reachable, "
										"or raise timeshard.connect_timeout.");
					err->connection_lost = true;
					err->names_node = true;
					PQfinish(pg);
					pg = NULL;
					ReleaseExternalFD();
					have_fd = false;
					break;
				}
			}
		}
	}
	PG_CATCH();
	{
		if (pg != NULL)
			PQfinish(pg);
		ReleaseExternalFD();
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (!ok)
	{
		if (pg != NULL)
		{
			ts_remote_error_set(err, node_name,
								ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
								NULL, "could not connect to \"%s\"", node_name);
			err->names_node = true;
			{
				char	   *msg = pstrdup(PQerrorMessage(pg));
				int			len = strlen(msg);

				while (len > 0 && msg[len - 1] == '\n')
					msg[--len] = '\0';
				err->detail = msg;
				/*
				 * The node answered and refused us (authentication, SSL,
				 * pg_hba.conf, no such database): it is up, and reading
				 * elsewhere would hide the problem.  Anything else
				 * (refused, timed out, unreachable) means it is down.
				 */
				err->connection_lost = strstr(msg, "FATAL") == NULL &&
					strstr(msg, "SSL") == NULL && strstr(msg, "certificate") == NULL &&
					strstr(msg, "password") == NULL && strstr(msg, "authentication") == NULL;
				if (!err->connection_lost)
					err->sqlstate = ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION;
			}
			PQfinish(pg);
		}
		if (have_fd)
			ReleaseExternalFD();
		return NULL;
	}

	if (PQsetnonblocking(pg, 1) != 0)
	{
		ts_remote_error_from_conn(err, node_name, pg, NULL);
		PQfinish(pg);
		ReleaseExternalFD();
		return NULL;
	}

	{
		TsConnection *conn = MemoryContextAllocZero(TopMemoryContext, sizeof(TsConnection));

		conn->pg = pg;
		conn->node_name = MemoryContextStrdup(TopMemoryContext, node_name);
		PQsetNoticeReceiver(pg, forward_notice, conn);
		return conn;
	}
}

void
ts_conn_close(TsConnection *conn)
{
	if (conn == NULL)
		return;
	if (conn->pg != NULL)
	{
		PQfinish(conn->pg);
		ReleaseExternalFD();
	}
	if (conn->timezone_sent)
		pfree(conn->timezone_sent);
	pfree(conn->node_name);
	pfree(conn);
}

bool
ts_conn_is_ok(TsConnection *conn)
{
	return conn != NULL && conn->pg != NULL && !conn->broken && PQstatus(conn->pg) == CONNECTION_OK;
}

/*
 * Make the connection free for a new command: whoever holds it with a
 * long-lived command (a COPY stream) ends it first.
 */
void
ts_conn_claim(TsConnection *conn)
{
	TsConnReleaseCallback cb = conn->release_cb;

	if (cb != NULL)
	{
		conn->release_cb = NULL;
		cb(conn, conn->release_arg);
	}
}

/*
 * Send a command (with text parameters when nparams > 0; several statements
 * are allowed without parameters) and flush it.  Returns false and fills
 * *err when the connection failed.
 */
bool
ts_conn_send(TsConnection *conn, const char *sql, int nparams,
			 const char *const *values, TsRemoteError *err)
{
	int			sent;

	ts_conn_claim(conn);
	if (nparams > 0)
		sent = PQsendQueryParams(conn->pg, sql, nparams, NULL, values, NULL, NULL, 0);
	else
		sent = PQsendQuery(conn->pg, sql);
	if (!sent)
	{
		ts_remote_error_from_conn(err, conn->node_name, conn->pg, sql);
		return false;
	}
	conn->busy = true;

	for (;;)
	{
		int			rc = PQflush(conn->pg);

		if (rc == 0)
			return true;
		if (rc < 0 || !wait_for_socket(conn->pg, WL_SOCKET_WRITEABLE | WL_SOCKET_READABLE,
									   TS_NO_DEADLINE))
		{
			ts_remote_error_from_conn(err, conn->node_name, conn->pg, sql);
			return false;
		}
		/* The node may be talking back while we write; keep reading. */
		if (!PQconsumeInput(conn->pg))
		{
			ts_remote_error_from_conn(err, conn->node_name, conn->pg, sql);
			return false;
		}
	}
}

/*
 * Wait for and return the result of the command in flight: the last result
 * when several statements were sent, or the first failed one.  Returns NULL
 * with *err filled on a remote error, a lost connection or a passed deadline
 * (then the connection stays busy).  The caller owns the PGresult.
 */
PGresult *
ts_conn_get_result(TsConnection *conn, TimestampTz deadline, const char *sql,
				   TsRemoteError *err)
{
	PGresult   *volatile last = NULL;
	PGresult   *volatile failed = NULL;
	bool		timed_out = false;
	bool		dead = false;

	PG_TRY();
	{
		for (;;)
		{
			PGresult   *res;

			while (PQisBusy(conn->pg))
			{
				/*
				 * What libpq could not send yet (the end of a COPY) must go
				 * out, or the node waits for it while we wait for the node.
				 */
				int			unsent = PQflush(conn->pg);
				int			events = WL_SOCKET_READABLE | (unsent > 0 ? WL_SOCKET_WRITEABLE : 0);

				if (unsent < 0)
					break;
				if (deadline == TS_NO_DEADLINE)
				{
					if (!wait_alive(conn, events))
					{
						dead = true;
						break;
					}
				}
				else if (!wait_for_socket(conn->pg, events, deadline))
				{
					timed_out = true;
					break;
				}
				if (!PQconsumeInput(conn->pg))
					break;
			}
			if (timed_out || dead)
				break;
			res = PQgetResult(conn->pg);
			if (res == NULL)
			{
				conn->busy = false;
				break;
			}
			if (PQresultStatus(res) == PGRES_COPY_IN ||
				PQresultStatus(res) == PGRES_COPY_OUT ||
				PQresultStatus(res) == PGRES_COPY_BOTH)
			{
				/* COPY: the caller takes over the protocol from here. */
				if (last)
					PQclear(last);
				last = res;
				break;
			}
			if (PQresultStatus(res) == PGRES_FATAL_ERROR ||
				PQresultStatus(res) == PGRES_NONFATAL_ERROR ||
				PQresultStatus(res) == PGRES_BAD_RESPONSE)
			{
				if (failed == NULL)
					failed = res;
				else
					PQclear(res);
			}
			else
			{
				if (last)
					PQclear(last);
				last = res;
			}
			if (PQstatus(conn->pg) == CONNECTION_BAD)
			{
				conn->busy = false;
				break;
			}
		}
	}
	PG_CATCH();
	{
		if (last)
			PQclear(last);
		if (failed)
			PQclear(failed);
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (timed_out || dead)
	{
		if (last)
			PQclear(last);
		if (failed)
			PQclear(failed);
		if (dead)
			(void) ts_conn_wait_failed(conn, err);
		else
		{
			ts_remote_error_set(err, conn->node_name, ERRCODE_CONNECTION_FAILURE, sql,
								"data node did not answer in time");
			err->connection_lost = true;
		}
		/* A command is still in flight: the connection cannot be used again. */
		conn->broken = true;
		return NULL;
	}
	if (failed != NULL || last == NULL)
	{
		ts_remote_error_from_result(err, conn->node_name, conn->pg, failed, sql);
		if (failed == NULL)
			err->connection_lost = true;
		if (failed)
			PQclear(failed);
		if (last)
			PQclear(last);
		return NULL;
	}
	return last;
}

PGresult *
ts_conn_exec(TsConnection *conn, const char *sql, int nparams,
			 const char *const *values, TimestampTz deadline, TsRemoteError *err)
{
	if (!ts_conn_send(conn, sql, nparams, values, err))
		return NULL;
	return ts_conn_get_result(conn, deadline, sql, err);
}

/* Run a command whose result does not matter; true when it succeeded. */
bool
ts_conn_exec_ok(TsConnection *conn, const char *sql, TimestampTz deadline,
				TsRemoteError *err)
{
	PGresult   *res = ts_conn_exec(conn, sql, 0, NULL, deadline, err);

	if (res == NULL)
		return false;
	PQclear(res);
	return true;
}

/*
 * Stop the command in flight (a COPY is ended with an error, a query is
 * cancelled) and read what is left, so that the connection can be used
 * again.  Returns whether it is idle within the deadline.
 */
bool
ts_conn_cancel(TsConnection *conn, TimestampTz deadline)
{
	PGcancel   *cancel;
	char		errbuf[256];

	if (!ts_conn_is_ok(conn))
		return false;
	conn->release_cb = NULL;
	(void) PQputCopyEnd(conn->pg, "canceled by the access node");
	cancel = PQgetCancel(conn->pg);
	if (cancel != NULL)
	{
		(void) PQcancel(cancel, errbuf, sizeof(errbuf));
		PQfreeCancel(cancel);
	}
	for (;;)
	{
		PGresult   *res;

		while (PQisBusy(conn->pg))
		{
			if (PQflush(conn->pg) < 0 ||
				!wait_for_socket(conn->pg, WL_SOCKET_READABLE, deadline) ||
				!PQconsumeInput(conn->pg))
				return false;
		}
		res = PQgetResult(conn->pg);
		if (res == NULL)
			break;
		if (PQresultStatus(res) == PGRES_COPY_OUT)
		{
			char	   *buf;

			while (PQgetCopyData(conn->pg, &buf, 0) > 0)
				PQfreemem(buf);
		}
		PQclear(res);
	}
	conn->busy = false;
	return PQtransactionStatus(conn->pg) != PQTRANS_ACTIVE;
}
