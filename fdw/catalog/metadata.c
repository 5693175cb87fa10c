/*-------------------------------------------------------------------------
 * metadata.c — read and write timeshard_catalog.metadata.
 *
 * Keys: "uuid" (this installation, made by the install script), "role"
 * (access_node or data_node) and "dist_uuid" (the distributed database this
 * installation belongs to: the access node's uuid).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "catalog/catalog_spi.h"
#include "catalog/metadata.h"

char *
ts_metadata_get(const char *key)
{
	TsCatalogSpi spi;
	Oid			types[1] = {NAMEOID};
	Datum		values[1];
	char	   *result = NULL;

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(key));
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("SELECT value FROM timeshard_catalog.metadata WHERE key = $1",
							  1, types, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read timeshard metadata");
	if (SPI_processed > 0)
	{
		char	   *value = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		result = value ? SPI_palloc(strlen(value) + 1) : NULL;
		if (result)
			strcpy(result, value);
	}
	ts_catalog_spi_finish(&spi);
	return result;
}

void
ts_metadata_set(const char *key, const char *value)
{
	TsCatalogSpi spi;
	Oid			types[2] = {NAMEOID, TEXTOID};
	Datum		values[2];

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(key));
	values[1] = CStringGetTextDatum(value);
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("INSERT INTO timeshard_catalog.metadata (key, value) VALUES ($1, $2) "
							  "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
							  2, types, values, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not write timeshard metadata");
	ts_catalog_spi_finish(&spi);
}

void
ts_metadata_delete(const char *key)
{
	TsCatalogSpi spi;
	Oid			types[1] = {NAMEOID};
	Datum		values[1];

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(key));
	ts_catalog_spi_connect(&spi);
	if (SPI_execute_with_args("DELETE FROM timeshard_catalog.metadata WHERE key = $1",
							  1, types, values, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not write timeshard metadata");
	ts_catalog_spi_finish(&spi);
}

TsNodeRole
ts_metadata_role(void)
{
	char	   *role = ts_metadata_get(TS_METADATA_ROLE);

	if (role == NULL)
		return TS_ROLE_NONE;
	if (strcmp(role, "access_node") == 0)
		return TS_ROLE_ACCESS_NODE;
	if (strcmp(role, "data_node") == 0)
		return TS_ROLE_DATA_NODE;
	return TS_ROLE_NONE;
}

char *
ts_metadata_uuid(void)
{
	char	   *uuid = ts_metadata_get(TS_METADATA_UUID);

	if (uuid == NULL)
		elog(ERROR, "timeshard installation has no uuid");
	return uuid;
}
