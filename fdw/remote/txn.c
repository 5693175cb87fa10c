/*-------------------------------------------------------------------------
 * txn.c — remote transactions that live and die with the local one.
 *
 * The first time a local transaction uses a data node (as a given user), a
 * remote transaction opens on that connection: REPEATABLE READ, so that the
 * statements of one local command share a snapshot (SERIALIZABLE when the
 * local transaction is), READ ONLY when the local one is.  Local
 * subtransactions are mirrored as savepoints s<level>, opened lazily.
 *
 * At local pre-commit every remote transaction commits (one phase: all
 * COMMITs are sent before any answer is read); if one fails, the local
 * transaction aborts.  On local abort every remote transaction is rolled
 * back; a connection in an unknown state (a command still running, a
 * BEGIN/COMMIT cut short) is closed instead, so it is never reused half-way.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "remote/cache.h"
#include "remote/txn.h"

/* How long a rollback or a savepoint cleanup may take on one node. */
#define CLEANUP_TIMEOUT_MS 5000

static bool callbacks_registered = false;

/* Keep the node's TimeZone equal to ours (it may change with SET). */
static void
sync_timezone(TsConnCacheEntry *entry)
{
	const char *tz = pg_get_timezone_name(session_timezone);
	TsRemoteError err;
	char	   *sql;

	if (entry->conn->timezone_sent != NULL && strcmp(entry->conn->timezone_sent, tz) == 0)
		return;
	sql = psprintf("SET TimeZone = %s", quote_literal_cstr(tz));
	if (!ts_conn_exec_ok(entry->conn, sql, TS_NO_DEADLINE, &err))
		ts_remote_error_report(&err, ERROR);
	if (entry->conn->timezone_sent)
		pfree(entry->conn->timezone_sent);
	entry->conn->timezone_sent = MemoryContextStrdup(TopMemoryContext, tz);
}

/* Run a transaction-control command; the entry is unusable if it fails. */
static void
exec_xact_command(TsConnCacheEntry *entry, const char *sql)
{
	TsRemoteError err;

	entry->changing_xact_state = true;
	if (!ts_conn_exec_ok(entry->conn, sql, TS_NO_DEADLINE, &err))
		ts_remote_error_report(&err, ERROR);
	entry->changing_xact_state = false;
}

static void
check_usable(TsConnCacheEntry *entry)
{
	if (entry->changing_xact_state || (entry->xact_depth > 0 && !ts_conn_is_ok(entry->conn)))
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_EXCEPTION),
				 errmsg("connection to data node \"%s\" was lost", entry->node_name),
				 errhint("Roll back the transaction and try again.")));
}

/*
 * The connection to the data node as the user, with a remote transaction (and
 * savepoints) matching the local one.  "write" records that the remote
 * transaction changes data.
 */
TsConnection *
ts_remote_txn_connection(Oid serverid, Oid userid, bool write)
{
	TsConnCacheEntry *entry;
	int			curlevel = GetCurrentTransactionNestLevel();

	if (!callbacks_registered)
		ts_remote_txn_register_callbacks();

	entry = ts_conn_cache_get(serverid, userid);
	check_usable(entry);
	sync_timezone(entry);

	if (entry->xact_depth <= 0)
	{
		const char *sql = IsolationIsSerializable()
			? "START TRANSACTION ISOLATION LEVEL SERIALIZABLE"
			: "START TRANSACTION ISOLATION LEVEL REPEATABLE READ";

		if (XactReadOnly)
			sql = psprintf("%s READ ONLY", sql);
		exec_xact_command(entry, sql);
		entry->xact_depth = 1;
		entry->wrote = false;
	}
	while (entry->xact_depth < curlevel)
	{
		exec_xact_command(entry, psprintf("SAVEPOINT s%d", entry->xact_depth + 1));
		entry->xact_depth++;
	}
	if (write)
		entry->wrote = true;
	return entry->conn;
}

/*
 * The connection to the data node as the user, outside any remote
 * transaction (for commands that cannot run inside one).  Refused when this
 * local transaction already has a remote transaction on it.
 */
TsConnection *
ts_remote_txn_connection_autocommit(Oid serverid, Oid userid)
{
	TsConnCacheEntry *entry = ts_conn_cache_get(serverid, userid);

	check_usable(entry);
	if (entry->xact_depth > 0)
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("data node \"%s\" is already used by the current transaction",
						entry->node_name),
				 errhint("Run the command in a transaction of its own.")));
	sync_timezone(entry);
	return entry->conn;
}

/* Did the current transaction write on any data node? */
bool
ts_remote_txn_wrote_any(void)
{
	ListCell   *lc;

	foreach(lc, ts_conn_cache_entries())
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		if (entry->xact_depth > 0 && entry->wrote)
			return true;
	}
	return false;
}

/* Entries with an open remote transaction. */
static List *
open_entries(void)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, ts_conn_cache_entries())
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		if (entry->conn != NULL && (entry->xact_depth > 0 || entry->changing_xact_state))
			result = lappend(result, entry);
	}
	return result;
}

/*
 * Commit every remote transaction: send COMMIT everywhere, then read every
 * answer, so that the nodes commit at the same time.  The first failure is
 * raised after all answers are in.
 */
static void
commit_all(void)
{
	List	   *entries = open_entries();
	List	   *sent = NIL;
	TsRemoteError first_err;
	bool		failed = false;
	ListCell   *lc;

	foreach(lc, entries)
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);
		TsRemoteError err;

		check_usable(entry);
		entry->changing_xact_state = true;
		if (ts_conn_send(entry->conn, "COMMIT TRANSACTION", 0, NULL, &err))
			sent = lappend(sent, entry);
		else if (!failed)
		{
			first_err = err;
			failed = true;
		}
	}
	foreach(lc, sent)
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);
		TsRemoteError err;
		PGresult   *res = ts_conn_get_result(entry->conn, TS_NO_DEADLINE,
											 "COMMIT TRANSACTION", &err);

		if (res != NULL)
		{
			PQclear(res);
			entry->changing_xact_state = false;
			entry->xact_depth = 0;
			entry->wrote = false;
		}
		else if (!failed)
		{
			first_err = err;
			failed = true;
		}
	}
	if (failed)
		ts_remote_error_report(&first_err, ERROR);
}

/*
 * Roll back a remote transaction without throwing; a connection that cannot
 * be rolled back cleanly is closed.
 */
static void
abort_entry(TsConnCacheEntry *entry)
{
	TsRemoteError err;

	if (entry->conn == NULL)
		return;
	if (entry->changing_xact_state || entry->conn->busy || !ts_conn_is_ok(entry->conn) ||
		!ts_conn_exec_ok(entry->conn, "ABORT TRANSACTION",
						 ts_deadline_after_ms(CLEANUP_TIMEOUT_MS), &err))
	{
		ts_conn_cache_disconnect(entry);
		return;
	}
	entry->xact_depth = 0;
	entry->wrote = false;
}

/* After the transaction: forget states, close invalidated connections. */
static void
end_of_xact_cleanup(void)
{
	ListCell   *lc;

	foreach(lc, ts_conn_cache_entries())
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		entry->xact_depth = 0;
		entry->wrote = false;
		if (entry->conn != NULL &&
			(entry->invalidated || entry->changing_xact_state || entry->conn->busy))
			ts_conn_cache_disconnect(entry);
	}
}

static void
remote_xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;

	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
			commit_all();
			break;
		case XACT_EVENT_PRE_PREPARE:
			if (ts_remote_txn_wrote_any())
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot prepare a transaction that modified remote tables"),
						 errdetail("The transaction changed data on data nodes; timeshard commits those together with the local transaction, which PREPARE TRANSACTION would split.")));
			commit_all();
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			foreach(lc, open_entries())
				abort_entry((TsConnCacheEntry *) lfirst(lc));
			end_of_xact_cleanup();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
			end_of_xact_cleanup();
			break;
		default:
			break;
	}
}

static void
remote_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						SubTransactionId parentSubid, void *arg)
{
	int			curlevel;
	ListCell   *lc;

	if (event != SUBXACT_EVENT_PRE_COMMIT_SUB && event != SUBXACT_EVENT_ABORT_SUB)
		return;
	curlevel = GetCurrentTransactionNestLevel();
	foreach(lc, ts_conn_cache_entries())
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		if (entry->conn == NULL || entry->xact_depth < curlevel)
			continue;
		if (event == SUBXACT_EVENT_PRE_COMMIT_SUB)
		{
			check_usable(entry);
			exec_xact_command(entry, psprintf("RELEASE SAVEPOINT s%d", curlevel));
		}
		else if (!entry->changing_xact_state && !entry->conn->busy &&
				 ts_conn_is_ok(entry->conn))
		{
			TsRemoteError err;
			char	   *sql = psprintf("ROLLBACK TO SAVEPOINT s%d; RELEASE SAVEPOINT s%d",
									   curlevel, curlevel);

			entry->changing_xact_state = true;
			if (ts_conn_exec_ok(entry->conn, sql,
								ts_deadline_after_ms(CLEANUP_TIMEOUT_MS), &err))
				entry->changing_xact_state = false;
		}
		else
		{
			/* Unknown state: the whole remote transaction is lost. */
			entry->changing_xact_state = true;
			/* Whoever owned the command in flight is gone with the subtransaction. */
			entry->conn->release_cb = NULL;
		}
		entry->xact_depth = curlevel - 1;
	}
}

void
ts_remote_txn_register_callbacks(void)
{
	if (callbacks_registered)
		return;
	RegisterXactCallback(remote_xact_callback, NULL);
	RegisterSubXactCallback(remote_subxact_callback, NULL);
	callbacks_registered = true;
}
