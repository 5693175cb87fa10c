/*-------------------------------------------------------------------------
 * gid.c — identifiers of the transactions timeshard prepares on data nodes.
 *
 *	ts1:<installation uuid>:<full transaction id>:<server oid>:<user oid>
 *
 * "ts1" is the format's version.  The installation uuid is that of the
 * access node's database (timeshard_catalog.metadata), so the resolver of
 * one access node, or of one database, never touches another's
 * transactions.  The full (64-bit) local transaction id tells the resolver
 * whether the local transaction still runs; the server and user ids tell
 * apart the several remote transactions of one local transaction (one per
 * data node and user mapping).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/memutils.h"

#include "catalog/metadata.h"
#include "remote/gid.h"

#define GID_VERSION "ts1"

static char *installation = NULL;

/* "ts1:<uuid>:" — every GID of this access node's database starts so. */
char *
ts_gid_prefix(void)
{
	if (installation == NULL)
		installation = MemoryContextStrdup(TopMemoryContext, ts_metadata_uuid());
	return psprintf("%s:%s:", GID_VERSION, installation);
}

char *
ts_gid_make(FullTransactionId fxid, Oid serverid, Oid userid)
{
	return psprintf("%s" UINT64_FORMAT ":%u:%u", ts_gid_prefix(),
					U64FromFullTransactionId(fxid), serverid, userid);
}

/* Split a GID of ours; false for anything else. */
bool
ts_gid_parse(const char *gid, TsGid *out)
{
	const char *p = gid;
	char	   *end;
	uint64		fxid;

	if (strncmp(p, GID_VERSION ":", strlen(GID_VERSION) + 1) != 0)
		return false;
	p += strlen(GID_VERSION) + 1;
	if (strlen(p) < 37 || p[36] != ':')
		return false;
	memcpy(out->installation, p, 36);
	out->installation[36] = '\0';
	p += 37;
	errno = 0;
	fxid = strtoull(p, &end, 10);
	if (errno != 0 || end == p || *end != ':')
		return false;
	out->fxid = FullTransactionIdFromU64(fxid);
	p = end + 1;
	out->serverid = (Oid) strtoul(p, &end, 10);
	if (end == p || *end != ':')
		return false;
	p = end + 1;
	out->userid = (Oid) strtoul(p, &end, 10);
	return end != p && *end == '\0';
}
