/*-------------------------------------------------------------------------
 * gid.h — identifiers of timeshard's prepared transactions (gid.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_REMOTE_GID_H
#define TIMESHARD_REMOTE_GID_H

#include "access/transam.h"

/* PREPARE TRANSACTION takes at most 199 bytes. */
#define TS_GID_LEN 200

typedef struct TsGid
{
	char		installation[37];	/* the access node database's uuid */
	FullTransactionId fxid;		/* the local transaction */
	Oid			serverid;		/* the data node */
	Oid			userid;			/* whose connection prepared it */
} TsGid;

extern char *ts_gid_prefix(void);
extern char *ts_gid_make(FullTransactionId fxid, Oid serverid, Oid userid);
extern bool ts_gid_parse(const char *gid, TsGid *out);

#endif							/* TIMESHARD_REMOTE_GID_H */
