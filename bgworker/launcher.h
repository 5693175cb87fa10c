/*-------------------------------------------------------------------------
 * launcher.h — the timeshard launcher (launcher.c).
 *-------------------------------------------------------------------------
 */
#ifndef TIMESHARD_LAUNCHER_H
#define TIMESHARD_LAUNCHER_H

extern void ts_launcher_register(void);

/* Entry point named in the launcher's registration. */
extern PGDLLEXPORT void timeshard_launcher_main(Datum main_arg);

#endif							/* TIMESHARD_LAUNCHER_H */
