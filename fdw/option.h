/*-------------------------------------------------------------------------
 * option.h — options of timeshard_fdw objects (option.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_OPTION_H
#define TIMESHARD_OPTION_H

/*
 * Set while timeshard itself creates a chunk's foreign table: users cannot
 * create foreign tables on a data node's server by hand.
 */
extern bool ts_option_creating_chunk;

#endif							/* TIMESHARD_OPTION_H */
