/*-------------------------------------------------------------------------
 * catalog_spi.h — SPI access to timeshard's own catalog tables, with the
 * rights of the bootstrap superuser (catalog_spi.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_CATALOG_SPI_H
#define TIMESHARD_CATALOG_SPI_H

typedef struct TsCatalogSpi
{
	Oid			saved_userid;
	int			saved_sec_context;
} TsCatalogSpi;

extern void ts_catalog_spi_connect(TsCatalogSpi *state);
extern void ts_catalog_spi_finish(TsCatalogSpi *state);

#endif							/* TIMESHARD_CATALOG_SPI_H */
