/*-------------------------------------------------------------------------
 * cache.h — the per-backend cache of connections to data nodes (cache.c),
 * one per (data node, user), and the remote transaction state kept on each
 * (used by txn.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_REMOTE_CACHE_H
#define TIMESHARD_REMOTE_CACHE_H

#include "remote/connection.h"

typedef struct TsConnCacheKey
{
	Oid			serverid;
	Oid			userid;
} TsConnCacheKey;

typedef struct TsConnCacheEntry
{
	TsConnCacheKey key;			/* hash key: must be first */
	TsConnection *conn;			/* NULL while not connected */
	char	   *node_name;
	int			xact_depth;		/* 0: no remote transaction; 1: top level;
								 * n: savepoints up to subtransaction n */
	bool		wrote;			/* the remote transaction wrote something */
	bool		changing_xact_state;	/* a BEGIN/COMMIT/ABORT was cut short */
	char	   *prepared_gid;	/* prepared by this local transaction (2PC) */
	bool		invalidated;	/* server, mapping or role changed */
	uint32		server_hashvalue;
	uint32		mapping_hashvalue;
	uint32		role_hashvalue;
} TsConnCacheEntry;

extern TsConnCacheEntry *ts_conn_cache_get(Oid serverid, Oid userid);
extern TsConnCacheEntry *ts_conn_cache_get_ext(Oid serverid, Oid userid, TsRemoteError *soft_err);
extern void ts_conn_cache_disconnect(TsConnCacheEntry *entry);
extern void ts_conn_cache_forget_server(Oid serverid);
extern List *ts_conn_cache_entries(void);
extern TsConnParams ts_conn_params_make(const char *host, const char *port,
										const char *dbname, const char *user,
										const char *password);
extern TsConnParams ts_conn_params_for(Oid serverid, Oid userid);
extern TsConnParams ts_conn_params_for_target(Oid serverid, Oid userid, const char *host,
											  const char *port, const char *dbname);
extern bool ts_conn_password_required(Oid serverid, Oid userid);
extern TsConnection *ts_conn_open_checked(const char *node_name, TsConnParams *params,
										  Oid userid, bool password_required,
										  TsRemoteError *err);

#endif							/* TIMESHARD_REMOTE_CACHE_H */
