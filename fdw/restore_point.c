/*-------------------------------------------------------------------------
 * restore_point.c — create_distributed_restore_point(): one named restore
 * point on the access node and on every data node, consistent with the
 * distributed transactions.
 *
 * Commits that wrote on data nodes hold a lock on the commit-record table
 * from before their PREPAREs until after their COMMIT PREPAREDs (the
 * record insert, or the one-phase commit, takes it).  Taking that table in
 * EXCLUSIVE mode therefore waits for the commits in flight and holds back
 * new ones while the points are made: no distributed transaction is
 * committed on one side of the points and not on the other.  (One whose
 * COMMIT PREPARED failed is committed on the access node and prepared on
 * the node: recovery to the points replays its commit record, and the
 * resolver then finishes it on the node.)
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xlog.h"
#include "access/xlog_internal.h"
#include "catalog/pg_foreign_server.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/pg_lsn.h"

#include "catalog/metadata.h"
#include "data_node.h"
#include "guc.h"
#include "remote/txn.h"

PG_FUNCTION_INFO_V1(create_distributed_restore_point);

static void
check_can_create(const char *name)
{
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be superuser to create restore point"),
				 errhint("Ask a superuser to run create_distributed_restore_point().")));
	if (strlen(name) >= MAXFNAMELEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("restore point name is too long"),
				 errdetail("Maximum length is %d characters.", MAXFNAMELEN - 1)));
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("recovery is in progress"),
				 errhint("WAL control functions cannot be executed during recovery.")));
	if (!XLogIsNeeded())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("WAL level '%s' is not sufficient for creating a restore point",
						GetConfigOptionByName("wal_level", NULL, false)),
				 errhint("Set wal_level to \"replica\" or \"logical\" at server start.")));
	if (!ts_guc_enable_2pc)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("two-phase commit transactions are not enabled"),
				 errhint("Set timeshard.enable_2pc to TRUE.")));
	if (ts_metadata_role() != TS_ROLE_ACCESS_NODE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("distributed restore point must be created on the access node"),
				 errhint("Connect to the access node and create the restore point there.")));
}

Datum
create_distributed_restore_point(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	List	   *nodes;
	ListCell   *lc;
	XLogRecPtr	lsn;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	check_can_create(name);
	nodes = ts_data_node_list();
	foreach(lc, nodes)
	{
		if (!((TsDataNode *) lfirst(lc))->available)
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_EXCEPTION),
					 errmsg("some data nodes are not available"),
					 errdetail("Data node \"%s\" is marked unavailable.",
							   ((TsDataNode *) lfirst(lc))->name),
					 errhint("Bring it back and mark it available with alter_data_node().")));
	}
	InitMaterializedSRF(fcinfo, 0);

	/* No distributed commit in flight while the points are made. */
	LockRelationOid(ts_remote_txn_relid(), ExclusiveLock);
	LockRelationOid(ForeignServerRelationId, ExclusiveLock);

	lsn = XLogRestorePoint(name);
	values[0] = (Datum) 0;
	nulls[0] = true;
	values[1] = CStringGetTextDatum("access_node");
	values[2] = LSNGetDatum(lsn);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);

	foreach(lc, nodes)
	{
		TsDataNode *node = (TsDataNode *) lfirst(lc);
		TsConnection *conn = ts_remote_txn_connection(node->serverid, GetUserId(), false);
		TsRemoteError err;
		PGresult   *res = ts_conn_exec(conn,
									   psprintf("SELECT pg_catalog.pg_create_restore_point(%s)",
												quote_literal_cstr(name)),
									   0, NULL, TS_NO_DEADLINE, &err);

		if (res == NULL)
			ts_remote_error_report(&err, ERROR);
		nulls[0] = false;
		values[0] = DirectFunctionCall1(namein, CStringGetDatum(node->name));
		values[1] = CStringGetTextDatum("data_node");
		values[2] = DirectFunctionCall1(pg_lsn_in, CStringGetDatum(PQgetvalue(res, 0, 0)));
		PQclear(res);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
