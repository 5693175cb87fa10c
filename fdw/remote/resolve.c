/*-------------------------------------------------------------------------
 * resolve.c — the resolver: prepared transactions of this access node that
 * a data node still holds are committed or rolled back.
 *
 * A transaction stays prepared on a node when the access node crashed, or
 * lost the node, between PREPARE and COMMIT/ROLLBACK PREPARED.  The local
 * transaction's fate decides (presumed abort): still running, leave it; its
 * commit record visible, it committed: COMMIT PREPARED; otherwise it
 * aborted (or never wrote its records): ROLLBACK PREPARED.
 *
 * The order of the reads matters, so that a transaction committing at this
 * very moment is never rolled back (the order of Citus' recovery):
 *
 *	1. the node's prepared transactions of ours;
 *	2. which of their local transactions are still running;
 *	3. the commit records, with a snapshot taken after step 2;
 *	4. the node's prepared transactions again.
 *
 * A transaction that was not running at step 2 had finished its local
 * commit or abort, so step 3 sees its commit record if and only if it
 * committed.  One that prepares after step 1 is not looked at.  One that
 * is gone at step 4 was finished by its own backend meanwhile.  Commit
 * records whose transaction is no longer prepared on the node (finished,
 * by us or by the backend) are deleted, so the table does not grow.
 *
 * Failures are WARNINGs: the worker goes on with the other nodes and tries
 * again at its next round.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "access/xact.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/procarray.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "catalog/pg_type.h"
#include "utils/snapmgr.h"

#include "catalog/catalog_spi.h"
#include "remote/cache.h"
#include "remote/gid.h"
#include "remote/resolve.h"
#include "string_list.h"
#include "health.h"

#define RESOLVE_TIMEOUT_MS 10000

typedef struct Prepared
{
	char	   *gid;
	TsGid		parsed;
	bool		running;		/* the local transaction runs (step 2) */
	bool		committed;		/* its commit record is visible (step 3) */
	bool		still_prepared; /* step 4 */
} Prepared;

static void
warn(TsDataNode *node, TsRemoteError *err, const char *what)
{
	ereport(WARNING,
			(errcode(ERRCODE_CONNECTION_EXCEPTION),
			 errmsg("could not %s on data node \"%s\": %s", what, node->name,
					err->message ? err->message : "unknown error"),
			 errhint("The resolver tries again at its next round.")));
}

/* The GIDs of ours the node holds prepared; *others counts the rest. */
static List *
list_prepared(TsConnection *conn, TsDataNode *node, int *others, bool *ok)
{
	TsRemoteError err;
	PGresult   *res;
	List	   *gids = NIL;
	char	   *prefix = ts_gid_prefix();

	res = ts_conn_exec(conn, "SELECT gid FROM pg_catalog.pg_prepared_xacts "
					   "WHERE database = pg_catalog.current_database()", 0, NULL,
					   ts_deadline_after_ms(RESOLVE_TIMEOUT_MS), &err);
	if (res == NULL)
	{
		warn(node, &err, "list prepared transactions");
		*ok = false;
		return NIL;
	}
	*others = 0;
	for (int i = 0; i < PQntuples(res); i++)
	{
		const char *gid = PQgetvalue(res, i, 0);

		if (strncmp(gid, prefix, strlen(prefix)) == 0)
			gids = lappend(gids, pstrdup(gid));
		else
			(*others)++;
	}
	PQclear(res);
	*ok = true;
	return gids;
}

/* The commit records of the node, read with a snapshot taken now. */
static List *
commit_records(TsDataNode *node)
{
	TsCatalogSpi spi;
	List	   *gids = NIL;
	Datum		arg;
	Oid			argtype = NAMEOID;
	SPIPlanPtr	plan;
	Snapshot	snapshot;
	MemoryContext outer = CurrentMemoryContext;

	ts_catalog_spi_connect(&spi);
	plan = SPI_prepare("SELECT gid FROM timeshard_catalog.remote_txn WHERE node_name = $1", 1, &argtype);
	if (plan == NULL)
		elog(ERROR, "could not read the commit records");
	arg = DirectFunctionCall1(namein, CStringGetDatum(node->name));
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	if (SPI_execute_snapshot(plan, &arg, NULL, snapshot, InvalidSnapshot, true, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the commit records");
	UnregisterSnapshot(snapshot);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

		gids = lappend(gids, MemoryContextStrdup(outer, TextDatumGetCString(d)));
	}
	ts_catalog_spi_finish(&spi);
	return gids;
}

static void
delete_commit_records(List *gids)
{
	TsCatalogSpi spi;
	ListCell   *lc;
	Oid			argtype = TEXTOID;
	SPIPlanPtr	plan;

	if (gids == NIL)
		return;
	ts_catalog_spi_connect(&spi);
	plan = SPI_prepare("DELETE FROM timeshard_catalog.remote_txn WHERE gid = $1", 1, &argtype);
	foreach(lc, gids)
	{
		Datum		arg = CStringGetTextDatum((char *) lfirst(lc));

		if (SPI_execute_plan(plan, &arg, NULL, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "could not delete a commit record");
	}
	ts_catalog_spi_finish(&spi);
}

/*
 * A connection as the user who prepared the transaction (only that user or
 * a superuser may finish it), else ours.
 */
static TsConnection *
connection_for(TsDataNode *node, Oid userid, TsConnection *ours, List **opened)
{
	TsConnParams params;
	TsRemoteError err;
	TsConnection *conn;

	if (userid == GetUserId() || !OidIsValid(userid))
		return ours;
	PG_TRY();
	{
		params = ts_conn_params_for(node->serverid, userid);
	}
	PG_CATCH();
	{
		FlushErrorState();
		return ours;
	}
	PG_END_TRY();
	conn = ts_conn_open_checked(node->name, &params, userid, false, &err);
	if (conn == NULL)
		return ours;
	*opened = lappend(*opened, conn);
	return conn;
}

/*
 * Resolve the node's prepared transactions of ours.  Returns how many were
 * committed or rolled back; *reached says whether the node answered.
 */
int
ts_resolve_data_node(TsDataNode *node, bool *reached)
{
	TsConnParams params;
	TsRemoteError err;
	TsConnection *conn;
	List	   *first;
	List	   *second;
	List	   *records;
	List	   *items = NIL;
	List	   *opened = NIL;
	List	   *finished = NIL;
	int			others = 0;
	int			resolved = 0;
	bool		ok;
	ListCell   *lc;

	params = ts_conn_params_for(node->serverid, GetUserId());
	conn = ts_conn_open_checked(node->name, &params, GetUserId(), false, &err);
	*reached = conn != NULL;
	if (conn == NULL)
	{
		warn(node, &err, "connect to resolve prepared transactions");
		return 0;
	}

	/* 1. */
	first = list_prepared(conn, node, &others, &ok);
	if (!ok)
	{
		ts_conn_close(conn);
		*reached = false;
		return 0;
	}
	/* 2. */
	foreach(lc, first)
	{
		Prepared   *p = palloc0(sizeof(Prepared));

		p->gid = (char *) lfirst(lc);
		if (!ts_gid_parse(p->gid, &p->parsed))
			continue;
		/*
		 * An id not handed out yet (a crash lost its assignment) cannot be
		 * running: the transaction that had it aborted.
		 */
		p->running = FullTransactionIdPrecedes(p->parsed.fxid, ReadNextFullTransactionId()) &&
			TransactionIdIsInProgress(XidFromFullTransactionId(p->parsed.fxid));
		items = lappend(items, p);
	}
	/* 3. */
	records = commit_records(node);
	/* 4. */
	second = list_prepared(conn, node, &others, &ok);
	if (!ok)
	{
		ts_conn_close(conn);
		*reached = false;
		return 0;
	}

	foreach(lc, items)
	{
		Prepared   *p = (Prepared *) lfirst(lc);
		TsConnection *finisher;
		const char *sql;

		p->committed = ts_string_list_member(records, p->gid);
		p->still_prepared = ts_string_list_member(second, p->gid);
		if (p->running || !p->still_prepared)
			continue;
		sql = psprintf("%s PREPARED %s", p->committed ? "COMMIT" : "ROLLBACK",
					   quote_literal_cstr(p->gid));
		finisher = connection_for(node, p->parsed.userid, conn, &opened);
		if (ts_conn_exec_ok(finisher, sql, ts_deadline_after_ms(RESOLVE_TIMEOUT_MS), &err))
		{
			resolved++;
			if (p->committed)
				finished = lappend(finished, p->gid);
			ereport(LOG,
					(errmsg("timeshard resolver: %s prepared transaction %s on data node \"%s\"",
							p->committed ? "committed" : "rolled back", p->gid, node->name)));
		}
		else
			warn(node, &err, p->committed ? "commit a prepared transaction"
				 : "roll back a prepared transaction");
	}

	/* Records whose transaction the node no longer holds are done with. */
	foreach(lc, records)
	{
		char	   *gid = (char *) lfirst(lc);

		if (!ts_string_list_member(second, gid) && !ts_string_list_member(finished, gid))
			finished = lappend(finished, gid);
	}
	delete_commit_records(finished);

	if (others > 0)
		ereport(DEBUG1,
				(errmsg("timeshard resolver: %d prepared transactions on data node \"%s\" are not "
						"this access node's and were left alone", others, node->name)));
	foreach(lc, opened)
		ts_conn_close((TsConnection *) lfirst(lc));
	ts_conn_close(conn);
	return resolved;
}

PG_FUNCTION_INFO_V1(remote_txn_heal_data_node);

/* remote_txn_heal_data_node(node_name name) RETURNS integer */
Datum
remote_txn_heal_data_node(PG_FUNCTION_ARGS)
{
	TsDataNode *node = ts_data_node_get(NameStr(*PG_GETARG_NAME(0)), false);
	bool		reached;
	int			resolved;

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be superuser to resolve prepared transactions"),
				 errdetail("It commits and rolls back other users' transactions on the data node."),
				 errhint("Ask a superuser, or let the timeshard worker do it every "
						 "timeshard.txn_resolve_interval.")));
	PreventInTransactionBlock(true, "remote_txn_heal_data_node()");
	resolved = ts_resolve_data_node(node, &reached);
	if (!reached)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("could not reach data node \"%s\"", node->name),
				 errhint("See the WARNING above; try again when the node is back.")));
	PG_RETURN_INT32(resolved);
}

/* The worker's round: every data node, each failure a WARNING. */
void
ts_resolve_all_data_nodes(void)
{
	ListCell   *lc;

	foreach(lc, ts_data_node_list())
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);
		MemoryContext cxt = CurrentMemoryContext;
		ResourceOwner owner = CurrentResourceOwner;
		bool		reached;

		/* A node the health checks find down would only make us wait. */
		if (!ts_data_node_seems_up(node->name))
			continue;

		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(cxt);
		PG_TRY();
		{
			(void) ts_resolve_data_node(node, &reached);
			ReleaseCurrentSubTransaction();
		}
		PG_CATCH();
		{
			ErrorData  *edata;

			MemoryContextSwitchTo(cxt);
			edata = CopyErrorData();
			FlushErrorState();
			RollbackAndReleaseCurrentSubTransaction();
			ereport(WARNING,
					(errmsg("could not resolve prepared transactions on data node \"%s\": %s",
							node->name, edata->message)));
			FreeErrorData(edata);
		}
		PG_END_TRY();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
}
