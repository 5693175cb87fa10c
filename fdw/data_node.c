/*-------------------------------------------------------------------------
 * data_node.c — look up data nodes: the foreign servers of timeshard_fdw.
 *
 * The foreign server is the record of a data node: its name is the node's
 * name, its options say where the node is (host, port, dbname) and whether
 * it is available.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/timestamp.h"

#include "access/genam.h"
#include "access/xact.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_foreign_data_wrapper.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "data_node.h"
#include "guc.h"
#include "health.h"
#include "timeshard.h"

Oid
ts_fdw_id(bool missing_ok)
{
	ForeignDataWrapper *fdw = GetForeignDataWrapperByName(TS_FDW_NAME, missing_ok);

	return fdw ? fdw->fdwid : InvalidOid;
}

static TsDataNode *
data_node_from_server(ForeignServer *server)
{
	TsDataNode *node = palloc0(sizeof(TsDataNode));
	ListCell   *lc;

	node->serverid = server->serverid;
	node->name = pstrdup(server->servername);
	node->owner = server->owner;
	node->available = true;
	foreach(lc, server->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "host") == 0)
			node->host = defGetString(def);
		else if (strcmp(def->defname, "port") == 0)
			node->port = pg_strtoint32(defGetString(def));
		else if (strcmp(def->defname, "dbname") == 0)
			node->dbname = defGetString(def);
		else if (strcmp(def->defname, "available") == 0)
			node->available = defGetBoolean(def);
	}
	return node;
}

bool
ts_is_data_node_server(Oid serverid)
{
	ForeignServer *server = GetForeignServerExtended(serverid, FSV_MISSING_OK);

	return server != NULL && server->fdwid == ts_fdw_id(true);
}

/*
 * The data node of that name.  Raises "data node does not exist" (also for a
 * server of another wrapper) unless missing_ok.
 */
TsDataNode *
ts_data_node_get(const char *name, bool missing_ok)
{
	ForeignServer *server = GetForeignServerByName(name, true);

	if (server == NULL || server->fdwid != ts_fdw_id(true))
	{
		if (missing_ok)
			return NULL;
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("data node \"%s\" does not exist", name),
				 server != NULL
				 ? errdetail("Server \"%s\" is not a server of %s.", name, TS_FDW_NAME)
				 : 0,
				 errhint("The data nodes are listed in %s.data_nodes.", TS_INFORMATION_SCHEMA)));
	}
	return data_node_from_server(server);
}

TsDataNode *
ts_data_node_get_by_id(Oid serverid, bool missing_ok)
{
	ForeignServer *server = GetForeignServerExtended(serverid, FSV_MISSING_OK);

	if (server == NULL || server->fdwid != ts_fdw_id(true))
	{
		if (missing_ok)
			return NULL;
		elog(ERROR, "foreign server %u is not a timeshard data node", serverid);
	}
	return data_node_from_server(server);
}

/* list_sort comparator: data nodes by name. */
int
ts_data_node_compare_names(const ListCell *a, const ListCell *b)
{
	return strcmp(((TsDataNode *) lfirst(a))->name, ((TsDataNode *) lfirst(b))->name);
}

/* Every data node, sorted by name. */
List *
ts_data_node_list(void)
{
	Oid			fdwid = ts_fdw_id(true);
	List	   *result = NIL;
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tup;

	if (!OidIsValid(fdwid))
		return NIL;
	rel = table_open(ForeignServerRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_foreign_server srv = (Form_pg_foreign_server) GETSTRUCT(tup);

		if (srv->srvfdw == fdwid)
			result = lappend(result, data_node_from_server(GetForeignServer(srv->oid)));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	list_sort(result, ts_data_node_compare_names);
	return result;
}

static void
invalid_list(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid data nodes list"),
			 errdetail("%s", detail)));
}

/*
 * The data nodes named in a name[] argument, validated: one dimension, not
 * empty, no NULLs, every node known.  Duplicates count once.
 */
List *
ts_data_node_list_from_array(ArrayType *nodes)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *result = NIL;

	if (ARR_NDIM(nodes) > 1)
		invalid_list("The array of data nodes cannot be multi-dimensional.");
	deconstruct_array(nodes, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR, &elems, &nulls, &n);
	if (n == 0)
		invalid_list("The array of data nodes cannot be empty.");
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			invalid_list("The array of data nodes cannot contain null values.");
	}
	for (int i = 0; i < n; i++)
	{
		TsDataNode *node = ts_data_node_get(NameStr(*DatumGetName(elems[i])), false);
		bool		seen = false;
		ListCell   *lc;

		foreach(lc, result)
			seen |= ((TsDataNode *) lfirst(lc))->serverid == node->serverid;
		if (!seen)
			result = lappend(result, node);
	}
	return result;
}

/* A data node name given to the API: neither NULL (checked by callers) nor empty. */
void
ts_data_node_check_name(const char *name)
{
	if (name == NULL || name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("data node name cannot be %s", name == NULL ? "NULL" : "empty"),
				 errhint("Give the data node a name: it becomes the name of its foreign server.")));
}

/*
 * Nodes this backend could not reach lately.  Until the worker marks such a
 * node unavailable (health checks, failover_threshold of them), reads and
 * writes of this backend treat it as unavailable: nobody waits for a node
 * that already failed to answer.
 */
typedef struct FailedNode
{
	char		name[NAMEDATALEN];
	TimestampTz failed_at;
} FailedNode;

#define MAX_FAILED_NODES 64
static FailedNode failed_nodes[MAX_FAILED_NODES];
static int	nfailed = 0;

static long
failure_memory_ms(void)
{
	long		worker = ts_guc_health_check_interval < 0 ? 0
		: (long) ts_guc_health_check_interval * ts_guc_failover_threshold;

	return worker + ts_guc_node_timeout;
}

void
ts_data_node_note_failure(const char *name)
{
	int			slot = -1;

	for (int i = 0; i < nfailed; i++)
		if (strcmp(failed_nodes[i].name, name) == 0)
			slot = i;
	if (slot < 0)
	{
		if (nfailed == MAX_FAILED_NODES)
			nfailed = 0;
		slot = nfailed++;
		strlcpy(failed_nodes[slot].name, name, NAMEDATALEN);
	}
	failed_nodes[slot].failed_at = GetCurrentTimestamp();
}

/* Available, and not failed in this backend lately. */
bool
ts_data_node_usable(TsDataNode *node)
{
	if (node == NULL || !node->available)
		return false;
	for (int i = 0; i < nfailed; i++)
	{
		if (strcmp(failed_nodes[i].name, node->name) == 0 &&
			!TimestampDifferenceExceeds(failed_nodes[i].failed_at, GetCurrentTimestamp(),
										failure_memory_ms()))
		{
			/* The worker's health checks have heard from it since. */
			if (IsTransactionState() &&
				ts_data_node_answered_since(node->name, failed_nodes[i].failed_at))
			{
				failed_nodes[i].failed_at = 0;
				return true;
			}
			return false;
		}
	}
	return true;
}
