/*-------------------------------------------------------------------------
 * error.h — errors that come from data nodes (error.c).
 *
 * The connection layer never throws for a remote failure: it fills a
 * TsRemoteError and lets the caller decide between ERROR (a client's
 * statement) and WARNING (cleanup, health checks, the resolver).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_REMOTE_ERROR_H
#define TIMESHARD_REMOTE_ERROR_H

#include "libpq-fe.h"

typedef struct TsRemoteError
{
	const char *node_name;		/* data node the error came from */
	int			sqlstate;		/* remote SQLSTATE, or ours */
	char	   *message;
	char	   *detail;
	char	   *hint;
	char	   *remote_context;	/* CONTEXT lines of the remote error */
	char	   *sql;			/* the remote command, if any */
	bool		connection_lost;	/* the connection is no longer usable */
	bool		names_node;		/* the message names the node already */
} TsRemoteError;

extern void ts_remote_error_from_result(TsRemoteError *err, const char *node_name,
										PGconn *conn, const PGresult *res,
										const char *sql);
extern void ts_remote_error_from_conn(TsRemoteError *err, const char *node_name,
									  PGconn *conn, const char *sql);
extern void ts_remote_error_set(TsRemoteError *err, const char *node_name,
								int sqlstate, const char *sql,
								const char *fmt,...) pg_attribute_printf(5, 6);
extern void ts_remote_error_report(const TsRemoteError *err, int elevel);

#endif							/* TIMESHARD_REMOTE_ERROR_H */
