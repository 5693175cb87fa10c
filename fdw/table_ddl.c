/*-------------------------------------------------------------------------
 * table_ddl.c — the statements that make a table's twin on a data node:
 * the member hypertable of a distributed hypertable.
 *
 * The twin has the same schema, name, columns, collations, defaults,
 * generated columns, CHECK/UNIQUE/PRIMARY KEY constraints, indexes,
 * triggers (with their functions), owner and privileges, and is natively
 * partitioned by range of the time column.  Defaults that draw from a
 * sequence and identity columns are left out: rows get those values on the
 * access node before they travel.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "catalog/namespace.h"

#include "deparse.h"

#include "table_ddl.h"

/*
 * A statement that creates the schema unless it exists, without the NOTICE
 * of CREATE SCHEMA IF NOT EXISTS.
 */
char *
ts_create_schema_if_missing_sql(const char *schema)
{
	char	   *create = psprintf("CREATE SCHEMA %s", quote_identifier(schema));

	/* The body as a quoted literal: no name can end it early. */
	return psprintf("DO %s",
					quote_literal_cstr(psprintf("BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace "
												"WHERE nspname = %s) THEN EXECUTE %s; END IF; END",
												quote_literal_cstr(schema),
												quote_literal_cstr(create))));
}

static char *
spi_text(uint64 row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

static void
query(const char *sql, Oid relid)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	/* Not read-only: see what this transaction just did (indexes, NOT NULL). */
	if (SPI_execute_with_args(sql, 1, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the definition of relation %u", relid);
}

/*
 * The statements, in order, as a list of strings allocated in the caller's
 * memory context.  Runs catalog queries with the caller's rights (the
 * caller owns the table).
 */
List *
ts_table_ddl_for_member(Oid relid, const char *time_column)
{
	MemoryContext caller = CurrentMemoryContext;
	char	   *schema = get_namespace_name(get_rel_namespace(relid));
	char	   *qualified = psprintf("%s.%s", quote_identifier(schema),
									 quote_identifier(get_rel_name(relid)));
	StringInfoData create;
	List	   *pre = NIL;
	List	   *post = NIL;
	bool		first = true;

	initStringInfo(&create);
	appendStringInfo(&create, "CREATE TABLE %s (", qualified);
	pre = lappend(pre, ts_create_schema_if_missing_sql(schema));

	SPI_connect();
	/* Names come out schema-qualified unless they are in pg_catalog. */
	ts_push_catalog_search_path();

	/* Columns. */
	query("SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
		  "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attgenerated, "
		  "CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN "
		  "(SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.collname) "
		  " FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace "
		  " WHERE c.oid = a.attcollation) END, "
		  "d.adbin IS NOT NULL AND pg_catalog.pg_get_expr(d.adbin, d.adrelid) ~ 'nextval\\(' "
		  "FROM pg_catalog.pg_attribute a "
		  "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
		  "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
		  "WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", relid);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *generated = spi_text(i, 5);
		char	   *defexpr = spi_text(i, 4);
		char	   *collation = spi_text(i, 6);
		bool		from_sequence = strcmp(spi_text(i, 7), "t") == 0;

		appendStringInfo(&create, "%s%s %s", first ? "" : ", ",
						 quote_identifier(spi_text(i, 1)), spi_text(i, 2));
		if (collation != NULL)
			appendStringInfo(&create, " COLLATE %s", collation);
		if (generated != NULL && generated[0] == 's')
			appendStringInfo(&create, " GENERATED ALWAYS AS (%s) STORED", defexpr);
		else if (defexpr != NULL && !from_sequence)
			appendStringInfo(&create, " DEFAULT %s", defexpr);
		if (strcmp(spi_text(i, 3), "t") == 0)
			appendStringInfoString(&create, " NOT NULL");
		first = false;
	}

	/* Constraints (foreign keys are refused by the caller). */
	query("SELECT pg_catalog.quote_ident(conname), pg_catalog.pg_get_constraintdef(oid) "
		  "FROM pg_catalog.pg_constraint WHERE conrelid = $1 AND contype IN ('c', 'u', 'p') "
		  "ORDER BY contype, conname", relid);
	for (uint64 i = 0; i < SPI_processed; i++)
		appendStringInfo(&create, ", CONSTRAINT %s %s", spi_text(i, 1), spi_text(i, 2));
	appendStringInfo(&create, ") PARTITION BY RANGE (%s)", quote_identifier(time_column));

	/* Indexes that no constraint owns. */
	query("SELECT pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i "
		  "WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c "
		  "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid) "
		  "ORDER BY i.indexrelid", relid);
	for (uint64 i = 0; i < SPI_processed; i++)
		post = lappend(post, spi_text(i, 1));

	/* Owner and privileges (the roles must exist on the node). */
	query("SELECT pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(relowner)) "
		  "FROM pg_catalog.pg_class WHERE oid = $1", relid);
	post = lappend(post, psprintf("ALTER TABLE %s OWNER TO %s", qualified, spi_text(0, 1)));
	query("SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "
		  "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, a.is_grantable "
		  "FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a "
		  "WHERE c.oid = $1 AND a.grantee <> c.relowner ORDER BY 2, 1", relid);
	for (uint64 i = 0; i < SPI_processed; i++)
		post = lappend(post, psprintf("GRANT %s ON %s TO %s%s", spi_text(i, 1), qualified,
									  spi_text(i, 2),
									  strcmp(spi_text(i, 3), "t") == 0 ? " WITH GRANT OPTION" : ""));

	/* Triggers, with their functions. */
	query("SELECT pg_catalog.pg_get_functiondef(t.tgfoid), pg_catalog.pg_get_triggerdef(t.oid) "
		  "FROM pg_catalog.pg_trigger t WHERE t.tgrelid = $1 AND NOT t.tgisinternal "
		  "ORDER BY t.tgname", relid);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		post = lappend(post, spi_text(i, 1));
		post = lappend(post, spi_text(i, 2));
	}

	/* Copy the strings out of SPI's memory. */
	{
		MemoryContext spi = MemoryContextSwitchTo(caller);
		List	   *result = NIL;
		ListCell   *lc;

		foreach(lc, pre)
			result = lappend(result, pstrdup((char *) lfirst(lc)));
		result = lappend(result, pstrdup(create.data));
		foreach(lc, post)
			result = lappend(result, pstrdup((char *) lfirst(lc)));
		MemoryContextSwitchTo(spi);
		PopOverrideSearchPath();
		SPI_finish();
		return result;
	}
}
