/*-------------------------------------------------------------------------
 * planner.h — timeshard's planner hook (planner.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_PLANNER_H
#define TIMESHARD_PLANNER_H

extern void ts_planner_hook_install(void);

#endif							/* TIMESHARD_PLANNER_H */
