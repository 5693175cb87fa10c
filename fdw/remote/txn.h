/*-------------------------------------------------------------------------
 * txn.h — remote transactions tied to the local one (txn.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_REMOTE_TXN_H
#define TIMESHARD_REMOTE_TXN_H

#include "remote/connection.h"

extern TsConnection *ts_remote_txn_connection(Oid serverid, Oid userid, bool write);
extern TsConnection *ts_remote_txn_connection_try(Oid serverid, Oid userid, bool write,
												  TsRemoteError *err);
extern TsConnection *ts_remote_txn_connection_autocommit(Oid serverid, Oid userid);
extern bool ts_remote_txn_wrote_any(void);
extern void ts_remote_txn_register_callbacks(void);
extern Oid	ts_remote_txn_relid(void);

#endif							/* TIMESHARD_REMOTE_TXN_H */
