/*-------------------------------------------------------------------------
 * connection.h — one libpq connection to a data node (connection.c).
 *
 * Everything here waits on the process latch with a deadline, so it can be
 * cancelled (statement_timeout, pg_cancel_backend) and never hangs on a node
 * that stopped answering.  Remote failures come back as a TsRemoteError; the
 * functions throw only for local interrupts.
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_REMOTE_CONNECTION_H
#define TIMESHARD_REMOTE_CONNECTION_H

#include "datatype/timestamp.h"
#include "libpq-fe.h"
#include "nodes/pg_list.h"

#include "remote/error.h"

/* Keyword/value pairs for libpq, built by connect_params.c. */
typedef struct TsConnParams
{
	List	   *keywords;		/* of char * */
	List	   *values;			/* of char * */
} TsConnParams;

typedef struct TsConnection TsConnection;

/*
 * Called when someone needs a connection that is busy with a long-lived
 * command of its owner (a COPY stream): the owner ends it.
 */
typedef void (*TsConnReleaseCallback) (TsConnection *conn, void *arg);

struct TsConnection
{
	PGconn	   *pg;
	char	   *node_name;		/* for messages: "[node]: ..." */
	bool		busy;			/* a command was sent and not fully read */
	char	   *timezone_sent;	/* TimeZone last sent to the node */
	bool		broken;			/* gave up waiting: not usable again */
	TsConnReleaseCallback release_cb;
	void	   *release_arg;
};

/* No deadline. */
#define TS_NO_DEADLINE ((TimestampTz) 0)

extern void ts_conn_params_add(TsConnParams *params, const char *keyword, const char *value);
extern const char *ts_conn_params_get(const TsConnParams *params, const char *keyword);

extern TsConnection *ts_conn_open(const char *node_name, const TsConnParams *params,
								  TimestampTz deadline, TsRemoteError *err);
extern void ts_conn_close(TsConnection *conn);
extern bool ts_conn_is_ok(TsConnection *conn);

extern void ts_conn_claim(TsConnection *conn);
extern bool ts_conn_send(TsConnection *conn, const char *sql, int nparams,
						 const char *const *values, TsRemoteError *err);
extern PGresult *ts_conn_get_result(TsConnection *conn, TimestampTz deadline,
									const char *sql, TsRemoteError *err);
extern PGresult *ts_conn_exec(TsConnection *conn, const char *sql, int nparams,
							  const char *const *values, TimestampTz deadline,
							  TsRemoteError *err);
extern bool ts_conn_exec_ok(TsConnection *conn, const char *sql, TimestampTz deadline,
							TsRemoteError *err);

extern TimestampTz ts_deadline_after_ms(int ms);
extern bool ts_conn_wait(TsConnection *conn, int events, TsRemoteError *err);
extern bool ts_conn_cancel(TsConnection *conn, TimestampTz deadline);

/* Is the data node alive (answers a new connection)?  Set by health.c. */
typedef bool (*TsLivenessCheck) (const char *node_name);
extern TsLivenessCheck ts_conn_liveness_check;

#endif							/* TIMESHARD_REMOTE_CONNECTION_H */
