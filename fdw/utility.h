/*-------------------------------------------------------------------------
 * utility.h — timeshard's ProcessUtility hook (utility.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_UTILITY_H
#define TIMESHARD_UTILITY_H

extern void ts_utility_hook_install(void);

#endif							/* TIMESHARD_UTILITY_H */
