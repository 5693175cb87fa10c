/*-------------------------------------------------------------------------
 * txn.c — remote transactions that live and die with the local one.
 *
 * The first time a local transaction uses a data node (as a given user), a
 * remote transaction opens on that connection: REPEATABLE READ, so that the
 * statements of one local command share a snapshot (SERIALIZABLE when the
 * local transaction is), READ ONLY when the local one is.  Local
 * subtransactions are mirrored as savepoints s<level>, opened lazily.
 *
 * At local pre-commit, remote transactions that wrote are prepared and one
 * commit record per prepared transaction is written in the local
 * transaction (two-phase commit, presumed abort: see docs/transactions.md);
 * those that only read commit in one phase.  After the local commit, COMMIT
 * PREPARED goes to every node; what fails then is left to the resolver
 * (resolve.c).  On local abort every remote transaction is rolled back; a
 * connection in an unknown state (a command still running, a BEGIN/COMMIT
 * cut short) is closed instead, so it is never reused half-way.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "lib/stringinfo.h"
#include "utils/memutils.h"

#include "catalog/catalog_spi.h"
#include "executor/spi.h"
#include "data_node.h"
#include "fault.h"
#include "guc.h"
#include "remote/cache.h"
#include "remote/gid.h"
#include "remote/txn.h"
#include "storage/lmgr.h"
#include "utils/snapmgr.h"
#include "catalog/namespace.h"
#include "utils/lsyscache.h"
#include "timeshard.h"

/* How long a rollback or a savepoint cleanup may take on one node. */
#define CLEANUP_TIMEOUT_MS 5000

static bool callbacks_registered = false;

static int	list_position(List *list, void *elem);

/* "SET TimeZone = ..." making the node's TimeZone ours. */
static char *
timezone_sql(TsConnCacheEntry *entry)
{
	return psprintf("SET TimeZone = %s",
					quote_literal_cstr(pg_get_timezone_name(session_timezone)));
}

/* Remember that the node's TimeZone is ours now. */
static void
note_timezone(TsConnCacheEntry *entry)
{
	const char *tz = pg_get_timezone_name(session_timezone);

	if (entry->conn->timezone_sent)
		pfree(entry->conn->timezone_sent);
	entry->conn->timezone_sent = MemoryContextStrdup(TopMemoryContext, tz);
}

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
	return ts_remote_txn_connection_try(serverid, userid, write, NULL);
}

/*
 * The same; but when err is not NULL and the node cannot be reached, NULL
 * with *err filled instead of an error (the caller uses another node).
 */
TsConnection *
ts_remote_txn_connection_try(Oid serverid, Oid userid, bool write, TsRemoteError *err)
{
	TsConnCacheEntry *entry;
	int			curlevel = GetCurrentTransactionNestLevel();

	if (!callbacks_registered)
		ts_remote_txn_register_callbacks();

	entry = ts_conn_cache_get_ext(serverid, userid, err);
	if (entry->conn == NULL)
		return NULL;
	check_usable(entry);

	if (entry->xact_depth <= 0)
	{
		const char *sql = IsolationIsSerializable()
			? "START TRANSACTION ISOLATION LEVEL SERIALIZABLE"
			: "START TRANSACTION ISOLATION LEVEL REPEATABLE READ";
		TsRemoteError start_err;

		if (XactReadOnly)
			sql = psprintf("%s READ ONLY", sql);
		/*
		 * A cached connection to a node that died since looks fine until
		 * used: the first command finds out.  Soft callers then get NULL
		 * (their caller uses another node); the connection is dropped.
		 */
		if (err != NULL)
		{
			sql = psprintf("%s; %s", timezone_sql(entry), sql);
			entry->changing_xact_state = true;
			if (!ts_conn_exec_ok(entry->conn, sql, TS_NO_DEADLINE, &start_err))
			{
				if (start_err.connection_lost)
				{
					ts_data_node_note_failure(entry->node_name);
					ts_conn_cache_disconnect(entry);
					entry->changing_xact_state = false;
					*err = start_err;
					return NULL;
				}
				ts_remote_error_report(&start_err, ERROR);
			}
			entry->changing_xact_state = false;
			note_timezone(entry);
		}
		else
		{
			sync_timezone(entry);
			exec_xact_command(entry, sql);
		}
		entry->xact_depth = 1;
		entry->wrote = false;
	}
	else
		sync_timezone(entry);
	while (entry->xact_depth < curlevel)
	{
		exec_xact_command(entry, psprintf("SAVEPOINT s%d", entry->xact_depth + 1));
		entry->xact_depth++;
	}
	if (write)
	{
		entry->wrote = true;
		/* Read now (a statement runs) what the commit will need. */
		(void) ts_gid_prefix();
	}
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
 * Send each entry its command, then read every answer, so that the nodes
 * work at the same time.  Entries whose command succeeded are returned;
 * the first failure is copied to *first_err (false if none).  After the
 * first answer, the fault point fault_first is checked.
 */
static List *
run_on_all(List *entries, List *sqls, TimestampTz deadline, const char *fault_first,
		   bool *failed, TsRemoteError *first_err, TsFaultAction *fault)
{
	List	   *sent = NIL;
	List	   *done = NIL;
	ListCell   *lc;
	bool		first = true;

	*failed = false;
	foreach(lc, entries)
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);
		TsRemoteError err;

		entry->changing_xact_state = true;
		if (entry->conn != NULL && ts_conn_is_ok(entry->conn) && !entry->conn->busy &&
			ts_conn_send(entry->conn, list_nth(sqls, foreach_current_index(lc)), 0, NULL, &err))
			sent = lappend(sent, entry);
		else if (!*failed)
		{
			if (entry->conn == NULL || !ts_conn_is_ok(entry->conn) || entry->conn->busy)
				ts_remote_error_set(&err, entry->node_name, ERRCODE_CONNECTION_EXCEPTION, NULL,
									"connection to data node \"%s\" was lost", entry->node_name);
			*first_err = err;
			*failed = true;
		}
	}
	foreach(lc, sent)
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);
		TsRemoteError err;
		const char *sql = list_nth(sqls, list_position(entries, entry));
		PGresult   *res = ts_conn_get_result(entry->conn, deadline, sql, &err);

		if (res != NULL)
		{
			PQclear(res);
			entry->changing_xact_state = false;
			done = lappend(done, entry);
		}
		else if (!*failed)
		{
			*first_err = err;
			*failed = true;
		}
		if (first && fault_first != NULL)
		{
			TsFaultAction action = ts_fault_at(fault_first, entry->conn);

			if (fault != NULL)
				*fault = action;
		}
		first = false;
	}
	return done;
}

static int
list_position(List *list, void *elem)
{
	ListCell   *lc;

	foreach(lc, list)
	{
		if (lfirst(lc) == elem)
			return foreach_current_index(lc);
	}
	return -1;
}

static List *
same_command(List *entries, const char *sql)
{
	List	   *sqls = NIL;

	for (int i = 0; i < list_length(entries); i++)
		sqls = lappend(sqls, (char *) sql);
	return sqls;
}

/*
 * Commit remote transactions in one phase: send COMMIT everywhere, then
 * read every answer.  The first failure is raised after all answers are in.
 */
static void
commit_one_phase(List *entries)
{
	TsRemoteError first_err;
	bool		failed;
	List	   *done;
	ListCell   *lc;

	foreach(lc, entries)
		check_usable((TsConnCacheEntry *) lfirst(lc));
	done = run_on_all(entries, same_command(entries, "COMMIT TRANSACTION"), TS_NO_DEADLINE, NULL,
					  &failed, &first_err, NULL);
	foreach(lc, done)
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		entry->xact_depth = 0;
		entry->wrote = false;
	}
	if (failed)
		ts_remote_error_report(&first_err, ERROR);
}

/* Fail a step of the protocol before the local commit, when a test says so. */
static void
fault_before_commit(const char *point, TsConnection *conn)
{
	if (ts_fault_at(point, conn) == TS_FAULT_ERROR)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("fault injected at %s", point)));
}

/*
 * One commit record per transaction to prepare, in the local transaction
 * (invisible until it commits), flushed to disk before any PREPARE: after a
 * crash the local transaction id in the GIDs is then known to be past (never
 * handed out again, never taken for a running one).
 */
static void
insert_commit_records(List *entries, List *gids)
{
	StringInfoData sql;
	TsCatalogSpi spi;
	ListCell   *lc;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "INSERT INTO timeshard_catalog.remote_txn (gid, node_name) VALUES ");
	foreach(lc, entries)
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		appendStringInfo(&sql, "%s(%s, %s)", foreach_current_index(lc) > 0 ? ", " : "",
						 quote_literal_cstr(list_nth(gids, foreach_current_index(lc))),
						 quote_literal_cstr(entry->node_name));
	}
	PushActiveSnapshot(GetTransactionSnapshot());
	ts_catalog_spi_connect(&spi);
	if (SPI_execute(sql.data, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not write the commit records of the distributed transaction");
	ts_catalog_spi_finish(&spi);
	PopActiveSnapshot();
	XLogFlush(XactLastRecEnd);
}

/* The table of commit records (restore points lock it). */
Oid
ts_remote_txn_relid(void)
{
	Oid			nsp = get_namespace_oid(TS_CATALOG_SCHEMA, false);
	Oid			relid = get_relname_relid("remote_txn", nsp);

	if (!OidIsValid(relid))
		elog(ERROR, "table %s.remote_txn is missing", TS_CATALOG_SCHEMA);
	return relid;
}

/*
 * Pre-commit: every remote transaction that wrote is prepared (two-phase
 * commit, presumed abort), the commit records are written, and the local
 * commit that follows is the decision.  Remote transactions that only read
 * commit in one phase.  One phase also serves a transaction that wrote on a
 * single node and wrote nothing here (nothing here can fail after it), and
 * every transaction when timeshard.enable_2pc is off.
 */
static void
pre_commit(void)
{
	List	   *entries = open_entries();
	List	   *writers = NIL;
	List	   *readers = NIL;
	List	   *sqls = NIL;
	List	   *gids = NIL;
	List	   *prepared;
	TsRemoteError first_err;
	bool		failed;
	TsFaultAction fault = TS_FAULT_NONE;
	FullTransactionId fxid;
	ListCell   *lc;

	foreach(lc, entries)
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		/* A reader whose node went away has nothing to commit. */
		if (!entry->wrote && !entry->changing_xact_state &&
			(entry->conn == NULL || !ts_conn_is_ok(entry->conn)))
		{
			ts_conn_cache_disconnect(entry);
			entry->xact_depth = 0;
			continue;
		}
		check_usable(entry);
		if (entry->wrote)
			writers = lappend(writers, entry);
		else
			readers = lappend(readers, entry);
	}
	if (!ts_guc_enable_2pc || writers == NIL ||
		(list_length(writers) == 1 && !FullTransactionIdIsValid(GetTopFullTransactionIdIfAny())))
	{
		/* Interlock with restore points, as the commit records do. */
		if (writers != NIL)
			LockRelationOid(ts_remote_txn_relid(), RowExclusiveLock);
		commit_one_phase(entries);
		return;
	}

	fxid = GetTopFullTransactionId();
	foreach(lc, writers)
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		gids = lappend(gids, ts_gid_make(fxid, entry->key.serverid, entry->key.userid));
		sqls = lappend(sqls, psprintf("PREPARE TRANSACTION %s", quote_literal_cstr(llast(gids))));
	}
	fault_before_commit("before_prepare", ((TsConnCacheEntry *) linitial(writers))->conn);
	insert_commit_records(writers, gids);
	fault_before_commit("after_commit_record", ((TsConnCacheEntry *) linitial(writers))->conn);
	prepared = run_on_all(writers, sqls, TS_NO_DEADLINE, "after_prepare_first", &failed, &first_err,
						  &fault);
	/*
	 * Only what was prepared is finished on abort (ROLLBACK PREPARED); what
	 * failed to prepare was rolled back by its node, and what is unknown
	 * (the connection broke) is the resolver's.
	 */
	foreach(lc, prepared)
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		entry->prepared_gid = MemoryContextStrdup(TopMemoryContext,
												  list_nth(gids, list_position(writers, entry)));
		entry->xact_depth = 0;
	}
	if (failed)
		ts_remote_error_report(&first_err, ERROR);
	if (fault == TS_FAULT_ERROR)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("fault injected at after_prepare_first")));
	fault_before_commit("after_prepare", ((TsConnCacheEntry *) linitial(writers))->conn);

	/* The decision must survive a crash even with synchronous_commit off. */
	ForceSyncCommit();
	commit_one_phase(readers);
}

/*
 * After the local commit: COMMIT PREPARED everywhere.  Nothing may fail
 * here (the transaction is committed): a node that does not answer is a
 * WARNING, and the resolver finishes its transaction.
 */
static void
commit_prepared(void)
{
	List	   *entries = NIL;
	List	   *sqls = NIL;
	TsRemoteError first_err;
	bool		failed;
	ListCell   *lc;

	foreach(lc, ts_conn_cache_entries())
	{
		TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

		if (entry->prepared_gid != NULL)
		{
			entries = lappend(entries, entry);
			sqls = lappend(sqls, psprintf("COMMIT PREPARED %s",
										  quote_literal_cstr(entry->prepared_gid)));
		}
	}
	if (entries == NIL)
		return;
	HOLD_INTERRUPTS();
	if (ts_fault_at("after_local_commit", ((TsConnCacheEntry *) linitial(entries))->conn) ==
		TS_FAULT_ERROR)
		ereport(WARNING,
				(errmsg("fault injected at after_local_commit: COMMIT PREPARED not sent")));
	else
	{
		TsFaultAction fault = TS_FAULT_NONE;
		List	   *done = run_on_all(entries, sqls, ts_deadline_after_ms(CLEANUP_TIMEOUT_MS),
									  "after_commit_prepared_first", &failed, &first_err, &fault);

		foreach(lc, entries)
		{
			TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

			if (!list_member_ptr(done, entry))
				ereport(WARNING,
						(errcode(ERRCODE_CONNECTION_EXCEPTION),
						 errmsg("could not commit prepared transaction on data node \"%s\"",
								entry->node_name),
						 errdetail("The transaction is committed; the data node will get its part "
								   "when the resolver runs (transaction %s).", entry->prepared_gid),
						 errhint("It happens by itself every timeshard.txn_resolve_interval, or run "
								 "remote_txn_heal_data_node(%s).",
								 quote_literal_cstr(entry->node_name))));
		}
		if (fault == TS_FAULT_ERROR)
			ereport(WARNING,
					(errmsg("fault injected at after_commit_prepared_first")));
		if (ts_fault_at("after_commit_prepared", ((TsConnCacheEntry *) linitial(entries))->conn) ==
			TS_FAULT_ERROR)
			ereport(WARNING,
					(errmsg("fault injected at after_commit_prepared")));
	}
	RESUME_INTERRUPTS();
}

/* On abort: prepared ones are rolled back, or left to the resolver. */
static void
rollback_prepared(TsConnCacheEntry *entry)
{
	TsRemoteError err;

	if (entry->conn == NULL || entry->changing_xact_state || entry->conn->busy ||
		!ts_conn_is_ok(entry->conn) ||
		!ts_conn_exec_ok(entry->conn, psprintf("ROLLBACK PREPARED %s",
											   quote_literal_cstr(entry->prepared_gid)),
						 ts_deadline_after_ms(CLEANUP_TIMEOUT_MS), &err))
	{
		ereport(WARNING,
				(errcode(ERRCODE_CONNECTION_EXCEPTION),
				 errmsg("could not roll back prepared transaction on data node \"%s\"",
						entry->node_name),
				 errdetail("The resolver rolls it back (transaction %s).", entry->prepared_gid)));
		if (entry->conn != NULL)
			ts_conn_cache_disconnect(entry);
	}
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
		if (entry->prepared_gid != NULL)
			pfree(entry->prepared_gid);
		entry->prepared_gid = NULL;
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
			pre_commit();
			break;
		case XACT_EVENT_PRE_PREPARE:
			if (ts_remote_txn_wrote_any())
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot prepare a transaction that modified remote tables"),
						 errdetail("The transaction changed data on data nodes; timeshard commits those together with the local transaction, which PREPARE TRANSACTION would split.")));
			commit_one_phase(open_entries());
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			{
				List	   *entries = NIL;
				TsFaultAction fault;

				foreach(lc, ts_conn_cache_entries())
				{
					TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

					if (entry->prepared_gid != NULL ||
						(entry->conn != NULL && (entry->xact_depth > 0 || entry->changing_xact_state)))
						entries = lappend(entries, entry);
				}
				fault = entries != NIL
					? ts_fault_at("during_abort", ((TsConnCacheEntry *) linitial(entries))->conn)
					: TS_FAULT_NONE;
				if (fault == TS_FAULT_ERROR)
					ereport(WARNING,
							(errmsg("fault injected at during_abort: remote transactions left to the resolver")));
				foreach(lc, entries)
				{
					TsConnCacheEntry *entry = (TsConnCacheEntry *) lfirst(lc);

					if (fault == TS_FAULT_ERROR)
						ts_conn_cache_disconnect(entry);
					else if (entry->prepared_gid != NULL)
						rollback_prepared(entry);
					else
						abort_entry(entry);
				}
				end_of_xact_cleanup();
			}
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			commit_prepared();
			end_of_xact_cleanup();
			break;
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
		else if (!entry->changing_xact_state && ts_conn_is_ok(entry->conn) &&
				 (!entry->conn->busy ||
				  ts_conn_cancel(entry->conn, ts_deadline_after_ms(CLEANUP_TIMEOUT_MS))))
		{
			/* (a command still running was cancelled: the savepoint undoes it) */
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
