/*-------------------------------------------------------------------------
 * timeshard.h — names shared by every part of the extension.
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_H
#define TIMESHARD_H

#define TS_EXTENSION_NAME "timeshard"
#define TS_FDW_NAME "timeshard_fdw"
#define TS_CATALOG_SCHEMA "timeshard_catalog"
#define TS_INTERNAL_SCHEMA "timeshard_internal"
#define TS_INFORMATION_SCHEMA "timeshard_information"

/* Was the library loaded through shared_preload_libraries? (timeshard.c) */
extern bool ts_loaded_at_preload;

#endif							/* TIMESHARD_H */
