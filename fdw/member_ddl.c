/*-------------------------------------------------------------------------
 * member_ddl.c — DDL on a data node's member hypertables.
 *
 * A member hypertable (and everything that belongs to it: its indexes,
 * triggers, constraints, and its partitions, which are the time slices and
 * the chunks) changes only through its access node, so that every data node
 * of a distributed hypertable stays alike.  DDL from any other session is
 * refused, unless timeshard.enable_client_ddl_on_data_nodes is on.  The
 * access node's sessions announce themselves with
 * timeshard_internal.set_peer_dist_id().
 *
 * When the access node renames a member hypertable, moves it to another
 * schema or renames one of its dimension columns, the node's catalog
 * follows.  timeshard_internal.copy_table_privileges() gives a partition
 * the hypertable's owner and privileges (create_chunk and
 * sync_chunk_privileges in the install script use it).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/objectaccess.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "commands/tablecmds.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "catalog/hypertable.h"
#include "catalog/metadata.h"
#include "chunk.h"
#include "ddl.h"
#include "guc.h"
#include "member_ddl.h"

/* Set by set_peer_dist_id() in a data node's sessions from its access node. */
static bool session_from_access_node = false;

static Oid
relid_of(RangeVar *rv)
{
	return rv ? RangeVarGetRelid(rv, NoLock, true) : InvalidOid;
}

static TsHypertable *
member(Oid relid)
{
	TsHypertable *ht = OidIsValid(relid) ? ts_hypertable_get(relid) : NULL;

	return (ht != NULL && ht->replication_factor < 0) ? ht : NULL;
}

/*
 * The member hypertable that a relation belongs to: the relation itself, the
 * table of an index, or the root of a partition tree (a chunk, a time
 * slice, or one of their indexes).  NULL for anything else.
 */
static TsHypertable *
owning_member(Oid relid)
{
	char		relkind;

	if (!OidIsValid(relid))
		return NULL;
	relkind = get_rel_relkind(relid);
	if (relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX)
		relid = IndexGetRelation(relid, true);
	if (OidIsValid(relid) && get_rel_relispartition(relid))
		relid = llast_oid(get_partition_ancestors(relid));
	return member(relid);
}

/* The table of an object named by a DROP or a list: all names but the last. */
static Oid
table_of_object(List *names)
{
	if (list_length(names) < 2)
		return InvalidOid;
	return RangeVarGetRelid(makeRangeVarFromNameList(list_truncate(list_copy(names),
																  list_length(names) - 1)),
							NoLock, true);
}

/* Every relation (table, index, partition) that the statement changes. */
static List *
statement_relations(Node *parsetree)
{
	List	   *relids = NIL;
	ListCell   *lc;

	switch (nodeTag(parsetree))
	{
		case T_AlterTableStmt:
			relids = list_make1_oid(relid_of(((AlterTableStmt *) parsetree)->relation));
			break;
		case T_IndexStmt:
			relids = list_make1_oid(relid_of(((IndexStmt *) parsetree)->relation));
			break;
		case T_CreateTrigStmt:
			relids = list_make1_oid(relid_of(((CreateTrigStmt *) parsetree)->relation));
			break;
		case T_RenameStmt:
			/* Tables, columns, constraints, indexes, triggers, ... */
			relids = list_make1_oid(relid_of(((RenameStmt *) parsetree)->relation));
			break;
		case T_AlterObjectSchemaStmt:
			relids = list_make1_oid(relid_of(((AlterObjectSchemaStmt *) parsetree)->relation));
			break;
		case T_TruncateStmt:
			foreach(lc, ((TruncateStmt *) parsetree)->relations)
				relids = lappend_oid(relids, relid_of((RangeVar *) lfirst(lc)));
			break;
		case T_DropStmt:
			{
				DropStmt   *stmt = (DropStmt *) parsetree;

				foreach(lc, stmt->objects)
				{
					List	   *names = (List *) lfirst(lc);

					if (stmt->removeType == OBJECT_TABLE || stmt->removeType == OBJECT_INDEX)
						relids = lappend_oid(relids,
											 relid_of(makeRangeVarFromNameList(names)));
					else if (stmt->removeType == OBJECT_TRIGGER ||
							 stmt->removeType == OBJECT_RULE ||
							 stmt->removeType == OBJECT_POLICY)
						relids = lappend_oid(relids, table_of_object(names));
				}
			}
			break;
		case T_GrantStmt:
			{
				GrantStmt  *stmt = (GrantStmt *) parsetree;

				if (stmt->objtype == OBJECT_TABLE && stmt->targtype == ACL_TARGET_OBJECT)
					foreach(lc, stmt->objects)
						relids = lappend_oid(relids, relid_of((RangeVar *) lfirst(lc)));
			}
			break;
		default:
			break;
	}
	return relids;
}

/* Refuse DDL on member hypertables from anyone but the access node. */
static void
check_member_ddl(Node *parsetree)
{
	ListCell   *lc;

	if (session_from_access_node || ts_guc_enable_client_ddl_on_data_nodes)
		return;
	foreach(lc, statement_relations(parsetree))
	{
		if (owning_member(lfirst_oid(lc)) != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("operation is blocked on a distributed hypertable member"),
					 errdetail("This operation should be executed on the access node."),
					 errhint("Set timeshard.enable_client_ddl_on_data_nodes to TRUE, if you know what you are doing.")));
	}
}

/* The table a statement renames, moves, or renames a column of. */
static Oid
renamed_relation(Node *parsetree)
{
	if (IsA(parsetree, RenameStmt))
	{
		RenameStmt *stmt = (RenameStmt *) parsetree;

		if (stmt->renameType == OBJECT_TABLE || stmt->renameType == OBJECT_COLUMN)
			return relid_of(stmt->relation);
	}
	else if (IsA(parsetree, AlterObjectSchemaStmt))
	{
		AlterObjectSchemaStmt *stmt = (AlterObjectSchemaStmt *) parsetree;

		if (stmt->objectType == OBJECT_TABLE)
			return relid_of(stmt->relation);
	}
	return InvalidOid;
}

/*
 * A utility statement on a data node.  Refuses DDL on member hypertables
 * that does not come from the access node; runs renames of member
 * hypertables itself, and makes the catalog follow.  Returns true when it
 * ran the statement.
 */
bool
ts_member_ddl_process(TsUtilityCall *call)
{
	Node	   *parsetree = call->pstmt->utilityStmt;
	Oid			relid;
	TsHypertable *ht;

	check_member_ddl(parsetree);
	relid = renamed_relation(parsetree);
	/*
	 * Read the hypertable before the statement runs: afterwards its catalog
	 * row names a table or a column that no longer exists.  The statement
	 * invalidates the cache entry, whose memory lasts until the end of the
	 * transaction.
	 */
	ht = member(relid);
	if (ht == NULL)
		return false;
	ts_utility_run(call);
	CommandCounterIncrement();

	if (IsA(parsetree, RenameStmt) && ((RenameStmt *) parsetree)->renameType == OBJECT_COLUMN)
	{
		RenameStmt *stmt = (RenameStmt *) parsetree;

		if (ts_ddl_is_partitioning_column(ht, stmt->subname))
			ts_ddl_catalog_rename_dimension(ht, stmt->subname, stmt->newname);
	}
	else
		ts_ddl_catalog_rename(ht, relid);
	return true;
}

PG_FUNCTION_INFO_V1(set_peer_dist_id);

/*
 * set_peer_dist_id(uuid): the access node's sessions say who they are; DDL
 * on member hypertables is then allowed in this session.
 */
Datum
set_peer_dist_id(PG_FUNCTION_ARGS)
{
	char	   *given = PG_ARGISNULL(0) ? NULL
		: DatumGetCString(DirectFunctionCall1(uuid_out, PG_GETARG_DATUM(0)));
	char	   *dist = ts_metadata_get(TS_METADATA_DIST_UUID);

	session_from_access_node = given != NULL && dist != NULL && strcmp(given, dist) == 0;
	PG_RETURN_BOOL(session_from_access_node);
}

PG_FUNCTION_INFO_V1(copy_table_privileges);

/*
 * copy_table_privileges(source regclass, target regclass): give target the
 * owner and the privileges of source, exactly (an ACL entry's grantor
 * included, which GRANT cannot set), and record the shared dependencies on
 * the owner and the grantees, as ALTER TABLE ... OWNER TO and GRANT do.
 * For the partitions of a member hypertable, which carry the hypertable's
 * owner and privileges.  The caller must own target; no one has EXECUTE:
 * the install script's SECURITY DEFINER functions call it after their own
 * checks.
 */
Datum
copy_table_privileges(PG_FUNCTION_ARGS)
{
	Oid			source = PG_GETARG_OID(0);
	Oid			target = PG_GETARG_OID(1);
	Oid			owner;
	HeapTuple	source_tuple;
	HeapTuple	tuple;
	HeapTuple	new_tuple;
	Relation	pg_class_rel;
	Datum		acl;
	bool		acl_null;
	Datum		old_acl;
	bool		old_acl_null;
	Datum		values[Natts_pg_class] = {0};
	bool		nulls[Natts_pg_class] = {0};
	bool		replace[Natts_pg_class] = {0};
	Oid		   *old_members = NULL;
	Oid		   *new_members = NULL;
	int			n_old;
	int			n_new;

	if (get_rel_name(target) == NULL || get_rel_name(source) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist",
						get_rel_name(target) == NULL ? target : source)));
	LockRelationOid(target, AccessExclusiveLock);
	if (!pg_class_ownercheck(target, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, get_relkind_objtype(get_rel_relkind(target)),
					   get_rel_name(target));

	owner = ts_rel_owner(source);
	if (ts_rel_owner(target) != owner)
	{
		ATExecChangeOwner(target, owner, true, AccessExclusiveLock);
		CommandCounterIncrement();
	}

	source_tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(source));
	if (!HeapTupleIsValid(source_tuple))
		elog(ERROR, "cache lookup failed for relation %u", source);
	acl = SysCacheGetAttr(RELOID, source_tuple, Anum_pg_class_relacl, &acl_null);

	pg_class_rel = table_open(RelationRelationId, RowExclusiveLock);
	tuple = SearchSysCacheCopy1(RELOID, ObjectIdGetDatum(target));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", target);
	old_acl = heap_getattr(tuple, Anum_pg_class_relacl, RelationGetDescr(pg_class_rel),
						   &old_acl_null);

	replace[Anum_pg_class_relacl - 1] = true;
	nulls[Anum_pg_class_relacl - 1] = acl_null;
	values[Anum_pg_class_relacl - 1] = acl;
	new_tuple = heap_modify_tuple(tuple, RelationGetDescr(pg_class_rel), values, nulls, replace);
	CatalogTupleUpdate(pg_class_rel, &new_tuple->t_self, new_tuple);

	n_old = old_acl_null ? 0 : aclmembers(DatumGetAclP(old_acl), &old_members);
	n_new = acl_null ? 0 : aclmembers(DatumGetAclP(acl), &new_members);
	updateAclDependencies(RelationRelationId, target, 0, owner,
						  n_old, old_members, n_new, new_members);

	ReleaseSysCache(source_tuple);
	table_close(pg_class_rel, RowExclusiveLock);
	InvokeObjectPostAlterHook(RelationRelationId, target, 0);
	CommandCounterIncrement();
	PG_RETURN_VOID();
}
