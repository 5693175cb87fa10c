/*-------------------------------------------------------------------------
 * metadata.h — this installation's facts in timeshard_catalog.metadata
 * (metadata.c): its uuid and its role in a distributed database.
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_METADATA_H
#define TIMESHARD_METADATA_H

typedef enum TsNodeRole
{
	TS_ROLE_NONE,				/* not part of a distributed database */
	TS_ROLE_ACCESS_NODE,
	TS_ROLE_DATA_NODE
} TsNodeRole;

#define TS_METADATA_UUID "uuid"
#define TS_METADATA_DIST_UUID "dist_uuid"
#define TS_METADATA_ROLE "role"

extern char *ts_metadata_get(const char *key);
extern void ts_metadata_set(const char *key, const char *value);
extern void ts_metadata_delete(const char *key);
extern TsNodeRole ts_metadata_role(void);
extern char *ts_metadata_uuid(void);

#endif							/* TIMESHARD_METADATA_H */
