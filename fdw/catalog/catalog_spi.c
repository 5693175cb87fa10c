/*-------------------------------------------------------------------------
 * catalog_spi.c — SPI access to timeshard's catalog tables.
 *
 * The tables in timeshard_catalog grant nothing to PUBLIC: nobody may read a
 * user mapping's job, add a row that runs as someone else, or rewrite the
 * placement of chunks.  timeshard's own code reads and writes them on behalf
 * of any user, so it switches to the bootstrap superuser for the length of an
 * SPI session (like a SECURITY DEFINER function would), with every name in
 * its queries schema-qualified and the search path narrowed to pg_catalog
 * (so that no object of the caller's schemas runs with those rights).  An
 * error restores the user and the path: transaction abort resets them.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "executor/spi.h"
#include "miscadmin.h"

#include "catalog/catalog_spi.h"
#include "catalog/namespace.h"
#include "deparse.h"

void
ts_catalog_spi_connect(TsCatalogSpi *state)
{
	GetUserIdAndSecContext(&state->saved_userid, &state->saved_sec_context);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID,
						   state->saved_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	/*
	 * Nothing of the caller's search_path: an operator or function of a
	 * schema the caller controls would otherwise run with our rights.
	 */
	ts_push_catalog_search_path();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

void
ts_catalog_spi_finish(TsCatalogSpi *state)
{
	SPI_finish();
	PopOverrideSearchPath();
	SetUserIdAndSecContext(state->saved_userid, state->saved_sec_context);
}
